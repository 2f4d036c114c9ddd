// The /rtc upgrade refuses bad tokens with HTTP 401 and a reason, before any RoomService
// call; good tokens (query or Bearer header) join and get LiveKit's JoinResponse.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHmac } from 'node:crypto';
import { startHarness, KEY, SECRET, type Harness } from './helpers.js';
import { refusal, TestClient } from './fakes.js';
import { createToken } from '../../src/signal/token.js';
import { SignalResponse as LkResponse } from '@livekit/protocol';
import { encodeSignalResponse } from '../../src/signal/proto.js';

let h: Harness;
test.before(async () => { h = await startHarness({ pingTimeoutSec: 15 }); });
test.after(async () => { await h.stop(); });

test('missing, forged, expired, unknown-key, wrong-room and no-join tokens get 401 + reason, RoomService untouched', async () => {
  const forged = (await h.token('eve')).split('.');
  forged[2] = createHmac('sha256', 'not-the-secret').update(`${forged[0]}.${forged[1]}`).digest('base64url');
  const expired = await createToken(KEY, SECRET, { identity: 'old', nowSec: 1_600_000_000, ttlSec: 60, video: { room: 'lobby', roomJoin: true } });
  const unknownKey = await createToken('APIother', SECRET, { identity: 'x', nowSec: 1_700_000_000, video: { room: 'lobby', roomJoin: true } });
  const cases: [string, RegExp][] = [
    ['', /no access token/],
    ['?access_token=garbage', /not a valid JWT/],
    [`?access_token=${forged.join('.')}`, /signature/],
    [`?access_token=${expired}`, /expired/],
    [`?access_token=${unknownKey}`, /unknown API key "APIother"/],
    [`?access_token=${await h.token('bob')}&room=elsewhere`, /token is for room "lobby", not "elsewhere"/],
    [`?access_token=${await h.token('bob', { roomJoin: false })}`, /roomJoin/],
  ];
  for (const [q, re] of cases) {
    const r = await refusal(`${h.base}/rtc${q}`);
    assert.is(r.status, 401, q);
    assert.match(r.body, re);
  }
  const bearer = await refusal(`${h.base}/rtc`, { authorization: 'Bearer not.a.token' });
  assert.is(bearer.status, 401);
  assert.equal(h.rooms.calls, [], 'no RoomService call for refused tokens');
  assert.is(h.server.sessionCount, 0);
});

test('join over a real ws client: JoinResponse as LiveKit sends it', async () => {
  const { c, sid, join } = await h.connect('alice', { canSubscribe: true });
  assert.is(sid, 'PA_1');
  assert.is(join.room.name, 'lobby');
  assert.is(join.participant.identity, 'alice');
  assert.equal(join.otherParticipants ?? [], []);
  assert.equal(join.iceServers ?? [], []);
  assert.is(join.subscriberPrimary, true);
  assert.is(join.pingInterval, 5);
  assert.is(join.pingTimeout, 15);
  assert.is(join.serverInfo.protocol, 15);
  const jr = h.rooms.joins[0];
  assert.equal({ room: jr.room, identity: jr.identity, autoSubscribe: jr.autoSubscribe, client: jr.client },
    { room: 'lobby', identity: 'alice', autoSubscribe: true, client: { sdk: 'js', protocol: 15 } });
  // LiveKit's own classes read the same frame
  const lk = LkResponse.fromBinary(encodeSignalResponse({ join }));
  assert.is(lk.message.case, 'join');
  c.close();
});

test('Authorization: Bearer works and a second participant sees the first', async () => {
  const tok = await h.token('bob', { canSubscribe: false });
  const c = new TestClient(`${h.base}/rtc?auto_subscribe=0`, { authorization: `Bearer ${tok}` });
  h.clients.push(c);
  await c.opened();
  const first = await c.next();
  assert.is(first.message, 'join');
  assert.is(first.join!.subscriberPrimary ?? false, false, 'no canSubscribe -> publisher primary');
  assert.ok((first.join!.otherParticipants ?? []).length >= 1);
  assert.is(h.rooms.joins.at(-1)!.autoSubscribe, false);
});

test('/rtc/validate answers like LiveKit; /token is off outside dev mode', async () => {
  const ok = await fetch(`${h.http}/rtc/validate?access_token=${await h.token('v')}`);
  assert.is(ok.status, 200);
  assert.is(await ok.text(), 'success');
  const bad = await fetch(`${h.http}/rtc/validate?access_token=x.y.z`);
  assert.is(bad.status, 401);
  assert.ok((await bad.text()).length > 5);
  assert.is((await fetch(`${h.http}/token?room=lobby&identity=z`)).status, 404);
  assert.is((await fetch(`${h.http}/rtc`)).status, 426);
});

test.run();
