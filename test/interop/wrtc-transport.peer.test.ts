// Proof for the transport stack with a second libwebrtc build: @roamhq/wrtc (M106) in
// Node completes ICE + DTLS 1.2 with our server and sends Opus over SRTP
// (AES_CM_128_HMAC_SHA1_80, the only profile it offers), which our stack decrypts with
// continuous sequence numbers; its SRTCP sender reports verify too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertInsideNetns } from '../peers/netns.js';
import { createSpeechSender, createWrtcPc, exitAfterTests, waitConnected, waitIceGathering, wrtcStats, type SpeechSender, type WrtcPeerConnection } from '../peers/wrtc.js';
import { generateCertificate, SrtpProfile } from '../../src/dtls/index.js';
import { TransportServer } from '../../src/transport/index.js';
import { minimalAnswer, readOffer } from './minimal-sdp.js';
import { MediaLog } from './media-log.js';

assertInsideNetns();

const cert = generateCertificate();
let server: TransportServer;
let pc: WrtcPeerConnection | undefined;
let speech: SpeechSender | undefined;

test.before(async () => {
  server = new TransportServer({ certificate: cert, host: '127.0.0.1' });
  await server.listen();
});

test.after(() => {
  speech?.stop();
  pc?.close();
  server?.close();
  exitAfterTests();
});

test('@roamhq/wrtc publishes Opus through ICE-lite + DTLS 1.2 + SRTP', async () => {
  const transport = server.createTransport({ dtlsRole: 'server' });
  const log = new MediaLog();
  transport.events.onRtp = (buf, len) => log.rtp(buf, len);
  transport.events.onRtcp = (buf, len) => log.rtcp(buf, len);
  pc = createWrtcPc();
  speech = createSpeechSender();
  pc.addTransceiver(speech.track, { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  await waitIceGathering(pc);
  const offer = pc.localDescription!.sdp;
  const facts = readOffer(offer);
  transport.setRemoteParameters(facts.ufrag, facts.pwd, [facts.fingerprint]);
  const answer = minimalAnswer({ offer, ufrag: transport.iceUfrag, pwd: transport.icePwd, fingerprint: `${cert.fingerprint.algorithm} ${cert.fingerprint.value}`, port: server.port });
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  await waitConnected(pc, 15_000);

  await log.waitFor(() => log.rtpPackets >= 150 && log.senderReports >= 1, 15_000);
  assert.is(transport.connectedInfo?.srtpProfile, SrtpProfile.AES128_CM_HMAC_SHA1_80);
  assert.is(transport.connectedInfo?.cipherSuite, 0xc02b);
  assert.ok(log.payloadTypes.has(facts.opusPt));
  assert.is(log.ssrcs.size, 1);
  assert.is(log.seqGaps, 0, 'sequence numbers continuous');
  assert.is(log.reordered, 0);
  assert.ok(log.srSsrcs.has([...log.ssrcs][0]), 'SRTCP sender report from the media SSRC verified');
  assert.is(transport.stats.srtpInDropped, 0);
  assert.ok(log.opusNonEmpty > 100, 'Opus payloads carry speech');
  const stats = await wrtcStats(pc);
  const tr = stats.find((s) => s.type === 'transport');
  assert.is(tr?.dtlsState, 'connected');
  const out = stats.find((s) => s.type === 'outbound-rtp');
  assert.ok(Number(out?.packetsSent) >= 150);
  transport.close();
});

test.run();
