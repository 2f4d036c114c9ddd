// All WebRTC transports of one worker socket. A datagram from an unknown address is
// claimed only by a STUN binding request whose USERNAME names one of our transports'
// ufrags and whose MESSAGE-INTEGRITY verifies with that transport's password; one timer
// drives every transport's DTLS retransmissions and ICE consent.
import { UdpMux, type UdpMuxOptions } from '../net/index.js';
import { readLocalUfrag } from '../stun/index.js';
import type { DtlsCertificate } from '../dtls/index.js';
import { WebRtcTransport, type WebRtcTransportOptions } from './webrtc-transport.js';

export interface TransportServerOptions extends UdpMuxOptions {
  certificate: DtlsCertificate;
  /** Timer period for DTLS retransmission and consent checks, ms. Default 50. */
  tickMs?: number;
}

export class TransportServer {
  readonly mux: UdpMux;
  readonly certificate: DtlsCertificate;
  readonly #byUfrag = new Map<string, WebRtcTransport>();
  readonly #timer: NodeJS.Timeout;
  #closed = false;

  constructor(opts: TransportServerOptions) {
    this.mux = new UdpMux(opts);
    this.certificate = opts.certificate;
    this.mux.setClaimHandler((buf, len) => {
      const ufrag = readLocalUfrag(buf, len);
      if (ufrag === undefined) return undefined;
      const t = this.#byUfrag.get(ufrag);
      return t !== undefined && t.authenticates(buf, len) ? t : undefined;
    });
    this.#timer = setInterval(() => this.tick(performance.now()), opts.tickMs ?? 50);
    this.#timer.unref();
  }

  listen(): Promise<number> {
    return this.mux.listen();
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
      release: (x) => { if (this.#byUfrag.get(x.iceUfrag) === x) this.#byUfrag.delete(x.iceUfrag); },
    });
    this.#byUfrag.set(t.iceUfrag, t);
    return t;
  }

  get transportCount(): number {
    return this.#byUfrag.size;
  }

  tick(nowMs: number): void {
    for (const t of this.#byUfrag.values()) t.tick(nowMs);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    for (const t of [...this.#byUfrag.values()]) t.close();
    this.mux.close();
  }
}
