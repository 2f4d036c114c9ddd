// Relay sockets: one UDP socket per allocation bound on the server host, on a port from
// a configured range (0-0 = any ephemeral port). Sends go through src/net's SendQueue
// (flushed once per event-loop turn, slots reused only after dgram is done with them).
import { createSocket, type Socket } from 'node:dgram';
import { SendQueue, createSendTarget } from '../net/index.js';
import type { PeerPacketHandler, RelayFactory, RelayHandle } from './links.js';

export interface UdpRelayOptions {
  /** Address the relay sockets bind to (one per family). */
  host4?: string;
  host6?: string;
  /** Address put in XOR-RELAYED-ADDRESS when it differs from the bind address (NAT, 0.0.0.0). */
  announced4?: string;
  announced6?: string;
  /** Port range, inclusive; 0 and 0 = kernel-chosen ephemeral ports. */
  portMin: number;
  portMax: number;
  /** Send slots per relay socket (packets queued or in flight). */
  sendSlots: number;
  /** Bytes per send slot: the largest relayed payload. */
  slotSize: number;
}

/** Bind attempts per allocation before giving up with 508 (bounded work per request). */
const MAX_BIND_ATTEMPTS = 32;

class UdpRelay implements RelayHandle {
  #closed = false;
  constructor(
    readonly socket: Socket,
    readonly queue: SendQueue,
    readonly address: string,
    readonly port: number,
    readonly family: 4 | 6,
  ) {}

  send(buf: Buffer, off: number, len: number, port: number, address: string): boolean {
    if (this.#closed) return false;
    return this.queue.enqueue(buf, off, len, port, address);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.queue.close();
    try { this.socket.close(); } catch { /* already closed */ }
  }
}

export class UdpRelayFactory implements RelayFactory {
  readonly #opts: UdpRelayOptions;
  #next = 0;

  constructor(opts: UdpRelayOptions) {
    this.#opts = opts;
    const span = opts.portMax - opts.portMin + 1;
    this.#next = span > 0 ? Math.floor(Math.random() * span) : 0;
  }

  async open(family: 4 | 6, evenPort: boolean, onPacket: PeerPacketHandler): Promise<RelayHandle | null> {
    const o = this.#opts;
    const host = family === 4 ? o.host4 ?? '127.0.0.1' : o.host6 ?? '::1';
    const announced = (family === 4 ? o.announced4 : o.announced6) ?? host;
    const span = o.portMax - o.portMin + 1;
    const ranged = o.portMin > 0 && span > 0;
    const attempts = ranged ? Math.min(span, MAX_BIND_ATTEMPTS) : MAX_BIND_ATTEMPTS;
    for (let i = 0; i < attempts; i++) {
      let port = 0;
      if (ranged) {
        port = o.portMin + (this.#next++ % span);
        if (evenPort && port & 1) port = port + 1 <= o.portMax ? port + 1 : o.portMin + (o.portMin & 1);
      }
      const socket = await bind(family, host, port);
      if (!socket) continue;
      const bound = socket.address().port;
      if (evenPort && bound & 1) { socket.close(); continue; }
      const queue = new SendQueue(createSendTarget(socket).target, { slots: o.sendSlots, slotSize: o.slotSize });
      const relay = new UdpRelay(socket, queue, announced, bound, family);
      socket.on('message', (msg, rinfo) => onPacket(msg, msg.length, rinfo.address, rinfo.port));
      socket.on('error', () => relay.close());
      return relay;
    }
    return null;
  }
}

function bind(family: 4 | 6, host: string, port: number): Promise<Socket | null> {
  return new Promise((resolve) => {
    const s = createSocket({ type: family === 4 ? 'udp4' : 'udp6', reuseAddr: false });
    const fail = (): void => { try { s.close(); } catch { /* never bound */ } resolve(null); };
    s.once('error', fail);
    s.bind({ port, address: host, exclusive: true }, () => { s.off('error', fail); resolve(s); });
  });
}
