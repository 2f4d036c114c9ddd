// REAL-PEER CHECK of the client-side SDP with libwebrtc M106 (@roamhq/wrtc): it answers
// our sendonly Opus publisher offer (and we read its answer), and it accepts our recvonly
// answer to its sendonly offer (and we read its SSRC/msid). Runs inside `unshare -n`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertInsideNetns } from '../peers/netns.js';
import { createWrtcPc, exitAfterTests, type WrtcPeerConnection } from '../peers/wrtc.js';
import { answerSubscriberOffer, buildPublisherOffer, readPublisherAnswer } from '../../src/client/index.js';
import { parseSdp } from '../../src/sdp/index.js';

const FP = { algorithm: 'sha-256', value: Array.from({ length: 32 }, (_, i) => (i * 5 + 17).toString(16).toUpperCase().padStart(2, '0')).join(':') };
const ours = { iceUfrag: 'clnt', icePwd: 'clientpasswordclientpass', fingerprints: [FP], candidate: { address: '127.0.0.1', port: 40001 } };
const pcs: WrtcPeerConnection[] = [];
const newPc = (): WrtcPeerConnection => { const pc = createWrtcPc({}); pcs.push(pc); return pc; };

test.before(() => { assertInsideNetns(); });
test.after(() => { for (const pc of pcs) pc.close(); exitAfterTests(); });

test('wrtc answers our two-track publisher offer: recvonly opus/48000/2 on both mids', async () => {
  const pc = newPc();
  const offer = buildPublisherOffer({ ...ours, streamId: 'PA_w', tracks: [{ cid: 'mic-0', ssrc: 4321 }, { cid: 'mic-1', ssrc: 8765 }] });
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  const answer = await pc.createAnswer();
  await pc.setLocalDescription(answer);
  const sd = parseSdp(answer.sdp);
  assert.equal(sd.media.map((m) => [m.mid, m.direction, m.port !== 0]), [['0', 'recvonly', true], ['1', 'recvonly', true]]);
  const a = readPublisherAnswer(answer.sdp);
  assert.ok(a.dtlsRole === 'server' || a.dtlsRole === 'client');
  assert.equal(a.media.map((m) => [m.mid, m.accepted, m.payloadType]), [['0', true, 111], ['1', true, 111]]);
  assert.is(a.media[0]!.audioLevelId, 1, 'libwebrtc kept our audio-level id');
  assert.is(a.media[0]!.midId, 4);
});

test('wrtc accepts our recvonly answer to its sendonly audio offer', async () => {
  const pc = newPc();
  pc.addTransceiver('audio', { direction: 'sendonly' });
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  const ans = answerSubscriberOffer(offer.sdp, ours);
  await pc.setRemoteDescription({ type: 'answer', sdp: ans.sdp });
  const o = parseSdp(offer.sdp).media[0]!;
  assert.is(ans.media.length, 1);
  assert.is(ans.media[0]!.ssrc, o.ssrcs[0]!.ssrc);
  assert.is(ans.media[0]!.active, true);
  assert.is(ans.media[0]!.payloadType, 111);
  assert.is(ans.dtlsRole, 'client');
  assert.is((pc as unknown as { signalingState: string }).signalingState, 'stable');
});

test.run();
