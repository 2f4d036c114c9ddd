// All WebRTC transports of one worker socket. A datagram from an unknown address is
// claimed only by a STUN binding request whose USERNAME names one of our transports'
// ufrags and whose MESSAGE-INTEGRITY verifies with that transport's password; one timer
// drives every transport's DTLS retransmissions and ICE consent. The ICE-TCP listener
// (when enabled) uses the same claim before it attaches a connection to a transport.
// An ICE restart maps the transport's new ufrag too; the old one is unmapped when the
// transport retires it (new path nominated, or the grace period ended).
import { TcpMux, UdpMux, type ClaimHandler, type TcpMuxOptions, type UdpMuxOptions } from '../net/index.js';
import { readLocalUfrag } from '../stun/index.js';
import type { DtlsCertificate } from '../dtls/index.js';
import { WebRtcTransport, type WebRtcTransportOptions } from './webrtc-transport.js';

export interface TransportServerOptions extends UdpMuxOptions {
  certificate: DtlsCertificate;
  /** Timer period for DTLS retransmission and consent checks, ms. Default 50. */
  tickMs?: number;
  /**
   * ICE-TCP listener (RFC 6544 passive). Default: none. `host` defaults to the UDP host,
   * `port` to 0 (any free port).
   */
  tcp?: TcpMuxOptions | false;
}

export class TransportServer {
  readonly mux: UdpMux;
  /** The ICE-TCP listener, when configured. */
  readonly tcp: TcpMux | undefined;
  readonly certificate: DtlsCertificate;
  readonly #byUfrag = new Map<string, WebRtcTransport>();
  /** Every live transport once (during a restart it has two ufrags in #byUfrag). */
  readonly #transports = new Set<WebRtcTransport>();
  readonly #timer: NodeJS.Timeout;
  #closed = false;

  constructor(opts: TransportServerOptions) {
    this.mux = new UdpMux(opts);
    this.certificate = opts.certificate;
    const claim: ClaimHandler = (buf, len) => {
      const ufrag = readLocalUfrag(buf, len);
      if (ufrag === undefined) return undefined;
      const t = this.#byUfrag.get(ufrag);
      return t !== undefined && t.authenticates(buf, len) ? t : undefined;
    };
    this.mux.setClaimHandler(claim);
    this.tcp = opts.tcp ? new TcpMux({ host: opts.host, ...opts.tcp }) : undefined;
    this.tcp?.setClaimHandler(claim);
    this.#timer = setInterval(() => this.tick(performance.now()), opts.tickMs ?? 50);
    this.#timer.unref();
  }

  /** Binds the UDP socket (and the TCP listener); resolves with the UDP port. */
  async listen(): Promise<number> {
    const port = await this.mux.listen();
    if (this.tcp) {
      try { await this.tcp.listen(); } catch (e) { this.mux.close(); throw e; }
    }
    return port;
  }

  /** The ICE-TCP port, or 0 without a listener. */
  get tcpPort(): number {
    return this.tcp?.port ?? 0;
  }

  get port(): number {
    return this.mux.port;
  }

  createTransport(opts: Omit<WebRtcTransportOptions, 'mux' | 'certificate'> = {}): WebRtcTransport {
    if (opts.iceUfrag !== undefined && this.#byUfrag.has(opts.iceUfrag)) throw new Error(`ICE ufrag ${opts.iceUfrag} already in use on this socket`);
    const t = new WebRtcTransport({
      ...opts,
      mux: this.mux,
      certificate: this.certificate,
      release: (x) => {
        if (this.#byUfrag.get(x.iceUfrag) === x) this.#byUfrag.delete(x.iceUfrag);
        const prev = x.ice.previousUfrag;
        if (prev !== undefined && this.#byUfrag.get(prev) === x) this.#byUfrag.delete(prev);
        this.#transports.delete(x);
        this.tcp?.removePeer(x);
      },
      claimUfrag: (x, ufrag) => {
        if (this.#byUfrag.has(ufrag)) return false;
        this.#byUfrag.set(ufrag, x);
        return true;
      },
      ufragRetired: (x, ufrag, tcpPaths) => {
        if (this.#byUfrag.get(ufrag) === x) this.#byUfrag.delete(ufrag);
        for (const p of tcpPaths) this.tcp?.closePeerLink(p.address, p.port, x);
      },
    });
    this.#byUfrag.set(t.iceUfrag, t);
    this.#transports.add(t);
    return t;
  }

  get transportCount(): number {
    return this.#transports.size;
  }

  /** Ufrags mapped to transports (a restarting transport has two). */
  get ufragCount(): number {
    return this.#byUfrag.size;
  }

  tick(nowMs: number): void {
    for (const t of this.#transports) t.tick(nowMs);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    for (const t of [...this.#transports]) t.close();
    this.mux.close();
    this.tcp?.close();
  }
}
