// The shared livekit-client test harness: Switchboard on its own ephemeral ports, a web
// app on ANOTHER loopback port (a different origin, as a real app is) that loads
// livekit-client's UMD bundle and the `window.lkt` helpers (lk-page.ts), and Debian's
// Chromium with fake mic + camera (test/peers/chromium.ts). Each `client()` is one page
// = one livekit-client Room. Everything is bounded in time; inside `unshare -n` only.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { assertInsideNetns } from '../peers/netns.js';
import { evalInPage, launchChromium, type ChromiumPeer } from '../peers/chromium.js';
import { startStaticServer, type StaticServer } from '../peers/http.js';
import { REPO_ROOT, sleep } from '../peers/paths.js';
import { startSwitchboard, type Switchboard } from '../../src/server/index.js';
import { createToken, type VideoGrant } from '../../src/signal/index.js';
import { LK_PAGE_JS } from './lk-page.js';

export const LK_KEY = 'APIlkharness';
export const LK_SECRET = 'lk-harness-secret-0123456789abcdef-xyz';

/** One RoomEvent as the page recorded it. */
export interface LkEvent { ev: string; t: number; who?: string; track?: string; kind?: string; [k: string]: unknown }

/** What a page receives from one remote participant. */
export interface LkRemote {
  present: boolean;
  /** Max analyser RMS over the last second (0..1). */
  audioRms: number;
  audioMax: number;
  framesDecoded: number;
  videoPackets: number;
  audioPackets: number;
  tracks: { sid: string; kind: string; subscribed: boolean; muted: boolean; allowed: boolean }[];
}

export interface LkClient {
  readonly page: Page;
  readonly identity: string;
  /** Connects (room options e.g. `{ singlePeerConnection: false }`); resolves sid and connect ms. */
  connect(roomOptions?: Record<string, unknown>, connectOptions?: Record<string, unknown>, grant?: Partial<VideoGrant>, tokenExtra?: TokenExtra): Promise<{ sid: string; ms: number }>;
  publish(audio?: boolean, video?: boolean): Promise<{ sid: string; kind: string }[]>;
  mute(kind: 'audio' | 'video', muted: boolean): Promise<string>;
  /** `room.localParticipant[method](...args)` in the page. */
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
  remote(identity: string): Promise<LkRemote>;
  events(): Promise<LkEvent[]>;
  /** Polls the page's events until one matches; throws with the events seen on timeout. */
  waitEvent(match: (e: LkEvent) => boolean, what: string, timeoutMs?: number): Promise<LkEvent>;
  /** Polls `remote(identity)` until `ok`; throws with the last value on timeout. */
  waitRemote(identity: string, ok: (r: LkRemote) => boolean, what: string, timeoutMs?: number): Promise<LkRemote>;
  /** Evaluates a function's source text in the page (see evalInPage). */
  eval<T = unknown>(fnSource: string, arg?: unknown, timeoutMs?: number): Promise<T>;
  disconnect(): Promise<void>;
}

export interface TokenExtra { name?: string; metadata?: string; attributes?: Record<string, string> }

export interface LkHarness {
  readonly sb: Switchboard;
  readonly pages: StaticServer;
  readonly browser: ChromiumPeer;
  /** ws://127.0.0.1:<switchboard port> */
  readonly wsUrl: string;
  token(identity: string, room: string, grant?: Partial<VideoGrant>, extra?: TokenExtra): Promise<string>;
  /** A new page on the app origin with livekit-client loaded; joins `room` on connect(). */
  client(identity: string, room: string): Promise<LkClient>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** More startSwitchboard argv (after --port 0 --udp-port 0 --keys ...). */
  argv?: string[];
  env?: Record<string, string>;
  /** Print Chromium's console (also when $LK_CONSOLE is set). */
  logConsole?: boolean;
  /** More Chromium flags (after the standard ones). */
  chromiumArgs?: string[];
}

const APP_HTML = '<!doctype html><meta charset="utf-8"><title>lk app</title><script src="/lk.js"></script><script src="/lkt.js"></script><body></body>';

export async function startLkHarness(opts: HarnessOptions = {}): Promise<LkHarness> {
  assertInsideNetns();
  const lkUmd = readFileSync(`${REPO_ROOT}/node_modules/livekit-client/dist/livekit-client.umd.js`);
  const lkE2ee = readFileSync(`${REPO_ROOT}/node_modules/livekit-client/dist/livekit-client.e2ee.worker.mjs`);
  const sb = await startSwitchboard({
    argv: ['--port', '0', '--udp-port', '0', '--keys', `${LK_KEY}: ${LK_SECRET}`, ...(opts.argv ?? [])],
    env: opts.env ?? {}, log: () => undefined,
  });
  let pages: StaticServer | undefined;
  let browser: ChromiumPeer | undefined;
  try {
    pages = await startStaticServer({ routes: { '/lk.js': lkUmd, '/lkt.js': LK_PAGE_JS, '/app.html': APP_HTML, '/lk-e2ee-worker.mjs': lkE2ee } });
    if (new URL(pages.origin).origin === new URL(sb.httpUrl).origin) throw new Error('the app page must be on another origin than the server');
    browser = await launchChromium({ logConsole: opts.logConsole ?? !!process.env.LK_CONSOLE, ...(opts.chromiumArgs ? { extraArgs: opts.chromiumArgs } : {}) });
  } catch (e) {
    await pages?.close();
    await sb.close();
    throw e;
  }
  const wsUrl = sb.httpUrl.replace(/^http/, 'ws');
  const P = pages;
  const B = browser;
  const token = (identity: string, room: string, grant: Partial<VideoGrant> = {}, extra: TokenExtra = {}) =>
    createToken(LK_KEY, LK_SECRET, { identity, ...extra, video: { room, roomJoin: true, ...grant } });
  return {
    sb, pages: P, browser: B, wsUrl, token,
    async client(identity, room) {
      const page = await B.newPage(`${P.origin}/app.html`);
      const ok = await evalInPage<boolean>(page, '() => !!window.LivekitClient && !!window.lkt');
      if (!ok) throw new Error('livekit-client or the lkt helpers did not load in the page');
      return makeClient(page, identity, async (g, x) => token(identity, room, g, x), wsUrl);
    },
    async close() {
      await B.close();
      await P.close();
      await sb.close();
    },
  };
}

function makeClient(page: Page, identity: string, tokenFor: (g?: Partial<VideoGrant>, x?: TokenExtra) => Promise<string>, wsUrl: string): LkClient {
  const ev = <T>(src: string, arg?: unknown, ms?: number) => evalInPage<T>(page, src, arg, ms);
  const c: LkClient = {
    page, identity,
    async connect(roomOptions = {}, connectOptions = {}, grant, extra) {
      const t = await tokenFor(grant, extra);
      return ev('lkt.connect', [wsUrl, t, roomOptions, { maxRetries: 0, ...connectOptions }], 40_000);
    },
    publish: (audio = true, video = true) => ev('lkt.publish', [audio, video], 30_000),
    mute: (kind, muted) => ev('lkt.mute', [kind, muted]),
    call: (method, ...args) => ev('lkt.call', [method, ...args], 20_000),
    remote: (id) => ev('lkt.remote', id),
    events: () => ev('() => lkt.events'),
    async waitEvent(match, what, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let seen: LkEvent[] = [];
      for (let i = 0; i < 1000 && Date.now() < deadline; i++) {
        seen = await c.events();
        const hit = seen.find(match);
        if (hit) return hit;
        await sleep(150);
      }
      throw new Error(`${identity}: no event "${what}" within ${timeoutMs} ms; seen: ${JSON.stringify(seen.map((e) => [e.ev, e.who, e.kind, e.t])).slice(0, 1500)}`);
    },
    async waitRemote(id, ok, what, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let r = await c.remote(id);
      for (let i = 0; i < 1000 && !ok(r) && Date.now() < deadline; i++) { await sleep(200); r = await c.remote(id); }
      if (!ok(r)) throw new Error(`${identity}: ${what} still not true after ${timeoutMs} ms; last: ${JSON.stringify(r)}`);
      return r;
    },
    eval: (src, arg, ms) => ev(src, arg, ms),
    async disconnect() { await ev('lkt.disconnect', undefined, 10_000).catch(() => undefined); },
  };
  return c;
}

/** Median of a list of numbers (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
