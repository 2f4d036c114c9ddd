// Dev mode: generated key pair, GET /token, and a token from it joins; the static hook;
// a failed engine join is an HTTP error, not a half-open socket.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SignalServer } from '../../src/signal/server.js';
import { generateDevKeyPair } from '../../src/signal/dev.js';
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

test.run();
