// The v1 join request (/rtc/v1?join_request=...): decoded from LiveKit's own encoder
// (@livekit/protocol's JoinRequest / WrappedJoinRequest, gzip as browsers send it), and
// every malformed form refused with a JoinRequestError naming the problem.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import * as lk from '@livekit/protocol';
import { connectRequestV0, connectRequestV1, JoinRequestError, MAX_JOIN_REQUEST_BYTES } from '../../src/signal/join-request.js';

const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
function wrapped(j: lk.JoinRequest, gzip: boolean): URLSearchParams {
  const bytes = j.toBinary();
  const w = new lk.WrappedJoinRequest({ compression: gzip ? lk.WrappedJoinRequest_Compression.GZIP : lk.WrappedJoinRequest_Compression.NONE, joinRequest: gzip ? gzipSync(bytes) : bytes });
  return new URLSearchParams({ access_token: 't', join_request: b64url(w.toBinary()) });
}
const sample = () => new lk.JoinRequest({
  clientInfo: new lk.ClientInfo({ sdk: lk.ClientInfo_SDK.JS, version: '2.23.0', protocol: 16, browser: 'Chrome' }),
  connectionSettings: new lk.ConnectionSettings({ autoSubscribe: true, adaptiveStream: true }),
  publisherOffer: new lk.SessionDescription({ type: 'offer', sdp: 'v=0\r\n', id: 1 }),
  metadata: 'm', participantAttributes: { a: 'b' },
});

test('v1: LiveKit-encoded join requests, gzip and plain, decode to the same ConnectRequest', () => {
  for (const gzip of [true, false]) {
    const c = connectRequestV1(wrapped(sample(), gzip));
    assert.equal(c, {
      singlePeerConnection: true, autoSubscribe: true, adaptiveStream: true, reconnect: false,
      client: { sdk: 'js', version: '2.23.0', browser: 'Chrome', protocol: 16 },
      publisherOffer: { type: 'offer', sdp: 'v=0\r\n', id: 1 }, metadata: 'm', attributes: { a: 'b' },
    });
  }
  const r = connectRequestV1(wrapped(new lk.JoinRequest({ reconnect: true, participantSid: 'PA_x', connectionSettings: new lk.ConnectionSettings({ autoSubscribe: false }) }), true));
  assert.is(r.reconnect, true);
  assert.is(r.participantSid, 'PA_x');
  assert.is(r.autoSubscribe, false);
  assert.is(r.publisherOffer, undefined);
});

test('v0: the query string', () => {
  const c = connectRequestV0(new URLSearchParams('access_token=t&auto_subscribe=0&reconnect=1&sid=PA_1&sdk=js&protocol=15'));
  assert.equal(c, { singlePeerConnection: false, autoSubscribe: false, adaptiveStream: false, reconnect: true, participantSid: 'PA_1', client: { sdk: 'js', protocol: 15 } });
});

const refuses = (q: string, re: RegExp) => {
  let err: unknown;
  try { connectRequestV1(new URLSearchParams(q)); } catch (e) { err = e; }
  assert.instance(err, JoinRequestError, q.slice(0, 60));
  assert.match((err as Error).message, re);
};

test('v1: malformed join requests are refused with the reason', () => {
  refuses('access_token=t', /missing join_request/);
  refuses('join_request=%%%', /not base64url/);
  refuses(`join_request=${b64url(Buffer.from([0x12, 0x05, 1]))}`, /not a WrappedJoinRequest/);
  refuses(`join_request=${b64url(new lk.WrappedJoinRequest({ compression: 1, joinRequest: Buffer.from('not gzip') }).toBinary())}`, /gzip data is invalid/);
  const bomb = gzipSync(Buffer.alloc(MAX_JOIN_REQUEST_BYTES + 10));
  refuses(`join_request=${b64url(new lk.WrappedJoinRequest({ compression: 1, joinRequest: bomb }).toBinary())}`, /larger than/);
  refuses(`join_request=${b64url(new lk.WrappedJoinRequest({ compression: 0, joinRequest: Buffer.from([0x0a, 0xff]) }).toBinary())}`, /does not hold a JoinRequest/);
});

test('fuzz: 5000 random / mutated join requests never throw anything but JoinRequestError', () => {
  const good = Buffer.from(wrapped(sample(), false).get('join_request')!.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  for (let i = 0; i < 5000; i++) {
    const b = i % 2 ? randomBytes(1 + (i % 200)) : Buffer.from(good);
    if (i % 2 === 0) for (let k = 0; k < 1 + (i % 5); k++) b[(i * 7 + k * 13) % b.length] ^= 1 << (k % 8);
    try { connectRequestV1(new URLSearchParams({ join_request: b64url(b) })); } catch (e) { assert.instance(e, JoinRequestError); }
  }
});

test.run();
