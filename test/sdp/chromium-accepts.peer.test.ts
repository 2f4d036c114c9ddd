// REAL-PEER CHECK: Chromium accepts what src/sdp writes. Inside `unshare -n` (the runner
// does it), Chromium creates offers (audio, audio+video, simulcast, data channel) and
// applies our answers with setRemoteDescription; then it applies our subscriber offers
// (including renegotiations with inactive / recycled m-lines) and answers them, and our
// applyAnswer accepts its answers. No media flows: this proves the SDP, not the transport.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { assertInsideNetns } from '../peers/netns.js';
import { launchChromium, type ChromiumPeer } from '../peers/chromium.js';
import { answerOffer, parseSdp, SubscriberOffers, type SubscriberTrack, type SubscriberOfferParams } from '../../src/sdp/index.js';
import { params } from './helpers.js';

let peer: ChromiumPeer;
let page: Page;

test.before(async () => {
  assertInsideNetns();
  peer = await launchChromium();
  page = await peer.newPage();
});
test.after(async () => { await peer?.close(); });

/** Runs `body` (an async function body using `arg`) in the page; returns its value. */
async function inPage<T>(body: string, arg: unknown = null): Promise<T> {
  return page.evaluate(`(async (arg) => { ${body} })(${JSON.stringify(arg)})`) as Promise<T>;
}

interface PublishResult { ok: boolean; error?: string; directions: (string | null)[]; encodings: number; signaling: string }

/** Makes a Chromium publisher pc with `setup` (JS), returns its offer; then applies our answer. */
async function publish(name: string, setup: string, config = '{}'): Promise<{ offer: string; result: PublishResult; answer: string }> {
  const offer = await inPage<string>(`
    const pc = new RTCPeerConnection(${config});
    (window.pcs ??= {})[${JSON.stringify(name)}] = pc;
    ${setup}
    await pc.setLocalDescription(await pc.createOffer());
    return pc.localDescription.sdp;`);
  const { sdp: answer } = answerOffer(offer, params());
  const result = await inPage<PublishResult>(`
    const pc = window.pcs[${JSON.stringify(name)}];
    try {
      await pc.setRemoteDescription({ type: 'answer', sdp: arg });
    } catch (e) { return { ok: false, error: String(e), directions: [], encodings: 0, signaling: pc.signalingState }; }
    const video = pc.getTransceivers().find((t) => t.receiver.track.kind === 'video');
    return { ok: true, directions: pc.getTransceivers().map((t) => t.currentDirection),
      encodings: video ? video.sender.getParameters().encodings.length : 0, signaling: pc.signalingState };`, answer);
  return { offer, result, answer };
}

test('Chromium accepts our answer to its audio offer', async () => {
  const r = await publish('audio', `pc.addTransceiver('audio', { direction: 'sendonly' });`);
  assert.ok(r.result.ok, r.result.error);
  assert.is(r.result.signaling, 'stable');
  assert.equal(r.result.directions, ['sendonly']);
});

test('Chromium accepts our answer to a sendrecv audio+video offer (currentDirection sendonly)', async () => {
  const r = await publish('av', `pc.addTransceiver('audio'); pc.addTransceiver('video');`);
  assert.ok(r.result.ok, r.result.error);
  assert.equal(r.result.directions, ['sendonly', 'sendonly']);
});

test('Chromium accepts our simulcast answer and keeps its three encodings', async () => {
  const r = await publish('sim', `
    pc.addTransceiver('audio', { direction: 'sendonly' });
    pc.addTransceiver('video', { direction: 'sendonly', sendEncodings: [
      { rid: 'q', scaleResolutionDownBy: 4 }, { rid: 'h', scaleResolutionDownBy: 2 }, { rid: 'f' }] });`);
  assert.ok(r.result.ok, r.result.error);
  assert.match(r.answer, 'a=simulcast:recv q;h;f');
  assert.is(r.result.encodings, 3);
});

test('max-bundle offer (as LiveKit clients make) is answered and accepted', async () => {
  const r = await publish('maxb', `pc.addTransceiver('audio', { direction: 'sendonly' }); pc.addTransceiver('video', { direction: 'sendonly' }); pc.createDataChannel('x');`,
    "{ bundlePolicy: 'max-bundle' }");
  assert.ok(r.result.ok, r.result.error);
  assert.equal(r.result.directions, ['sendonly', 'sendonly']);
  assert.match(r.answer, 'a=group:BUNDLE 0 1 2');
  assert.match(r.answer, 'm=video 9 ');
});

test('Chromium accepts our answer with a data channel m-line', async () => {
  const r = await publish('dc', `pc.addTransceiver('audio', { direction: 'sendonly' }); pc.createDataChannel('x');`);
  assert.ok(r.result.ok, r.result.error);
  assert.match(r.answer, 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel');
});

test('Chromium accepts our answer that rejects a data channel (port 0)', async () => {
  const offer = await inPage<string>(`
    const pc = new RTCPeerConnection(); window.pcs.rej = pc;
    pc.addTransceiver('audio', { direction: 'sendonly' }); pc.createDataChannel('x');
    await pc.setLocalDescription(await pc.createOffer()); return pc.localDescription.sdp;`);
  const { sdp } = answerOffer(offer, { ...params(), capabilities: { ...(await import('../../src/sdp/index.js')).defaultCapabilities, dataChannels: false } });
  assert.match(sdp, 'm=application 0 ');
  const ok = await inPage<string>(`try { await window.pcs.rej.setRemoteDescription({ type: 'answer', sdp: arg }); return 'ok'; } catch (e) { return String(e); }`, sdp);
  assert.is(ok, 'ok');
});

test('control: Chromium does reject a broken answer (setup:actpass, or a payload type it never offered)', async () => {
  for (const [i, breakIt] of [(a: string) => a.replace(/a=setup:passive/g, 'a=setup:actpass'), (a: string) => a.replace(/m=audio 9 (\S+) 111/, 'm=audio 9 $1 121').replace(/a=rtpmap:111 /, 'a=rtpmap:121 ')].entries()) {
    const offer = await inPage<string>(`
      const pc = new RTCPeerConnection(); window.pcs['bad' + arg] = pc;
      pc.addTransceiver('audio', { direction: 'sendonly' });
      await pc.setLocalDescription(await pc.createOffer()); return pc.localDescription.sdp;`, i);
    const bad = breakIt(answerOffer(offer, params()).sdp);
    const res = await inPage<string>(`try { await window.pcs['bad' + arg.i].setRemoteDescription({ type: 'answer', sdp: arg.sdp }); return 'ok'; } catch (e) { return String(e); }`, { i, sdp: bad });
    if (process.env.SDP_DEBUG) console.log(res);
    assert.not.equal(res, 'ok', `broken answer ${i} was accepted`);
  }
});

const audio = (id: string, ssrc: number): SubscriberTrack => ({ trackId: id, streamId: 'PA_one', kind: 'audio', codecs: [{ name: 'opus', clockRate: 48000, channels: 2 }], ssrc, cname: 'sb' });
const vp8 = (id: string, ssrc: number): SubscriberTrack => ({ trackId: id, streamId: 'PA_one', kind: 'video', codecs: [{ name: 'VP8', clockRate: 90000 }], ssrc, rtxSsrc: ssrc + 1, cname: 'sb' });
const h264 = (id: string, ssrc: number): SubscriberTrack => ({
  trackId: id, streamId: 'PA_two', kind: 'video', ssrc, rtxSsrc: ssrc + 1, cname: 'sb',
  codecs: [{ name: 'H264', clockRate: 90000, parameters: { 'level-asymmetry-allowed': '1', 'packetization-mode': '1', 'profile-level-id': '42e01f' } }],
});

interface SubResult { ok: boolean; error?: string; answer: string; streams: string[]; mids: (string | null)[] }

async function subscribeRound(name: string, offer: string): Promise<SubResult> {
  return inPage<SubResult>(`
    let pc = (window.subs ??= {})[${JSON.stringify(name)}];
    if (!pc) {
      pc = window.subs[${JSON.stringify(name)}] = new RTCPeerConnection();
      pc.seen = [];
      pc.ontrack = (e) => pc.seen.push(e.streams.map((s) => s.id).join(',') + '/' + e.track.kind);
    }
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: arg });
      await pc.setLocalDescription(await pc.createAnswer());
    } catch (e) { return { ok: false, error: String(e), answer: '', streams: [], mids: [] }; }
    return { ok: true, answer: pc.localDescription.sdp, streams: pc.seen, mids: pc.getTransceivers().map((t) => t.mid) };`, offer);
}

const sub = (tracks: SubscriberTrack[], dataChannel = false): SubscriberOfferParams => ({ ...params(), tracks, dataChannel });

test('subscriber: Chromium answers our offer and applyAnswer accepts the answer', async () => {
  const subs = new SubscriberOffers();
  const { sdp } = subs.createOffer(sub([audio('TR_a', 1000), vp8('TR_v', 2000), h264('TR_h', 3000)], true));
  const r = await subscribeRound('s1', sdp);
  assert.ok(r.ok, r.error);
  const n = subs.applyAnswer(r.answer);
  assert.is(n.remoteSetup, 'active');
  assert.is(n.dtlsRole, 'server');
  assert.equal(n.rejectedMids, []);
  assert.equal(n.media.map((m) => [m.mid, m.kind, m.direction]), [['0', 'application', 'sendrecv'], ['1', 'audio', 'sendonly'], ['2', 'video', 'sendonly'], ['3', 'video', 'sendonly']]);
  assert.equal(n.media[2]!.codecs.map((c) => c.name), ['VP8']);
  assert.equal(n.media[2]!.rtxMap, { 97: 96 });
  assert.equal(n.media[3]!.codecs.map((c) => [c.payloadType, c.name]), [[102, 'H264']]);
  assert.ok(Object.keys(n.media[1]!.headerExtensions).length >= 3, 'Chromium kept our extensions');
  assert.equal(r.streams.sort(), ['PA_one/audio', 'PA_one/video', 'PA_two/video']);
  assert.equal(r.mids, ['1', '2', '3']);
  // The answer is Chromium's: it parses and round-trips with our parser.
  assert.ok(parseSdp(r.answer).media.length === 4);
});

test('subscriber: RED audio, VP9 and AV1 tracks are accepted by Chromium with our payload types', async () => {
  const subs = new SubscriberOffers();
  const tracks: SubscriberTrack[] = [
    { ...audio('TR_red', 500), codecs: [{ name: 'red', clockRate: 48000, channels: 2 }, { name: 'opus', clockRate: 48000, channels: 2 }] },
    { ...vp8('TR_vp9', 600), codecs: [{ name: 'VP9', clockRate: 90000, parameters: { 'profile-id': '0' } }] },
    { ...vp8('TR_av1', 700), codecs: [{ name: 'AV1', clockRate: 90000 }] },
  ];
  const r = await subscribeRound('s4', subs.createOffer(sub(tracks)).sdp);
  assert.ok(r.ok, r.error);
  const n = subs.applyAnswer(r.answer);
  assert.equal(n.rejectedMids, []);
  assert.equal(n.media.map((m) => m.codecs.map((c) => `${c.payloadType} ${c.name}`)), [['63 red', '111 opus'], ['98 VP9'], ['45 AV1']]);
  assert.equal(n.media.map((m) => m.rtxMap), [{}, { 99: 98 }, { 46: 45 }]);
});

test('subscriber renegotiation: removed track -> inactive, reused with the same mid; Chromium agrees', async () => {
  const subs = new SubscriberOffers();
  const r1 = await subscribeRound('s2', subs.createOffer(sub([audio('A1', 10), vp8('V1', 20)])).sdp);
  assert.ok(r1.ok, r1.error);
  subs.applyAnswer(r1.answer);
  const o2 = subs.createOffer(sub([vp8('V1', 20)]));
  assert.match(o2.sdp, 'a=inactive');
  const r2 = await subscribeRound('s2', o2.sdp);
  assert.ok(r2.ok, r2.error);
  const n2 = subs.applyAnswer(r2.answer);
  assert.is(n2.media[0]!.direction, 'inactive');
  const o3 = subs.createOffer(sub([vp8('V1', 20), audio('A2', 30)]));
  assert.is(o3.offer.media[0]!.mid, '0');
  assert.is(o3.offer.origin.sessionVersion, '3');
  const r3 = await subscribeRound('s2', o3.sdp);
  assert.ok(r3.ok, r3.error);
  const n3 = subs.applyAnswer(r3.answer);
  assert.equal(n3.media.map((m) => m.direction), ['sendonly', 'sendonly']);
});

test("subscriber renegotiation with 'stop': port 0, then recycled with a new mid; Chromium agrees", async () => {
  const subs = new SubscriberOffers({ removedTracks: 'stop' });
  const r1 = await subscribeRound('s3', subs.createOffer(sub([audio('A1', 10), vp8('V1', 20)])).sdp);
  assert.ok(r1.ok, r1.error);
  subs.applyAnswer(r1.answer);
  const r2 = await subscribeRound('s3', subs.createOffer(sub([vp8('V1', 20)])).sdp);
  assert.ok(r2.ok, r2.error);
  assert.equal(subs.applyAnswer(r2.answer).rejectedMids, ['0']);
  const o3 = subs.createOffer(sub([vp8('V1', 20), vp8('V2', 40)]));
  assert.equal(o3.offer.media.map((m) => m.mid), ['2', '1']);
  const r3 = await subscribeRound('s3', o3.sdp);
  assert.ok(r3.ok, r3.error);
  const n3 = subs.applyAnswer(r3.answer);
  assert.equal(n3.media.map((m) => [m.mid, m.kind, m.direction]), [['2', 'video', 'sendonly'], ['1', 'video', 'sendonly']]);
});

test('subscriber: a data-only offer (empty room, LiveKit subscriber-primary) - Chromium answers it; sctp-port / max-message-size read from its answer; a track added later keeps mid 0 for data', async () => {
  const subs = new SubscriberOffers();
  const { sdp, offer } = subs.createOffer(sub([], true));
  assert.equal(offer.media.map((m) => [m.mid, m.kind, m.protocol, m.formats.join(' ')]), [['0', 'application', 'UDP/DTLS/SCTP', 'webrtc-datachannel']]);
  assert.match(sdp, 'a=group:BUNDLE 0\r\n');
  assert.match(sdp, 'a=sctp-port:5000\r\n');
  assert.match(sdp, 'a=max-message-size:262144\r\n');
  const r = await subscribeRound('data-only', sdp);
  assert.ok(r.ok, r.error);
  const am = parseSdp(r.answer).media;
  assert.equal(am.map((m) => [m.mid, m.kind, m.port !== 0]), [['0', 'application', true]]);
  const n = subs.applyAnswer(r.answer);
  assert.is(n.dtlsRole, 'server');
  assert.equal(n.bundleMids, ['0']);
  // Chromium answers with its own sctp-port and max-message-size (RFC 8841): read, not assumed.
  assert.equal(n.media[0]!.sctp, { port: 5000, maxMessageSize: 262144, remotePort: am[0]!.sctpPort!, remoteMaxMessageSize: am[0]!.maxMessageSize! });
  assert.ok(am[0]!.maxMessageSize! > 0);
  const r2 = await subscribeRound('data-only', subs.createOffer(sub([audio('TR_a', 1000)], true)).sdp);
  assert.ok(r2.ok, r2.error);
  assert.equal(subs.applyAnswer(r2.answer).media.map((m) => [m.mid, m.kind]), [['0', 'application'], ['1', 'audio']]);
});

test.run();
