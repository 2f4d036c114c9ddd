// livekit-client 2.23 in Chromium, loaded from a page on ANOTHER origin than the server,
// in dual peer connection mode (`singlePeerConnection: false`, /rtc): the first
// participant joins an EMPTY room (LiveKit offers the subscriber PC right at join, so
// this must not time out), publishes mic + camera; a second participant subscribes and
// measures from the receiving side: audio energy (WebAudio analyser), video frames
// decoded (inbound-rtp), mute/unmute and leave events. Prints join-to-first-audio.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startLkHarness, median, type LkClient, type LkHarness } from './harness.js';

const V0 = { singlePeerConnection: false };
const ROOM = 'v0-room';

let h: LkHarness;
let pub: LkClient;
let sub: LkClient;

test.before(async () => {
  h = await startLkHarness();
});
test.after(async () => {
  await h?.close();
});

test('first participant joins an empty room (v0) without waiting for a subscriber offer timeout', async () => {
  pub = await h.client('pub', ROOM);
  const r = await pub.connect(V0);
  assert.match(r.sid, /^PA_/);
  // livekit-client waits up to 15 s for the subscriber PC when subscriber_primary; the
  // offer at join makes connect resolve as soon as ICE/DTLS are up.
  console.log(`v0 empty-room connect: ${r.ms} ms`);
  const tracks = await pub.publish(true, true);
  assert.equal(tracks.map((t) => t.kind).sort(), ['audio', 'video']);
});

test('second participant receives audio energy and decoded video frames', async () => {
  sub = await h.client('sub', ROOM);
  await sub.connect(V0);
  const r = await sub.waitRemote('pub', (x) => x.audioRms > 0.02 && x.framesDecoded > 30, 'audio energy and 30 decoded frames', 20_000);
  assert.ok(r.audioPackets > 0);
  assert.is(r.tracks.filter((t) => t.subscribed).length, 2);
  const first = await sub.eval<number | null>('() => lkt.firstAudioMs');
  assert.ok(first !== null && first > 0, 'first audio time recorded');
  console.log(`v0 join-to-first-audio (first run): ${first} ms`);
});

test('mute and unmute of the publisher are seen on the receiving side', async () => {
  const sid = await pub.mute('audio', true);
  await sub.waitEvent((e) => e.ev === 'trackMuted' && e.who === 'pub' && e.track === sid, 'trackMuted');
  await pub.mute('audio', false);
  await sub.waitEvent((e) => e.ev === 'trackUnmuted' && e.who === 'pub' && e.track === sid, 'trackUnmuted');
  // audio flows again after unmute
  const r = await sub.waitRemote('pub', (x) => x.audioRms > 0.02, 'audio energy after unmute', 10_000);
  assert.ok(r.tracks.find((t) => t.sid === sid && !t.muted));
});

test('join-to-first-audio, median of 5 fresh subscribers (printed)', async () => {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const c = await h.client(`probe${i}`, ROOM);
    try {
      await c.connect(V0);
      const deadline = Date.now() + 15_000;
      let ms: number | null = null;
      for (let k = 0; k < 200 && ms === null && Date.now() < deadline; k++) {
        ms = await c.eval<number | null>('() => lkt.firstAudioMs');
        if (ms === null) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(ms !== null, `probe${i} heard no audio within 15 s`);
      times.push(ms);
    } finally {
      await c.disconnect();
      await c.page.close();
    }
  }
  console.log(`v0 join-to-first-audio ms: ${times.join(', ')}; median ${median(times)}`);
  assert.is(times.length, 5);
});

test('leave: the publisher disconnects and the subscriber sees it leave', async () => {
  await pub.disconnect();
  await sub.waitEvent((e) => e.ev === 'participantDisconnected' && e.who === 'pub', 'participantDisconnected pub');
  const r = await sub.remote('pub');
  assert.not.ok(r.present);
});

test.run();
