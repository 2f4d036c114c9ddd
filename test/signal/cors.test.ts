// CORS on the HTTP routes a browser app calls: preflight answered 204 with the methods and
// headers LiveKit's SDKs use, and Access-Control-Allow-Origin on every answer, errors too,
// so a page on another origin can read why its token was refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startHarness, type Harness } from './helpers.js';
import { CORS_MAX_AGE_SEC } from '../../src/signal/http/cors.js';

let h: Harness;
test.before(async () => { h = await startHarness({ dev: true }); });
test.after(async () => { await h.stop(); });

const ORIGIN = 'http://app.example:3000';

test('preflight on validate, token and twirp: 204, origin echoed, methods, headers, max-age', async () => {
  for (const path of ['/rtc/validate?access_token=x', '/rtc/v1/validate', '/token?room=a&identity=b', '/twirp/livekit.RoomService/ListRooms']) {
    const r = await fetch(`${h.http}${path}`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'Authorization, Content-Type, X-Custom' },
    });
    assert.is(r.status, 204, path);
    assert.is(await r.text(), '');
    assert.is(r.headers.get('access-control-allow-origin'), ORIGIN);
    assert.match(r.headers.get('access-control-allow-methods') ?? '', /\bPOST\b/);
    assert.match(r.headers.get('access-control-allow-methods') ?? '', /\bGET\b/);
    const allowed = (r.headers.get('access-control-allow-headers') ?? '').split(/\s*,\s*/);
    for (const x of ['authorization', 'content-type', 'twirp-version', 'x-custom']) assert.ok(allowed.includes(x), `${path} allows ${x}: ${allowed}`);
    assert.is(r.headers.get('access-control-max-age'), String(CORS_MAX_AGE_SEC));
    assert.match(r.headers.get('vary') ?? '', /Origin/);
    assert.is(r.headers.get('access-control-allow-credentials'), null, 'tokens authorise, never cookies');
  }
  assert.equal(h.rooms.calls, [], 'a preflight touches no room');
});

test('every answer carries ACAO, errors included; no Origin -> *; a header-injection Origin is not echoed', async () => {
  const bad = await fetch(`${h.http}/rtc/validate?access_token=garbage`, { headers: { origin: ORIGIN } });
  assert.is(bad.status, 401);
  assert.is(bad.headers.get('access-control-allow-origin'), ORIGIN);
  assert.match(await bad.text(), /not a valid JWT/);
  const badV1 = await fetch(`${h.http}/rtc/v1/validate?access_token=garbage`, { headers: { origin: ORIGIN } });
  assert.is(badV1.status, 401);
  assert.is(badV1.headers.get('access-control-allow-origin'), ORIGIN);
  assert.match(await badV1.text(), /not a valid JWT/);
  const ok = await fetch(`${h.http}/rtc/validate?access_token=${await h.token('ann')}`, { headers: { origin: ORIGIN } });
  assert.is(ok.status, 200);
  assert.is(ok.headers.get('access-control-allow-origin'), ORIGIN);
  const tok = await fetch(`${h.http}/token?room=demo&identity=ann`, { headers: { origin: ORIGIN } });
  assert.is(tok.status, 200);
  assert.is(tok.headers.get('access-control-allow-origin'), ORIGIN);
  const missing = await fetch(`${h.http}/token?room=demo`);
  assert.is(missing.status, 400);
  assert.is(missing.headers.get('access-control-allow-origin'), '*');
  const nf = await fetch(`${h.http}/nothing`, { headers: { origin: ORIGIN } });
  assert.is(nf.status, 404);
  assert.is(nf.headers.get('access-control-allow-origin'), ORIGIN);
  // A plain OPTIONS (no Access-Control-Request-Method) is not a preflight: routed as usual.
  const plain = await fetch(`${h.http}/nothing`, { method: 'OPTIONS' });
  assert.is(plain.status, 404);
  const weird = await fetch(`${h.http}/rtc/validate`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'a b, "c"' } });
  assert.is(weird.status, 204);
  assert.not.match(weird.headers.get('access-control-allow-headers') ?? '', /"c"/, 'odd requested header lists are not echoed');
});

test.run();
