// A UDP impairment proxy for tests, loopback only. It listens on 127.0.0.1:<port>,
// latches the first address that sends to it as THE client, and relays datagrams between
// that client and a fixed upstream (127.0.0.1:<upstreamPort>) through one ImpairedLink
// per direction (loss, delay + jitter, reordering, a token-bucket bottleneck with a
// bounded queue). One socket serves both sides, so the upstream sees every packet coming
// from the proxy's own port — a WebRTC server that advertises the proxy's port as its ICE
// candidate sees the proxy's address as the client's 5-tuple and answers through it.
//
//   const proxy = await UdpImpairmentProxy.start({ upstreamPort: serverPort, seed: 1 });
//   proxy.setLoss(5, 'toUpstream');  proxy.setRateLimit(500_000, 'toClient');
//   ... point the client at 127.0.0.1:proxy.port ...
//   proxy.stats();  await proxy.close();
import { createSocket, type Socket, type RemoteInfo } from 'node:dgram';
import { ImpairedLink, type LinkSettings, type LinkCounters } from './link.js';

export type ProxyDirection = 'toUpstream' | 'toClient' | 'both';

export interface UdpProxyOptions {
  /** The real server's UDP port on 127.0.0.1. */
  upstreamPort: number;
  /** Only loopback is allowed. Default '127.0.0.1'. */
  upstreamHost?: string;
  /** Port to listen on (127.0.0.1). Default 0 = any free port. */
  listenPort?: number;
  /** PRNG seed for both directions' random decisions. Default 1. */
  seed?: number;
  /** Initial settings for each direction. */
  toUpstream?: Partial<LinkSettings>;
  toClient?: Partial<LinkSettings>;
}

export interface ProxyStats {
  toUpstream: LinkCounters;
  toClient: LinkCounters;
  /** Datagrams from neither the latched client nor the upstream (not forwarded). */
  strangers: number;
  /** Datagrams that failed to send (socket error). */
  sendErrors: number;
}

export class UdpImpairmentProxy {
  readonly port: number;
  /** The latched client, once it has sent its first datagram. */
  client: { address: string; port: number } | null = null;
  readonly #socket: Socket;
  readonly #upHost: string;
  readonly #upPort: number;
  readonly #links: { toUpstream: ImpairedLink; toClient: ImpairedLink };
  readonly #timers: { toUpstream: NodeJS.Timeout | null; toClient: NodeJS.Timeout | null } = { toUpstream: null, toClient: null };
  readonly #t0 = performance.now();
  #strangers = 0;
  #sendErrors = 0;
  #closed = false;
  #closing: Promise<void> | null = null;

  private constructor(socket: Socket, port: number, opts: UdpProxyOptions) {
    this.#socket = socket;
    this.port = port;
    this.#upHost = opts.upstreamHost ?? '127.0.0.1';
    this.#upPort = opts.upstreamPort;
    const seed = opts.seed ?? 1;
    this.#links = { toUpstream: new ImpairedLink(seed, opts.toUpstream), toClient: new ImpairedLink(seed ^ 0x5bd1e995, opts.toClient) };
    socket.on('message', (msg, rinfo) => this.#onMessage(msg, rinfo));
    socket.on('error', () => { this.#sendErrors++; });
  }

  /** Bind on 127.0.0.1 and start relaying. Refuses any non-loopback upstream. */
  static async start(opts: UdpProxyOptions): Promise<UdpImpairmentProxy> {
    const host = opts.upstreamHost ?? '127.0.0.1';
    if (host !== '127.0.0.1') throw new Error(`netem: upstream must be 127.0.0.1, not ${host}`);
    if (!Number.isInteger(opts.upstreamPort) || opts.upstreamPort < 1 || opts.upstreamPort > 65535) throw new RangeError('netem: bad upstreamPort');
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(opts.listenPort ?? 0, '127.0.0.1', () => { socket.off('error', reject); resolve(); });
    });
    try { socket.setRecvBufferSize(1 << 22); socket.setSendBufferSize(1 << 22); } catch { /* capped by the kernel: fine */ }
    return new UdpImpairmentProxy(socket, socket.address().port, opts);
  }

  setLoss(pct: number, dir: ProxyDirection = 'both'): void { this.#set(dir, { lossPct: pct }); }
  setDelay(ms: number, jitterMs = 0, dir: ProxyDirection = 'both'): void { this.#set(dir, { delayMs: ms, jitterMs }); }
  setReorder(pct: number, extraDelayMs = 20, dir: ProxyDirection = 'both'): void { this.#set(dir, { reorderPct: pct, reorderDelayMs: extraDelayMs }); }
  /** Bottleneck rate (bits/s) or null to lift it; optionally the queue and bucket sizes (bytes). */
  setRateLimit(bps: number | null, dir: ProxyDirection = 'both', sizes: { queueBytes?: number; burstBytes?: number } = {}): void {
    this.#set(dir, { rateBps: bps, ...sizes });
  }
  /** Any settings at once. */
  configure(settings: Partial<LinkSettings>, dir: ProxyDirection = 'both'): void { this.#set(dir, settings); }

  stats(): ProxyStats {
    return { toUpstream: { ...this.#links.toUpstream.counters }, toClient: { ...this.#links.toClient.counters }, strangers: this.#strangers, sendErrors: this.#sendErrors };
  }

  /** Stop: clear timers, drop what is in flight, close the socket. Idempotent. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    for (const d of ['toUpstream', 'toClient'] as const) {
      const t = this.#timers[d];
      if (t) clearTimeout(t);
      this.#timers[d] = null;
      this.#links[d].clear();
    }
    this.#closing = new Promise((resolve) => this.#socket.close(() => resolve()));
    return this.#closing;
  }

  #now(): number { return performance.now() - this.#t0; }

  #set(dir: ProxyDirection, s: Partial<LinkSettings>): void {
    for (const d of ['toUpstream', 'toClient'] as const) {
      if (dir !== 'both' && dir !== d) continue;
      this.#links[d].update(s);
      this.#pump(d);
    }
  }

  #onMessage(msg: Buffer, r: RemoteInfo): void {
    if (this.#closed) return;
    let dir: 'toUpstream' | 'toClient';
    if (r.address === this.#upHost && r.port === this.#upPort) dir = 'toClient';
    else {
      if (!this.client && (r.address === '127.0.0.1')) this.client = { address: r.address, port: r.port };
      if (!this.client || r.address !== this.client.address || r.port !== this.client.port) { this.#strangers++; return; }
      dir = 'toUpstream';
    }
    this.#links[dir].offer(msg, this.#now());
    this.#pump(dir);
  }

  /** Deliver what is due and arm one timer for the next event of this direction. */
  #pump(dir: 'toUpstream' | 'toClient'): void {
    if (this.#closed) return;
    const link = this.#links[dir];
    const now = this.#now();
    link.poll(now, (data) => this.#send(dir, data));
    const t = this.#timers[dir];
    if (t) { clearTimeout(t); this.#timers[dir] = null; }
    const wake = link.nextWakeMs(now);
    if (wake === Infinity) return;
    const ms = Math.min(10_000, Math.max(0, Math.ceil(wake - now)));
    this.#timers[dir] = setTimeout(() => { this.#timers[dir] = null; this.#pump(dir); }, ms);
  }

  #send(dir: 'toUpstream' | 'toClient', data: Buffer): void {
    if (dir === 'toUpstream') this.#socket.send(data, this.#upPort, this.#upHost, this.#onSent);
    else if (this.client) this.#socket.send(data, this.client.port, this.client.address, this.#onSent);
  }

  readonly #onSent = (err: Error | null): void => { if (err) this.#sendErrors++; };
}
