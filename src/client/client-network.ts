// The UDP side of many synthetic clients in one thread: one DTLS certificate, one timer
// that drives every transport's ICE checks/consent and DTLS retransmissions, and one
// that paces every publisher.
//
// Sockets: ONE UdpMux (socket) PER CLIENT TRANSPORT. Why not share: a client transport
// claims its remote candidate's address:port on the mux (responses and media come from
// there), and the server has one port per worker — a participant's publisher and
// subscriber transports, and every participant in a room, talk to the same server
// address:port, so two transports on one socket could not tell their datagrams apart.
// Each socket gets a small send queue (32 slots) so hundreds of them stay cheap.
import { generateCertificate, type DtlsCertificate } from '../dtls/index.js';
import { UdpMux } from '../net/index.js';
import { WebRtcTransport, type WebRtcTransportOptions } from '../transport/index.js';
import type { OpusSender } from './opus-sender.js';

export interface ClientNetworkOptions {
  /** Local address to bind. Default 127.0.0.1. */
  host?: string;
  certificate?: DtlsCertificate;
  /** ICE/DTLS timer, ms. Default 20. */
  tickMs?: number;
  /** Publisher pacing timer, ms. Default 1. */
  paceMs?: number;
  /** Send slots per socket. Default 32 (a client transport queues a few packets per turn). */
  sendSlots?: number;
  /**
   * SO_RCVBUF per socket, bytes (capped by net.core.rmem_max). Default 1 MiB: a loaded
   * machine can stall a thread for 100+ ms, and the kernel charges each small datagram
   * ~2 KB, so the 208 KiB default holds only ~100 packets. Memory is used only when full.
   */
  recvBufferSize?: number;
}

export class ClientNetwork {
  readonly certificate: DtlsCertificate;
  readonly host: string;
  readonly #transports = new Set<WebRtcTransport>();
  readonly #senders = new Set<OpusSender>();
  readonly #reporters = new Set<(nowMs: number) => void>();
  readonly #tickers = new Set<(nowMs: number) => void>();
  #lastReportMs = 0;
  readonly #sendSlots: number;
  readonly #recvBufferSize: number;
  readonly #ports = new Set<number>();
  readonly #muxPorts = new Map<UdpMux, number>();
  readonly #tick: NodeJS.Timeout;
  readonly #pace: NodeJS.Timeout;
  #sockets = 0;
  #closed = false;

  constructor(o: ClientNetworkOptions = {}) {
    this.certificate = o.certificate ?? generateCertificate();
    this.host = o.host ?? '127.0.0.1';
    this.#sendSlots = o.sendSlots ?? 32;
    this.#recvBufferSize = o.recvBufferSize ?? 1 << 20;
    this.#tick = setInterval(() => {
      const now = performance.now();
      for (const t of this.#transports) t.tick(now);
      for (const f of this.#tickers) f(now);
      if (now - this.#lastReportMs >= 1000) {
        this.#lastReportMs = now;
        for (const r of this.#reporters) r(now);
      }
    }, o.tickMs ?? 20);
    this.#pace = setInterval(() => {
      const now = performance.now();
      for (const s of this.#senders) if (now >= s.nextDueMs) s.poll(now);
    }, o.paceMs ?? 1);
  }

  get socketCount(): number { return this.#sockets; }
  get transportCount(): number { return this.#transports.size; }
  /** Local ports of the open sockets. */
  get ports(): number[] { return [...this.#ports]; }

  /** A bound socket for one transport (its port goes into our SDP before the transport exists). */
  async openSocket(): Promise<UdpMux> {
    if (this.#closed) throw new Error('client network closed');
    const mux = new UdpMux({ host: this.host, sendQueue: { slots: this.#sendSlots } });
    const port = await mux.listen();
    try { mux.socket.setRecvBufferSize(this.#recvBufferSize); } catch { /* above rmem_max: keep the default */ }
    this.#sockets++;
    this.#ports.add(port);
    this.#muxPorts.set(mux, port);
    return mux;
  }

  /** Closes a socket from openSocket (a transport's socket closes with the transport). */
  closeSocket(mux: UdpMux): void {
    const port = this.#muxPorts.get(mux);
    if (port !== undefined) {
      this.#muxPorts.delete(mux);
      this.#sockets--;
      this.#ports.delete(port);
    }
    mux.close();
  }

  /** A client-role transport on its own socket; closing the transport closes the socket. */
  createTransport(mux: UdpMux, opts: Omit<WebRtcTransportOptions, 'mux' | 'certificate' | 'release'>): WebRtcTransport {
    const t = new WebRtcTransport({
      iceRole: 'controlling',
      ...opts,
      mux,
      certificate: this.certificate,
      release: (x) => {
        this.#transports.delete(x);
        this.closeSocket(mux);
      },
    });
    this.#transports.add(t);
    return t;
  }

  /** Called every tick (~20 ms; TWCC feedback). */
  addTicker(fn: (nowMs: number) => void): void { this.#tickers.add(fn); }
  removeTicker(fn: (nowMs: number) => void): void { this.#tickers.delete(fn); }

  /** Called about once a second (RTCP sender/receiver reports). */
  addReporter(fn: (nowMs: number) => void): void { this.#reporters.add(fn); }
  removeReporter(fn: (nowMs: number) => void): void { this.#reporters.delete(fn); }

  addSender(s: OpusSender): void { this.#senders.add(s); }
  removeSender(s: OpusSender): void { this.#senders.delete(s); }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#tick);
    clearInterval(this.#pace);
    for (const t of [...this.#transports]) t.close();
    for (const m of [...this.#muxPorts.keys()]) this.closeSocket(m);
    this.#senders.clear();
    this.#reporters.clear();
    this.#tickers.clear();
  }
}
