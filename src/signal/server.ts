// The HTTP + WebSocket front door (LiveKit's URL shape):
//   GET /rtc?access_token=T[&reconnect=1&sid=PA_..][&auto_subscribe=0][&room=R]  (WebSocket)
//       token also accepted as "Authorization: Bearer T". A bad token is refused with
//       HTTP 401 and a plain-text reason before RoomService is touched.
//   GET /rtc/v1?access_token=T&join_request=J  (WebSocket) LiveKit's single peer
//       connection path: J is a WrappedJoinRequest with the first publisher offer
//       (join-request.ts); the answer follows the join response.
//   GET /rtc/validate, /rtc/v1/validate?access_token=T  -> 200 "success" | 401 reason
//       (LiveKit clients ask this after a failed connect to show why)
//   GET /token?room=R&identity=I      -> dev mode only (see dev.ts)
//   POST /twirp/livekit.RoomService/M -> the Twirp services given in deps.twirp (twirp/)
//   every HTTP answer carries CORS headers, OPTIONS preflights get 204 (http/cors.ts)
//   anything else                     -> the static handler hook, else 404
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { checkSignalOptions, defaultSignalServerOptions, type SignalServerOptions } from './config.js';
import { applyCors } from './http/cors.js';
import { PROTO_DIR } from './proto.js';
import { roomServiceProtoRoot, TwirpServer, type TwirpMethod } from './twirp/server.js';
import { DEV_KEY_PAIR, handleDevTokenRequest, type DevKeyPair, type StaticHandler } from './dev.js';
import { RequestRejectedError, TokenError } from './errors.js';
import { DisconnectReason, LeaveAction, RequestReason, type ICEServer, type JoinResponse, type ReconnectResponse } from './messages.js';
import { encodeSignalResponse } from './proto.js';
import type { ClientInfo, RoomService } from './room-service.js';
import { SignalSession, type SessionTransport } from './session.js';
import { createToken, verifyToken, type VerifiedToken } from './token.js';
import { connectRequestV0, connectRequestV1, JoinRequestError, type ConnectRequest } from './join-request.js';

const RTC_PATHS = new Set(['/rtc', '/rtc/', '/rtc/v1', '/rtc/v1/']);
const VALIDATE_PATHS = new Set(['/rtc/validate', '/rtc/v1/validate']);

/** Lifetime of tokens sent in refresh_token (LiveKit: 10 min). */
export const REFRESHED_TOKEN_TTL_SEC = 600;

/** LiveKit signal protocol version we report in ServerInfo.protocol. */
export const SERVER_PROTOCOL = 15;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface SignalServerDeps {
  roomService: RoomService;
  /** Grace-period timers (tests pass a fake clock). */
  timers?: Timers;
  /** Milliseconds clock for pongs and token times (default Date.now). */
  nowMs?: () => number;
  /** Serves the demo page etc.; return false when the request is not yours (-> 404). */
  staticHandler?: StaticHandler;
  /** Twirp services served at /twirp/<service>/<Method> ('livekit.RoomService' -> methods). */
  twirp?: Record<string, Record<string, TwirpMethod>>;
  /** Told about every finished Twirp call (logs, metrics): path and Twirp code or 'ok'. */
  onTwirpCall?: (path: string, code: string) => void;
  /** The key pair /token signs with in dev mode (default: the first configured key, else
   *  devkey / secret, added to apiKeys, as livekit-server --dev). */
  devKey?: DevKeyPair;
  /**
   * ICE servers for one participant, appended to options.iceServers in its JoinResponse
   * and every ReconnectResponse (a fresh credential each time, as LiveKit mints TURN
   * credentials per participant). The server layer passes its embedded TURN server's.
   */
  iceServersFor?: (participant: { sid: string; identity: string }) => ICEServer[];
}

interface Entry {
  key: string;
  session: SignalSession;
  ws?: WebSocket;
  grace?: unknown;
  /** Fires when the client sent nothing for pingTimeoutSec (LiveKit clients ping every pingIntervalSec). */
  idle?: unknown;
  /** Next refresh_token. */
  refresh?: unknown;
  token: VerifiedToken;
}

export class SignalServer {
  readonly options: SignalServerOptions;
  readonly http: Server;
  /** The pair GET /token signs with (dev mode only). */
  readonly devKey: DevKeyPair | undefined;
  readonly #deps: SignalServerDeps;
  readonly #timers: Timers;
  readonly #now: () => number;
  readonly #wss: WebSocketServer;
  readonly #entries = new Map<string, Entry>();
  readonly #twirp: TwirpServer | undefined;
  #closed = false;

  constructor(options: Partial<SignalServerOptions>, deps: SignalServerDeps) {
    const o: SignalServerOptions = { ...defaultSignalServerOptions, ...options, apiKeys: { ...options.apiKeys } };
    if (o.dev) {
      const first = Object.entries(o.apiKeys)[0];
      this.devKey = deps.devKey ?? (first ? { apiKey: first[0], apiSecret: first[1] } : { ...DEV_KEY_PAIR });
      o.apiKeys[this.devKey.apiKey] = this.devKey.apiSecret;
    }
    this.options = checkSignalOptions(o);
    this.#deps = deps;
    this.#timers = deps.timers ?? realTimers;
    this.#now = deps.nowMs ?? Date.now;
    if (deps.twirp) {
      this.#twirp = new TwirpServer({
        services: deps.twirp, root: roomServiceProtoRoot(PROTO_DIR),
        verify: (t) => verifyToken(t, this.#keyProvider, { nowSec: Math.floor(this.#now() / 1000), requireJoin: false }),
        ...(deps.onTwirpCall ? { onCall: deps.onTwirpCall } : {}),
      });
    }
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: o.maxMessageBytes * 4 });
    this.http = createServer((req, res) => void this.#onRequest(req, res).catch(() => reply(res, 500, 'internal error')));
    this.http.on('upgrade', (req, socket, head) => {
      socket.on('error', () => undefined);
      this.#onUpgrade(req, socket, head).catch((e) => refuse(socket, 500, `internal error: ${(e as Error)?.message}`));
    });
  }

  /** Start listening; resolves with the bound address. */
  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port, this.options.host, () => {
        this.http.off('error', reject);
        resolve(this.http.address() as AddressInfo);
      });
    });
  }

  /** Participants with a live or grace-period session. */
  get sessionCount(): number { return this.#entries.size; }

  /** Tell every client to go (leave, SERVER_SHUTDOWN), leave every participant, stop listening. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const sessions = [...this.#entries.values()].map((e) => e.session);
    for (const s of sessions) s.end(DisconnectReason.SERVER_SHUTDOWN, { notifyService: true, sendLeave: { action: LeaveAction.RECONNECT, canReconnect: true } });
    await Promise.all(sessions.map((s) => s.idle()));
    for (const c of this.#wss.clients) c.terminate();
    this.#wss.close();
    await new Promise<void>((r) => { this.http.close(() => r()); this.http.closeAllConnections(); });
  }

  #keyProvider = (apiKey: string): string | undefined =>
    Object.hasOwn(this.options.apiKeys, apiKey) ? this.options.apiKeys[apiKey] : undefined;

  #verify(req: IncomingMessage, url: URL): Promise<VerifiedToken> {
    let token = url.searchParams.get('access_token');
    const auth = req.headers.authorization;
    if (!token && auth && /^Bearer\s+/i.test(auth)) token = auth.replace(/^Bearer\s+/i, '').trim();
    return verifyToken(token, this.#keyProvider, { nowSec: Math.floor(this.#now() / 1000), room: url.searchParams.get('room') ?? undefined });
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (applyCors(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (VALIDATE_PATHS.has(url.pathname)) {
      try {
        await this.#verify(req, url);
        return reply(res, 200, 'success');
      } catch (e) {
        return reply(res, e instanceof TokenError ? 401 : 500, (e as Error).message);
      }
    }
    if (RTC_PATHS.has(url.pathname)) return reply(res, 426, 'expected a WebSocket upgrade');
    if (this.#twirp && TwirpServer.handles(url.pathname)) return this.#twirp.handle(req, res, url.pathname);
    if (url.pathname === '/token') {
      if (!this.options.dev || !this.devKey || req.method !== 'GET') return reply(res, 404, 'not found');
      return handleDevTokenRequest(url, res, this.devKey, Math.floor(this.#now() / 1000));
    }
    if (this.#deps.staticHandler && (await this.#deps.staticHandler(req, res))) return;
    reply(res, 404, 'not found');
  }

  async #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!RTC_PATHS.has(url.pathname)) return refuse(socket, 404, 'not found');
    if (this.#closed) return refuse(socket, 503, 'server is shutting down');
    let v: VerifiedToken;
    try {
      v = await this.#verify(req, url);
    } catch (e) {
      return refuse(socket, e instanceof TokenError ? 401 : 500, (e as Error).message);
    }
    const key = `${v.video.room}\u0000${v.identity}`;
    let cr: ConnectRequest;
    try {
      cr = url.pathname.startsWith('/rtc/v1') ? connectRequestV1(url.searchParams) : connectRequestV0(url.searchParams);
    } catch (e) {
      return refuse(socket, e instanceof JoinRequestError ? 400 : 500, (e as Error).message);
    }
    if (cr.reconnect) return this.#reconnect(req, socket, head, key, cr.participantSid ?? null);

    this.#entries.get(key)?.session.end(DisconnectReason.DUPLICATE_IDENTITY, { notifyService: true, sendLeave: { action: LeaveAction.DISCONNECT, canReconnect: false } });
    const entry: Entry = { key, session: undefined as unknown as SignalSession, token: v };
    entry.session = new SignalSession({
      service: this.#deps.roomService,
      permission: v.permission,
      maxMessageBytes: this.options.maxMessageBytes,
      nowMs: this.#now,
      onEnd: () => this.#drop(entry),
    });
    this.#entries.set(key, entry);
    const client: ClientInfo = cr.client;

    let result;
    try {
      result = await this.#deps.roomService.join({
        room: v.video.room!, identity: v.identity, name: v.name, metadata: v.metadata, attributes: v.attributes,
        permission: v.permission, kind: v.kind, autoSubscribe: cr.autoSubscribe, adaptiveStream: cr.adaptiveStream,
        client, signal: entry.session, ...(cr.singlePeerConnection ? { singlePeerConnection: true } : {}),
      });
    } catch (e) {
      entry.session.end(DisconnectReason.JOIN_FAILURE, { notifyService: false });
      const status = e instanceof RequestRejectedError ? joinStatus(e.reason) : 500;
      return refuse(socket, status, `join failed: ${(e as Error)?.message ?? e}`);
    }
    const sid = result?.participant?.sid ?? '';
    if (!sid) {
      entry.session.end(DisconnectReason.JOIN_FAILURE, { notifyService: false });
      return refuse(socket, 500, 'join failed: the engine returned no participant sid');
    }
    if (entry.session.ended || this.#closed) {
      // superseded (same identity joined again, or shutdown) while the engine was joining us
      await this.#deps.roomService.leave(sid, this.#closed ? DisconnectReason.SERVER_SHUTDOWN : DisconnectReason.DUPLICATE_IDENTITY).catch(() => undefined);
      return refuse(socket, 409, 'superseded by a newer connection for this identity');
    }
    const join: JoinResponse = {
      room: result.room, participant: result.participant, otherParticipants: result.otherParticipants,
      serverVersion: this.options.serverVersion, iceServers: result.iceServers ?? this.#iceServers(sid, v.identity),
      // One peer connection: the client's publisher PC is the only (and primary) one.
      subscriberPrimary: cr.singlePeerConnection ? false : (result.subscriberPrimary ?? v.permission.canSubscribe),
      clientConfiguration: { resumeConnection: 2 /* ENABLED: we resume within the grace period */ },
      pingTimeout: this.options.pingTimeoutSec, pingInterval: this.options.pingIntervalSec,
      serverInfo: this.#serverInfo(), enabledPublishCodecs: result.enabledPublishCodecs,
    };
    entry.session.joined(sid, join);
    // v1: the offer came with the join; answered like any later offer, after the join response.
    if (cr.publisherOffer) entry.session.offer(cr.publisherOffer);
    this.#scheduleRefresh(entry);
    if (socket.destroyed) return this.#startGrace(entry);
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#attach(entry, ws));
  }

  async #reconnect(req: IncomingMessage, socket: Duplex, head: Buffer, key: string, sid: string | null): Promise<void> {
    const entry = this.#entries.get(key);
    if (!entry || entry.session.ended || (sid && sid !== entry.session.sid)) {
      // Nothing to resume: tell the client (in protocol) to do a full reconnect.
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        ws.send(encodeSignalResponse({ leave: { canReconnect: true, reason: DisconnectReason.STATE_MISMATCH, action: LeaveAction.RECONNECT } }));
        ws.close(1000, 'no session to resume');
      });
      return;
    }
    if (socket.destroyed) return;
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      if (entry.session.ended) { ws.close(1000, 'session ended'); return; }
      const old = entry.ws;
      this.#attach(entry, ws, true);
      old?.terminate();
      if (entry.session.overflowed) {
        entry.session.end(DisconnectReason.STATE_MISMATCH, { notifyService: true, sendLeave: { action: LeaveAction.RECONNECT, canReconnect: true } });
        return;
      }
      this.#deps.roomService.signalResumed?.(entry.session.sid);
    });
  }

  #attach(entry: Entry, ws: WebSocket, resume = false): void {
    entry.ws = ws;
    if (entry.grace !== undefined) { this.#timers.clearTimeout(entry.grace); entry.grace = undefined; }
    const s = entry.session;
    const transport: SessionTransport = {
      send: (f) => { if (ws.readyState === ws.OPEN) ws.send(f); },
      close: (code, reason) => ws.close(code, reason.slice(0, 120)),
    };
    let lastSeen = this.#now();
    const timeoutMs = this.options.pingTimeoutSec * 1000;
    const armIdle = (ms: number) => {
      entry.idle = this.#timers.setTimeout(() => {
        entry.idle = undefined;
        if (entry.ws !== ws) return;
        const quiet = this.#now() - lastSeen;
        if (quiet >= timeoutMs) ws.terminate(); // a dead client: treated like a drop (grace period)
        else armIdle(timeoutMs - quiet);
      }, ms);
    };
    if (entry.idle !== undefined) this.#timers.clearTimeout(entry.idle);
    if (timeoutMs > 0) armIdle(timeoutMs);
    ws.on('message', (data, isBinary) => {
      lastSeen = this.#now();
      s.handleFrame(data as Buffer, isBinary);
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (entry.ws !== ws) return; // replaced by a reconnect
      if (entry.idle !== undefined) { this.#timers.clearTimeout(entry.idle); entry.idle = undefined; }
      entry.ws = undefined;
      if (s.ended || this.#closed) return;
      s.detach();
      this.#startGrace(entry);
      this.#deps.roomService.signalDisconnected?.(s.sid);
    });
    if (resume) s.resume(transport, this.#reconnectResponse(s.sid, entry.token.identity));
    else s.attach(transport);
  }

  #startGrace(entry: Entry): void {
    if (entry.grace !== undefined) this.#timers.clearTimeout(entry.grace);
    entry.grace = this.#timers.setTimeout(() => {
      entry.grace = undefined;
      if (!entry.ws) entry.session.end(DisconnectReason.SIGNAL_CLOSE, { notifyService: true });
    }, this.options.reconnectGraceMs);
  }

  /** LiveKit's token refresher: a fresh short token with the same grants, periodically. */
  #scheduleRefresh(entry: Entry): void {
    const every = this.options.tokenRefreshSec * 1000;
    if (!every) return;
    entry.refresh = this.#timers.setTimeout(() => {
      entry.refresh = undefined;
      if (entry.session.ended) return;
      const t = entry.token;
      const secret = this.#keyProvider(t.apiKey);
      if (secret === undefined) return; // key revoked: no more refreshes
      createToken(t.apiKey, secret, {
        identity: t.identity, name: t.name, metadata: t.metadata, attributes: t.attributes, video: t.video,
        nowSec: Math.floor(this.#now() / 1000), ttlSec: REFRESHED_TOKEN_TTL_SEC,
      }).then((token) => entry.session.refreshToken(token), () => undefined);
      this.#scheduleRefresh(entry);
    }, every);
  }

  #drop(entry: Entry): void {
    if (entry.refresh !== undefined) { this.#timers.clearTimeout(entry.refresh); entry.refresh = undefined; }
    if (entry.grace !== undefined) { this.#timers.clearTimeout(entry.grace); entry.grace = undefined; }
    if (entry.idle !== undefined) { this.#timers.clearTimeout(entry.idle); entry.idle = undefined; }
    if (this.#entries.get(entry.key) === entry) this.#entries.delete(entry.key);
  }

  #serverInfo() {
    return { edition: 0, version: this.options.serverVersion, protocol: SERVER_PROTOCOL, nodeId: this.options.nodeId, region: this.options.region };
  }

  #iceServers(sid: string, identity: string): ICEServer[] {
    const own = this.#deps.iceServersFor?.({ sid, identity });
    return own?.length ? [...this.options.iceServers, ...own] : this.options.iceServers;
  }

  #reconnectResponse(sid: string, identity: string): ReconnectResponse {
    return { iceServers: this.#iceServers(sid, identity), clientConfiguration: { resumeConnection: 2 }, serverInfo: this.#serverInfo() };
  }
}

function joinStatus(reason: number): number {
  if (reason === RequestReason.NOT_ALLOWED) return 403;
  if (reason === RequestReason.NOT_FOUND) return 404;
  if (reason === RequestReason.LIMIT_EXCEEDED) return 503;
  return 400;
}

/** Plain-text body, control characters removed (the reason may quote client input). */
const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 500);

function reply(res: ServerResponse, status: number, body: string): void {
  if (res.headersSent) { res.end(); return; }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(clean(body));
}

/** Refuse an upgrade with a plain HTTP response (what LiveKit clients expect). */
function refuse(socket: Duplex, status: number, body: string): void {
  if (socket.destroyed) return;
  const b = Buffer.from(clean(body));
  socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${b.length}\r\n\r\n`), b]));
  (socket as Socket).destroySoon?.();
}
