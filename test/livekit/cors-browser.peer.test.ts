// A web app on ANOTHER origin than the server (page on one loopback port, Switchboard on
// another), in Chromium: livekit-client with a bad token gets ConnectionError NotAllowed
// carrying our refusal reason (it reads /rtc/validate cross-origin: with no CORS header
// it would report ServerUnreachable instead), and a preflighted fetch with an
// Authorization header reads the answer, good and bad.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { assertInsideNetns } from '../peers/netns.js';
import { evalInPage, launchChromium, type ChromiumPeer } from '../peers/chromium.js';
import { startStaticServer, type StaticServer } from '../peers/http.js';
import { REPO_ROOT } from '../peers/paths.js';
import { startSwitchboard, type Switchboard } from '../../src/server/index.js';
import { createToken } from '../../src/signal/index.js';
import type { Page } from 'playwright-core';

assertInsideNetns();

const KEY = 'APIcorskey';
const SECRET = 'cors-secret-cors-secret-cors-secret-0123';
const LK_UMD = readFileSync(`${REPO_ROOT}/node_modules/livekit-client/dist/livekit-client.umd.js`);

let sb: Switchboard;
let pages: StaticServer;
let browser: ChromiumPeer;
let page: Page;

test.before(async () => {
  sb = await startSwitchboard({ argv: ['--port', '0', '--udp-port', '0', '--workers', '0', '--keys', `${KEY}: ${SECRET}`], env: {}, log: () => undefined });
  pages = await startStaticServer({ routes: { '/lk.js': LK_UMD, '/app.html': '<!doctype html><script src="/lk.js"></script><p>app</p>' } });
  browser = await launchChromium();
  page = await browser.newPage(`${pages.origin}/app.html`);
});
test.after(async () => {
  await browser?.close();
  await pages?.close();
  await sb?.close();
});

test('the page and the server are on different origins', () => {
  assert.is.not(new URL(pages.origin).origin, new URL(sb.httpUrl).origin);
});

test('livekit-client (v0: singlePeerConnection false) with a forged token: NotAllowed + our reason, not ServerUnreachable', async () => {
  const good = await createToken(KEY, SECRET, { identity: 'ann', video: { room: 'r1', roomJoin: true } });
  const forged = good.slice(0, -4) + (good.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  const wsUrl = sb.httpUrl.replace(/^http/, 'ws');
  const r = await evalInPage<{ name: string; reason: number; notAllowed: number; status?: number; message: string }>(page, `async ([url, token]) => {
    const room = new LivekitClient.Room({ singlePeerConnection: false });
    const notAllowed = LivekitClient.ConnectionErrorReason.NotAllowed;
    try { await room.connect(url, token, { maxRetries: 0 }); return { name: 'connected', reason: -1, notAllowed, message: '' }; }
    catch (e) { return { name: e.name, reason: e.reason, notAllowed, status: e.status, message: String(e.message) }; }
  }`, [wsUrl, forged], 20_000);
  assert.is(r.name, 'ConnectionError', JSON.stringify(r));
  // Room.connect re-wraps the signal error: `reason` is copied from the validate answer,
  // `reasonName` is not (a livekit-client quirk), so compare the enum value.
  assert.is(r.reason, r.notAllowed, JSON.stringify(r));
  assert.is(r.status, 401);
  assert.match(r.message, /signature/);
});

test('livekit-client with default options (v1: /rtc/v1, then /rtc/v1/validate) and a forged token: NotAllowed + our reason, not ServerUnreachable', async () => {
  const good = await createToken(KEY, SECRET, { identity: 'ann1', video: { room: 'r1', roomJoin: true } });
  const forged = good.slice(0, -4) + (good.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  const wsUrl = sb.httpUrl.replace(/^http/, 'ws');
  const r = await evalInPage<{ name: string; reason: number; notAllowed: number; status?: number; message: string }>(page, `async ([url, token]) => {
    const room = new LivekitClient.Room();
    const notAllowed = LivekitClient.ConnectionErrorReason.NotAllowed;
    try { await room.connect(url, token, { maxRetries: 0 }); return { name: 'connected', reason: -1, notAllowed, message: '' }; }
    catch (e) { return { name: e.name, reason: e.reason, notAllowed, status: e.status, message: String(e.message) }; }
  }`, [wsUrl, forged], 20_000);
  assert.is(r.name, 'ConnectionError', JSON.stringify(r));
  // Room.connect re-wraps the signal error: `reason` is copied from the validate answer,
  // `reasonName` is not (a livekit-client quirk), so compare the enum value.
  assert.is(r.reason, r.notAllowed, JSON.stringify(r));
  assert.is(r.status, 401);
  assert.match(r.message, /signature/);
});

test('preflighted fetch (Authorization header) from the page: 200 "success" and 401 with the reason are both readable', async () => {
  const good = await createToken(KEY, SECRET, { identity: 'bob', video: { room: 'r1', roomJoin: true } });
  const r = await evalInPage<{ status: number; text: string }[]>(page, `async ([base, tokens]) => {
    const out = [];
    for (const t of tokens) {
      const res = await fetch(base + '/rtc/validate', { headers: { Authorization: 'Bearer ' + t } });
      out.push({ status: res.status, text: await res.text() });
    }
    return out;
  }`, [sb.httpUrl, [good, 'not.a.jwt']]);
  assert.equal(r[0], { status: 200, text: 'success' });
  assert.is(r[1]!.status, 401);
  assert.match(r[1]!.text, /not a valid JWT|token/);
});

test('Twirp from the page (JSON POST + Authorization: preflighted): RoomServiceClient-shaped calls read answers and errors', async () => {
  const at = await createToken(KEY, SECRET, { identity: 'admin', video: { roomList: true, roomCreate: true } });
  const r = await evalInPage<{ status: number; body: any }[]>(page, `async ([base, token]) => {
    const call = async (method, body, auth) => {
      const res = await fetch(base + '/twirp/livekit.RoomService/' + method, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: 'Bearer ' + auth } : {}) }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    };
    return [await call('CreateRoom', { name: 'from-page' }, token), await call('ListRooms', {}, token), await call('ListRooms', {}, 'bad.token.here')];
  }`, [sb.httpUrl, at]);
  assert.is(r[0]!.status, 200);
  assert.is(r[0]!.body.name, 'from-page');
  assert.ok(r[1]!.body.rooms.some((x: { name: string }) => x.name === 'from-page'));
  assert.equal([r[2]!.status, r[2]!.body.code], [401, 'unauthenticated']);
});

test.run();
