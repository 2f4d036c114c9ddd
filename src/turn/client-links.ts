// ClientLink implementations for the two client transports turn-server.ts listens on.
import type { Socket as TcpSocket } from 'node:net';
import type { SendQueue } from '../net/index.js';
import type { ClientLink } from './links.js';

/**
 * A UDP client 5-tuple. The server reuses one of these per datagram (address and port
 * reassigned) and the core keeps a copy (keep()) only when an allocation is made, so an
 * unknown source costs no state.
 */
export class UdpClientLink implements ClientLink {
  readonly transport = 'udp';
  readonly stream = false;
  constructor(readonly queue: SendQueue, public address: string, public port: number, public family: 4 | 6) {}
  acquire(size: number): Buffer | undefined {
    return size <= this.queue.slotSize ? this.queue.acquire() : undefined;
  }
  commit(length: number): void {
    this.queue.commit(length, this.port, this.address);
  }
  keep(): ClientLink {
    return new UdpClientLink(this.queue, this.address, this.port, this.family);
  }
}

/**
 * A TCP (or TLS) connection. socket.write keeps a reference to what it is given until the
 * kernel took it, so each message gets its own buffer (Buffer.allocUnsafe: a slice of
 * Node's pool for small sizes). Past `maxBacklog` unsent bytes messages are dropped, not
 * queued. Writes within one event-loop turn are corked and leave as one writev (one
 * syscall, and over TLS one record instead of one per message).
 */
export class TcpClientLink implements ClientLink {
  readonly transport = 'tcp';
  readonly stream = true;
  #out: Buffer | null = null;
  #corked = false;
  readonly #uncork = (): void => { this.#corked = false; if (!this.socket.destroyed) this.socket.uncork(); };
  constructor(readonly socket: TcpSocket, readonly address: string, readonly port: number, readonly family: 4 | 6, readonly maxBacklog: number) {}
  acquire(size: number): Buffer | undefined {
    if (this.socket.destroyed || this.socket.writableLength > this.maxBacklog) return undefined;
    this.#out = Buffer.allocUnsafe(size);
    return this.#out;
  }
  commit(length: number): void {
    const out = this.#out;
    this.#out = null;
    if (!out || this.socket.destroyed) return;
    if (!this.#corked) { this.#corked = true; this.socket.cork(); process.nextTick(this.#uncork); }
    this.socket.write(out.subarray(0, length));
  }
  keep(): ClientLink {
    return this;
  }
}
