// Issue 5 proof: active speaker. Two Chromium pages publish audio through the RoomService
// adapter (the LiveKit signal path): one the fake microphone (a speech wav), the other a
// silent WebAudio track. The room's AudioLevelObserver reads the ssrc-audio-level
// extension of each packet; every participant's SignalSink gets speakers_changed with
// the talker active (never the silent one), and the engine Room emits 'speakersChanged'.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { assertInsideNetns } from '../peers/netns.js';
import { evalInPage, launchChromium, type ChromiumPeer } from '../peers/chromium.js';
import { startStaticServer, type StaticServer } from '../peers/http.js';
import { sleep } from '../peers/paths.js';
import { Engine, type SpeakerEntry } from '../../src/engine/index.js';
import { EngineRoomService } from '../../src/server/index.js';
import type { DisconnectReason, SpeakerInfo } from '../../src/signal/messages.js';
import type { JoinRequest, SignalSink } from '../../src/signal/room-service.js';

assertInsideNetns();

class Sink implements SignalSink {
  speakers: SpeakerInfo[][] = [];
  participantUpdate(): void {}
  subscriberOffer(): void {}
  iceCandidate(): void {}
  trackUnpublished(): void {}
  trackMuted(): void {}
  trackSubscribed(): void {}
  speakersChanged(s: SpeakerInfo[]): void { this.speakers.push(s); }
  roomUpdate(): void {}
  connectionQuality(): void {}
  close(_r: DisconnectReason): void {}
}

function joinReq(identity: string, sink: SignalSink): JoinRequest {
  // autoSubscribe off: the test is about levels, not about subscriber offers.
  return { room: 'talk', identity, name: identity, metadata: '', attributes: {}, permission: { canPublish: true, canSubscribe: true, canPublishData: true }, autoSubscribe: false, adaptiveStream: false, client: {}, signal: sink };
}

let engine: Engine;
let browser: ChromiumPeer | undefined;
let http: StaticServer | undefined;
const pages: Page[] = [];

test.before(async () => {
  engine = await Engine.create({ workers: 0 });
  http = await startStaticServer();
  browser = await launchChromium();
  for (let i = 0; i < 2; i++) pages.push(await browser.newPage(http.origin + '/'));
});

test.after(async () => {
  for (const page of pages) await evalInPage(page, '() => sb.closeAll()').catch(() => undefined);
  await browser?.close();
  await http?.close();
  await engine?.close();
});

const OFFER_MIC = `async () => {
  const pc = sb.newPc('pub');
  const s = await sb.getMic();
  pc.addTransceiver(s.getAudioTracks()[0], { direction: 'sendonly', streams: [s] });
  await pc.setLocalDescription(await pc.createOffer());
  await sb.waitGathering(pc);
  return pc.localDescription.sdp;
}`;

const OFFER_SILENCE = `async () => {
  const pc = sb.newPc('pub');
  const ctx = new AudioContext();
  await ctx.resume();
  const dst = ctx.createMediaStreamDestination();
  // A running graph of zeros (an oscillator through gain 0): digital silence, frames keep flowing.
  const osc = ctx.createOscillator(), g = ctx.createGain();
  g.gain.value = 0;
  osc.connect(g).connect(dst);
  osc.start();
  window.keepSilence = { ctx, osc };
  pc.addTransceiver(dst.stream.getAudioTracks()[0], { direction: 'sendonly', streams: [dst.stream] });
  await pc.setLocalDescription(await pc.createOffer());
  await sb.waitGathering(pc);
  return pc.localDescription.sdp;
}`;

test('speakers_changed: the talker is active for every participant, the silent publisher never', async () => {
  const svc = new EngineRoomService(engine);
  const sTalk = new Sink(), sSilent = new Sink(), sListen = new Sink();
  const jt = await svc.join(joinReq('talker', sTalk));
  const js = await svc.join(joinReq('silent', sSilent));
  await svc.join(joinReq('listener', sListen));
  const room = engine.room('talk')!;
  const roomEvents: SpeakerEntry[][] = [];
  room.on('speakersChanged', (s) => roomEvents.push(s));
  const talker = jt.participant.sid!, silent = js.participant.sid!;
  for (const [i, sid, js2] of [[0, talker, OFFER_MIC], [1, silent, OFFER_SILENCE]] as const) {
    const offer = await evalInPage<string>(pages[i]!, js2, undefined, 20_000);
    assert.match(offer, /urn:ietf:params:rtp-hdrext:ssrc-audio-level/);
    const answer = await svc.publisherOffer(sid, { type: 'offer', sdp: offer });
    assert.match(answer.sdp!, /ssrc-audio-level/, 'we keep the audio level extension');
    await evalInPage(pages[i]!, `async (sdp) => { await sb.pcs.pub.setRemoteDescription({ type: 'answer', sdp }); await sb.waitConnected(sb.pcs.pub, 15000); }`, answer.sdp!, 20_000);
  }
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && !sListen.speakers.some((l) => l.some((s) => s.sid === talker && s.active))) await sleep(200);
  await sleep(3000); // a few more seconds of both publishing
  for (const [name, sink] of [['talker', sTalk], ['silent', sSilent], ['listener', sListen]] as const) {
    assert.ok(sink.speakers.length > 0, `${name} got speakers_changed`);
    const first = sink.speakers.find((l) => l.some((s) => s.active));
    assert.ok(first?.some((s) => s.sid === talker && s.active && (s.level ?? 0) > 0), `${name}: talker active ${JSON.stringify(sink.speakers.slice(0, 3))}`);
    assert.ok(!sink.speakers.some((l) => l.some((s) => s.sid === silent && s.active)), `${name}: the silent publisher is never a speaker`);
  }
  assert.ok(roomEvents.some((l) => l[0]?.participant === talker && l[0].active), 'engine Room event');
  const stats = await engine.participant(silent)!.stats();
  assert.ok(stats.tracks[0]!.packets > 50, `the silent publisher did send audio (${stats.tracks[0]!.packets} packets)`);
  console.log('speakers', JSON.stringify({ talkerLevels: sListen.speakers.flatMap((l) => l.filter((s) => s.sid === talker).map((s) => s.level)), events: sListen.speakers.length, silentPackets: stats.tracks[0]!.packets }));
});

test.run();
