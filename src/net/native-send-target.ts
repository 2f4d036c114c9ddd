// The worker socket's batched send target: the SendQueue's slots leave in sendmmsg(2)
// calls through the udp_send addon, on the fd libuv already owns for the dgram socket.
// Single sends (and every send before the socket is bound, when there is no fd yet) go
// through dgram as before. Addresses are parsed once and cached as packed sockaddrs, so
// a commit only copies 28 bytes and writes the port.
import type { Socket } from 'node:dgram';
import type { BatchSendTarget, SendTarget } from './send-queue.js';
import { loadUdpSendAddon, selectSendBackend, type SendBackend, type UdpSendAddon } from './native/udp-send-addon.js';

/** Distinct remote addresses kept parsed; past it the cache starts over (no unbounded growth). */
const ADDRESS_CACHE_MAX = 4096;

type DgramState = { handle: { fd?: unknown } | null };

export class NativeSendTarget implements BatchSendTarget {
  readonly sockaddrSize: number;
  readonly maxBatch: number;
  readonly #addon: UdpSendAddon;
  readonly #socket: Socket;
  readonly #v6: boolean;
  readonly #cache = new Map<string, Buffer>();
  readonly #unsendable: Buffer;
  readonly #stateKey: symbol | undefined;
  #fd = -1;

  constructor(socket: Socket, addon: UdpSendAddon) {
    this.#addon = addon;
    this.#socket = socket;
    this.#v6 = (socket as unknown as { type?: string }).type === 'udp6'; // set by createSocket, untyped
    this.sockaddrSize = addon.SOCKADDR_SIZE;
    this.maxBatch = addon.MAX_BATCH;
    this.#unsendable = Buffer.alloc(addon.SOCKADDR_SIZE);
    // Socket.prototype._handle is deprecated (DEP0112, a warning on first use); the same
    // handle sits under dgram's state symbol.
    this.#stateKey = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  }

  send(buf: Uint8Array, offset: number, length: number, port: number, address: string, cb: (err: Error | null) => void): void {
    this.#socket.send(buf, offset, length, port, address, cb);
  }

  /** True when the socket is bound and open (it has an fd); reads the fd for sendBatch. */
  ready(): boolean {
    const state = this.#stateKey ? ((this.#socket as unknown as Record<symbol, DgramState>)[this.#stateKey]) : undefined;
    const fd = state?.handle?.fd;
    this.#fd = typeof fd === 'number' && fd >= 0 ? fd : -1;
    return this.#fd >= 0;
  }

  /** The fd `ready()` last read; -1 when the socket had none. */
  get fd(): number {
    return this.#fd;
  }

  writeAddress(out: Buffer, offset: number, address: string, port: number): boolean {
    let packed = this.#cache.get(address);
    if (packed === undefined) {
      // Once per new remote address, not per packet.
      packed = Buffer.alloc(this.sockaddrSize);
      if (!this.#addon.packAddress(packed, 0, address, this.#v6)) packed = this.#unsendable;
      if (this.#cache.size >= ADDRESS_CACHE_MAX) this.#cache.clear();
      this.#cache.set(address, packed);
    }
    if (packed === this.#unsendable || !(port > 0 && port < 65536 && (port | 0) === port)) {
      out.fill(0, offset, offset + this.sockaddrSize); // family 0: the addon refuses the slot
      return false;
    }
    out.set(packed, offset);
    out[offset + 2] = port >>> 8; // sin_port / sin6_port, network order, same offset in both
    out[offset + 3] = port & 0xff;
    return true;
  }

  sendBatch(slab: Buffer, offsets: Int32Array, lens: Int32Array, addrs: Buffer, first: number, count: number): number {
    return this.#addon.sendBatch(this.#fd, slab, offsets, lens, addrs, first, count);
  }

  isBlocked(errno: number): boolean {
    const a = this.#addon;
    return errno === -a.EAGAIN || errno === -a.EWOULDBLOCK || errno === -a.ENOBUFS;
  }
}

/** The send target for a worker socket: native when available (or asked for), else the socket. */
export function createSendTarget(socket: Socket, requested?: SendBackend): { target: SendTarget; backend: SendBackend } {
  const backend = selectSendBackend(requested);
  const addon = backend === 'native' ? loadUdpSendAddon() : undefined;
  if (addon === undefined) return { target: socket, backend: 'dgram' };
  return { target: new NativeSendTarget(socket, addon), backend };
}
