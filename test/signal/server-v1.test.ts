// /rtc/v1, LiveKit's single peer connection path: the join request (with the first
// publisher offer) rides in the URL; the server answers join, then the answer to that
// offer, and passes singlePeerConnection to RoomService; the JoinResponse says
// subscriber_primary false. Bad join requests get HTTP 400 + reason and touch nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as lk from '@livekit/protocol';
import { gzipSync } from 'node:zlib';
import { startHarness, type Harness } from './helpers.js';
import { refusal, TestClient } from './fakes.js';

let h: Harness;
test.before(async () => { h = await startHarness({ pingTimeoutSec: 15 }); });
test.after(async () => { await h.stop(); });

const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
const joinParam = (offerSdp?: string) => b64url(new lk.WrappedJoinRequest({
  compression: lk.WrappedJoinRequest_Compression.GZIP,
  joinRequest: gzipSync(new lk.JoinRequest({
    connectionSettings: new lk.ConnectionSettings({ autoSubscribe: true }),
    ...(offerSdp ? { publisherOffer: new lk.SessionDescription({ type: 'offer', sdp: offerSdp, id: 7 }) } : {}),
  }).toBinary()),
}).toBinary());

test('v1 join: join response (subscriber_primary false), then the answer to the offer in the join request', async () => {
  const c = new TestClient(`${h.base}/rtc/v1?access_token=${await h.token('vic')}&join_request=${joinParam('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n')}`);
  await c.opened();
  const j = await c.nextCase('join');
  assert.not.ok(j.join!.subscriberPrimary, 'proto3 false (v0 joins say true)');
  const a = await c.nextCase('answer');
  assert.is(a.answer!.id, 7);
  assert.is(h.rooms.joins.at(-1)!.singlePeerConnection, true);
  assert.ok(h.rooms.methods().includes('publisherOffer'));
  c.ws.close();
});

test('v1: a bad join_request is refused with 400 and the reason; nothing joins', async () => {
  const before = h.rooms.joins.length;
  const r = await refusal(`${h.base}/rtc/v1?access_token=${await h.token('vic2')}&join_request=AAAA`);
  assert.is(r.status, 400);
  assert.match(r.body, /join_request/);
  const r2 = await refusal(`${h.base}/rtc/v1?access_token=${await h.token('vic3')}`);
  assert.is(r2.status, 400);
  assert.match(r2.body, /missing join_request/);
  assert.is(h.rooms.joins.length, before, "no join for a refused request");
});

test('/rtc/v1/validate answers like /rtc/validate', async () => {
  const ok = await fetch(`${h.base.replace('ws', 'http')}/rtc/v1/validate?access_token=${await h.token('val')}`);
  assert.is(ok.status, 200);
  const bad = await fetch(`${h.base.replace('ws', 'http')}/rtc/v1/validate?access_token=garbage`);
  assert.is(bad.status, 401);
  assert.match(await bad.text(), /not a valid JWT/);
});

test.run();
