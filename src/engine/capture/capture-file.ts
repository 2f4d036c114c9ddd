// A pcapng file written from a media worker without blocking it: records are copied into
// fixed 256 KiB blocks; full blocks are written with async fs.write, one at a time. The
// memory is bounded (maxBufferBytes); when every block is full or in flight the record is
// dropped and counted, never the packet path stalled. Interface 0 carries what the
// server received (decrypted), interface 1 what it sent (before encryption).
import { openSync, write, close as closeFd } from 'node:fs';
import { PcapngWriter, LinkType, UdpFlow } from '../../pcap/index.js';

const BLOCK = 256 * 1024;
/** pcapng interface ids of a capture. */
export const CAPTURE_IF_IN = 0;
export const CAPTURE_IF_OUT = 1;

export interface CaptureFileOptions {
  /** Upper bound on buffered, not yet written bytes. Default 8 MiB (at least one block). */
  maxBufferBytes?: number;
  /** Bytes of each packet kept. Default 65535. */
  snapLen?: number;
}

export interface CaptureFileStats {
  path: string;
  /** Records accepted into the buffer. */
  packets: number;
  /** Records dropped because the buffer was full. */
  dropped: number;
  /** Bytes written to the file. */
  bytesWritten: number;
}

export class CaptureFile {
  readonly path: string;
  readonly #fd: number;
  readonly #writer: PcapngWriter;
  readonly #maxBlocks: number;
  readonly #free: Buffer[] = [];
  readonly #full: { b: Buffer; n: number }[] = [];
  #cur: Buffer;
  #curLen = 0;
  #blocks = 1;
  #writing = false;
  #closed = false;
  #onDrained: (() => void) | undefined;
  #error: Error | undefined;
  #ready = false; // the header blocks are not packets
  packets = 0;
  dropped = 0;
  bytesWritten = 0;

  constructor(path: string, opts: CaptureFileOptions = {}) {
    this.path = path;
    this.#maxBlocks = Math.max(1, Math.floor((opts.maxBufferBytes ?? 8 << 20) / BLOCK));
    this.#fd = openSync(path, 'w');
    this.#cur = Buffer.allocUnsafe(BLOCK);
    const snapLen = opts.snapLen ?? 65535;
    this.#writer = new PcapngWriter(this.#sink, {
      application: 'switchboard capture tap',
      interfaces: [
        { linkType: LinkType.ETHERNET, tsResolution: 'ns', snapLen, name: 'in (decrypted)' },
        { linkType: LinkType.ETHERNET, tsResolution: 'ns', snapLen, name: 'out (before encryption)' },
      ],
    });
    this.#ready = true;
  }

  /** Records one UDP payload; `wallMs` is ms since 1970 (sub-ms precision kept). */
  writeUdp(ifId: number, wallMs: number, flow: UdpFlow, buf: Uint8Array, off: number, len: number): void {
    if (this.#closed) return;
    const sec = Math.floor(wallMs / 1000);
    const ns = Math.floor((wallMs - sec * 1000) * 1e6);
    this.#writer.writeUdpFlowNs(sec, ns, flow, buf, off, len, ifId);
  }

  // Header blocks and records arrive here as one chunk each; copy or drop.
  readonly #sink = (c: Uint8Array): void => {
    if (c.length > BLOCK) { this.dropped++; return; }
    if (this.#curLen + c.length > BLOCK && !this.#rotate()) { this.dropped++; return; }
    this.#cur.set(c, this.#curLen);
    this.#curLen += c.length;
    if (this.#ready) this.packets++;
    if (this.#curLen >= BLOCK - 2048) this.#rotate();
  };

  /** Queues the current block for writing and takes a fresh one; false when none is free. */
  #rotate(): boolean {
    if (this.#curLen === 0) return true;
    let next = this.#free.pop();
    if (next === undefined) {
      if (this.#blocks >= this.#maxBlocks) return false;
      next = Buffer.allocUnsafe(BLOCK);
      this.#blocks++;
    }
    this.#full.push({ b: this.#cur, n: this.#curLen });
    this.#cur = next;
    this.#curLen = 0;
    this.#pump();
    return true;
  }

  /** Pushes buffered records towards the file (call periodically; cheap when idle). */
  flush(): void {
    if (this.#curLen > 0) this.#rotate();
  }

  #pump(): void {
    if (this.#writing) return;
    const item = this.#full.shift();
    if (item === undefined) { this.#onDrained?.(); return; }
    this.#writing = true;
    this.#writeAll(item.b, 0, item.n, () => {
      this.#writing = false;
      this.#free.push(item.b);
      this.#pump();
    });
  }

  #writeAll(b: Buffer, off: number, n: number, done: () => void): void {
    write(this.#fd, b, off, n - off, null, (err, w) => {
      if (err) { this.#error ??= err; done(); return; }
      this.bytesWritten += w;
      if (off + w < n) this.#writeAll(b, off + w, n, done);
      else done();
    });
  }

  get stats(): CaptureFileStats {
    return { path: this.path, packets: this.packets, dropped: this.dropped, bytesWritten: this.bytesWritten };
  }

  /** Writes what is buffered, closes the file; resolves with the final counts. Idempotent. */
  close(): Promise<CaptureFileStats> {
    if (this.#closed) return Promise.resolve(this.stats);
    this.flush();
    this.#closed = true;
    return new Promise((resolve, reject) => {
      const finish = (): void => {
        this.#onDrained = undefined;
        closeFd(this.#fd, () => (this.#error ? reject(this.#error) : resolve(this.stats)));
      };
      if (!this.#writing && this.#full.length === 0) finish();
      else this.#onDrained = finish;
    });
  }
}
