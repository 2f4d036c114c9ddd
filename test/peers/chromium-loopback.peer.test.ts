// Proves the Chromium harness works here: inside the namespace, one page connects two
// RTCPeerConnections over loopback, sends the fake mic (speech WAV) and fake camera from
// one to the other, and the receiver decodes both.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { assertInsideNetns } from './netns.js';
import { evalInPage, launchChromium, pollStats, statNumber, statsOf, type ChromiumPeer } from './chromium.js';
import { startStaticServer, type StaticServer } from './http.js';
import { withTimeout } from './paths.js';

assertInsideNetns();

let browser: ChromiumPeer | undefined;
let server: StaticServer | undefined;
let page: Page;
let sdp: { offer: string; answer: string };

test.before(async () => {
  server = await startStaticServer();
  browser = await launchChromium();
  page = await browser.newPage(server.origin + '/');
});

test.after(async () => {
  if (page) await evalInPage(page, '() => sb.closeAll()').catch(() => undefined);
  await browser?.close();
  await server?.close();
});

test('two peer connections in one page connect over 127.0.0.1', async () => {
  sdp = await evalInPage(page, `async () => {
    const tx = sb.newPc('tx'), rx = sb.newPc('rx');
    const s = await sb.getMicCam();
    for (const t of s.getTracks()) tx.addTrack(t, s);
    const r = await sb.offerAnswer(tx, rx);
    await Promise.all([sb.waitConnected(tx), sb.waitConnected(rx)]);
    return r;
  }`, undefined, 20_000);
  assert.match(sdp.offer, /a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/);
  assert.match(sdp.offer, /m=audio /);
  assert.match(sdp.offer, /m=video /);
});

test('receiver decodes audio with energy and video frames; DTLS connected', async () => {
  const stats = await pollStats(page, 'rx', (s) =>
    statNumber(s, 'inbound-rtp', 'totalAudioEnergy', 'audio') > 0 &&
    statNumber(s, 'inbound-rtp', 'framesDecoded', 'video') > 0, { timeoutMs: 20_000 });
  assert.ok(statNumber(stats, 'inbound-rtp', 'packetsReceived', 'audio') > 0, 'audio packets');
  assert.ok(statNumber(stats, 'inbound-rtp', 'totalAudioEnergy', 'audio') > 0, 'audio energy');
  assert.ok(statNumber(stats, 'inbound-rtp', 'framesDecoded', 'video') > 0, 'video frames');
  const transport = statsOf(stats, 'transport')[0];
  assert.ok(transport, 'a transport stats entry');
  assert.is(transport!.dtlsState, 'connected');
  if (process.env.PEER_VERBOSE) console.log(JSON.stringify(statsOf(stats, 'transport'), null, 1), JSON.stringify(statsOf(stats, 'candidate-pair').filter((c) => c.nominated)));
  // Chromium <-> Chromium settles on DTLS 1.3 (FEFC); against a 1.2-only server it uses 1.2 (FEFD).
  assert.ok(transport!.tlsVersion === 'FEFC' || transport!.tlsVersion === 'FEFD', `tlsVersion ${transport!.tlsVersion}`);
  assert.match(String(transport!.srtpCipher), /AES/);
});

test('sender counts packets sent on both tracks', async () => {
  const stats = await withTimeout(pollStats(page, 'tx', (s) =>
    statNumber(s, 'outbound-rtp', 'packetsSent', 'audio') > 0 &&
    statNumber(s, 'outbound-rtp', 'packetsSent', 'video') > 0), 20_000, 'tx stats');
  assert.ok(statNumber(stats, 'outbound-rtp', 'packetsSent', 'audio') > 0);
});

test.run();
