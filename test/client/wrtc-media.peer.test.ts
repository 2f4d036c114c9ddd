// REAL-PEER CHECK of the client role end to end with libwebrtc M106 (@roamhq/wrtc): our
// publisher offer, our ICE agent (controlling) against its full agent, DTLS in the role
// its answer picks, SRTP, and the OpusSender's packets — which it decodes to audio with
// energy, and counts with no loss. Runs inside `unshare -n`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertInsideNetns } from '../peers/netns.js';
import { createWrtcPc, exitAfterTests, waitConnected, waitForTrack, waitIceGathering, wrtc, wrtcStats, type WrtcPeerConnection } from '../peers/wrtc.js';
import { ClientNetwork, OpusSender, buildPublisherOffer, encodeSpeech, readPublisherAnswer } from '../../src/client/index.js';
import { randomIceString } from '../../src/transport/index.js';

assertInsideNetns();
let pc: WrtcPeerConnection | undefined;
const net = new ClientNetwork();

test.after(() => { pc?.close(); net.close(); exitAfterTests(); });

test('libwebrtc receives and decodes our synthetic Opus publisher', async () => {
  const speech = encodeSpeech();
  const mux = await net.openSocket();
  const iceUfrag = randomIceString(8), icePwd = randomIceString(24);
  const offer = buildPublisherOffer({ iceUfrag, icePwd, fingerprints: [net.certificate.fingerprint], candidate: { address: '127.0.0.1', port: mux.port }, streamId: 'stream', tracks: [{ cid: 'mic', ssrc: 0x11223344 }] });
  pc = createWrtcPc();
  const gotTrack = waitForTrack(pc, 'audio', 15_000);
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  await pc.setLocalDescription(await pc.createAnswer());
  await waitIceGathering(pc);
  const a = readPublisherAnswer(pc.localDescription!.sdp);
  assert.ok(a.remote.candidates.length > 0, 'wrtc gathered a host candidate');
  const t = net.createTransport(mux, {
    iceRole: 'controlling', dtlsRole: a.dtlsRole, iceUfrag, icePwd, remoteIceUfrag: a.remote.iceUfrag, remoteIcePwd: a.remote.icePwd,
    remoteFingerprints: a.remote.fingerprints, remoteCandidates: a.remote.candidates,
  });
  const m = a.media[0]!;
  const sender = new OpusSender({
    speech, ssrc: 0x11223344, payloadType: m.payloadType, audioLevelId: m.audioLevelId, transportCcId: m.transportCcId, midId: m.midId,
    absCaptureTimeId: m.absCaptureTimeId, mid: m.mid, dtx: false, seed: 9, twcc: { seq: 1 }, send: (b, n) => t.sendRtp(b, 0, n),
  });
  const track = await gotTrack;
  await waitConnected(pc, 15_000);
  const end = Date.now() + 10_000;
  while (t.state !== 'connected' && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  assert.is(t.state, 'connected', 'our client transport connected');
  // Decoded audio from libwebrtc's jitter buffer.
  let energy = 0, frames = 0;
  const sink = new wrtc.nonstandard.RTCAudioSink(track);
  sink.ondata = (d) => { frames++; for (let i = 0; i < d.samples.length; i++) energy += (d.samples[i]! / 32768) ** 2; };
  sender.start(performance.now());
  net.addSender(sender);
  await new Promise((r) => setTimeout(r, 3000));
  net.removeSender(sender);
  sink.stop();
  const stats = await wrtcStats(pc);
  const inbound = stats.find((s) => s.type === 'inbound-rtp' && s.kind === 'audio');
  assert.ok(sender.stats.packets >= 140, `${sender.stats.packets} sent`);
  assert.ok(Number(inbound?.packetsReceived) >= 140, `wrtc received ${inbound?.packetsReceived}`);
  assert.is(Number(inbound?.packetsLost ?? 0), 0);
  assert.ok(frames > 50, `${frames} decoded audio frames`);
  assert.ok(energy > 1, `decoded energy ${energy}`);
  t.close();
});

test.run();
