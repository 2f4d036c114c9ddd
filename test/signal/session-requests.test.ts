// The later signal set at the signal level: requests are encoded with LiveKit's own
// classes (@livekit/protocol, as livekit-client does) and our responses decoded with
// them, so field numbers and oneof cases are checked against LiveKit's, not ours.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  SignalRequest as LkRequest, SignalResponse as LkResponse, RequestResponse_Reason as LkReason,
  LeaveRequest_Action as LkAction, DisconnectReason as LkDisconnect, AudioTrackFeature as LkFeature, TrackType as LkTrackType,
} from '@livekit/protocol';
import { SignalSession } from '../../src/signal/session.js';
import type { ParticipantPermission } from '../../src/signal/messages.js';
import { FakeRoomService } from './fakes.js';

class Svc extends FakeRoomService {
  got: [string, unknown][] = [];
  async updateParticipantMetadata(_sid: string, u: unknown) { this.got.push(['metadata', u]); }
  async updateLocalAudioTrack(_sid: string, u: unknown) { this.got.push(['audio', u]); }
  async updateLocalVideoTrack(_sid: string, u: unknown) { this.got.push(['video', u]); }
  async syncState(_sid: string, s: unknown) { this.got.push(['sync', s]); }
  async simulateSpeaker(_sid: string, secs: number) { this.got.push(['speaker', secs]); }
}

function make(perm: ParticipantPermission = { canPublish: true, canSubscribe: true }) {
  const svc = new Svc();
  let now = 1000;
  const s = new SignalSession({ service: svc, permission: perm, maxMessageBytes: 1 << 20, nowMs: () => now });
  const got: LkResponse[] = [];
  let closed = 0;
  const transport = { send: (f: Uint8Array) => got.push(LkResponse.fromBinary(f)), close: () => { closed++; } };
  s.joined('PA_1', {});
  s.attach(transport);
  const send = (msg: ConstructorParameters<typeof LkRequest>[0]) => s.handleFrame(new LkRequest(msg).toBinary(), true);
  const last = () => got[got.length - 1]!.message;
  return { s, svc, got, send, last, transport, closed: () => closed, advance: (ms: number) => { now += ms; } };
}

async function publish(t: ReturnType<typeof make>, cid: string, type = LkTrackType.AUDIO): Promise<string> {
  t.send({ message: { case: 'addTrack', value: { cid, type } } });
  await t.s.idle();
  const m = t.last();
  assert.is(m.case, 'trackPublished');
  return (m.value as { track: { sid: string } }).track.sid;
}

test('update_metadata without canUpdateOwnMetadata: NOT_ALLOWED naming the grant, request_id echoed, nothing changes', async () => {
  const t = make();
  t.send({ message: { case: 'updateMetadata', value: { metadata: 'x', requestId: 7 } } });
  await t.s.idle();
  const m = t.last();
  assert.is(m.case, 'requestResponse');
  if (m.case !== 'requestResponse') return;
  assert.is(m.value.reason, LkReason.NOT_ALLOWED);
  assert.is(m.value.requestId, 7);
  assert.match(m.value.message, /canUpdateOwnMetadata/);
  assert.is(m.value.request.case, 'updateMetadata');
  assert.equal(t.svc.got, []);
});

test('update_metadata with the grant: the service gets it, request_response OK with the request_id (livekit-client awaits it)', async () => {
  const t = make({ canPublish: true, canSubscribe: true, canUpdateMetadata: true });
  t.send({ message: { case: 'updateMetadata', value: { name: 'Ann', metadata: '{"a":1}', attributes: { k: 'v' }, requestId: 9 } } });
  await t.s.idle();
  assert.equal(t.svc.got, [['metadata', { name: 'Ann', metadata: '{"a":1}', attributes: { k: 'v' }, requestId: 9 }]]);
  const m = t.last();
  assert.ok(m.case === 'requestResponse' && m.value.reason === LkReason.OK && m.value.requestId === 9);
  t.send({ message: { case: 'updateMetadata', value: { name: 'x'.repeat(257), requestId: 10 } } });
  await t.s.idle();
  const m2 = t.last();
  assert.ok(m2.case === 'requestResponse' && m2.value.reason === LkReason.LIMIT_EXCEEDED && /257 characters/.test(m2.value.message), JSON.stringify(m2));
  assert.is(t.svc.got.length, 1);
});

test('update_audio_track / update_video_track: unknown sid NOT_FOUND with the request echoed; own track reaches the service', async () => {
  const t = make();
  t.send({ message: { case: 'updateAudioTrack', value: { trackSid: 'TR_nope', features: [LkFeature.TF_STEREO] } } });
  await t.s.idle();
  const m = t.last();
  assert.ok(m.case === 'requestResponse' && m.value.reason === LkReason.NOT_FOUND && m.value.request.case === 'updateAudioTrack' && /TR_nope/.test(m.value.message));
  const a = await publish(t, 'mic');
  const v = await publish(t, 'cam', LkTrackType.VIDEO);
  t.send({ message: { case: 'updateAudioTrack', value: { trackSid: a, features: [LkFeature.TF_STEREO, LkFeature.TF_NO_DTX] } } });
  t.send({ message: { case: 'updateVideoTrack', value: { trackSid: v, width: 640, height: 360 } } });
  await t.s.idle();
  assert.equal(t.svc.got, [['audio', { trackSid: a, features: [0, 1] }], ['video', { trackSid: v, width: 640, height: 360 }]]);
});

test('sync_state: known published tracks -> the service reconciles; an unknown one -> leave RECONNECT (STATE_MISMATCH)', async () => {
  const t = make();
  const a = await publish(t, 'mic');
  t.send({ message: { case: 'syncState', value: { publishTracks: [{ cid: 'mic', track: { sid: a } }], subscription: { trackSids: ['TR_x'], subscribe: false }, trackSidsDisabled: ['TR_y'] } } });
  await t.s.idle();
  assert.is(t.svc.got[0]![0], 'sync');
  assert.equal((t.svc.got[0]![1] as { trackSidsDisabled: string[] }).trackSidsDisabled, ['TR_y']);
  t.send({ message: { case: 'syncState', value: { publishTracks: [{ cid: 'gone', track: { sid: 'TR_gone' } }] } } });
  await t.s.idle();
  const m = t.last();
  assert.ok(m.case === 'leave' && m.value.action === LkAction.RECONNECT && m.value.reason === LkDisconnect.STATE_MISMATCH && m.value.canReconnect, JSON.stringify(m));
  assert.ok(t.s.ended);
  assert.is(t.closed(), 1);
  assert.ok(t.svc.methods().includes('leave'), 'the participant leaves the room; the client rejoins');
});

test('simulate: server_leave -> leave DISCONNECT SERVER_SHUTDOWN; node_failure -> socket dropped without leave; speaker -> service', async () => {
  const t1 = make();
  t1.send({ message: { case: 'simulate', value: { scenario: { case: 'serverLeave', value: true } } } });
  const m = t1.last();
  assert.ok(m.case === 'leave' && m.value.action === LkAction.DISCONNECT && m.value.reason === LkDisconnect.SERVER_SHUTDOWN);
  const t2 = make();
  const before = t2.got.length;
  t2.send({ message: { case: 'simulate', value: { scenario: { case: 'nodeFailure', value: true } } } });
  assert.is(t2.got.length, before, 'no leave');
  assert.is(t2.closed(), 1);
  assert.ok(t2.s.ended);
  const t3 = make();
  t3.send({ message: { case: 'simulate', value: { scenario: { case: 'speakerUpdate', value: 3 } } } });
  t3.send({ message: { case: 'simulate', value: { scenario: { case: 'switchCandidateProtocol', value: 1 } } } });
  await t3.s.idle();
  assert.equal(t3.svc.got, [['speaker', 3]]);
  const r = t3.last();
  assert.ok(r.case === 'requestResponse' && r.value.reason === LkReason.UNSUPPORTED_TYPE && /switch_candidate_protocol/.test(r.value.message));
});

test('simulate disconnect_signal_on_resume: the next resume (within 5 s) gets the reconnect response, then the socket closes', () => {
  const t = make();
  t.send({ message: { case: 'simulate', value: { scenario: { case: 'disconnectSignalOnResume', value: true } } } });
  t.s.detach();
  const got: string[] = [];
  let closed = 0;
  t.s.resume({ send: (f) => got.push(LkResponse.fromBinary(f).message.case ?? ''), close: () => { closed++; } }, {});
  assert.equal(got, ['reconnect']);
  assert.is(closed, 1);
  assert.not.ok(t.s.attached);
  // the second resume is normal
  t.s.resume({ send: (f) => got.push(LkResponse.fromBinary(f).message.case ?? ''), close: () => { closed++; } }, {});
  assert.is(closed, 1);
  assert.ok(t.s.attached);
});

test('engine -> client: subscription_permission_update and subscription_response decode as LiveKit\'s cases', () => {
  const t = make();
  t.s.subscriptionPermissionUpdate({ participantSid: 'PA_2', trackSid: 'TR_1', allowed: false });
  t.s.subscriptionResponse('TR_9', 2);
  const [a, b] = t.got.slice(-2).map((r) => r.message);
  assert.ok(a!.case === 'subscriptionPermissionUpdate' && a!.value.participantSid === 'PA_2' && a!.value.trackSid === 'TR_1' && a!.value.allowed === false);
  assert.ok(b!.case === 'subscriptionResponse' && b!.value.trackSid === 'TR_9' && b!.value.err === 2);
});

test.run();
