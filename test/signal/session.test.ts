// SignalSession on its own (no sockets): ordering guarantees the engine relies on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SignalSession } from '../../src/signal/session.js';
import { decodeSignalResponse, encodeSignalRequest } from '../../src/signal/proto.js';
import { DisconnectReason, TrackType, type SignalRequest } from '../../src/signal/messages.js';
import { FakeRoomService } from './fakes.js';
import { SignalResponse as LkResponse, VideoQuality as LkQuality } from '@livekit/protocol';

function make(rooms: FakeRoomService, maxBuffered?: number) {
  const out: string[] = [];
  const frames: any[] = [];
  const s = new SignalSession({ service: rooms, permission: { canPublish: true, canSubscribe: true }, maxMessageBytes: 4096, nowMs: () => 5, maxBuffered });
  const transport = {
    send: (f: Uint8Array) => { const d = decodeSignalResponse(f); if (d.ok) { out.push(d.value.message!); frames.push(d.value); } },
    close: () => out.push('CLOSED'),
  };
  const send = (r: SignalRequest) => s.handleFrame(encodeSignalRequest(r), true);
  return { s, out, frames, transport, send };
}

test('events the engine sends before the join completes arrive after the join response', () => {
  const rooms = new FakeRoomService();
  const { s, out, transport } = make(rooms);
  s.participantUpdate([{ sid: 'PA_2' }]);
  s.attach(transport);
  assert.equal(out, [], 'nothing before join');
  s.joined('PA_1', { participant: { sid: 'PA_1' } });
  assert.equal(out, ['join', 'update']);
});

test('RoomService calls run one at a time, in request order, even when one is slow', async () => {
  const rooms = new FakeRoomService();
  const order: string[] = [];
  let release!: () => void;
  rooms.publisherOffer = async () => { order.push('offer:start'); await new Promise<void>((r) => { release = r; }); order.push('offer:end'); return { type: 'answer', sdp: 'v=0' }; };
  rooms.addIceCandidate = async () => { order.push('ice'); };
  const { s, transport, send, out } = make(rooms);
  s.joined('PA_1', {});
  s.attach(transport);
  send({ offer: { type: 'offer', sdp: 'v=0\r\n' } });
  send({ trickle: { candidateInit: '{"candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host"}', target: 0 } });
  await new Promise((r) => setImmediate(r));
  assert.equal(order, ['offer:start']);
  release();
  await s.idle();
  assert.equal(order, ['offer:start', 'offer:end', 'ice']);
  assert.equal(out, ['join', 'answer']);
});

test('leave ends the session once: later frames and engine events are ignored', async () => {
  const rooms = new FakeRoomService();
  const { s, transport, send, out } = make(rooms);
  s.joined('PA_1', {});
  s.attach(transport);
  send({ addTrack: { cid: 'a', type: TrackType.AUDIO } });
  send({ leave: {} });
  send({ ping: 1 });
  s.participantUpdate([]);
  s.end(DisconnectReason.SERVER_SHUTDOWN, { notifyService: true });
  await s.idle();
  assert.ok(s.ended);
  assert.equal(rooms.methods(), ['leave'], 'the pending add_track was skipped; leave called once');
  assert.equal(rooms.calls[0].args, [DisconnectReason.CLIENT_INITIATED]);
  assert.equal(out, ['join', 'CLOSED']);
});

test('detached buffer is bounded and flags overflow; a short drop replays everything in order', () => {
  const rooms = new FakeRoomService();
  const a = make(rooms, 4);
  a.s.joined('PA_1', {});
  a.s.attach(a.transport);
  a.s.detach();
  a.s.trackMuted('T1', true);
  a.s.trackMuted('T2', true);
  a.s.resume(a.transport, {});
  assert.equal(a.out, ['join', 'reconnect', 'mute', 'mute']);
  assert.equal(a.frames.slice(2).map((f) => f.mute.sid), ['T1', 'T2']);
  assert.is(a.s.overflowed, false);
  a.s.detach();
  for (let i = 0; i < 6; i++) a.s.trackMuted(`X${i}`, true);
  assert.is(a.s.overflowed, true);
});

test('subscribedQualityUpdate goes out as SignalResponse.subscribed_quality_update (LiveKit decodes it)', () => {
  const rooms = new FakeRoomService();
  const raw: Uint8Array[] = [];
  const s = new SignalSession({ service: rooms, permission: { canPublish: true, canSubscribe: true }, maxMessageBytes: 4096, nowMs: () => 5 });
  s.attach({ send: (f) => raw.push(f), close: () => {} });
  s.joined('PA_1', {});
  s.subscribedQualityUpdate({
    trackSid: 'TR_v',
    subscribedQualities: [{ quality: 0, enabled: true }, { quality: 1, enabled: true }, { quality: 2, enabled: false }],
    subscribedCodecs: [{ codec: 'vp8', qualities: [{ quality: 0, enabled: true }, { quality: 1, enabled: true }, { quality: 2, enabled: false }] }],
  });
  assert.is(raw.length, 2);
  const lk = LkResponse.fromBinary(raw[1]);
  assert.is(lk.message.case, 'subscribedQualityUpdate');
  const u = lk.message.value as any;
  assert.is(u.trackSid, 'TR_v');
  assert.equal(u.subscribedQualities.map((q: any) => [q.quality, q.enabled]), [[LkQuality.LOW, true], [LkQuality.MEDIUM, true], [LkQuality.HIGH, false]]);
  assert.is(u.subscribedCodecs.length, 1);
  assert.is(u.subscribedCodecs[0].codec, 'vp8');
  assert.equal(u.subscribedCodecs[0].qualities.map((q: any) => q.enabled), [true, true, false]);
});

test.run();
