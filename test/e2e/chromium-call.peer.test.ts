// Issue 4 proof: a real call through the engine API (no WebSocket). One Chromium page
// publishes mic + camera (publisher PC: it offers, the engine answers); two other pages
// subscribe (subscriber PC: the engine offers, Chromium answers). Each subscriber's
// getStats must show audio with no loss and real energy, decoded video frames, and a
// connected DTLS transport; a publisher-side mute (track.enabled=false) and a server-side
// mute (Track.setMuted) keep sequence numbers continuous; when the publisher leaves the
// subscribers' remote tracks end (renegotiation makes their m-lines inactive).
// E2E_WORKERS=<n> runs the engine with n media worker threads (default 0: in-process).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { assertInsideNetns } from '../peers/netns.js';
import { evalInPage, pageStats, pollStats, statNumber, statsOf, type StatsEntry } from '../peers/chromium.js';
import { sleep } from '../peers/paths.js';
import { Engine, type Participant, type Room, type Track } from '../../src/engine/index.js';
import { autoAnswer } from './page-call.js';
import { openE2ePages, type E2ePages } from './e2e-rig.js';

assertInsideNetns();

const WORKERS = Number(process.env.E2E_WORKERS ?? 0);
let engine: Engine;
let rig: E2ePages | undefined;
let room: Room;
const pages: Page[] = [];
let pub: Participant;
const subs: { p: Participant; page: Page; auto: ReturnType<typeof autoAnswer> }[] = [];

test.before(async () => {
  engine = await Engine.create({ workers: WORKERS });
  assert.is(engine.workerCount, WORKERS);
  rig = await openE2ePages(3);
  pages.push(...rig.pages);
  room = await engine.createRoom('call');
});

test.after(async () => {
  await rig?.close();
  await engine?.close();
});

function audioIn(s: StatsEntry[]): StatsEntry | undefined { return statsOf(s, 'inbound-rtp', 'audio')[0]; }
function num(e: StatsEntry | undefined, f: string): number { const v = e?.[f]; return typeof v === 'number' ? v : 0; }

test('two Chromium subscribers receive audio and video from a Chromium publisher through the engine', async () => {
  for (let i = 1; i <= 2; i++) {
    const p = await room.join({ identity: `sub${i}` });
    const page = pages[i]!;
    subs.push({ p, page, auto: autoAnswer(p, page, 'sub') });
  }
  pub = await room.join({ identity: 'pub' });
  const published: Track[] = [];
  room.on('trackPublished', (t) => published.push(t));
  const offer = await evalInPage<string>(pages[0]!, 'e2e.publish', 'pub', 20_000);
  const answer = await pub.publisherOffer(offer);
  assert.match(answer, /a=ice-lite/);
  assert.match(answer, /a=setup:passive/);
  await evalInPage(pages[0]!, `async ([name, sdp]) => { await sb.pcs[name].setRemoteDescription({ type: 'answer', sdp }); await sb.waitConnected(sb.pcs[name], 15000); }`, ['pub', answer], 20_000);
  assert.equal(published.map((t) => t.kind).sort(), ['audio', 'video']);
  assert.ok(published.every((t) => t.participant === pub));

  for (const s of subs) {
    const stats = await pollStats(s.page, 'sub', (st) => num(audioIn(st), 'packetsReceived') >= 100 && statNumber(st, 'inbound-rtp', 'framesDecoded', 'video') > 0 && num(audioIn(st), 'totalAudioEnergy') > 0, { timeoutMs: 25_000 });
    const a = audioIn(stats)!;
    const tr = statsOf(stats, 'transport')[0]!;
    assert.is(tr.dtlsState, 'connected');
    assert.is(num(a, 'packetsLost'), 0, 'no audio sequence gaps');
    assert.ok(num(a, 'totalAudioEnergy') > 0.0001, `audio energy ${num(a, 'totalAudioEnergy')}`);
    assert.ok(statNumber(stats, 'inbound-rtp', 'framesDecoded', 'video') > 0);
    assert.is(s.auto.errors.length, 0, String(s.auto.errors[0]));
    assert.is(s.p.subscriptions.size, 2);
    assert.ok([...s.p.subscriptions.values()].every((x) => x.state === 'active'));
    console.log(`[e2e] ${s.p.identity}: audio packets ${num(a, 'packetsReceived')} lost ${num(a, 'packetsLost')} energy ${num(a, 'totalAudioEnergy').toFixed(4)} jitter ${num(a, 'jitter')}; video frames decoded ${statNumber(stats, 'inbound-rtp', 'framesDecoded', 'video')} lost ${statNumber(stats, 'inbound-rtp', 'packetsLost', 'video')}; dtls ${tr.dtlsState} ${tr.srtpCipher}`);
  }
  // Our RTCP as Chromium read it: SRs per DownTrack (remote-outbound-rtp on each subscriber)
  // and RRs to the publisher (remote-inbound-rtp on its outbound streams).
  for (const s of subs) {
    const st = await pollStats(s.page, 'sub', (x) => statsOf(x, 'remote-outbound-rtp').length >= 2, { timeoutMs: 8_000 });
    for (const kind of ['audio', 'video'] as const) {
      const ro = statsOf(st, 'remote-outbound-rtp', kind)[0]!;
      const inbound = statsOf(st, 'inbound-rtp', kind)[0]!;
      assert.ok(num(ro, 'packetsSent') > 0, `${kind} SR packet count`);
      assert.ok(num(ro, 'packetsSent') <= num(inbound, 'packetsReceived') + 60, `${kind} SR count ${num(ro, 'packetsSent')} vs received ${num(inbound, 'packetsReceived')}`);
      assert.is(ro.ssrc, inbound.ssrc, 'SR from the DownTrack SSRC');
    }
  }
  const pst = await pollStats(pages[0]!, 'pub', (x) => statsOf(x, 'remote-inbound-rtp').length >= 1, { timeoutMs: 8_000 });
  for (const ri of statsOf(pst, 'remote-inbound-rtp')) assert.is(num(ri, 'packetsLost'), 0, `RR for ${ri.kind}: no loss`);
  console.log(`[e2e] publisher remote-inbound-rtp (our RRs): ${statsOf(pst, 'remote-inbound-rtp').map((r) => `${r.kind} lost ${r.packetsLost} jitter ${r.jitter} rtt ${r.roundTripTime ?? '-'}`).join('; ')}`);
  assert.is(pub.connectionStates.publisher, 'connected', 'connectionState event for the publisher PC');
  for (const s of subs) assert.is(s.p.connectionStates.subscriber, 'connected', 'connectionState event for the subscriber PC');
  const ps = await pub.stats();
  assert.ok(ps.tracks.find((t) => t.kind === 'video')!.keyframeRequests >= 1, 'a PLI went upstream for the video subscribers');
  assert.ok(ps.tracks.find((t) => t.kind === 'video')!.keyframes >= 1);
  assert.is(ps.publisher.srtpInDropped, 0);
  console.log(`[e2e] publisher: ${JSON.stringify(ps.tracks)}`);
});

test('publisher track.enabled=false then true: stream continues without gaps', async () => {
  await evalInPage(pages[0]!, `() => { e2e.local.getAudioTracks()[0].enabled = false; }`);
  await sleep(1500);
  await evalInPage(pages[0]!, `() => { e2e.local.getAudioTracks()[0].enabled = true; }`);
  for (const s of subs) {
    const before = num(audioIn(await pageStats(s.page, 'sub')), 'packetsReceived');
    const st = await pollStats(s.page, 'sub', (x) => num(audioIn(x), 'packetsReceived') >= before + 50);
    assert.is(num(audioIn(st), 'packetsLost'), 0);
  }
});

test('server-side mute (Track.setMuted) stops forwarding; unmute resumes with continuous sequence numbers', async () => {
  const audio = [...pub.tracks.values()].find((t) => t.kind === 'audio')!;
  const video = [...pub.tracks.values()].find((t) => t.kind === 'video')!;
  const mutedEvents: boolean[] = [];
  room.on('trackMuted', (t, m) => { if (t === audio) mutedEvents.push(m); });
  await audio.setMuted(true);
  await video.setMuted(true);
  assert.ok(audio.muted);
  await sleep(300); // in flight
  const before = await Promise.all(subs.map(async (s) => { const st = await pageStats(s.page, 'sub'); return { a: num(audioIn(st), 'packetsReceived'), v: statNumber(st, 'inbound-rtp', 'packetsReceived', 'video') }; }));
  await sleep(1500);
  for (let i = 0; i < subs.length; i++) {
    const st = await pageStats(subs[i]!.page, 'sub');
    assert.ok(num(audioIn(st), 'packetsReceived') - before[i]!.a <= 2, 'audio stopped while muted');
    assert.ok(statNumber(st, 'inbound-rtp', 'packetsReceived', 'video') - before[i]!.v <= 2, 'video stopped while muted');
  }
  await audio.setMuted(false);
  await video.setMuted(false);
  assert.equal(mutedEvents, [true, false]);
  for (let i = 0; i < subs.length; i++) {
    const s = subs[i]!;
    const frames0 = statNumber(await pageStats(s.page, 'sub'), 'inbound-rtp', 'framesDecoded', 'video');
    const st = await pollStats(s.page, 'sub', (x) => num(audioIn(x), 'packetsReceived') >= before[i]!.a + 100 && statNumber(x, 'inbound-rtp', 'framesDecoded', 'video') > frames0 + 10, { timeoutMs: 15_000 });
    assert.is(num(audioIn(st), 'packetsLost'), 0, 'no gap across the server-side mute');
    assert.is(statNumber(st, 'inbound-rtp', 'packetsLost', 'video'), 0, 'video seq continuous across the mute');
    console.log(`[e2e] after mute/unmute ${s.p.identity}: audio packets ${num(audioIn(st), 'packetsReceived')} lost 0; video frames ${statNumber(st, 'inbound-rtp', 'framesDecoded', 'video')}`);
  }
});

test('per-subscriber pause: one subscriber stops getting video, the other does not; resume restarts on a key frame', async () => {
  const video = [...pub.tracks.values()].find((t) => t.kind === 'video')!;
  const [s1, s2] = subs as [typeof subs[0], typeof subs[0]];
  await s2.p.setSubscriptionPaused(video, true);
  await sleep(300);
  const v = async (s: typeof s1): Promise<number> => statNumber(await pageStats(s.page, 'sub'), 'inbound-rtp', 'packetsReceived', 'video');
  const a1 = await v(s1), a2 = await v(s2);
  await sleep(1500);
  const b1 = await v(s1), b2 = await v(s2);
  console.log(`[e2e] pause: video packets during 1.5 s: unpaused subscriber +${b1 - a1}, paused subscriber +${b2 - a2}`);
  assert.ok(b1 > a1 + 5, 'the other subscriber keeps receiving');
  assert.ok(b2 - a2 <= 2, 'the paused subscriber gets no video');
  await s2.p.setSubscriptionPaused(video, false);
  const frames = statNumber(await pageStats(s2.page, 'sub'), 'inbound-rtp', 'framesDecoded', 'video');
  const st = await pollStats(s2.page, 'sub', (x) => statNumber(x, 'inbound-rtp', 'framesDecoded', 'video') > frames + 10, { timeoutMs: 15_000 });
  assert.is(statNumber(st, 'inbound-rtp', 'packetsLost', 'video'), 0, 'no gap across the pause');
});

test('the publisher leaves: subscribers renegotiate and their remote tracks are muted and removed', async () => {
  const unpublished: string[] = [];
  room.on('trackUnpublished', (t) => unpublished.push(t.kind));
  const left = room.wait('participantLeft', 5000);
  await pub.leave();
  await left;
  assert.equal(unpublished.sort(), ['audio', 'video']);
  for (const s of subs) {
    let events: string[] = [];
    for (let i = 0; i < 40; i++) {
      events = await evalInPage<string[]>(s.page, '() => e2e.events');
      if (events.filter((e) => e.startsWith('mute ')).length >= 2) break;
      await sleep(250);
    }
    console.log(`[e2e] ${s.p.identity} page events: ${events.join(', ')}`);
    assert.is(events.filter((e) => e.startsWith('mute ')).length, 2, 'both remote tracks fired mute');
    assert.is(events.filter((e) => e.startsWith('removetrack ')).length, 2, 'both removed from their stream');
    assert.is(s.p.subscriptions.size, 0);
    assert.is(s.auto.errors.length, 0, String(s.auto.errors[0]));
    const dir = await evalInPage<string[]>(s.page, `() => sb.pcs.sub.getTransceivers().map((t) => t.currentDirection)`);
    assert.equal(dir, ['inactive', 'inactive']);
  }
});

test('engine.close() closes rooms and participants', async () => {
  const r = room;
  await engine.close();
  assert.ok(r.closed);
  assert.is(r.participants.size, 0);
  assert.ok(subs.every((s) => s.p.left));
  await engine.close();
});

test.run();
