// The signal set with livekit-client 2.23 in Chromium (v0: singlePeerConnection false,
// page on another origin), each checked on the RECEIVING side: metadata/name/attribute
// updates (grant-checked), track subscription permissions enforced (the subscriber loses
// the media, then gets it back), connection quality, simulateScenario reconnects (signal-reconnect resumes
// and sends sync_state; node-failure forces a full reconnect), and leave with a reason.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AudioTrackFeature as LkFeature, TrackSource as LkSource } from '@livekit/protocol';
import { RoomServiceClient } from 'livekit-server-sdk';
import { verifyToken } from '../../src/signal/index.js';
import { LK_KEY, LK_SECRET, startLkHarness, type LkClient, type LkHarness } from './harness.js';

const V0 = { singlePeerConnection: false };
const ROOM = 'v0-signals';
const HEARS = (x: { audioRms: number; framesDecoded: number }) => x.audioRms > 0.02;

let h: LkHarness;
let pub: LkClient;
let sub: LkClient;

test.before(async () => {
  h = await startLkHarness({ argv: ['--token-refresh', '3'] }); // LiveKit: every 5 min; short here
  pub = await h.client('pub', ROOM);
  await pub.connect(V0, {}, { canUpdateOwnMetadata: true });
  await pub.publish(true, true);
  sub = await h.client('sub', ROOM);
  await sub.connect(V0);
  await sub.waitRemote('pub', (x) => HEARS(x) && x.framesDecoded > 10, 'audio + video from pub', 20_000);
});
test.after(async () => {
  await h?.close();
});

test('refresh_token: the server sends fresh tokens periodically; livekit-client adopts them (same identity and room, 10 min lifetime, our signature)', async () => {
  const deadline = Date.now() + 10_000;
  let t = { now: '', first: '' };
  for (let i = 0; i < 100 && Date.now() < deadline && (!t.now || t.now === t.first); i++) {
    t = await pub.eval<{ now: string; first: string }>('() => ({ now: lkt.room.engine.token, first: lkt.connectToken })');
    if (t.now === t.first) await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(t.now && t.now !== t.first, 'the client token changed');
  const v = await verifyToken(t.now, (k) => (k === LK_KEY ? LK_SECRET : undefined), {});
  assert.is(v.identity, 'pub');
  assert.is(v.video.room, ROOM);
  assert.ok(v.permission.canUpdateMetadata, 'same grants');
  const exp = JSON.parse(Buffer.from(t.now.split('.')[1]!, 'base64url').toString()) as { exp: number; nbf: number };
  assert.is(exp.exp - exp.nbf, 600);
});

test('metadata, name and attributes set by the publisher (canUpdateOwnMetadata) reach the subscriber', async () => {
  await pub.call('setMetadata', '{"role":"host"}');
  await pub.call('setName', 'Pub Lisher');
  await pub.call('setAttributes', { team: 'red' });
  const md = await sub.waitEvent((e) => e.ev === 'participantMetadataChanged' && e.who === 'pub', 'metadata changed');
  assert.is(md.metadata, '{"role":"host"}');
  const nm = await sub.waitEvent((e) => e.ev === 'participantNameChanged' && e.who === 'pub', 'name changed');
  assert.is(nm.name, 'Pub Lisher');
  const at = await sub.waitEvent((e) => e.ev === 'participantAttributesChanged' && e.who === 'pub', 'attributes changed');
  assert.equal(at.changed, { team: 'red' });
});

test('connection_quality (scored from loss, jitter, RTT every 5 s): the subscriber rates the publisher and itself excellent on loopback', async () => {
  const q = await sub.waitEvent((e) => e.ev === 'connectionQualityChanged' && e.who === 'pub', 'quality of pub', 15_000);
  assert.is(q.quality, 'excellent');
  const self = await sub.waitEvent((e) => e.ev === 'connectionQualityChanged' && e.who === 'sub', 'own quality', 15_000);
  assert.is(self.quality, 'excellent');
  const score = await sub.eval<number>("() => lkt.room.remoteParticipants.get('pub').connectionQuality === 'excellent' ? 1 : 0");
  assert.is(score, 1);
});

test('room metadata set through the Twirp RoomService (livekit-server-sdk) reaches every participant as room_update', async () => {
  const svc = new RoomServiceClient(h.sb.httpUrl, LK_KEY, LK_SECRET);
  await svc.updateRoomMetadata(ROOM, '{"topic":"standup"}');
  for (const c of [pub, sub]) {
    const e = await c.waitEvent((x) => x.ev === 'roomMetadataChanged', `${c.identity}: roomMetadataChanged`);
    assert.is(e.metadata, '{"topic":"standup"}');
    assert.is(await c.eval<string>('() => lkt.room.metadata'), '{"topic":"standup"}');
  }
});

test('without the grant, setMetadata is refused with the reason and nobody sees a change', async () => {
  const err = await sub.eval<string>(`async () => { try { await lkt.room.localParticipant.setMetadata('nope'); return 'resolved'; } catch (e) { return String(e && (e.message || e.reason || e)); } }`, undefined, 20_000);
  assert.match(err, /canUpdateOwnMetadata|not allowed|permission/i);
  const seen = await pub.events();
  assert.not.ok(seen.some((e) => e.ev === 'participantMetadataChanged' && e.who === 'sub'));
});

test('track permissions are enforced: disallowed -> the subscriber loses the tracks; allowed again -> media returns', async () => {
  await pub.call('setTrackSubscriptionPermissions', false, []);
  await sub.waitEvent((e) => e.ev === 'trackSubscriptionPermissionChanged' && e.who === 'pub' && e.status === 'not_allowed', 'permission not_allowed');
  const off = await sub.waitRemote('pub', (x) => x.tracks.length === 2 && x.tracks.every((t) => !t.subscribed && !t.allowed), 'both tracks unsubscribed and not allowed', 15_000);
  assert.is(off.framesDecoded, 0, 'no receiver left');
  const evs = await sub.events();
  const tMark = evs[evs.length - 1]!.t;
  await pub.call('setTrackSubscriptionPermissions', false, [{ participantIdentity: 'sub', allowAll: true }]);
  await sub.waitEvent((e) => e.ev === 'trackSubscribed' && e.who === 'pub' && e.kind === 'audio' && e.t > tMark, 'audio re-subscribed');
  await sub.waitRemote('pub', (x) => HEARS(x) && x.framesDecoded > 10 && x.tracks.every((t) => t.allowed), 'media back after allow', 20_000);
});

/** The subscriber PC's ICE ufrag, selected-pair changes and DTLS state (livekit-client internals, read only). */
const SUB_ICE = `async () => {
  const s = await lkt.room.engine.pcManager.subscriber.pc.getStats();
  let out;
  s.forEach((r) => { if (r.type === 'transport') out = { ufrag: r.iceLocalUsernameFragment, changes: r.selectedCandidatePairChanges, dtls: r.dtlsState }; });
  return out;
}`;

test("simulateScenario('signal-reconnect'): the subscriber resumes (sync_state) and keeps receiving", async () => {
  const ice0 = await sub.eval<{ ufrag: string; changes: number; dtls: string }>(SUB_ICE);
  await sub.eval(`() => lkt.room.simulateScenario('signal-reconnect').then(() => true)`);
  const a = await sub.waitEvent((e) => e.ev === 'signalReconnecting', 'signalReconnecting');
  const b = await sub.waitEvent((e) => e.ev === 'reconnected' && e.t >= a.t, 'reconnected', 20_000);
  console.log(`v0 signal-reconnect (resume): ${b.t - a.t} ms from signalReconnecting to reconnected`);
  assert.is(await sub.eval<string>('() => lkt.room.state'), 'connected');
  const before = (await sub.remote('pub')).audioPackets;
  await sub.waitRemote('pub', (x) => x.audioPackets > before + 20 && HEARS(x), 'audio still flowing after the resume', 15_000);
  // The server restarted the subscriber's ICE after the resume (livekit-server's ICERestart):
  // new credentials and a new pair on the same DTLS association.
  let ice1 = ice0;
  for (let i = 0; i < 50 && (ice1.ufrag === ice0.ufrag || ice1.changes <= ice0.changes); i++) { await new Promise((r) => setTimeout(r, 100)); ice1 = await sub.eval<typeof ice0>(SUB_ICE); }
  console.log(`v0 signal-reconnect: subscriber ICE ufrag ${ice0.ufrag} -> ${ice1.ufrag}, pair changes ${ice0.changes} -> ${ice1.changes}, dtls ${ice1.dtls}`);
  assert.is.not(ice1.ufrag, ice0.ufrag, 'ICE restarted on the subscriber PC');
  assert.ok(ice1.changes > ice0.changes, 'a new candidate pair was selected');
  assert.is(ice1.dtls, 'connected');
});

test("simulateScenario('node-failure'): server drops the session, the client rejoins (full reconnect) and hears the publisher again", async () => {
  const prior = await sub.events();
  const tMark = prior[prior.length - 1]!.t;
  await sub.eval(`() => lkt.room.simulateScenario('node-failure').then(() => true)`);
  const a = await sub.waitEvent((e) => e.ev === 'reconnecting' && e.t > tMark, 'reconnecting', 15_000);
  const b = await sub.waitEvent((e) => e.ev === 'reconnected' && e.t > a.t, 'reconnected', 30_000);
  const m = await sub.waitRemote('pub', (x) => HEARS(x) && x.framesDecoded > 10, 'media after the full reconnect', 20_000);
  console.log(`v0 node-failure -> full reconnect: ${b.t - a.t} ms from reconnecting to reconnected (media: ${m.framesDecoded} frames)`);
  assert.is(await sub.eval<string>('() => lkt.room.state'), 'connected');
});

test('update_audio_track: a feature change on the publisher (as the Krisp filter reports it) reaches the subscriber\'s TrackInfo', async () => {
  // livekit-client sends update_audio_track on TrackEvent.AudioTrackFeatureUpdate (the Krisp
  // filter's enable/disable); the fake mic has no filter, so flag it and emit the event.
  const anc = LkFeature.TF_ENHANCED_NOISE_CANCELLATION;
  await pub.eval(`(anc) => {
    const t = [...lkt.room.localParticipant.audioTrackPublications.values()][0].track;
    t.isKrispNoiseFilterEnabled = true;
    t.emit(LivekitClient.TrackEvent.AudioTrackFeatureUpdate, t, anc, true);
    return true;
  }`, anc);
  const deadline = Date.now() + 10_000;
  let features: number[] = [];
  for (let i = 0; i < 100 && Date.now() < deadline && !features.includes(anc); i++) {
    features = await sub.eval<number[]>(`() => { const p = [...lkt.room.remoteParticipants.get('pub').audioTrackPublications.values()][0]; return (p.trackInfo && p.trackInfo.audioFeatures) || []; }`);
    if (!features.includes(anc)) await new Promise((r) => setTimeout(r, 150));
  }
  assert.ok(features.includes(anc), `audioFeatures seen by the subscriber: ${JSON.stringify(features)}`);
});

test('server-initiated unpublish: UpdateParticipant (livekit-server-sdk) drops camera from canPublishSources -> track_unpublished, the publisher lets go, the subscriber sees it leave', async () => {
  const svc = new RoomServiceClient(h.sb.httpUrl, LK_KEY, LK_SECRET);
  const video = (await pub.eval<{ sid: string; kind: string }[]>('() => [...lkt.room.localParticipant.trackPublications.values()].map((p) => ({ sid: p.trackSid, kind: p.kind }))')).find((t) => t.kind === 'video')!.sid;
  await svc.updateParticipant(ROOM, 'pub', undefined, { canPublish: true, canSubscribe: true, canPublishData: true, canUpdateMetadata: true, canPublishSources: [LkSource.MICROPHONE] });
  await pub.waitEvent((e) => e.ev === 'localTrackUnpublished' && e.track === video, 'localTrackUnpublished (server asked)');
  await sub.waitEvent((e) => e.ev === 'trackUnpublished' && e.who === 'pub' && e.track === video, 'trackUnpublished video');
  const r = await sub.waitRemote('pub', (x) => x.tracks.length === 1 && x.tracks[0]!.kind === 'audio', 'only audio left', 10_000);
  const before = r.audioPackets;
  await sub.waitRemote('pub', (x) => x.audioPackets > before + 20, 'audio still flowing', 10_000);
});

test('the publisher unpublishes its microphone itself: the subscriber sees trackUnpublished', async () => {
  const sid = await pub.eval<string>(`async () => {
    const p = [...lkt.room.localParticipant.trackPublications.values()].find((x) => x.kind === 'audio');
    await lkt.room.localParticipant.unpublishTrack(p.track);
    return p.trackSid;
  }`);
  await sub.waitEvent((e) => e.ev === 'trackUnpublished' && e.who === 'pub' && e.track === sid, 'trackUnpublished audio');
  await sub.waitRemote('pub', (x) => x.tracks.length === 0, 'no tracks left', 10_000);
});

test("leave with a reason: simulateScenario('server-leave') -> the publisher is disconnected with SERVER_SHUTDOWN, the subscriber sees it leave", async () => {
  await pub.eval(`() => lkt.room.simulateScenario('server-leave').then(() => true)`);
  const d = await pub.waitEvent((e) => e.ev === 'disconnected', 'disconnected', 15_000);
  const shutdown = await pub.eval<number>('() => LivekitClient.DisconnectReason.SERVER_SHUTDOWN');
  assert.is(d.reason, shutdown);
  await sub.waitEvent((e) => e.ev === 'participantDisconnected' && e.who === 'pub', 'pub left');
});

test.run();
