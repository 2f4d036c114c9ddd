// One ICE-TCP listener per worker (RFC 6544 passive host candidate). A new connection is
// unauthenticated: the only thing it may send is STUN, and it is attached to a peer only
// when a Binding request passes the same claim as on UDP (USERNAME names one of our
// transports, MESSAGE-INTEGRITY verifies with its password). After that its frames go
// through the same RFC 7983 demux and MuxPeer handlers as datagrams, with the link as
// the send path. Bounded: a cap on connections and on unauthenticated ones, a deadline
// to authenticate, a frame size limit (an oversize length closes), bounded output.
import { createServer, type Server, type Socket } from 'node:net';
import { PacketKind, classify } from './demux.js';
import { NetError } from './errors.js';
import { TcpLink } from './tcp-link.js';
import type { ClaimHandler, MuxPeer } from './udp-mux.js';

export interface TcpMuxOptions {
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Open connections at most (authenticated or not). Default 1024. */
  maxConnections?: number;
  /** Connections still waiting for a valid check, at most. Default 64. */
  maxUnauthenticated?: number;
  /** Time a connection gets to authenticate, ms. Default 10 000. */
  unauthenticatedTimeoutMs?: number;
  /** Largest RFC 4571 frame accepted; a longer length closes the connection. Default 8192. */
  maxFrame?: number;
  /** Output buffering per connection = chunkSize x maxChunks. Defaults 16 KiB x 8. */
  chunkSize?: number;
  maxChunks?: number;
  /** Clock in ms; default performance.now. Read once per received chunk. */
  now?: () => number;
}

export const defaultTcpMuxConfig = Object.freeze({
  maxConnections: 1024, maxUnauthenticated: 64, unauthenticatedTimeoutMs: 10_000, maxFrame: 8192, chunkSize: 16 * 1024, maxChunks: 8,
});

export interface TcpMuxStats {
  accepted: number;
  /** Refused at accept: over maxConnections or maxUnauthenticated. */
  rejectedLimit: number;
  authenticated: number;
  /** STUN before authentication that claimed no transport (dropped; the connection may retry). */
  authFailures: number;
  /** Something other than STUN before authentication: closed. */
  unauthenticatedMedia: number;
  unauthenticatedTimeouts: number;
  /** Oversize RFC 4571 length: closed. */
  framingErrors: number;
  frames: number;
  stun: number;
  dtls: number;
  rtp: number;
  rtcp: number;
  /** A frame outside every RFC 7983 range or too short for its kind. */
  malformed: number;
  handlerErrors: number;
  socketErrors: number;
  closed: number;
  /** Output dropped on links since closed (live links count in their own stats). */
  sendDropped: number;
}

export class TcpMux {
  readonly server: Server;
  readonly stats: TcpMuxStats = {
    accepted: 0, rejectedLimit: 0, authenticated: 0, authFailures: 0, unauthenticatedMedia: 0, unauthenticatedTimeouts: 0, framingErrors: 0,
    frames: 0, stun: 0, dtls: 0, rtp: 0, rtcp: 0, malformed: 0, handlerErrors: 0, socketErrors: 0, closed: 0, sendDropped: 0,
  };
  readonly links = new Set<TcpLink>();
  lastHandlerError: unknown;
  readonly #opts: Required<Omit<TcpMuxOptions, 'host' | 'port' | 'now'>> & { host: string; port: number };
  readonly #now: () => number;
  #claim: ClaimHandler = () => undefined;
  #unauthenticated = 0;
  #closed = false;
  #nowMs = 0;

  constructor(opts: TcpMuxOptions = {}) {
    const d = defaultTcpMuxConfig;
    this.#opts = {
      host: opts.host ?? '127.0.0.1', port: opts.port ?? 0,
      maxConnections: opts.maxConnections ?? d.maxConnections, maxUnauthenticated: opts.maxUnauthenticated ?? d.maxUnauthenticated,
      unauthenticatedTimeoutMs: opts.unauthenticatedTimeoutMs ?? d.unauthenticatedTimeoutMs, maxFrame: opts.maxFrame ?? d.maxFrame,
      chunkSize: opts.chunkSize ?? d.chunkSize, maxChunks: opts.maxChunks ?? d.maxChunks,
    };
    this.#now = opts.now ?? (() => performance.now());
    this.server = createServer({ noDelay: true }, (s) => this.#accept(s));
    this.server.on('error', () => { this.stats.socketErrors++; });
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(new NetError('ERR_NET_BIND', `cannot listen on TCP ${this.#opts.host}:${this.#opts.port}: ${err.message}`));
      this.server.once('error', onError);
      this.server.listen({ host: this.#opts.host, port: this.#opts.port, exclusive: true }, () => {
        this.server.off('error', onError);
        resolve(this.port);
      });
    });
  }

  get port(): number {
    const a = this.server.address();
    return a !== null && typeof a === 'object' ? a.port : 0;
  }

  setClaimHandler(fn: ClaimHandler): void {
    this.#claim = fn;
  }

  get unauthenticatedCount(): number {
    return this.#unauthenticated;
  }

  /** Closes every connection of a peer (its transport closed). */
  removePeer(peer: MuxPeer): void {
    for (const l of [...this.links]) if (l.peer === peer) this.#close(l);
  }

  /** Closes the connection from address:port if it belongs to `peer` (an ICE path it retired). */
  closePeerLink(address: string, port: number, peer: MuxPeer): void {
    for (const l of [...this.links]) if (l.peer === peer && l.port === port && l.address === address) this.#close(l);
  }

  #accept(s: Socket): void {
    const o = this.#opts;
    if (this.#closed || this.links.size >= o.maxConnections || this.#unauthenticated >= o.maxUnauthenticated) {
      this.stats.rejectedLimit++;
      s.on('error', () => {});
      s.destroy();
      return;
    }
    this.stats.accepted++;
    const family = s.remoteFamily === 'IPv6' ? 6 : 4;
    const link = new TcpLink(s, s.remoteAddress ?? '', s.remotePort ?? 0, family, this.#onFrame, o);
    this.links.add(link);
    this.#unauthenticated++;
    link.timer = setTimeout(() => {
      if (link.peer === undefined) { this.stats.unauthenticatedTimeouts++; this.#close(link); }
    }, o.unauthenticatedTimeoutMs);
    link.timer.unref();
    s.setNoDelay(true);
    s.on('data', (chunk: Buffer) => {
      this.#nowMs = this.#now();
      link.stats.bytesIn += chunk.length;
      if (!link.framer.push(chunk, 0, chunk.length) && !link.closed) {
        this.stats.framingErrors++;
        this.#close(link);
      }
    });
    s.on('error', () => { this.stats.socketErrors++; this.#close(link); });
    s.on('close', () => this.#close(link));
  }

  /** One RFC 4571 frame from a link. Never throws. */
  readonly #onFrame = (link: TcpLink, buf: Buffer, len: number): void => {
    if (link.closed) return;
    const st = this.stats;
    st.frames++;
    link.stats.framesIn++;
    const kind = classify(buf, len);
    if (kind === PacketKind.Unknown) {
      st.malformed++;
      if (link.peer === undefined) { st.unauthenticatedMedia++; this.#close(link); }
      return;
    }
    const nowMs = this.#nowMs;
    try {
      let peer = link.peer;
      if (peer === undefined) {
        if (kind !== PacketKind.Stun) {
          st.unauthenticatedMedia++;
          this.#close(link);
          return;
        }
        peer = this.#claim(buf, len, link.address, link.port, link.family, nowMs);
        if (peer === undefined) { st.authFailures++; return; }
        link.peer = peer;
        this.#unauthenticated--;
        st.authenticated++;
        if (link.timer !== undefined) { clearTimeout(link.timer); link.timer = undefined; }
      }
      switch (kind) {
        case PacketKind.Stun: st.stun++; peer.onStun(buf, len, link.address, link.port, link.family, nowMs, link); break;
        case PacketKind.Dtls: st.dtls++; peer.onDtls(buf, len, link.address, link.port, nowMs, link); break;
        case PacketKind.Rtp: st.rtp++; peer.onRtp(buf, len, link.address, link.port, nowMs, link); break;
        default: st.rtcp++; peer.onRtcp(buf, len, link.address, link.port, nowMs, link);
      }
    } catch (err) {
      st.handlerErrors++;
      this.lastHandlerError = err;
    }
  };

  #close(link: TcpLink): void {
    if (link.closed) return;
    if (link.peer === undefined) this.#unauthenticated--;
    this.stats.closed++;
    this.stats.sendDropped += link.stats.sendDropped;
    this.links.delete(link);
    link.close();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const l of [...this.links]) { l.flush(); this.#close(l); }
    this.server.close();
  }
}
