import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine } from '../../src/engine/index.js';
import { EngineRoomService } from '../../src/server/index.js';
import { AudioTrackFeature, DisconnectReason, ParticipantState, RequestReason, TrackSource, TrackType, type ParticipantInfo, type SessionDescription, type SubscribedQualityUpdate } from '../../src/signal/messages.js';
import { RequestRejectedError } from '../../src/signal/errors.js';
import type { JoinRequest, SignalSink } from '../../src/signal/room-service.js';
import { parseSdp } from '../../src/sdp/index.js';
import { chromiumOffer, fakeAnswer } from '../engine/fake-client.js';

const AUDIO_CID = '3a0e267a-4574-4597-8c54-7bb0fd56af02';
const VIDEO_CID = 'da4f3df7-29b9-49d3-ab69-b6efb9e89ee7';

class FakeSink implements SignalSink {
  updates: ParticipantInfo[][] = [];
  offers: SessionDescription[] = [];
  subscribed: string[] = [];
  closed: DisconnectReason[] = [];
  muted: [string, boolean][] = [];
  qualities: SubscribedQualityUpdate[] = [];
  responses: [string, number][] = [];
  permissionUpdates: { participantSid?: string; trackSid?: string; allowed?: boolean }[] = [];
  speakers: { sid?: string; active?: boolean }[][] = [];
  subscriptionResponse(sid: string, err: number): void { this.responses.push([sid, err]); }
  subscriptionPermissionUpdate(u: { participantSid?: string; trackSid?: string; allowed?: boolean }): void { this.permissionUpdates.push(u); }
  participantUpdate(p: ParticipantInfo[]): void { this.updates.push(p); }
  subscriberOffer(o: SessionDescription): void { this.offers.push(o); }
  iceCandidate(): void { /* ICE-lite: never */ }
  unpublished: string[] = [];
  trackUnpublished(sid: string): void { this.unpublished.push(sid); }
  trackMuted(sid: string, m: boolean): void { this.muted.push([sid, m]); }
  trackSubscribed(sid: string): void { this.subscribed.push(sid); }
  speakersChanged(s: { sid?: string; active?: boolean }[]): void { this.speakers.push(s); }
  roomUpdate(): void { /* later */ }
  connectionQuality(): void { /* later */ }
  subscribedQualityUpdate(u: SubscribedQualityUpdate): void { this.qualities.push(u); }
  close(r: DisconnectReason): void { this.closed.push(r); }
  lastUpdateOf(sid: string): ParticipantInfo | undefined {
    for (let i = this.updates.length - 1; i >= 0; i--) { const f = this.updates[i]!.find((p) => p.sid === sid); if (f) return f; }
    return undefined;
  }
}

function joinReq(identity: string, sink: SignalSink, perm: Partial<JoinRequest['permission']> = {}): JoinRequest {
  return { room: 'lk', identity, name: identity, metadata: '', attributes: {}, permission: { canPublish: true, canSubscribe: true, canPublishData: true, ...perm }, autoSubscribe: true, adaptiveStream: false, client: {}, signal: sink };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('LiveKit flow: join, addTrack sids name the published tracks, updates, subscriber offer/answer, mute, unsubscribe, leave', async () => {
  const engine = await Engine.create({ workers: 0 });
  const svc = new EngineRoomService(engine);
  const sa = new FakeSink(), sb = new FakeSink();
  const ja = await svc.join(joinReq('alice', sa));
  const jb = await svc.join(joinReq('bob', sb));
  assert.is(ja.room.name, 'lk');
  assert.is(jb.room.sid, ja.room.sid);
  assert.ok(ja.participant.sid?.startsWith('PA_'));
  assert.equal(jb.otherParticipants.map((p) => p.identity), ['alice']);
  assert.is(sa.lastUpdateOf(jb.participant.sid!)?.state, ParticipantState.JOINED, 'alice told that bob joined');

  const a = ja.participant.sid!, b = jb.participant.sid!;
  const ta = await svc.addTrack(a, { cid: AUDIO_CID, name: 'mic', type: TrackType.AUDIO, source: TrackSource.MICROPHONE });
  const tv = await svc.addTrack(a, { cid: VIDEO_CID, name: 'cam', type: TrackType.VIDEO, source: TrackSource.CAMERA, width: 640, height: 480 });
  assert.ok(ta.sid?.startsWith('TR_') && tv.sid?.startsWith('TR_') && ta.sid !== tv.sid);
  const answer = await svc.publisherOffer(a, { type: 'offer', sdp: chromiumOffer(), id: 7 });
  assert.is(answer.type, 'answer');
  assert.is(answer.id, 7);
  assert.ok(parseSdp(answer.sdp!).iceLite);
  const info = sb.lastUpdateOf(a)!;
  assert.is(info.state, ParticipantState.ACTIVE);
  assert.equal(info.tracks!.map((t) => [t.sid, t.name, t.type, t.mimeType]).sort(), [[ta.sid, 'mic', TrackType.AUDIO, 'audio/opus'], [tv.sid, 'cam', TrackType.VIDEO, 'video/VP8']].sort());
  assert.is(info.tracks!.find((t) => t.sid === tv.sid)!.width, 640);

  await tick();
  assert.is(sb.offers.length, 1, 'bob auto-subscribed: one offer for both tracks');
  const offer = sb.offers[0]!;
  assert.is(offer.type, 'offer');
  const msids = parseSdp(offer.sdp!).media.filter((m) => m.kind !== 'application').map((m) => m.msids[0]!);
  assert.equal(msids.map((m) => m.trackId).sort(), [ta.sid, tv.sid].sort(), 'msid track id = LiveKit track sid');
  assert.ok(msids.every((m) => m.streamId === `${a}|${m.trackId}`), 'msid stream id = "publisher sid|track sid" (LiveKit packs it)');
  await svc.subscriberAnswer(b, { type: 'answer', sdp: fakeAnswer(offer.sdp!) });
  assert.equal(sa.subscribed.sort(), [ta.sid, tv.sid].sort(), 'alice told each track got its first subscriber');

  await svc.updateTrackSettings(b, { trackSids: [tv.sid!, 'TR_unknown'], disabled: true });
  assert.equal((await engine.participant(b)!.stats()).downTracks.map((d) => [d.trackSid, d.paused]).sort(), [[ta.sid, false], [tv.sid, true]].sort());
  await svc.updateTrackSettings(b, { trackSids: [tv.sid!], disabled: false });
  assert.ok((await engine.participant(b)!.stats()).downTracks.every((d) => !d.paused));

  await svc.muteTrack(a, ta.sid!, true);
  assert.ok(sb.lastUpdateOf(a)!.tracks!.find((t) => t.sid === ta.sid)!.muted);

  await svc.updateSubscription(b, { trackSids: [tv.sid!], subscribe: false });
  await tick();
  assert.is(sb.offers.length, 2);
  assert.equal(parseSdp(sb.offers[1]!.sdp!).media.filter((m) => m.kind !== 'application').map((m) => m.direction), ['sendonly', 'inactive']);
  await svc.subscriberAnswer(b, { type: 'answer', sdp: fakeAnswer(sb.offers[1]!.sdp!) });

  await svc.addIceCandidate(a, 0, { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host' });
  await svc.leave(a, DisconnectReason.CLIENT_INITIATED);
  assert.is(sb.lastUpdateOf(a)!.state, ParticipantState.DISCONNECTED);
  assert.equal(sa.closed, [], 'no close() after the shim\'s own leave');
  await engine.close();
  assert.equal(sb.closed, [DisconnectReason.ROOM_CLOSED], 'engine shutdown closes the remaining session');
});

test('permissions and errors become RequestRejectedError reasons', async () => {
  const engine = await Engine.create({ workers: 0 });
  const svc = new EngineRoomService(engine);
  const j = await svc.join(joinReq('viewer', new FakeSink(), { canPublish: false, canSubscribe: false }));
  const sid = j.participant.sid!;
  const reason = async (p: Promise<unknown>): Promise<number> => {
    try { await p; } catch (e) { assert.instance(e, RequestRejectedError); return (e as RequestRejectedError).reason; }
    throw new Error('resolved');
  };
  assert.is(await reason(svc.publisherOffer(sid, { type: 'offer', sdp: chromiumOffer() })), RequestReason.NOT_ALLOWED);
  assert.is(await reason(svc.addTrack(sid, { cid: 'x' })), RequestReason.NOT_ALLOWED);
  assert.is(await reason(svc.updateSubscription(sid, { trackSids: ['TR_x'], subscribe: true })), RequestReason.NOT_ALLOWED);
  const j2 = await svc.join(joinReq('pub', new FakeSink()));
  assert.is(await reason(svc.publisherOffer(j2.participant.sid!, { type: 'offer', sdp: 'v=0\r\nbad' })), RequestReason.INVALID_REQUEST);
  assert.is(await reason(svc.subscriberAnswer(j2.participant.sid!, { type: 'answer', sdp: 'v=0\r\n' })), RequestReason.INVALID_REQUEST);
  assert.is(await reason(svc.muteTrack(j2.participant.sid!, 'TR_nope', true)), RequestReason.NOT_FOUND);
  assert.is(await reason(svc.subscriberAnswer('PA_nobody', { type: 'answer', sdp: 'x' })), RequestReason.NOT_FOUND);
  // LiveKit answers a subscription to a missing track with subscription_response SE_TRACK_NOTFOUND (2).
  const s2 = new FakeSink();
  const j3 = await svc.join(joinReq('sub2', s2));
  await svc.updateSubscription(j3.participant.sid!, { trackSids: ['TR_nope'], subscribe: true });
  assert.equal(s2.responses, [['TR_nope', 2]]);
  await engine.close();
});

test('a track muted before it is published starts muted', async () => {
  const engine = await Engine.create({ workers: 0 });
  const svc = new EngineRoomService(engine);
  const sa = new FakeSink(), sb = new FakeSink();
  const a = (await svc.join(joinReq('a', sa))).participant.sid!;
  await svc.join(joinReq('b', sb));
  const t = await svc.addTrack(a, { cid: AUDIO_CID, type: TrackType.AUDIO });
  await svc.muteTrack(a, t.sid!, true);
  await svc.publisherOffer(a, { type: 'offer', sdp: chromiumOffer() });
  assert.ok(svc.track(t.sid!)!.muted);
  assert.ok(sb.lastUpdateOf(a)!.tracks!.find((x) => x.sid === t.sid)!.muted);
  await engine.close();
});

test('dynacast: the engine\'s subscribedQualityUpdate reaches the publisher\'s sink as LiveKit qualities', async () => {
  const engine = await Engine.create({ workers: 0 });
  const svc = new EngineRoomService(engine);
  const sa = new FakeSink(), sb = new FakeSink();
  const a = (await svc.join(joinReq('a', sa))).participant.sid!;
  await svc.join(joinReq('b', sb));
  const tv = await svc.addTrack(a, { cid: VIDEO_CID, type: TrackType.VIDEO, source: TrackSource.CAMERA });
  await svc.publisherOffer(a, { type: 'offer', sdp: chromiumOffer() });
  const pa = engine.participant(a)!;
  pa.emit('subscribedQualityUpdate', tv.sid!, 1, [true, true, false]);
  pa.emit('subscribedQualityUpdate', 'TR_not_mine', 0, [true, false, false]);
  engine.participant((await svc.join(joinReq('c', new FakeSink()))).participant.sid!)!.emit('subscribedQualityUpdate', tv.sid!, -1, [false, false, false]);
  const want = [{ quality: 0, enabled: true }, { quality: 1, enabled: true }, { quality: 2, enabled: false }];
  assert.equal(sa.qualities, [{ trackSid: tv.sid, subscribedQualities: want, subscribedCodecs: [{ codec: 'vp8', qualities: want }] }], 'only the publisher, only its own track');
  assert.equal(sb.qualities, []);
  pa.emit('subscribedQualityUpdate', tv.sid!, -1, [false, false, false]);
  assert.equal(sa.qualities[1]!.subscribedQualities!.map((q) => q.enabled), [false, false, false]);
  await engine.close();
});

test('subscription_permission is enforced: revoked -> unsubscribed and told; granted -> subscribed again; late joiners never get it', async () => {
  const engine = await Engine.create({ workers: 0 });
  const svc = new EngineRoomService(engine);
  const sa = new FakeSink(), sb = new FakeSink(), sc = new FakeSink();
  const a = (await svc.join(joinReq('alice', sa))).participant.sid!;
  const b = (await svc.join(joinReq('bob', sb))).participant.sid!;
  await svc.addTrack(a, { cid: AUDIO_CID, type: TrackType.AUDIO });
  await svc.addTrack(a, { cid: VIDEO_CID, type: TrackType.VIDEO });
  await svc.publisherOffer(a, { type: 'offer', sdp: chromiumOffer() });
  await tick();
  const tracks = [...engine.participant(a)!.tracks.keys()].sort();
  const subsOf = (sid: string) => [...engine.participant(sid)!.subscriptions.keys()].sort();
  assert.equal(subsOf(b), tracks, 'auto-subscribed while everyone is allowed');
  await svc.updateSubscriptionPermission(a, { allParticipants: false, trackPermissions: [{ participantIdentity: 'carol', allTracks: true }] });
  assert.equal(subsOf(b), [], 'bob loses both tracks');
  assert.equal(sb.permissionUpdates.map((u) => [u.participantSid, u.trackSid, u.allowed]).sort(), tracks.map((t) => [a, t, false]).sort());
  const c = (await svc.join(joinReq('carol', sc))).participant.sid!;
  const d = new FakeSink();
  const dd = (await svc.join(joinReq('dave', d))).participant.sid!;
  assert.equal(subsOf(c), tracks, 'carol is allowed by identity');
  assert.equal(subsOf(dd), [], 'dave joined after the restriction: nothing');
  assert.equal(d.permissionUpdates.map((u) => u.allowed), [false, false]);
  sb.permissionUpdates.length = 0;
  await svc.updateSubscriptionPermission(a, { allParticipants: false, trackPermissions: [{ participantSid: b, trackSids: [tracks[0]!] }, { participantIdentity: 'carol', allTracks: true }] });
  assert.equal(subsOf(b), [tracks[0]], 'bob gets back exactly the granted track');
  assert.equal(sb.permissionUpdates, [{ participantSid: a, trackSid: tracks[0], allowed: true }]);
  await engine.close();
});

test('update_metadata, update_local_audio/video_track, sync_state and simulated speaker reach the room', async () => {
  const engine = await Engine.create({ workers: 0 });
  const svc = new EngineRoomService(engine);
  const sa = new FakeSink(), sb = new FakeSink();
  const a = (await svc.join(joinReq('alice', sa))).participant.sid!;
  const b = (await svc.join(joinReq('bob', sb))).participant.sid!;
  const ta = (await svc.addTrack(a, { cid: AUDIO_CID, type: TrackType.AUDIO })).sid!;
  const tv = (await svc.addTrack(a, { cid: VIDEO_CID, type: TrackType.VIDEO, width: 320, height: 240 })).sid!;
  await svc.publisherOffer(a, { type: 'offer', sdp: chromiumOffer() });
  await svc.updateParticipantMetadata(a, { name: 'Alice A.', metadata: '{"role":"host"}', attributes: { team: 'red' } });
  for (const s of [sa, sb]) {
    const i = s.lastUpdateOf(a)!;
    assert.equal([i.name, i.metadata, i.attributes], ['Alice A.', '{"role":"host"}', { team: 'red' }], 'everyone (the subject too) sees it');
  }
  await svc.updateParticipantMetadata(a, { attributes: { team: '' } });
  assert.equal(sb.lastUpdateOf(a)!.attributes, {}, "'' deletes an attribute");
  assert.is(sb.lastUpdateOf(a)!.name, 'Alice A.', 'empty fields stay');
  await svc.updateLocalAudioTrack(a, { trackSid: ta, features: [AudioTrackFeature.TF_STEREO] });
  await svc.updateLocalVideoTrack(a, { trackSid: tv, width: 640, height: 360 });
  const info = sb.lastUpdateOf(a)!;
  const at = info.tracks!.find((t) => t.sid === ta)!, vt = info.tracks!.find((t) => t.sid === tv)!;
  assert.equal([at.audioFeatures, at.stereo, vt.width, vt.height], [[AudioTrackFeature.TF_STEREO], true, 640, 360]);
  await tick();
  await svc.syncState(b, { trackSidsDisabled: [tv], subscription: { trackSids: [ta], subscribe: false } });
  const subs = engine.participant(b)!.subscriptions;
  assert.equal([...subs.values()].map((x) => [x.trackSid, x.paused]), [[tv, true]], 'audio unsubscribed, video paused');
  await svc.simulateSpeaker(a, 0);
  assert.equal(sb.speakers[0], [{ sid: a, level: 0.9, active: true }]);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(sb.speakers[1], [{ sid: a, level: 0, active: false }]);
  await engine.close();
});

test('a grant that no longer allows a source: the track is unpublished, the publisher gets track_unpublished, re-offers do not bring it back', async () => {
  const engine = await Engine.create({ workers: 0 });
  const svc = new EngineRoomService(engine);
  const sa = new FakeSink(), sb = new FakeSink();
  const a = (await svc.join(joinReq('alice', sa))).participant.sid!;
  await svc.join(joinReq('bob', sb));
  const ta = (await svc.addTrack(a, { cid: AUDIO_CID, type: TrackType.AUDIO, source: TrackSource.MICROPHONE })).sid!;
  const tv = (await svc.addTrack(a, { cid: VIDEO_CID, type: TrackType.VIDEO, source: TrackSource.CAMERA })).sid!;
  await svc.publisherOffer(a, { type: 'offer', sdp: chromiumOffer() });
  const p = engine.participant(a)!;
  assert.equal([...p.tracks.keys()].sort(), [ta, tv].sort());
  const st = svc.state(a)!;
  st.permission = { ...st.permission, canPublishSources: [TrackSource.MICROPHONE] };
  svc.announce(p); // what the room API calls after UpdateParticipant
  for (let i = 0; i < 50 && sa.unpublished.length === 0; i++) await tick();
  assert.equal([...p.tracks.keys()], [ta]);
  assert.equal(sa.unpublished, [tv]);
  assert.equal(sb.lastUpdateOf(a)!.tracks!.map((t) => t.sid), [ta], 'the room sees it go');
  await svc.publisherOffer(a, { type: 'offer', sdp: chromiumOffer() });
  assert.equal([...p.tracks.keys()], [ta], 'the same stream offered again stays unpublished');
  await engine.close();
});

test('signal resumed: the subscriber gets an ICE-restart offer (new credentials), as livekit-server sends after ReconnectResponse', async () => {
  const engine = await Engine.create({ workers: 0 });
  const svc = new EngineRoomService(engine);
  const sa = new FakeSink(), sb = new FakeSink();
  const a = (await svc.join(joinReq('alice', sa))).participant.sid!;
  const b = (await svc.join(joinReq('bob', sb))).participant.sid!;
  await svc.publisherOffer(a, { type: 'offer', sdp: chromiumOffer() });
  await tick();
  const first = sb.offers.at(-1)!;
  await svc.subscriberAnswer(b, { type: 'answer', sdp: fakeAnswer(first.sdp!) });
  const n = sb.offers.length;
  svc.signalResumed(b);
  await tick(); await tick();
  assert.is(sb.offers.length, n + 1, 'one new offer');
  const ufrag = (sdp: string) => /a=ice-ufrag:(\S+)/.exec(sdp)![1];
  assert.is.not(ufrag(sb.offers.at(-1)!.sdp!), ufrag(first.sdp!), 'new ice-ufrag');
  assert.equal(parseSdp(sb.offers.at(-1)!.sdp!).media.map((m) => m.direction), parseSdp(first.sdp!).media.map((m) => m.direction), 'same sections');
  await svc.subscriberAnswer(b, { type: 'answer', sdp: fakeAnswer(sb.offers.at(-1)!.sdp!).replace('a=ice-ufrag:CLNT', 'a=ice-ufrag:CLN2') });
  assert.is((await engine.participant(b)!.stats()).downTracks.length, 2, 'subscriptions kept');
  await engine.close();
});

test.run();
