// Issue 4 proof with a second libwebrtc build: @roamhq/wrtc (M106) clients in Node. One
// publishes the 16 kHz speech fixture; two subscribe through the engine (media in a
// worker thread). Each subscriber decodes the audio: the PCM it plays out carries
// energy, wrtc's stats show no loss, and when the publisher leaves the subscribers get
// a renegotiation that ends the track.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertInsideNetns } from '../peers/netns.js';
import {
  createAudioSink, createSpeechSender, createWrtcPc, exitAfterTests, waitConnected, waitForTrack, waitIceGathering, wrtcStats,
  type AudioSink, type SpeechSender, type WrtcPeerConnection,
} from '../peers/wrtc.js';
import { withTimeout } from '../peers/paths.js';
import { Engine, type Participant, type Room } from '../../src/engine/index.js';

assertInsideNetns();

let engine: Engine;
let room: Room;
const pcs: WrtcPeerConnection[] = [];
const sinks: AudioSink[] = [];
let speech: SpeechSender | undefined;

test.before(async () => {
  engine = await Engine.create({ workers: 1 });
  room = await engine.createRoom('wrtc-call');
});

test.after(async () => {
  speech?.stop();
  for (const s of sinks) s.stop();
  for (const pc of pcs) pc.close();
  await engine?.close();
  exitAfterTests();
});

/** A wrtc subscriber that answers every server offer of `p` (one at a time). */
function subscriber(p: Participant): { pc: WrtcPeerConnection; errors: Error[]; offers: () => number } {
  const pc = createWrtcPc();
  pcs.push(pc);
  const errors: Error[] = [];
  let offers = 0;
  let chain = Promise.resolve();
  p.on('subscriberOffer', (sdp: string) => {
    chain = chain.then(async () => {
      await pc.setRemoteDescription({ type: 'offer', sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      await waitIceGathering(pc);
      await p.subscriberAnswer(pc.localDescription!.sdp);
      offers++;
    }).catch((e: Error) => { errors.push(e); });
  });
  return { pc, errors, offers: () => offers };
}

test('two wrtc subscribers decode speech from a wrtc publisher through the engine', async () => {
  const subs = [];
  for (let i = 1; i <= 2; i++) {
    const p = await room.join({ identity: `sub${i}` });
    const s = subscriber(p);
    subs.push({ p, ...s, track: waitForTrack(s.pc, 'audio', 20_000) });
  }
  const pub = await room.join({ identity: 'pub' });
  const pubPc = createWrtcPc();
  pcs.push(pubPc);
  speech = createSpeechSender();
  pubPc.addTransceiver(speech.track, { direction: 'sendonly' });
  await pubPc.setLocalDescription(await pubPc.createOffer());
  await waitIceGathering(pubPc);
  const answer = await pub.publisherOffer(pubPc.localDescription!.sdp);
  await pubPc.setRemoteDescription({ type: 'answer', sdp: answer });
  await waitConnected(pubPc, 15_000);

  for (const s of subs) {
    const track = await s.track;
    const sink = createAudioSink(track);
    sinks.push(sink);
  }
  // About 3 s of speech: energy well above silence on both subscribers.
  for (const sink of sinks) await sink.waitFor((x) => x.frames >= 300 && x.energy > 1, 20_000);
  for (const s of subs) {
    assert.is(s.errors.length, 0, String(s.errors[0]));
    const stats = await wrtcStats(s.pc);
    const inbound = stats.find((x) => x.type === 'inbound-rtp' && x.kind === 'audio');
    assert.ok(Number(inbound?.packetsReceived) >= 100, `packets ${inbound?.packetsReceived}`);
    assert.is(Number(inbound?.packetsLost), 0, 'no loss on loopback');
    assert.is(stats.find((x) => x.type === 'transport')?.dtlsState, 'connected');
  }
  for (const sink of sinks) assert.ok(sink.energy > 1, `PCM energy ${sink.energy}`);

  // The publisher leaves: each subscriber gets a new offer that makes the m-line inactive.
  const before = subs.map((s) => s.offers());
  await pub.leave();
  await withTimeout((async () => {
    while (subs.some((s, i) => s.offers() <= before[i]!)) await new Promise((r) => setTimeout(r, 50));
  })(), 10_000, 'renegotiation after leave');
  for (const s of subs) {
    const t = s.pc.getTransceivers().find((x) => x.receiver.track.kind === 'audio');
    assert.is(t?.currentDirection, 'inactive');
  }
});

test.run();
