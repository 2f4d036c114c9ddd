import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { answerOffer, parseSdp, SdpError, defaultCapabilities, EXT, type Capabilities } from '../../src/sdp/index.js';
import { FP, params, sample, sectionLines } from './helpers.js';

function has(lines: string[], line: string): void {
  assert.ok(lines.includes(line), `missing "${line}" in\n${lines.join('\n')}`);
}
function hasNot(lines: string[], prefix: string): void {
  const hit = lines.find((l) => l.startsWith(prefix));
  assert.is(hit, undefined, `unexpected "${hit}"`);
}

test('Chromium audio offer: transport lines of the answer', () => {
  const r = answerOffer(sample('chrome-audio.sdp'), params());
  const lines = r.sdp.split('\r\n');
  assert.is(lines[0], 'v=0');
  assert.is(lines[1], 'o=- 1234567890 1 IN IP4 127.0.0.1');
  has(lines, 'a=ice-lite');
  has(lines, 'a=group:BUNDLE 0');
  has(lines, 'a=extmap-allow-mixed');
  const a = sectionLines(r.sdp, 0);
  assert.is(a[0], 'm=audio 9 UDP/TLS/RTP/SAVPF 111 63');
  has(a, 'c=IN IP4 0.0.0.0');
  has(a, 'a=mid:0');
  has(a, 'a=ice-ufrag:sbUf');
  has(a, 'a=ice-pwd:switchboardPasswordXYZ012');
  has(a, `a=fingerprint:sha-256 ${FP}`);
  has(a, 'a=setup:passive');
  has(a, 'a=rtcp-mux');
  has(a, 'a=rtcp-rsize');
  has(a, 'a=recvonly');
  // one host candidate per worker socket, UDP, component 1, RFC 8445 priority
  has(a, 'a=candidate:1 1 udp 2130706431 127.0.0.1 40001 typ host');
  has(a, 'a=candidate:2 1 udp 2130706175 127.0.0.1 40002 typ host');
  has(a, 'a=end-of-candidates');
  hasNot(a, 'a=ssrc');
  hasNot(a, 'a=msid');
  assert.ok(r.sdp.endsWith('\r\n') && !/[^\r]\n/.test(r.sdp));
});

test('audio codecs: opus + RED kept with offer payload types, G722/PCMU/CN/DTMF dropped', () => {
  const a = sectionLines(answerOffer(sample('chrome-audio.sdp'), params()).sdp, 0);
  has(a, 'a=rtpmap:111 opus/48000/2');
  has(a, 'a=fmtp:111 minptime=10;useinbandfec=1');
  has(a, 'a=rtcp-fb:111 transport-cc');
  has(a, 'a=rtpmap:63 red/48000/2');
  has(a, 'a=fmtp:63 111/111');
  for (const p of ['a=rtpmap:9 ', 'a=rtpmap:0 ', 'a=rtpmap:8 ', 'a=rtpmap:13 ', 'a=rtpmap:110 ', 'a=rtpmap:126 ']) hasNot(a, p);
});

test('header extensions: only the ones we use, with the OFFER ids', () => {
  const r = answerOffer(sample('chrome-audio-video.sdp'), params());
  const v = sectionLines(r.sdp, 1);
  has(v, 'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time');
  has(v, 'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01');
  has(v, 'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid');
  has(v, 'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id');
  has(v, 'a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id');
  has(v, 'a=extmap:13 urn:3gpp:video-orientation');
  has(v, 'a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay');
  hasNot(v, 'a=extmap:14 '); // toffset
  hasNot(v, 'a=extmap:6 '); // video-content-type
  hasNot(v, 'a=extmap:8 '); // color-space
  const n = r.negotiated.media[1]!;
  assert.is(n.headerExtensions[EXT.transportCc], 3);
  assert.is(n.headerExtensions[EXT.rid], 10);
  assert.is(r.negotiated.media[0]!.headerExtensions[EXT.audioLevel], 1);
});

test('video codecs: our preference order, offer payload types, RTX only for accepted primaries', () => {
  const r = answerOffer(sample('chrome-audio-video.sdp'), params());
  const v = sectionLines(r.sdp, 1);
  // VP8 first, then H264 in our order (CB pm1, B pm1, CB pm0, Main, High), VP9 profile 0, AV1.
  assert.is(v[0], 'm=video 9 UDP/TLS/RTP/SAVPF 96 97 106 107 102 103 108 109 127 125 112 113 98 99 45 46');
  has(v, 'a=rtpmap:97 rtx/90000');
  has(v, 'a=fmtp:97 apt=96');
  has(v, 'a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f');
  for (const p of ['a=rtpmap:100 ', 'a=rtpmap:101 ', 'a=rtpmap:114 ', 'a=rtpmap:115 ', 'a=rtpmap:116 ', 'a=rtpmap:39 ', 'a=rtpmap:40 ']) hasNot(v, p);
  has(v, 'a=rtcp-fb:96 nack');
  has(v, 'a=rtcp-fb:96 nack pli');
  has(v, 'a=rtcp-fb:96 ccm fir');
  has(v, 'a=rtcp-fb:96 goog-remb');
  has(v, 'a=rtcp-fb:96 transport-cc');
  hasNot(v, 'a=rtcp-fb:97');
  const n = r.negotiated.media[1]!;
  assert.equal(n.codecs.map((c) => c.payloadType), [96, 106, 102, 108, 127, 112, 98, 45]);
  assert.equal(n.rtxMap, { 97: 96, 107: 106, 103: 102, 109: 108, 125: 127, 113: 112, 99: 98, 46: 45 });
  assert.is(n.codecs[0]!.rtxPayloadType, 97);
  assert.is(n.codecs[0]!.clockRate, 90000);
  assert.equal(n.codecs[1]!.parameters, { 'level-asymmetry-allowed': '1', 'packetization-mode': '1', 'profile-level-id': '42e01f' });
});

test('rtcp-fb is intersected with ours; transport-cc dropped when its extension is not negotiated', () => {
  const caps: Capabilities = {
    ...defaultCapabilities,
    codecs: defaultCapabilities.codecs.map((c) => (c.name === 'VP8' ? { ...c, rtcpFeedback: [{ type: 'nack' }, { type: 'transport-cc' }] } : c)),
    headerExtensions: defaultCapabilities.headerExtensions.filter((h) => h.uri !== EXT.transportCc),
  };
  const v = sectionLines(answerOffer(sample('chrome-audio-video.sdp'), params({ capabilities: caps })).sdp, 1);
  has(v, 'a=rtcp-fb:96 nack');
  hasNot(v, 'a=rtcp-fb:96 nack pli');
  hasNot(v, 'a=rtcp-fb:96 transport-cc');
  hasNot(v, 'a=rtcp-fb:96 goog-remb');
});

test('capabilities are configurable: VP9 preferred, VP8 disabled, no RTX for VP9', () => {
  const vp9 = { ...defaultCapabilities.codecs.find((c) => c.name === 'VP9')! };
  delete vp9.rtxPayloadType;
  const caps: Capabilities = { ...defaultCapabilities, codecs: [vp9, ...defaultCapabilities.codecs.filter((c) => c.kind === 'audio')] };
  const v = sectionLines(answerOffer(sample('chrome-audio-video.sdp'), params({ capabilities: caps })).sdp, 1);
  assert.is(v[0], 'm=video 9 UDP/TLS/RTP/SAVPF 98');
});

test('negotiated data: remote transport, sender streams, msid, FID', () => {
  const r = answerOffer(sample('chrome-audio-video.sdp'), params());
  const n = r.negotiated;
  assert.equal(n.remoteIce, { ufrag: 'Hd7q', pwd: 'GhZqvZVpTk8OqKMAGc0vuy7F', options: ['trickle'], lite: false });
  assert.is(n.remoteFingerprints[0]!.algorithm, 'sha-256');
  assert.is(n.remoteSetup, 'actpass');
  assert.is(n.dtlsRole, 'server');
  assert.is(n.remoteCandidates.length, 2);
  assert.equal(n.bundleMids, ['0', '1']);
  assert.equal(n.rejectedMids, []);
  const v = n.media[1]!;
  assert.is(v.kind, 'video');
  assert.is(v.direction, 'recvonly');
  assert.equal(v.streams.fidGroups, [{ primary: 2231627014, rtx: 632943048 }]);
  assert.equal(v.streams.msid, { streamId: '4b3f1c2e-5d6a-4e8f-9a0b-1c2d3e4f5a6b', trackId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' });
  assert.equal(v.streams.ssrcs[0], { ssrc: 2231627014, cname: 'wB0d1PmrsTpGJJrx', msid: v.streams.msid });
});

test('simulcast: rids send -> recv, simulcast send -> recv, negotiated rids', () => {
  const r = answerOffer(sample('chrome-simulcast.sdp'), params());
  const v = sectionLines(r.sdp, 1);
  has(v, 'a=rid:q recv');
  has(v, 'a=rid:h recv');
  has(v, 'a=rid:f recv');
  has(v, 'a=simulcast:recv q;h;f');
  has(v, 'a=recvonly');
  const n = r.negotiated.media[1]!;
  assert.equal(n.streams.rids.map((x) => x.id), ['q', 'h', 'f']);
  assert.equal(n.streams.simulcast!.map((s) => s[0]!.rid), ['q', 'h', 'f']);
});

test('Firefox simulcast: paused stream kept paused, restrictions dropped', () => {
  const r = answerOffer(sample('firefox-simulcast.sdp'), params());
  const v = sectionLines(r.sdp, 0);
  has(v, 'a=rid:l recv');
  has(v, 'a=simulcast:recv l;m;~h');
  has(v, 'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id');
  has(v, 'a=rtpmap:120 VP8/90000');
  has(v, 'a=fmtp:124 apt=120');
});

test('no rid extension negotiated -> no simulcast in the answer', () => {
  const caps: Capabilities = { ...defaultCapabilities, headerExtensions: defaultCapabilities.headerExtensions.filter((h) => h.uri !== EXT.rid) };
  const v = sectionLines(answerOffer(sample('chrome-simulcast.sdp'), params({ capabilities: caps })).sdp, 1);
  hasNot(v, 'a=rid');
  hasNot(v, 'a=simulcast');
});

test('Safari H.264-only offer: constrained baseline accepted, constrained high matched by profile', () => {
  const r = answerOffer(sample('safari-h264-only.sdp'), params());
  const v = sectionLines(r.sdp, 1);
  assert.is(v[0], 'm=video 9 UDP/TLS/RTP/SAVPF 98 99 96 97');
  has(v, 'a=fmtp:98 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f');
  has(v, 'a=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640c1f');
  assert.is(r.negotiated.media[1]!.direction, 'recvonly');
});

test('H.264: packetization-mode must match, a higher offered level is answered at our level', () => {
  const caps: Capabilities = {
    ...defaultCapabilities,
    codecs: [
      ...defaultCapabilities.codecs.filter((c) => c.kind === 'audio'),
      { kind: 'video', name: 'H264', clockRate: 90000, parameters: { 'packetization-mode': '1', 'profile-level-id': '42e01f' }, rtcpFeedback: [], preferredPayloadType: 102 },
    ],
  };
  const offer = sample('safari-h264-only.sdp').replace('packetization-mode=1;profile-level-id=42e01f', 'packetization-mode=1;profile-level-id=42e034');
  const v = sectionLines(answerOffer(offer, params({ capabilities: caps })).sdp, 1);
  has(v, 'a=fmtp:98 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f');
  assert.is(v[0], 'm=video 9 UDP/TLS/RTP/SAVPF 98'); // no RTX: the capability has none
  const pm0 = sample('safari-h264-only.sdp').replace(/packetization-mode=1;/g, 'packetization-mode=0;');
  const v0 = sectionLines(answerOffer(pm0, params({ capabilities: caps })).sdp, 1);
  assert.is(v0[0], 'm=video 0 UDP/TLS/RTP/SAVPF 96 97 98 99');
});

test('data channel m-line answered with our sctp-port and max-message-size', () => {
  const r = answerOffer(sample('chrome-audio-video-datachannel.sdp'), params());
  const d = sectionLines(r.sdp, 2);
  assert.is(d[0], 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel');
  has(d, 'a=mid:2');
  has(d, 'a=sctp-port:5000');
  has(d, 'a=max-message-size:262144');
  has(d, 'a=setup:passive');
  hasNot(d, 'a=rtpmap');
  hasNot(d, 'a=recvonly');
  assert.equal(r.negotiated.media[2]!.sctp, { port: 5000, maxMessageSize: 262144, remotePort: 5000, remoteMaxMessageSize: 262144 });
  assert.match(r.sdp, 'a=group:BUNDLE 0 1 2\r\n');
});

test('data channels disabled: the m-line is rejected with port 0, kept in order, left out of BUNDLE', () => {
  const r = answerOffer(sample('firefox-audio-video-datachannel.sdp'), params({ capabilities: { ...defaultCapabilities, dataChannels: false } }));
  const d = sectionLines(r.sdp, 2);
  assert.is(d[0], 'm=application 0 UDP/DTLS/SCTP webrtc-datachannel');
  has(d, 'a=mid:2');
  hasNot(d, 'a=ice-ufrag');
  assert.match(r.sdp, 'a=group:BUNDLE 0 1\r\n');
  assert.equal(r.negotiated.rejectedMids, ['2']);
  // Firefox: session-level fingerprint and media-level credentials are found.
  assert.is(r.negotiated.remoteIce.ufrag, '8a1c2b3d');
  assert.is(r.negotiated.remoteFingerprints.length, 1);
});

test('opus fmtp comes from our configuration (stereo, usedtx)', () => {
  const caps: Capabilities = {
    ...defaultCapabilities,
    codecs: defaultCapabilities.codecs.map((c) => (c.name === 'opus' ? { ...c, parameters: { minptime: '10', useinbandfec: '1', stereo: '1', usedtx: '1' } } : c)),
  };
  const r = answerOffer(sample('chrome-audio.sdp'), params({ capabilities: caps }));
  has(sectionLines(r.sdp, 0), 'a=fmtp:111 minptime=10;useinbandfec=1;stereo=1;usedtx=1');
  assert.equal(r.negotiated.media[0]!.codecs[0]!.parameters, { minptime: '10', useinbandfec: '1', stereo: '1', usedtx: '1' });
});

test('a TCP socket becomes a passive TCP host candidate below the UDP ones', () => {
  const a = sectionLines(answerOffer(sample('chrome-audio.sdp'), params({ candidates: [{ address: '127.0.0.1', port: 40001 }, { address: '::1', port: 40003, protocol: 'tcp' }] })).sdp, 0);
  has(a, 'a=candidate:1 1 udp 2130706431 127.0.0.1 40001 typ host');
  // RFC 6544 §4.2: type-pref 90 (libwebrtc host TCP), local-pref 2^13*4 (passive) + 8191 - index.
  has(a, 'a=candidate:2 1 tcp 1520434943 ::1 40003 typ host tcptype passive');
});

test('Firefox audio: opus 109 answered with our fmtp; extensions the offerer only receives are dropped', () => {
  const r = answerOffer(sample('firefox-audio-video-datachannel.sdp'), params());
  const a = sectionLines(r.sdp, 0);
  assert.is(a[0], 'm=audio 9 UDP/TLS/RTP/SAVPF 109');
  has(a, 'a=fmtp:109 minptime=10;useinbandfec=1');
  const v = sectionLines(r.sdp, 1);
  assert.not.ok(v.some((l) => l.includes('playout-delay')), 'extmap:6/recvonly dropped');
  has(v, 'a=extmap:7 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01');
  assert.is(v[0], 'm=video 9 UDP/TLS/RTP/SAVPF 120 124 126 127 97 98 121 125');
});

test('setup: passive offer -> active answer; active -> passive; holdconn is an error', () => {
  const o = sample('chrome-audio.sdp');
  assert.match(answerOffer(o.replace('a=setup:actpass', 'a=setup:passive'), params()).sdp, 'a=setup:active\r\n');
  const r = answerOffer(o.replace('a=setup:actpass', 'a=setup:active'), params());
  assert.match(r.sdp, 'a=setup:passive\r\n');
  assert.is(r.negotiated.dtlsRole, 'server');
  assert.is(answerOffer(o.replace('a=setup:actpass', 'a=setup:passive'), params()).negotiated.dtlsRole, 'client');
  expectCode(() => answerOffer(o.replace('a=setup:actpass', 'a=setup:holdconn'), params()), 'bad-setup');
});

test('a sendonly offer is answered recvonly, a recvonly one inactive', () => {
  const o = sample('chrome-audio.sdp');
  assert.match(answerOffer(o.replace('a=sendrecv', 'a=sendonly'), params()).sdp, 'a=recvonly\r\n');
  assert.match(answerOffer(o.replace('a=sendrecv', 'a=recvonly'), params()).sdp, 'a=inactive\r\n');
});

function expectCode(fn: () => unknown, code: string, mention?: string): void {
  try {
    fn();
    assert.unreachable(`expected SdpError ${code}`);
  } catch (e) {
    if (!(e instanceof SdpError)) throw e;
    assert.is(e.code, code, e.message);
    if (mention) assert.match(e.message, mention);
  }
}

test('errors: nothing usable gets a typed error naming the problem', () => {
  const o = sample('chrome-audio.sdp');
  expectCode(() => answerOffer(o.replace(/^a=ice-ufrag:.*\r\n/m, ''), params()), 'missing-ice-credentials');
  expectCode(() => answerOffer(o.replace(/^a=ice-pwd:.*\r\n/m, ''), params()), 'missing-ice-credentials');
  expectCode(() => answerOffer(o.replace(/^a=fingerprint:.*\r\n/m, ''), params()), 'missing-fingerprint');
  expectCode(() => answerOffer(o.replace(/^a=rtcp-mux\r\n/m, ''), params()), 'no-rtcp-mux', 'rtcp-mux');
  expectCode(() => answerOffer(o.replace(/^a=mid:0\r\n/m, ''), params()), 'missing-mid');
  expectCode(() => answerOffer(o.replace('UDP/TLS/RTP/SAVPF', 'RTP/AVP'), params()), 'unsupported-protocol');
  // only PCMU / G722: no codec in common
  const pcmu = o.replace('m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126', 'm=audio 9 UDP/TLS/RTP/SAVPF 0 9');
  expectCode(() => answerOffer(pcmu, params()), 'no-common-codec', 'no codec in common');
  // two m-lines, no BUNDLE group
  const av = sample('chrome-audio-video.sdp').replace('a=group:BUNDLE 0 1\r\n', '').replace(/^a=rtcp-mux\r\n/m, '');
  expectCode(() => answerOffer(av, params()), 'no-usable-media', '0: no a=rtcp-mux; 1: not in the BUNDLE group');
  expectCode(() => answerOffer('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n', params()), 'no-usable-media');
  expectCode(() => answerOffer('garbage', params()), 'missing-version');
  expectCode(() => answerOffer(o, params({ icePwd: 'short' })), 'bad-params');
});

test('one m-line without a BUNDLE group is answered without one', () => {
  const r = answerOffer(sample('chrome-audio.sdp').replace('a=group:BUNDLE 0\r\n', ''), params());
  assert.not.match(r.sdp, 'a=group');
  assert.is(r.negotiated.media.length, 1);
});

test('legacy SIM ssrc-group and wildcard rtcp-fb reach the negotiated data', () => {
  const o = sample('chrome-audio-video.sdp')
    .replace('a=ssrc-group:FID 2231627014 632943048\r\n', 'a=ssrc-group:SIM 11 22 33\r\na=ssrc-group:FID 11 44\r\na=ssrc-group:FID 2231627014 632943048\r\n')
    .replace('a=rtpmap:96 VP8/90000\r\n', 'a=rtcp-fb:* ccm tmmbr\r\na=rtcp-fb:* nack\r\na=rtpmap:96 VP8/90000\r\n');
  const r = answerOffer(o, params());
  const v = r.negotiated.media[1]!;
  assert.equal(v.streams.simGroups, [[11, 22, 33]]);
  assert.equal(v.streams.fidGroups, [{ primary: 11, rtx: 44 }, { primary: 2231627014, rtx: 632943048 }]);
  // '*' nack applies to every codec (deduplicated), ccm tmmbr is not ours.
  const fb = v.codecs.find((c) => c.payloadType === 98)!.rtcpFeedback.map((f) => `${f.type} ${f.parameter ?? ''}`.trim());
  assert.ok(fb.includes('nack'));
  assert.not.ok(fb.includes('ccm tmmbr'));
  assert.is(fb.filter((x) => x === 'nack').length, 1);
});

test('bundle-only m-lines (port 0 + a=bundle-only, RFC 8843 §7.5) are accepted, not rejected', () => {
  const o = sample('chrome-audio-video.sdp').replace('m=video 9 ', 'm=video 0 ').replace('a=mid:1\r\n', 'a=mid:1\r\na=bundle-only\r\n');
  const r = answerOffer(o, params());
  assert.match(r.sdp, 'm=video 9 ');
  assert.equal(r.negotiated.rejectedMids, []);
  assert.equal(r.negotiated.media.map((m) => m.mid), ['0', '1']);
  assert.not.match(r.sdp, 'bundle-only');
});

test('an m-line outside the BUNDLE group is rejected, the rest answered', () => {
  const r = answerOffer(sample('chrome-audio-video.sdp').replace('a=group:BUNDLE 0 1', 'a=group:BUNDLE 0'), params());
  assert.match(r.sdp, 'm=video 0 ');
  assert.equal(r.negotiated.rejectedMids, ['1']);
  assert.match(r.sdp, 'a=group:BUNDLE 0\r\n');
});

test('the answer parses back to itself (serializer and builder agree)', () => {
  for (const f of ['chrome-audio.sdp', 'chrome-audio-video-datachannel.sdp', 'chrome-simulcast.sdp', 'firefox-audio-video-datachannel.sdp', 'safari-h264-only.sdp']) {
    const r = answerOffer(sample(f), params());
    assert.equal(parseSdp(r.sdp), r.answer, f);
  }
});

test.run();
