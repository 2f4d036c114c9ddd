// One accepted ICE-TCP connection (RFC 6544, we are the passive side). Receives through
// an RFC 4571 framer; sends through a bounded set of output chunks: packets are framed
// into the current chunk during the event-loop turn and written once per turn, and a
// chunk is reused only after the socket reported it written. When every chunk is queued
// (the peer does not read), packets are dropped and counted: user-space memory per
// connection never exceeds chunks x chunkSize.
import type { Socket } from 'node:net';
import { Rfc4571Framer, writeFrameHeader } from './rfc4571-framer.js';
import type { SendPath } from './send-path.js';
import type { MuxPeer } from './udp-mux.js';

export interface TcpLinkStats {
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Packets dropped because the output chunks were full (back-pressure) or the link closed. */
  sendDropped: number;
}

export interface TcpLinkLimits {
  maxFrame: number;
  chunkSize: number;
  maxChunks: number;
}

const SLOT_SIZE = 1536;

export class TcpLink implements SendPath {
  readonly slotSize = SLOT_SIZE;
  readonly framer: Rfc4571Framer;
  readonly stats: TcpLinkStats = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, sendDropped: 0 };
  /** The transport this connection was authenticated for; undefined until a valid check. */
  peer: MuxPeer | undefined;
  timer: NodeJS.Timeout | undefined;
  closed = false;
  readonly #slot = Buffer.allocUnsafe(SLOT_SIZE);
  readonly #free: Buffer[] = [];
  readonly #sealed: Buffer[] = [];
  readonly #sealedLen: number[] = [];
  #cur: Buffer | null = null;
  #curLen = 0;
  #chunks = 0; // allocated so far (<= maxChunks)
  #scheduled = false;
  readonly #flushBound = (): void => this.flush();

  constructor(
    readonly socket: Socket,
    readonly address: string,
    readonly port: number,
    readonly family: 4 | 6,
    onFrame: (link: TcpLink, buf: Buffer, len: number) => void,
    readonly limits: TcpLinkLimits,
  ) {
    this.framer = new Rfc4571Framer((buf, len) => onFrame(this, buf, len), limits.maxFrame);
  }

  // ---- SendPath ----

  acquire(): Buffer | undefined {
    if (this.closed || !this.#room()) {
      this.stats.sendDropped++;
      return undefined;
    }
    return this.#slot;
  }

  commit(length: number): void {
    const c = this.#cur!;
    writeFrameHeader(c, this.#curLen, length);
    this.#slot.copy(c, this.#curLen + 2, 0, length);
    this.#curLen += 2 + length;
    this.stats.framesOut++;
    this.stats.bytesOut += length;
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flushBound);
    }
  }

  enqueue(src: Buffer, offset: number, length: number): boolean {
    if (length > SLOT_SIZE || this.acquire() === undefined) {
      if (length > SLOT_SIZE) this.stats.sendDropped++;
      return false;
    }
    src.copy(this.#slot, 0, offset, offset + length);
    this.commit(length);
    return true;
  }

  /** Makes sure the current chunk has room for one more framed slot. */
  #room(): boolean {
    const need = 2 + SLOT_SIZE;
    if (this.#cur !== null && this.#curLen + need <= this.#cur.length) return true;
    if (this.#cur !== null) {
      if (this.#curLen > 0) { this.#sealed.push(this.#cur); this.#sealedLen.push(this.#curLen); }
      else this.#free.push(this.#cur);
      this.#cur = null;
      this.#curLen = 0;
    }
    let next = this.#free.pop();
    if (next === undefined && this.#chunks < this.limits.maxChunks) {
      this.#chunks++;
      next = Buffer.allocUnsafe(Math.max(this.limits.chunkSize, need));
    }
    if (next === undefined) return false;
    this.#cur = next;
    return true;
  }

  /** Writes what was framed this turn (sealed chunks first, then the current one). */
  flush(): void {
    this.#scheduled = false;
    if (this.closed) return;
    if (this.#cur !== null && this.#curLen > 0) {
      this.#sealed.push(this.#cur);
      this.#sealedLen.push(this.#curLen);
      this.#cur = null;
      this.#curLen = 0;
    }
    while (this.#sealed.length > 0) {
      const c = this.#sealed.shift()!;
      const n = this.#sealedLen.shift()!;
      // The socket holds `c` until written; it comes back to the free list only then.
      this.socket.write(c.subarray(0, n), () => { if (!this.closed) this.#free.push(c); });
    }
  }

  /** Chunks written to the socket but not yet reported written (back-pressure gauge). */
  get chunksInFlight(): number {
    return this.#chunks - this.#free.length - (this.#cur !== null ? 1 : 0) - this.#sealed.length;
  }

  /** Idempotent: forgets buffers, destroys the socket. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.framer.reset();
    this.#free.length = 0;
    this.#sealed.length = 0;
    this.#sealedLen.length = 0;
    this.#cur = null;
    this.socket.destroy();
  }
}
