// Chromium (page) <-> @roamhq/wrtc (Node) audio both ways, with SDP passed through Node:
// the pattern an interop test against our server follows (page <-> Node signalling).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { assertInsideNetns } from './netns.js';
import { evalInPage, launchChromium, pollStats, statNumber, statsOf, type ChromiumPeer } from './chromium.js';
import { startStaticServer, type StaticServer } from './http.js';
import {
  createAudioSink, createSpeechSender, createWrtcPc, exitAfterTests, waitConnected, waitForTrack, waitIceGathering,
  type AudioSink, type SpeechSender, type WrtcPeerConnection,
} from './wrtc.js';

assertInsideNetns();

let browser: ChromiumPeer | undefined;
let server: StaticServer | undefined;
let page: Page;
let pc: WrtcPeerConnection | undefined;
let sender: SpeechSender | undefined;
let sink: AudioSink | undefined;

test.before(async () => {
  server = await startStaticServer();
  browser = await launchChromium();
  page = await browser.newPage(server.origin + '/');
});

test.after(async () => {
  sink?.stop();
  sender?.stop();
  pc?.close();
  if (page) await evalInPage(page, '() => sb.closeAll()').catch(() => undefined);
  await browser?.close();
  await server?.close();
  exitAfterTests();
});

test('wrtc offers, Chromium answers; both connect', async () => {
  pc = createWrtcPc();
  sender = createSpeechSender();
  pc.addTrack(sender.track);
  const remote = waitForTrack(pc, 'audio');
  await pc.setLocalDescription(await pc.createOffer());
  await waitIceGathering(pc);
  const answer = await evalInPage<string>(page, `async (offer) => {
    const pc = sb.newPc('c');
    const s = await sb.getMic();
    pc.addTrack(s.getAudioTracks()[0], s);
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await pc.setLocalDescription(await pc.createAnswer());
    await sb.waitGathering(pc);
    return pc.localDescription.sdp;
  }`, pc.localDescription!.sdp);
  assert.match(answer, /a=setup:active/);
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  await Promise.all([waitConnected(pc), evalInPage(page, '() => sb.waitConnected(sb.pcs.c)')]);
  sink = createAudioSink(await remote);
});

test('Chromium plays wrtc speech (energy); wrtc receives Chromium fake-mic PCM (energy)', async () => {
  const stats = await pollStats(page, 'c', (s) => statNumber(s, 'inbound-rtp', 'totalAudioEnergy', 'audio') > 0);
  assert.ok(statNumber(stats, 'inbound-rtp', 'packetsReceived', 'audio') > 0);
  await sink!.waitFor((s) => s.energy > 0 && s.frames >= 50, 10_000);
  const t = statsOf(stats, 'transport')[0]!;
  assert.is(t.tlsVersion, 'FEFD'); // wrtc (M106) speaks DTLS 1.2 only, so Chromium falls back
  assert.is(t.dtlsRole, 'client');
  assert.is(t.srtpCipher, 'SRTP_AES128_CM_HMAC_SHA1_80');
});

test.run();
