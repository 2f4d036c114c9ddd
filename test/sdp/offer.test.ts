import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SubscriberOffers, createOffer, applyAnswer, parseSdp, SdpError, EXT, type SubscriberTrack, type SubscriberOfferParams } from '../../src/sdp/index.js';
import { FP, params, sectionLines } from './helpers.js';

const audio = (id: string, ssrc = 1111): SubscriberTrack => ({
  trackId: id, streamId: 'PA_stream', kind: 'audio', codecs: [{ name: 'opus', clockRate: 48000, channels: 2 }], ssrc, cname: 'sbcname',
});
const video = (id: string, ssrc = 2222, rtxSsrc = 3333): SubscriberTrack => ({
  trackId: id, streamId: 'PA_stream', kind: 'video', codecs: [{ name: 'VP8', clockRate: 90000 }], ssrc, rtxSsrc, cname: 'sbcname',
});
const p = (tracks: SubscriberTrack[], dataChannel = false): SubscriberOfferParams => ({ ...params(), tracks, dataChannel });

function has(lines: string[], line: string): void { assert.ok(lines.includes(line), `missing "${line}" in\n${lines.join('\n')}`); }

test('offer: session and transport lines', () => {
  const { sdp } = createOffer(p([audio('TR_a'), video('TR_v')]), { sessionId: '42' });
  const lines = sdp.split('\r\n');
  assert.is(lines[1], 'o=- 42 1 IN IP4 127.0.0.1');
  has(lines, 'a=ice-lite');
  has(lines, 'a=group:BUNDLE 0 1');
  has(lines, 'a=msid-semantic: WMS *');
  for (const i of [0, 1]) {
    const m = sectionLines(sdp, i);
    has(m, 'a=setup:actpass');
    has(m, 'a=ice-ufrag:sbUf');
    has(m, `a=fingerprint:sha-256 ${FP}`);
    has(m, 'a=sendonly');
    has(m, 'a=rtcp-mux');
    has(m, `a=mid:${i}`);
    has(m, 'a=candidate:1 1 udp 2130706431 127.0.0.1 40001 typ host');
  }
});

test('offer: audio track with our payload type, extmap ids, ssrc cname/msid', () => {
  const { sdp } = createOffer(p([audio('TR_a')]));
  const m = sectionLines(sdp, 0);
  assert.is(m[0], 'm=audio 9 UDP/TLS/RTP/SAVPF 111');
  has(m, 'a=rtpmap:111 opus/48000/2');
  has(m, 'a=fmtp:111 minptime=10;useinbandfec=1');
  has(m, 'a=rtcp-fb:111 transport-cc');
  has(m, `a=extmap:1 ${EXT.mid}`);
  has(m, `a=extmap:2 ${EXT.audioLevel}`);
  has(m, 'a=msid:PA_stream TR_a');
  has(m, 'a=ssrc:1111 cname:sbcname');
  has(m, 'a=ssrc:1111 msid:PA_stream TR_a');
  assert.not.ok(m.some((l) => l.includes(EXT.rid)), 'no rid extension on audio');
});

test('offer: video track with RTX, ssrc-group FID', () => {
  const { sdp } = createOffer(p([video('TR_v')]));
  const m = sectionLines(sdp, 0);
  assert.is(m[0], 'm=video 9 UDP/TLS/RTP/SAVPF 96 97');
  has(m, 'a=rtpmap:97 rtx/90000');
  has(m, 'a=fmtp:97 apt=96');
  has(m, 'a=rtcp-fb:96 nack pli');
  has(m, 'a=ssrc-group:FID 2222 3333');
  has(m, 'a=ssrc:3333 cname:sbcname');
});

test('offer: H.264 track keeps the publisher fmtp, RED audio names our opus pt', () => {
  const h: SubscriberTrack = { ...video('TR_h'), codecs: [{ name: 'H264', clockRate: 90000, parameters: { 'level-asymmetry-allowed': '1', 'packetization-mode': '1', 'profile-level-id': '42e01f' } }] };
  const red: SubscriberTrack = { ...audio('TR_r'), codecs: [{ name: 'red', clockRate: 48000, channels: 2 }, { name: 'opus', clockRate: 48000, channels: 2 }] };
  const { sdp } = createOffer(p([h, red]));
  const v = sectionLines(sdp, 0);
  assert.is(v[0], 'm=video 9 UDP/TLS/RTP/SAVPF 102 103');
  has(v, 'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f');
  const a = sectionLines(sdp, 1);
  assert.is(a[0], 'm=audio 9 UDP/TLS/RTP/SAVPF 63 111');
  has(a, 'a=fmtp:63 111/111');
});

test('offer: unknown codec is a bad-params error', () => {
  const t: SubscriberTrack = { ...audio('TR_x'), codecs: [{ name: 'G729', clockRate: 8000 }] };
  try { createOffer(p([t])); assert.unreachable(); } catch (e) { assert.is((e as SdpError).code, 'bad-params'); }
});

/** A minimal browser-like answer for an offer: accept everything, setup active. */
function fakeAnswer(offerSdp: string, setup = 'active'): string {
  const o = parseSdp(offerSdp);
  const lines = ['v=0', 'o=- 99 2 IN IP4 127.0.0.1', 's=-', 't=0 0'];
  const live = o.media.filter((m) => m.port !== 0).map((m) => m.mid);
  if (live.length) lines.push(`a=group:BUNDLE ${live.join(' ')}`);
  for (const m of o.media) {
    lines.push(`m=${m.kind} ${m.port === 0 ? 0 : 9} ${m.protocol} ${m.formats.join(' ')}`, 'c=IN IP4 0.0.0.0', `a=mid:${m.mid}`);
    if (m.port === 0) continue;
    lines.push('a=ice-ufrag:brow', 'a=ice-pwd:browserpasswordbrowserpw', `a=fingerprint:sha-256 ${FP}`, `a=setup:${setup}`);
    if (m.kind === 'application') { lines.push('a=sctp-port:5000', 'a=max-message-size:262144'); continue; }
    lines.push(m.direction === 'sendonly' ? 'a=recvonly' : 'a=inactive', 'a=rtcp-mux');
    for (const e of m.extmaps) lines.push(`a=extmap:${e.id} ${e.uri}`);
    for (const r of m.rtpmaps) lines.push(`a=rtpmap:${r.payloadType} ${r.encodingName}/${r.clockRate}${r.channels ? `/${r.channels}` : ''}`);
    for (const f of m.fmtps) lines.push(`a=fmtp:${f.payloadType} ${f.parameters}`);
  }
  return lines.join('\r\n') + '\r\n';
}

test('applyAnswer: negotiated data for the subscriber', () => {
  const subs = new SubscriberOffers({ sessionId: '7' });
  const { sdp } = subs.createOffer(p([audio('TR_a'), video('TR_v')], true));
  const n = subs.applyAnswer(fakeAnswer(sdp));
  assert.is(n.dtlsRole, 'server');
  assert.is(n.remoteSetup, 'active');
  assert.equal(n.remoteIce, { ufrag: 'brow', pwd: 'browserpasswordbrowserpw', options: [], lite: false });
  assert.equal(n.media.map((m) => [m.mid, m.kind, m.direction]), [['0', 'application', 'sendrecv'], ['1', 'audio', 'sendonly'], ['2', 'video', 'sendonly']]);
  const v = n.media[2]!;
  assert.equal(v.rtxMap, { 97: 96 });
  assert.equal(v.streams.fidGroups, [{ primary: 2222, rtx: 3333 }]);
  assert.is(v.headerExtensions[EXT.transportCc], 4);
  assert.equal(v.streams.msid, { streamId: 'PA_stream', trackId: 'TR_v' });
  assert.is(subs.midOf('TR_v'), '2');
});

test('applyAnswer: errors name the problem', () => {
  const { sdp } = createOffer(p([audio('TR_a'), video('TR_v')]));
  const code = (fn: () => unknown): string => { try { fn(); return 'none'; } catch (e) { if (!(e instanceof SdpError)) throw e; return e.code; } };
  assert.is(code(() => applyAnswer(sdp, fakeAnswer(sdp))), 'none');
  assert.is(code(() => applyAnswer(sdp, fakeAnswer(sdp, 'passive'))), 'bad-setup');
  assert.is(code(() => applyAnswer(sdp, fakeAnswer(sdp).replace('a=mid:1', 'a=mid:9'))), 'mid-mismatch');
  assert.is(code(() => applyAnswer(sdp, fakeAnswer(sdp).replace('a=rtpmap:96 VP8/90000', 'a=rtpmap:96 VP9/90000'))), 'codec-mismatch');
  assert.is(code(() => applyAnswer(sdp, fakeAnswer(sdp).replace(/a=extmap:4 /g, 'a=extmap:12 '))), 'codec-mismatch');
  assert.is(code(() => applyAnswer(sdp, fakeAnswer(sdp).replace(/a=fingerprint:.*\r\n/g, ''))), 'missing-fingerprint');
  assert.is(code(() => applyAnswer(sdp, fakeAnswer(sdp).replace(/a=ice-ufrag:.*\r\n/g, ''))), 'missing-ice-credentials');
  const oneLine = fakeAnswer(sdp).split('\r\nm=video')[0] + '\r\n';
  assert.is(code(() => applyAnswer(sdp, oneLine)), 'mid-mismatch');
});

test('renegotiation: mids stable, session version increments, removed track -> inactive and reused by same kind', () => {
  const subs = new SubscriberOffers({ sessionId: '7' });
  const o1 = subs.createOffer(p([audio('A1'), video('V1')]));
  subs.applyAnswer(fakeAnswer(o1.sdp));
  const o2 = subs.createOffer(p([video('V1'), audio('A2', 5555)]));
  // A1 gone, A2 takes its m-line (mid 0) since the same kind is free.
  assert.equal(o2.offer.media.map((m) => [m.mid, m.kind, m.direction]), [['0', 'audio', 'sendonly'], ['1', 'video', 'sendonly']]);
  assert.is(o2.offer.origin.sessionVersion, '2');
  assert.is(o2.offer.media[0]!.msids[0]!.trackId, 'A2');
  assert.is(o2.offer.media[0]!.ssrcs[0]!.ssrc, 5555);
  subs.applyAnswer(fakeAnswer(o2.sdp));
  const o3 = subs.createOffer(p([video('V1')]));
  assert.is(o3.offer.origin.sessionVersion, '3');
  const a = o3.offer.media[0]!;
  assert.is(a.direction, 'inactive');
  assert.is(a.port, 9);
  assert.equal(a.ssrcs, []);
  assert.equal(a.msids, []);
  assert.equal(o3.offer.groups[0]!.mids, ['0', '1']);
  assert.equal(subs.slots(), [{ mid: '0', kind: 'audio', state: 'inactive', trackId: 'A2' }, { mid: '1', kind: 'video', state: 'active', trackId: 'V1' }]);
  // A new video track cannot take the audio m-line: it gets mid 2.
  const o4 = subs.createOffer(p([video('V1'), video('V2', 7, 8)]));
  assert.equal(o4.offer.media.map((m) => m.mid), ['0', '1', '2']);
});

test("renegotiation with removedTracks 'stop': port 0, recycled with a NEW mid only after the answer", () => {
  const subs = new SubscriberOffers({ removedTracks: 'stop' });
  subs.applyAnswer(fakeAnswer(subs.createOffer(p([audio('A1'), video('V1')])).sdp));
  const o2 = subs.createOffer(p([video('V1')]));
  const a = o2.offer.media[0]!;
  assert.is(a.port, 0);
  assert.is(a.mid, '0');
  assert.equal(o2.offer.groups[0]!.mids, ['1']);
  assert.match(o2.sdp, 'm=audio 0 UDP/TLS/RTP/SAVPF 111\r\n');
  // Before the answer, a new track must not recycle the stopped m-line.
  const subs2 = new SubscriberOffers({ removedTracks: 'stop' });
  subs2.applyAnswer(fakeAnswer(subs2.createOffer(p([audio('A1')])).sdp));
  subs2.createOffer(p([]));
  const early = subs2.createOffer(p([video('V9')]));
  assert.equal(early.offer.media.map((m) => [m.mid, m.port]), [['0', 0], ['1', 9]]);
  // After the answer: recycled slot, new kind, new mid.
  const n = subs.applyAnswer(fakeAnswer(o2.sdp));
  assert.equal(n.rejectedMids, ['0']);
  const o3 = subs.createOffer(p([video('V1'), video('V2', 7, 8)]));
  assert.equal(o3.offer.media.map((m) => [m.mid, m.kind, m.port]), [['2', 'video', 9], ['1', 'video', 9]]);
  assert.equal(o3.offer.groups[0]!.mids, ['2', '1']);
});

test('offer parses back to itself', () => {
  const o = createOffer(p([audio('A'), video('V')], true));
  assert.equal(parseSdp(o.sdp), o.offer);
});

test.run();
