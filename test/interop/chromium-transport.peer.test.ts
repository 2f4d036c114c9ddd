// Proof for the transport stack (issue 3): real Chromium (libwebrtc) completes ICE with
// our ICE-lite agent and a DTLS 1.2 handshake with our server, then sends Opus over SRTP
// that our stack decrypts with continuous sequence numbers, plus SRTCP sender reports
// that verify. Once per SRTP profile Chromium offers. The SDP answer is hand-written
// (test/interop/minimal-sdp.ts); the full SDP layer is tested on its own.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { assertInsideNetns } from '../peers/netns.js';
import { evalInPage, launchChromium, pollStats, statNumber, statsOf, type ChromiumPeer } from '../peers/chromium.js';
import { startStaticServer, type StaticServer } from '../peers/http.js';
import { generateCertificate, SrtpProfile } from '../../src/dtls/index.js';
import { TransportServer } from '../../src/transport/index.js';
import { minimalAnswer, readOffer } from './minimal-sdp.js';
import { MediaLog } from './media-log.js';

assertInsideNetns();

const cert = generateCertificate();
let server: TransportServer;
let browser: ChromiumPeer | undefined;
let http: StaticServer | undefined;
let page: Page;

test.before(async () => {
  server = new TransportServer({ certificate: cert, host: '127.0.0.1' });
  await server.listen();
  http = await startStaticServer();
  browser = await launchChromium();
  page = await browser.newPage(http.origin + '/');
});

test.after(async () => {
  if (page) await evalInPage(page, '() => sb.closeAll()').catch(() => undefined);
  await browser?.close();
  await http?.close();
  server?.close();
});

/** A new sendonly PC in the page with the fake mic; returns its complete (gathered) offer. */
function micOffer(pcName: string): Promise<string> {
  return evalInPage<string>(page, `async (name) => {
    const pc = sb.newPc(name);
    const s = await sb.getMic();
    pc.addTransceiver(s.getAudioTracks()[0], { direction: 'sendonly', streams: [s] });
    await pc.setLocalDescription(await pc.createOffer());
    await sb.waitGathering(pc);
    return pc.localDescription.sdp;
  }`, pcName);
}

const profiles: [string, number, RegExp][] = [
  ['AES_CM_128_HMAC_SHA1_80', SrtpProfile.AES128_CM_HMAC_SHA1_80, /AES128_CM_HMAC_SHA1_80/],
  ['AEAD_AES_128_GCM', SrtpProfile.AEAD_AES_128_GCM, /AEAD_AES_128_GCM/],
  ['AEAD_AES_256_GCM', SrtpProfile.AEAD_AES_256_GCM, /AEAD_AES_256_GCM/],
];

for (const [name, profile, cipherRe] of profiles) {
  test(`Chromium publishes Opus through ICE-lite + DTLS 1.2 + SRTP (${name})`, async () => {
    const transport = server.createTransport({ dtlsRole: 'server', srtpProfiles: [profile] });
    const log = new MediaLog();
    transport.events.onRtp = (buf, len) => log.rtp(buf, len);
    transport.events.onRtcp = (buf, len) => log.rtcp(buf, len);
    const pcName = `pub-${profile}`;
    const offer = await micOffer(pcName);
    const facts = readOffer(offer);
    transport.setRemoteParameters(facts.ufrag, facts.pwd, [facts.fingerprint]);
    const answer = minimalAnswer({ offer, ufrag: transport.iceUfrag, pwd: transport.icePwd, fingerprint: `${cert.fingerprint.algorithm} ${cert.fingerprint.value}`, port: server.port });
    await evalInPage(page, `async ([name, sdp]) => {
      const pc = sb.pcs[name];
      await pc.setRemoteDescription({ type: 'answer', sdp });
      await sb.waitConnected(pc, 15000);
    }`, [pcName, answer], 20_000);

    // Chromium's own view: connected over DTLS 1.2 with the profile we chose.
    const stats = await pollStats(page, pcName, (s) => statNumber(s, 'outbound-rtp', 'packetsSent', 'audio') >= 150, { timeoutMs: 15_000 });
    const tr = statsOf(stats, 'transport')[0];
    assert.is(tr.dtlsState, 'connected');
    assert.is(tr.tlsVersion, 'FEFD', 'DTLS 1.2');
    assert.is(tr.dtlsCipher, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
    assert.match(String(tr.srtpCipher), cipherRe, `srtpCipher ${tr.srtpCipher}`);
    assert.is(tr.dtlsRole, 'client', 'Chromium is DTLS client when we answer setup:passive');

    // Our view: the same profile, every packet decrypted, no sequence gaps, SRs verified.
    await log.waitFor(() => log.rtpPackets >= 150 && log.senderReports >= 1, 10_000);
    assert.is(transport.connectedInfo?.srtpProfile, profile);
    assert.is(transport.connectedInfo?.cipherSuite, 0xc02b);
    assert.is(log.payloadTypes.size, 1);
    assert.ok(log.payloadTypes.has(facts.opusPt), `payload type ${[...log.payloadTypes]} is Opus ${facts.opusPt}`);
    assert.is(log.ssrcs.size, 1);
    assert.is(log.seqGaps, 0, 'sequence numbers continuous');
    assert.is(log.reordered, 0);
    assert.ok(log.senderReports >= 1, 'SRTCP sender report decrypted and verified');
    assert.ok(log.srSsrcs.has([...log.ssrcs][0]), 'SR from the media SSRC');
    assert.is(transport.stats.srtpInDropped, 0, 'no SRTP packet failed authentication');
    assert.ok(log.opusNonEmpty > 0, 'Opus payloads carry data');
    await evalInPage(page, `(name) => { sb.pcs[name].close(); delete sb.pcs[name]; }`, pcName);
    transport.close();
  });
}

test('a Chromium with a certificate that does not match the SDP fingerprint is refused', async () => {
  const transport = server.createTransport({ dtlsRole: 'server' });
  let closeReason = '';
  let closeError: Error | undefined;
  transport.events.onClose = (reason, err) => { closeReason = reason; closeError = err; };
  const pcName = 'bad-fp';
  const offer = await micOffer(pcName);
  const facts = readOffer(offer);
  // Flip one hex digit of the fingerprint Chromium announced.
  const v = facts.fingerprint.value;
  const wrong = (v[0] === 'A' ? 'B' : 'A') + v.slice(1);
  transport.setRemoteParameters(facts.ufrag, facts.pwd, [{ algorithm: facts.fingerprint.algorithm as 'sha-256', value: wrong }]);
  const answer = minimalAnswer({ offer, ufrag: transport.iceUfrag, pwd: transport.icePwd, fingerprint: `${cert.fingerprint.algorithm} ${cert.fingerprint.value}`, port: server.port });
  const state = await evalInPage<string>(page, `async ([name, sdp]) => {
    const pc = sb.pcs[name];
    await pc.setRemoteDescription({ type: 'answer', sdp });
    return await new Promise((resolve) => {
      const t = setTimeout(() => resolve(pc.connectionState), 8000);
      pc.addEventListener('connectionstatechange', () => {
        if (pc.connectionState === 'failed' || pc.connectionState === 'connected') { clearTimeout(t); resolve(pc.connectionState); }
      });
    });
  }`, [pcName, answer], 15_000);
  assert.is.not(state, 'connected');
  assert.is(closeReason, 'dtls-failed');
  assert.match(String(closeError?.message), /fingerprint|certificate/i);
  assert.is(transport.stats.rtpIn, 0);
  await evalInPage(page, `(name) => { sb.pcs[name].close(); delete sb.pcs[name]; }`, pcName);
});

test.run();
