// TurnServer: the sockets around TurnCore. One UDP socket, one TCP listener and (with a
// certificate) one TLS listener for clients (RFC 8656 over UDP, and over TCP or TLS-over-TCP
// with ChannelData padded; a TLS connection is the same stream link once its handshake is
// done), one UDP relay socket per allocation. No global state: everything hangs off the instance.
//
//   const turn = new TurnServer({ onEvent: (e) => log(e) });
//   await turn.start({ udpPort: 3478, tcpPort: 3478, host: '127.0.0.1', realm, secret,
//                      allowPeers: ['127.0.0.1:7882'], tlsPort: 5349, tls: { cert, key } });
//   turn.stats(); turn.close();
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { createServer as createTlsServer, createSecureContext, type Server as TlsServer } from 'node:tls';
import { SendQueue, createSendTarget } from '../net/index.js';
import { parseIp } from '../stun/index.js';
import { TcpClientLink, UdpClientLink } from './client-links.js';
import { TurnError } from './errors.js';
import type { RelayFactory } from './links.js';
import type { TurnStats } from './stats.js';
import { StreamFramer } from './stream-framer.js';
import { TurnCore, type TurnCoreConfig, type TurnEvent } from './turn-core.js';
import { UdpRelayFactory } from './udp-relay.js';

export interface TurnServerOptions extends Partial<Omit<TurnCoreConfig, 'realm' | 'secret' | 'allowPeers'>> {
  /** Client UDP port; undefined = no UDP listener, 0 = any free port. */
  udpPort?: number;
  /** Client TCP port; undefined = no TCP listener, 0 = any free port. */
  tcpPort?: number;
  /** Client TLS port (TURN over TLS, "turns:"); needs `tls`. undefined = no TLS listener, 0 = any free port. */
  tlsPort?: number;
  /** PEM certificate (chain) and private key of the TLS listener. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** A TLS handshake not done in this long is dropped. Default 10 s. */
  tlsHandshakeTimeoutMs?: number;
  /** Address the listeners and the relay sockets bind to. Default 127.0.0.1. */
  host?: string;
  /** Address written in XOR-RELAYED-ADDRESS when clients must reach the relays another way (NAT). */
  relayAnnouncedAddress?: string;
  realm: string;
  /** TURN REST API shared secret: passwords are base64(HMAC-SHA1(secret, username)). */
  secret: string;
  /** Peers the relay may reach (IP, CIDR, IP:port). Switchboard passes its media sockets. */
  allowPeers?: readonly string[];
  /** Relay port range (inclusive). Default 0-0: ephemeral ports. */
  relayPortMin?: number;
  relayPortMax?: number;
  /** Send slots per relay socket. Default 64. */
  relaySendSlots?: number;
  /** Send slots of the client UDP socket. Default 4096. */
  clientSendSlots?: number;
  maxTcpConnections?: number;
  /** Unsent bytes a TCP client may have queued before messages to it are dropped. Default 256 KiB. */
  tcpMaxBacklogBytes?: number;
  /** A TCP connection with no allocation is closed after this long. Default 30 s. */
  tcpIdleMs?: number;
  /** Tests: relays without sockets, and a clock. */
  relays?: RelayFactory;
  now?: () => number;
}

export interface TurnServerHooks {
  onEvent?: (e: TurnEvent) => void;
}

export class TurnServer {
  #core: TurnCore | null = null;
  #udp: UdpSocket | null = null;
  #tcp: Server | null = null;
  #tls: TlsServer | null = null;
  readonly #connections = new Set<TcpSocket>();
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  #onEvent: (e: TurnEvent) => void;
  udpPort = 0;
  tcpPort = 0;
  tlsPort = 0;

  constructor(hooks: TurnServerHooks = {}) {
    this.#onEvent = hooks.onEvent ?? (() => {});
  }

  /** The core (tests and the Switchboard wiring read its config and allow-list). */
  get core(): TurnCore | null { return this.#core; }

  async start(o: TurnServerOptions): Promise<void> {
    if (this.#core) throw new TurnError('ERR_TURN_BAD_CONFIG', 'start() called twice');
    if (this.#closed) throw new TurnError('ERR_TURN_CLOSED', 'closed');
    if (!o.secret) throw new TurnError('ERR_TURN_BAD_CONFIG', 'a shared secret is required');
    if (!o.realm) throw new TurnError('ERR_TURN_BAD_CONFIG', 'a realm is required');
    if (o.tlsPort !== undefined && !o.tls) throw new TurnError('ERR_TURN_BAD_CONFIG', 'a TLS port needs a certificate and key (tls)');
    if (o.tls) {
      // Checked before any socket binds, so a bad pair fails start() with the reason.
      try { createSecureContext({ cert: o.tls.cert, key: o.tls.key }); } catch (e) {
        throw new TurnError('ERR_TURN_BAD_CONFIG', `the TLS certificate and key do not make a usable pair: ${(e as Error).message}`);
      }
    }
    const host = o.host ?? '127.0.0.1';
    const family = parseIp(host, new Uint8Array(16), 0);
    if (family === 0) throw new TurnError('ERR_TURN_BAD_CONFIG', `host must be an IP address, got "${host}"`);
    const maxPayload = o.maxPayload ?? 1500;
    const relays = o.relays ?? new UdpRelayFactory({
      host4: family === 4 ? host : undefined, host6: family === 6 ? host : undefined,
      announced4: family === 4 ? o.relayAnnouncedAddress : undefined, announced6: family === 6 ? o.relayAnnouncedAddress : undefined,
      portMin: o.relayPortMin ?? 0, portMax: o.relayPortMax ?? 0,
      sendSlots: o.relaySendSlots ?? 64, slotSize: maxPayload,
    });
    const { udpPort, tcpPort, tlsPort, tls, tlsHandshakeTimeoutMs, host: _h, relayAnnouncedAddress: _r, relayPortMin: _a, relayPortMax: _b, relaySendSlots: _c,
      clientSendSlots, maxTcpConnections, tcpMaxBacklogBytes, tcpIdleMs, relays: _d, now, ...coreConfig } = o;
    const core = new TurnCore({ ...coreConfig, relayFamilies: o.relayFamilies ?? [family], maxPayload }, relays, now);
    core.onEvent = (e) => { try { this.#onEvent(e); } catch { /* a listener's throw must not reach the packet path */ } };
    this.#core = core;
    try {
      if (udpPort !== undefined) await this.#startUdp(core, host, family, udpPort, clientSendSlots ?? 4096, maxPayload + 64);
      const stream: StreamLimits = { maxConnections: maxTcpConnections ?? 1000, maxBacklog: tcpMaxBacklogBytes ?? 256 * 1024, idleMs: tcpIdleMs ?? 30_000 };
      if (tcpPort !== undefined) await this.#startTcp(core, host, family, tcpPort, stream);
      if (tlsPort !== undefined && tls) await this.#startTls(core, host, family, tlsPort, tls, tlsHandshakeTimeoutMs ?? 10_000, stream);
    } catch (e) {
      this.close();
      throw e;
    }
    this.#timer = setInterval(() => core.tick(), 1000);
    this.#timer.unref();
  }

  async #startUdp(core: TurnCore, host: string, family: 4 | 6, port: number, slots: number, slotSize: number): Promise<void> {
    const s = createSocket({ type: family === 4 ? 'udp4' : 'udp6' });
    this.#udp = s;
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind({ port, address: host, exclusive: true }, () => { s.off('error', reject); resolve(); });
    });
    s.on('error', (e) => core.onEvent({ type: 'error', message: `udp: ${e.message}` }));
    // Batched sends (sendmmsg) where the addon is built, as the media sockets.
    const queue = new SendQueue(createSendTarget(s).target, { slots, slotSize });
    const link = new UdpClientLink(queue, '', 0, family);
    s.on('message', (msg, rinfo) => {
      link.address = rinfo.address; link.port = rinfo.port;
      core.handleClient(link, msg, 0, msg.length);
    });
    this.udpPort = s.address().port;
    core.onEvent({ type: 'listening', transport: 'udp', address: host, port: this.udpPort });
  }

  async #startTcp(core: TurnCore, host: string, family: 4 | 6, port: number, limits: StreamLimits): Promise<void> {
    const server = createServer({ noDelay: true });
    this.#tcp = server;
    server.on('connection', (sock) => this.#accept(core, sock, family, limits));
    this.tcpPort = await listen(server, port, host);
    server.on('error', (e) => core.onEvent({ type: 'error', message: `tcp: ${e.message}` }));
    core.onEvent({ type: 'listening', transport: 'tcp', address: host, port: this.tcpPort });
  }

  async #startTls(core: TurnCore, host: string, family: 4 | 6, port: number, tls: { cert: string | Buffer; key: string | Buffer }, handshakeMs: number, limits: StreamLimits): Promise<void> {
    // No ALPN: RFC 8656 §3.1 names none for TURN over TLS, and browsers send none.
    const server = createTlsServer({ cert: tls.cert, key: tls.key, handshakeTimeout: handshakeMs, noDelay: true });
    this.#tls = server;
    // Bounds connections still in their handshake too (#accept bounds the finished ones).
    server.maxConnections = limits.maxConnections;
    server.on('secureConnection', (sock) => { core.stats.tlsConnections++; this.#accept(core, sock, family, limits); });
    server.on('tlsClientError', () => { core.stats.tlsHandshakeFailures++; });
    this.tlsPort = await listen(server, port, host);
    server.on('error', (e) => core.onEvent({ type: 'error', message: `tls: ${e.message}` }));
    core.onEvent({ type: 'listening', transport: 'tls', address: host, port: this.tlsPort });
  }

  /** One client stream (plain TCP, or TLS after its handshake): framed messages into the core. */
  #accept(core: TurnCore, sock: TcpSocket, family: 4 | 6, limits: StreamLimits): void {
    if (this.#connections.size >= limits.maxConnections || this.#closed) { sock.destroy(); return; }
    this.#connections.add(sock);
    core.stats.tcpConnections++;
    core.stats.tcpConnectionsActive = this.#connections.size;
    const link = new TcpClientLink(sock, sock.remoteAddress ?? '', sock.remotePort ?? 0, family, limits.maxBacklog);
    const framer = new StreamFramer((buf, off, len) => core.handleClient(link, buf, off, len));
    sock.setTimeout(limits.idleMs, () => { if (!core.allocationFor(link)) sock.destroy(); });
    sock.on('data', (chunk: Buffer) => {
      if (!framer.push(chunk)) { core.stats.tcpFramingErrors++; core.stats.malformed++; sock.destroy(); }
    });
    sock.on('error', () => { /* 'close' follows */ });
    sock.on('close', () => {
      this.#connections.delete(sock);
      core.stats.tcpConnectionsActive = this.#connections.size;
      core.linkClosed(link);
    });
  }

  /** Counters and gauges (a copy). */
  stats(): TurnStats | null {
    return this.#core ? this.#core.snapshot() : null;
  }

  /** Idempotent: closes the listeners, every connection and every relay socket. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#core?.close();
    try { this.#udp?.close(); } catch { /* not bound */ }
    this.#tcp?.close();
    this.#tls?.close();
    for (const s of this.#connections) s.destroy();
    this.#connections.clear();
  }
}

interface StreamLimits { maxConnections: number; maxBacklog: number; idleMs: number }

/** Listens on host:port (exclusive); resolves the bound port. */
async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => { server.off('error', reject); resolve(); });
  });
  const addr = server.address();
  return typeof addr === 'object' && addr ? addr.port : 0;
}
