// Dev mode: devkey / secret as livekit-server --dev, GET /token, and a token from it joins; the static hook;
// a failed engine join is an HTTP error, not a half-open socket.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SignalServer } from '../../src/signal/server.js';
import { AccessToken } from 'livekit-server-sdk';
import { DEV_KEY_PAIR, generateDevKeyPair } from '../../src/signal/dev.js';
import { loadSignalConfig } from '../../src/signal/config.js';
import { ConfigError } from '../../src/signal/errors.js';
import { verifyToken } from '../../src/signal/token.js';
import { RequestRejectedError } from '../../src/signal/errors.js';
import { RequestReason } from '../../src/signal/messages.js';
import { FakeRoomService, TestClient, refusal } from './fakes.js';

test('generateDevKeyPair gives distinct usable pairs', () => {
  const a = generateDevKeyPair();
  const b = generateDevKeyPair();
  assert.match(a.apiKey, /^API[A-Za-z0-9]{12}$/);
  assert.ok(a.apiSecret.length >= 32);
  assert.is.not(a.apiKey, b.apiKey);
});

test('dev server: /token, joining with it, static hook, join failure as HTTP 503', async () => {
  const rooms = new FakeRoomService();
  let staticHits = 0;
  const server = new SignalServer({ port: 0, dev: true }, {
    roomService: rooms,
    staticHandler: (req, res) => {
      if (req.url !== '/') return false;
      staticHits++;
      res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>demo</h1>');
      return true;
    },
  });
  const { port } = await server.listen();
  const http = `http://127.0.0.1:${port}`;
  const c: TestClient[] = [];
  try {
    assert.ok(server.devKey);
    const r = await fetch(`${http}/token?room=demo&identity=ann`);
    assert.is(r.status, 200);
    const body = await r.json() as { token: string; room: string; identity: string };
    assert.equal({ room: body.room, identity: body.identity }, { room: 'demo', identity: 'ann' });
    const v = await verifyToken(body.token, (k) => (k === server.devKey!.apiKey ? server.devKey!.apiSecret : undefined), { room: 'demo' });
    assert.equal(v.permission.canPublish && v.permission.canSubscribe, true);
    assert.is((await fetch(`${http}/token?room=demo`)).status, 400);
    assert.is((await fetch(`${http}/token?room=a%20b&identity=x`)).status, 400);

    const ws = new TestClient(`ws://127.0.0.1:${port}/rtc?access_token=${body.token}`);
    c.push(ws);
    await ws.opened();
    assert.is((await ws.next()).message, 'join');

    assert.is(await (await fetch(`${http}/`)).text(), '<h1>demo</h1>');
    assert.is(staticHits, 1);
    assert.is((await fetch(`${http}/nothing`)).status, 404);

    rooms.failJoin = new RequestRejectedError(RequestReason.LIMIT_EXCEEDED, 'room is full');
    const t2 = (await (await fetch(`${http}/token?room=demo&identity=bea`)).json() as { token: string }).token;
    const ref = await refusal(`ws://127.0.0.1:${port}/rtc?access_token=${t2}`);
    assert.is(ref.status, 503);
    assert.match(ref.body, /join failed: room is full/);
    assert.is(server.sessionCount, 1);
  } finally {
    for (const x of c) x.terminate();
    await server.close();
  }
});

test('dev mode is livekit-server --dev: devkey / secret; a livekit-server-sdk AccessToken made with them validates', async () => {
  const server = new SignalServer({ port: 0, dev: true }, { roomService: new FakeRoomService() });
  const { port } = await server.listen();
  try {
    assert.equal(server.devKey, { apiKey: 'devkey', apiSecret: 'secret' });
    assert.equal({ ...DEV_KEY_PAIR }, { apiKey: 'devkey', apiSecret: 'secret' });
    const at = new AccessToken('devkey', 'secret', { identity: 'sdk-user' });
    at.addGrant({ room: 'demo', roomJoin: true });
    const ok = await fetch(`http://127.0.0.1:${port}/rtc/validate?access_token=${await at.toJwt()}`);
    assert.is(ok.status, 200);
    const wrong = new AccessToken('devkey', 'not-the-secret', { identity: 'x' });
    wrong.addGrant({ room: 'demo', roomJoin: true });
    assert.is((await fetch(`http://127.0.0.1:${port}/rtc/validate?access_token=${await wrong.toJwt()}`)).status, 401);
  } finally {
    await server.close();
  }
  // With keys configured, dev mode signs /token with the first of them (no devkey added).
  const s2 = new SignalServer({ port: 0, dev: true, apiKeys: { APIk: 'k'.repeat(32) } }, { roomService: new FakeRoomService() });
  assert.equal(s2.devKey, { apiKey: 'APIk', apiSecret: 'k'.repeat(32) });
  assert.equal(Object.keys(s2.options.apiKeys), ['APIk']);
});

test('short secrets: refused outside dev mode (naming key and length), allowed in dev mode; LIVEKIT_KEYS is read', () => {
  const bad = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof ConfigError && re.test((e as Error).message));
  bad(() => loadSignalConfig({ argv: ['--keys', 'devkey: secret'], env: {} }), /secret of API key "devkey" is 6 characters; at least 32 are required outside --dev/);
  bad(() => new SignalServer({ port: 0, apiKeys: { K: 'x'.repeat(31) } }, { roomService: new FakeRoomService() }), /"K" is 31 characters/);
  assert.equal(loadSignalConfig({ argv: ['--keys', 'devkey: secret', '--dev'], env: {} }).apiKeys, { devkey: 'secret' });
  const long = 'L'.repeat(40);
  assert.equal(loadSignalConfig({ env: { LIVEKIT_KEYS: `APIlk: ${long}` } }).apiKeys, { APIlk: long });
  assert.equal(loadSignalConfig({ env: { LIVEKIT_KEYS: `APIlk: ${long}`, SWITCHBOARD_KEYS: `APIsb: ${long}` } }).apiKeys, { APIsb: long }, 'ours wins');
  bad(() => loadSignalConfig({ env: { LIVEKIT_KEYS: 'APIlk: short' } }), /"APIlk" is 5 characters/);
});

test.run();
