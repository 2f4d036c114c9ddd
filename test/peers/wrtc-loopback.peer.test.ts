// Proves the wrtc harness works here: two @roamhq/wrtc peers in one process connect over
// loopback and the receiver plays out speech PCM with energy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertInsideNetns } from './netns.js';
import {
  createAudioSink, createSpeechSender, createWrtcPc, exitAfterTests, offerAnswer, waitConnected,
  waitForTrack, wrtcStats, type AudioSink, type SpeechSender, type WrtcPeerConnection,
} from './wrtc.js';

assertInsideNetns();

let tx: WrtcPeerConnection | undefined;
let rx: WrtcPeerConnection | undefined;
let sender: SpeechSender | undefined;
let sink: AudioSink | undefined;
let sdp: { offer: string; answer: string };

test.after(() => {
  sink?.stop();
  sender?.stop();
  tx?.close();
  rx?.close();
  exitAfterTests();
});

test('two wrtc peers connect over 127.0.0.1', async () => {
  tx = createWrtcPc();
  rx = createWrtcPc();
  sender = createSpeechSender();
  tx.addTrack(sender.track);
  const gotTrack = waitForTrack(rx, 'audio');
  sdp = await offerAnswer(tx, rx);
  await Promise.all([waitConnected(tx), waitConnected(rx)]);
  assert.match(sdp.offer, / 127\.0\.0\.1 \d+ typ host/);
  assert.match(sdp.offer, /a=rtpmap:111 opus\/48000\/2/);
  sink = createAudioSink(await gotTrack);
});

test('receiver plays out speech with energy', async () => {
  await sink!.waitFor((s) => s.frames >= 100 && s.energy > 0, 10_000);
  assert.ok(sink!.energy > 0, 'energy');
  assert.is(sink!.sampleRate, 48_000);
  assert.ok(sender!.framesSent >= 100, `frames sent ${sender!.framesSent}`);
});

test('stats: audio packets received, DTLS 1.2 with AES_CM_128_HMAC_SHA1_80', async () => {
  const s = await wrtcStats(rx!);
  const inbound = s.find((x) => x.type === 'inbound-rtp' && x.kind === 'audio');
  assert.ok(inbound && Number(inbound.packetsReceived) > 0, 'inbound audio packets');
  assert.ok(Number(inbound!.totalAudioEnergy) > 0, 'libwebrtc measured audio energy');
  const transport = s.find((x) => x.type === 'transport');
  assert.ok(transport, 'transport stats');
  assert.is(transport!.dtlsState, 'connected');
  assert.is(transport!.tlsVersion, 'FEFD'); // M106 speaks DTLS 1.2 only
  assert.is(transport!.dtlsCipher, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
  assert.is(transport!.srtpCipher, 'AES_CM_128_HMAC_SHA1_80');
  assert.is(transport!.dtlsRole, 'client'); // the answerer (setup:active) is the DTLS client
  assert.match(sdp.offer, /a=fingerprint:sha-256 /);
});

test.run();
