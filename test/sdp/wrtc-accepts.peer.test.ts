// REAL-PEER CHECK with a second, older libwebrtc (M106 in @roamhq/wrtc): it accepts our
// answers to its offers and answers our subscriber offers, and applyAnswer accepts those
// answers. No media flows; runs inside `unshare -n`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertInsideNetns } from '../peers/netns.js';
import { createWrtcPc, exitAfterTests, type WrtcPeerConnection } from '../peers/wrtc.js';
import { answerOffer, SubscriberOffers } from '../../src/sdp/index.js';
import { params } from './helpers.js';

const pcs: WrtcPeerConnection[] = [];
const newPc = (config: object = {}): WrtcPeerConnection => { const pc = createWrtcPc(config); pcs.push(pc); return pc; };

test.before(() => { assertInsideNetns(); });
// wrtc segfaults at natural exit (see test/peers/wrtc.ts): close, then exit explicitly.
test.after(() => { for (const pc of pcs) pc.close(); exitAfterTests(); });

test('wrtc accepts our answer to its audio+video sendonly offer', async () => {
  const pc = newPc();
  pc.addTransceiver('audio', { direction: 'sendonly' });
  pc.addTransceiver('video', { direction: 'sendonly' });
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  const r = answerOffer(offer.sdp, params());
  await pc.setRemoteDescription({ type: 'answer', sdp: r.sdp });
  assert.is(r.negotiated.media.length, 2);
  assert.equal(r.negotiated.media.map((m) => m.codecs[0]!.name), ['opus', 'VP8']);
});

test('wrtc accepts our answer to a max-bundle offer with a data channel', async () => {
  const pc = newPc({ bundlePolicy: 'max-bundle' }) as WrtcPeerConnection & { createDataChannel(l: string): unknown };
  pc.addTransceiver('audio', { direction: 'sendonly' });
  pc.createDataChannel('x');
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  const r = answerOffer(offer.sdp, params());
  await pc.setRemoteDescription({ type: 'answer', sdp: r.sdp });
  assert.equal(r.negotiated.media.map((m) => m.kind), ['audio', 'application']);
});

test('wrtc answers our subscriber offer; applyAnswer accepts it; renegotiation too', async () => {
  const pc = newPc();
  const subs = new SubscriberOffers();
  const tracks = [
    { trackId: 'A', streamId: 'S', kind: 'audio' as const, codecs: [{ name: 'opus', clockRate: 48000, channels: 2 }], ssrc: 100, cname: 'c' },
    { trackId: 'V', streamId: 'S', kind: 'video' as const, codecs: [{ name: 'VP8', clockRate: 90000 }], ssrc: 200, rtxSsrc: 201, cname: 'c' },
  ];
  for (const list of [tracks, [tracks[1]!], tracks]) {
    const { sdp } = subs.createOffer({ ...params(), tracks: list, dataChannel: true });
    await pc.setRemoteDescription({ type: 'offer', sdp });
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    const n = subs.applyAnswer(answer.sdp);
    assert.is(n.dtlsRole, 'server');
    assert.is(n.media.length, 3);
  }
});

test.run();
