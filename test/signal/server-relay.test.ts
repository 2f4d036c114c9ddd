// Requests relayed to RoomService and answered; validation errors as RequestResponse
// with the session still alive; engine events to the right socket.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SignalRequest as LkRequest } from '@livekit/protocol';
import { startHarness, waitFor, type Harness } from './helpers.js';
import { RequestRejectedError } from '../../src/signal/errors.js';
import { RequestReason, DisconnectReason, SignalTarget, TrackSource, TrackType } from '../../src/signal/messages.js';
import type { TestClient } from './fakes.js';

let h: Harness;
test.before(async () => { h = await startHarness(); });
test.after(async () => { await h.stop(); });

const OFFER = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n', id: 7 };
const CAND = { candidate: 'candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };

async function rejected(c: TestClient, reason: number, re: RegExp) {
  const m = await c.nextCase('requestResponse');
  assert.is(m.requestResponse!.reason, reason, m.requestResponse!.message);
  assert.match(m.requestResponse!.message ?? '', re);
  return m.requestResponse!;
}
async function alive(c: TestClient) {
  c.send({ ping: 123 });
  const p = await c.nextCase('pong');
  assert.is(p.pong, 1_700_000_000_000 + h.timers.now);
}

test('offer -> publisherOffer -> answer; trickle parsed and relayed with its target', async () => {
  const { c, sid } = await h.connect('pub');
  c.send({ trickle: { candidateInit: JSON.stringify(CAND), target: SignalTarget.PUBLISHER } });
  await rejected(c, RequestReason.INVALID_REQUEST, /publisher trickle before any publisher offer/);
  c.send({ offer: OFFER });
  const a = await c.nextCase('answer');
  assert.equal(a.answer, { type: 'answer', sdp: 'v=0\r\no=answer-to-7\r\n', id: 7 });
  c.send({ trickle: { candidateInit: JSON.stringify(CAND), target: SignalTarget.PUBLISHER } });
  c.send({ trickle: { candidateInit: '', target: SignalTarget.PUBLISHER, final: true } });
  await waitFor(() => h.rooms.calls.filter((x) => x.method === 'addIceCandidate').length === 2, 'two candidates');
  const ice = h.rooms.calls.filter((x) => x.method === 'addIceCandidate');
  assert.equal(ice[0], { method: 'addIceCandidate', sid, args: [0, CAND] });
  assert.equal(ice[1].args, [0, null], 'final trickle = end of candidates');
  c.send({ trickle: { candidateInit: '{"candidate": 5}', target: SignalTarget.PUBLISHER } });
  await rejected(c, RequestReason.INVALID_REQUEST, /candidate is not a string/);
  c.send({ trickle: { candidateInit: JSON.stringify(CAND), target: SignalTarget.SUBSCRIBER } });
  await rejected(c, RequestReason.INVALID_REQUEST, /subscriber trickle before any subscriber offer/);
  c.send({ offer: { type: 'answer', sdp: 'v=0' } });
  await rejected(c, RequestReason.INVALID_REQUEST, /expected "offer"/);
});

test('subscriber offer from the engine reaches the client; answer before it is refused', async () => {
  const { c, sid } = await h.connect('sub');
  c.send({ answer: { type: 'answer', sdp: 'v=0\r\n' } });
  await rejected(c, RequestReason.INVALID_REQUEST, /answer without a pending subscriber offer/);
  h.rooms.sinks.get(sid)!.subscriberOffer({ type: 'offer', sdp: 'v=0\r\nsub\r\n', id: 3 });
  const o = await c.nextCase('offer');
  assert.equal(o.offer, { type: 'offer', sdp: 'v=0\r\nsub\r\n', id: 3 });
  h.rooms.sinks.get(sid)!.iceCandidate(SignalTarget.SUBSCRIBER, CAND);
  const t = await c.nextCase('trickle');
  assert.equal(JSON.parse(t.trickle!.candidateInit!), CAND);
  assert.is(t.trickle!.target, SignalTarget.SUBSCRIBER);
  c.send({ answer: { type: 'answer', sdp: 'v=0\r\nans\r\n', id: 3 } });
  c.send({ trickle: { candidateInit: JSON.stringify(CAND), target: SignalTarget.SUBSCRIBER } });
  await waitFor(() => h.rooms.calls.some((x) => x.method === 'addIceCandidate' && x.sid === sid), 'subscriber candidate');
  const ans = h.rooms.calls.find((x) => x.method === 'subscriberAnswer' && x.sid === sid)!;
  assert.equal(ans.args, [{ type: 'answer', sdp: 'v=0\r\nans\r\n', id: 3 }]);
  c.send({ answer: { type: 'answer', sdp: 'v=0\r\n' } });
  await rejected(c, RequestReason.INVALID_REQUEST, /answer without a pending subscriber offer/);
});

test('add_track -> track_published; grants enforced; mute only for own tracks', async () => {
  const { c, sid } = await h.connect('cam', { canPublishSources: ['microphone'] });
  c.send({ addTrack: { cid: 'c-mic', name: 'mic', type: TrackType.AUDIO, source: TrackSource.MICROPHONE } });
  const p = await c.nextCase('trackPublished');
  assert.equal(p.trackPublished, { cid: 'c-mic', track: { sid: 'TR_c-mic', name: 'mic', source: TrackSource.MICROPHONE } });
  c.send({ addTrack: { cid: 'c-cam', name: 'cam', type: TrackType.VIDEO, source: TrackSource.CAMERA } });
  const r = await rejected(c, RequestReason.NOT_ALLOWED, /canPublishSources/);
  assert.is(r.addTrack!.cid, 'c-cam', 'the refused request is echoed');
  c.send({ mute: { sid: 'TR_other', muted: true } });
  await rejected(c, RequestReason.NOT_FOUND, /no published track "TR_other"/);
  c.send({ mute: { sid: 'TR_c-mic', muted: true } });
  await waitFor(() => h.rooms.calls.some((x) => x.method === 'muteTrack' && x.sid === sid), 'muteTrack');
  assert.equal(h.rooms.calls.find((x) => x.method === 'muteTrack')!.args, ['TR_c-mic', true]);

  const viewer = await h.connect('viewer', { canPublish: false, canSubscribe: false });
  viewer.c.send({ addTrack: { cid: 'x', type: TrackType.AUDIO } });
  await rejected(viewer.c, RequestReason.NOT_ALLOWED, /canPublish/);
  viewer.c.send({ subscription: { trackSids: ['TR_c-mic'], subscribe: true } });
  await rejected(viewer.c, RequestReason.NOT_ALLOWED, /canSubscribe/);
  assert.not.ok(h.rooms.calls.some((x) => x.sid === viewer.sid && (x.method === 'addTrack' || x.method === 'updateSubscription')));
});

test('ping -> pong, ping_req -> pong_resp', async () => {
  const { c } = await h.connect('pinger');
  await alive(c);
  c.send({ pingReq: { timestamp: 1_699_999_999_000, rtt: 20 } });
  const p = await c.nextCase('pongResp');
  assert.equal(p.pongResp, { lastPingTimestamp: 1_699_999_999_000, timestamp: 1_700_000_000_000 + h.timers.now });
});

test('malformed, text, unknown and oversized frames -> error, session and neighbours unaffected', async () => {
  const a = await h.connect('fuzzy');
  const b = await h.connect('bystander');
  a.c.sendRaw(Buffer.from('0aff', 'hex'));
  await rejected(a.c, RequestReason.INVALID_REQUEST, /malformed SignalRequest/);
  a.c.sendRaw('{"offer":{}}');
  await rejected(a.c, RequestReason.INVALID_REQUEST, /text frames/);
  a.c.sendRaw(new LkRequest({ message: { case: 'getDataBlobRequest', value: {} } }).toBinary());
  await rejected(a.c, RequestReason.UNSUPPORTED_TYPE, /unknown or empty SignalRequest/);
  a.c.sendRaw(Buffer.alloc(0));
  await rejected(a.c, RequestReason.UNSUPPORTED_TYPE, /unknown or empty/);
  a.c.sendRaw(Buffer.alloc(5000, 0x0a));
  await rejected(a.c, RequestReason.LIMIT_EXCEEDED, /5000 bytes exceeds the limit of 4096/);
  await alive(a.c);
  await alive(b.c);
  assert.not.ok(a.c.closed || b.c.closed);
});

test('RoomService errors become RequestResponse; engine events go only to their participant', async () => {
  const a = await h.connect('errs');
  const b = await h.connect('quiet');
  h.rooms.failNext = new RequestRejectedError(RequestReason.LIMIT_EXCEEDED, 'too many tracks');
  a.c.send({ addTrack: { cid: 'c9', type: TrackType.AUDIO } });
  await rejected(a.c, RequestReason.LIMIT_EXCEEDED, /add_track: too many tracks/);
  h.rooms.failNext = new Error('boom');
  a.c.send({ offer: OFFER });
  await rejected(a.c, RequestReason.UNCLASSIFIED_ERROR, /offer failed: boom/);
  const sink = h.rooms.sinks.get(a.sid)!;
  sink.participantUpdate([{ sid: 'PA_x', identity: 'x', state: 1 }]);
  sink.speakersChanged([{ sid: 'PA_x', level: 0.5, active: true }]);
  sink.trackMuted('TR_1', true);
  assert.equal((await a.c.nextCase('update')).update, { participants: [{ sid: 'PA_x', identity: 'x', state: 1 }] });
  assert.equal((await a.c.nextCase('speakersChanged')).speakersChanged, { speakers: [{ sid: 'PA_x', level: 0.5, active: true }] });
  assert.equal((await a.c.nextCase('mute')).mute, { sid: 'TR_1', muted: true });
  await alive(b.c);
  assert.not.ok(b.c.inbox.some((m) => m.message === 'update' || m.message === 'speakersChanged'), 'b got nothing of a');
  sink.close(DisconnectReason.PARTICIPANT_REMOVED);
  const l = await a.c.nextCase('leave');
  assert.is(l.leave!.reason, DisconnectReason.PARTICIPANT_REMOVED);
  await a.c.closedPromise();
  assert.not.ok(h.rooms.calls.some((x) => x.method === 'leave' && x.sid === a.sid), 'engine-initiated close does not call leave back');
});

test('client leave -> RoomService.leave(CLIENT_INITIATED), socket closed', async () => {
  const { c, sid } = await h.connect('goer');
  c.send({ leave: { reason: DisconnectReason.CLIENT_INITIATED } });
  await c.closedPromise();
  await waitFor(() => h.rooms.calls.some((x) => x.method === 'leave' && x.sid === sid), 'leave');
  assert.equal(h.rooms.calls.find((x) => x.method === 'leave' && x.sid === sid)!.args, [DisconnectReason.CLIENT_INITIATED]);
});

test.run();
