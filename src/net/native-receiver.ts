// The worker socket's batched receive: recvmmsg(2) into preallocated slots through the
// udp_recv addon, one JavaScript call per batch (not per datagram), the clock read once
// per batch. Peer addresses arrive as 20-byte records and are turned into the strings
// the tuple table is keyed by through a cache, so a known peer costs no allocation.
import type { Socket } from 'node:dgram';
import type { UdpSendAddon } from './native/udp-send-addon.js';

export type DatagramSink = (msg: Buffer, len: number, address: string, port: number, family: 4 | 6, nowMs: number) => void;

/** Distinct peer addresses kept named; past it the cache starts over. */
const NAME_CACHE_MAX = 4096;

type RecvAddon = Required<Pick<UdpSendAddon, 'recvStart' | 'recvStop' | 'addressName'>>;
type DgramState = { handle: { fd?: unknown; recvStop?: () => number; recvStart?: () => number } | null };

export function dgramHandle(socket: Socket): DgramState['handle'] {
  const key = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  return key ? (socket as unknown as Record<symbol, DgramState>)[key].handle : null;
}

export interface NativeReceiverStats {
  batches: number;
  datagrams: number;
  /** Larger than a slot: cut by the kernel, dropped here. */
  truncated: number;
}

export class NativeReceiver {
  readonly stats: NativeReceiverStats = { batches: 0, datagrams: 0, truncated: 0 };
  readonly #addon: RecvAddon;
  readonly #slots: Buffer[] = [];
  readonly #lens: Int32Array;
  readonly #addrs: Buffer;
  readonly #record: number;
  readonly #v4 = new Map<number, string>();
  readonly #v6 = new Map<number, { bytes: Buffer; name: string }>();
  readonly #sink: DatagramSink;
  readonly #now: () => number;
  #handle: unknown;

  /** Whether this addon build can receive (an older build had only sendBatch). */
  static supported(addon: UdpSendAddon | undefined): boolean {
    return !!addon && typeof addon.recvStart === 'function' && typeof addon.recvStop === 'function' && typeof addon.addressName === 'function';
  }

  /**
   * Takes over reading `socket` (bound): its dgram reading stops, recvmmsg starts.
   * Throws when the socket has no fd or the addon cannot receive.
   */
  constructor(addon: UdpSendAddon, socket: Socket, sink: DatagramSink, now: () => number, slotSize = 2048) {
    if (!NativeReceiver.supported(addon)) throw new Error('udp_recv: this addon build has no recvStart');
    this.#addon = addon as RecvAddon;
    this.#sink = sink;
    this.#now = now;
    const slots = addon.RECV_MAX_BATCH ?? 64;
    this.#record = addon.ADDR_RECORD ?? 20;
    const slab = Buffer.allocUnsafeSlow(slots * slotSize);
    for (let i = 0; i < slots; i++) this.#slots.push(slab.subarray(i * slotSize, (i + 1) * slotSize));
    this.#lens = new Int32Array(slots);
    this.#addrs = Buffer.alloc(slots * this.#record);
    const handle = dgramHandle(socket);
    const fd = handle?.fd;
    if (typeof fd !== 'number' || fd < 0 || typeof handle?.recvStop !== 'function') throw new Error('udp_recv: socket is not bound (no fd)');
    this.#handle = this.#addon.recvStart(fd, slab, slotSize, this.#lens, this.#addrs, this.#onBatch);
    handle.recvStop(); // from now on only recvmmsg reads this socket
  }

  readonly #onBatch = (count: number): void => {
    const nowMs = this.#now();
    const stats = this.stats;
    stats.batches++;
    const addrs = this.#addrs;
    for (let k = 0; k < count; k++) {
      const len = this.#lens[k];
      const at = k * this.#record;
      const family = addrs[at];
      if (len < 0 || (family !== 4 && family !== 6)) {
        stats.truncated++;
        continue;
      }
      stats.datagrams++;
      const port = (addrs[at + 2] << 8) | addrs[at + 3];
      const address = family === 4 ? this.#nameV4(at) : this.#nameV6(at);
      try {
        this.#sink(this.#slots[k], len, address, port, family, nowMs);
      } catch {
        // The sink (UdpMux.receive) never throws; a batch must not be lost if one did.
      }
    }
  };

  #nameV4(at: number): string {
    const a = this.#addrs;
    const key = ((a[at + 4] << 24) | (a[at + 5] << 16) | (a[at + 6] << 8) | a[at + 7]) >>> 0;
    let name = this.#v4.get(key);
    if (name === undefined) {
      name = this.#addon.addressName(a, at) ?? '';
      if (this.#v4.size >= NAME_CACHE_MAX) this.#v4.clear();
      this.#v4.set(key, name);
    }
    return name;
  }

  #nameV6(at: number): string {
    const a = this.#addrs;
    let h = 0x811c9dc5; // FNV-1a over the 16 address bytes: a key without a string
    for (let i = at + 4; i < at + 20; i++) h = Math.imul(h ^ a[i], 0x01000193) >>> 0;
    const hit = this.#v6.get(h);
    if (hit !== undefined && a.compare(hit.bytes, 0, 16, at + 4, at + 20) === 0) return hit.name;
    const name = this.#addon.addressName(a, at) ?? '';
    if (this.#v6.size >= NAME_CACHE_MAX) this.#v6.clear();
    this.#v6.set(h, { bytes: Buffer.from(a.subarray(at + 4, at + 20)), name });
    return name;
  }

  /** Stops receiving (idempotent); the socket can then be closed. */
  stop(): void {
    if (this.#handle === undefined) return;
    this.#addon.recvStop(this.#handle);
    this.#handle = undefined;
  }
}
