// Shared setup for the WebSocket server tests: a server on 127.0.0.1 with a fake
// RoomService and fake timers, and token helpers.
import { SignalServer, type SignalServerDeps } from '../../src/signal/server.js';
import { createToken, type VideoGrant } from '../../src/signal/token.js';
import { FakeRoomService, FakeTimers, TestClient } from './fakes.js';

export const KEY = 'APItestkey';
export const SECRET = 'test-secret-test-secret-test-secret-42';

export interface Harness {
  server: SignalServer;
  rooms: FakeRoomService;
  timers: FakeTimers;
  base: string; // ws://127.0.0.1:port
  http: string; // http://127.0.0.1:port
  clients: TestClient[];
  token(identity: string, video?: Partial<VideoGrant>): Promise<string>;
  connect(identity: string, video?: Partial<VideoGrant>, extra?: string): Promise<{ c: TestClient; sid: string; join: any }>;
  stop(): Promise<void>;
}

export async function startHarness(opts: { dev?: boolean; graceMs?: number; pingTimeoutSec?: number; tokenRefreshSec?: number; iceServersFor?: SignalServerDeps['iceServersFor'] } = {}): Promise<Harness> {
  const rooms = new FakeRoomService();
  const timers = new FakeTimers();
  const server = new SignalServer({ port: 0, apiKeys: { [KEY]: SECRET }, reconnectGraceMs: opts.graceMs ?? 10_000, dev: opts.dev ?? false, maxMessageBytes: 4096,
    pingTimeoutSec: opts.pingTimeoutSec ?? 0 /* most tests advance the fake clock freely */, tokenRefreshSec: opts.tokenRefreshSec ?? 0 },
    { roomService: rooms, timers, nowMs: () => 1_700_000_000_000 + timers.now, ...(opts.iceServersFor ? { iceServersFor: opts.iceServersFor } : {}) });
  const addr = await server.listen();
  const h: Harness = {
    server, rooms, timers, clients: [],
    base: `ws://127.0.0.1:${addr.port}`,
    http: `http://127.0.0.1:${addr.port}`,
    token: (identity, video = {}) => createToken(KEY, SECRET, { identity, nowSec: 1_700_000_000, video: { room: 'lobby', roomJoin: true, ...video } }),
    async connect(identity, video, extra = '') {
      const c = new TestClient(`${h.base}/rtc?access_token=${await h.token(identity, video)}&auto_subscribe=1&sdk=js&protocol=15${extra}`);
      h.clients.push(c);
      await c.opened();
      const first = await c.next();
      if (first.message !== 'join') throw new Error(`first message was ${first.message}`);
      return { c, sid: first.join!.participant!.sid!, join: first.join };
    },
    async stop() {
      for (const c of h.clients) c.terminate();
      await server.close();
    },
  };
  return h;
}

/** Poll (bounded) until `cond` holds. */
export async function waitFor(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
