import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSdp, serializeSdp, SdpError } from '../../src/sdp/index.js';
import { allFixtures, sample } from './helpers.js';

const fixtures = allFixtures();

test('there are fixture SDPs to round-trip', () => {
  assert.ok(fixtures.length >= 7, `only ${fixtures.length} fixtures`);
});

for (const [name, text] of fixtures) {
  test(`parse -> serialize -> parse is stable: ${name}`, () => {
    const a = parseSdp(text);
    const out = serializeSdp(a);
    assert.ok(out.endsWith('\r\n'));
    assert.not.ok(/[^\r]\n/.test(out), 'every line ends with CRLF');
    const b = parseSdp(out);
    assert.equal(b, a);
    // Same multiset of lines: only the order of attributes may change.
    const norm = (s: string): string[] => s.split(/\r?\n/).filter(Boolean).map((l) => l.replace(/^a=msid-semantic: ?/, 'a=msid-semantic:')).sort();
    assert.equal(norm(out), norm(text));
  });
}

test('session level of a Chromium offer', () => {
  const sd = parseSdp(sample('chrome-audio-video.sdp'));
  assert.is(sd.version, 0);
  assert.equal(sd.origin, { username: '-', sessionId: '4611731400430051336', sessionVersion: '2', netType: 'IN', addrType: 'IP4', address: '127.0.0.1' });
  assert.equal(sd.groups, [{ semantics: 'BUNDLE', mids: ['0', '1'] }]);
  assert.is(sd.extmapAllowMixed, true);
  assert.equal(sd.msidSemantic, { semantic: 'WMS', tokens: ['4b3f1c2e-5d6a-4e8f-9a0b-1c2d3e4f5a6b'] });
  assert.is(sd.iceLite, false);
  assert.is(sd.media.length, 2);
});

test('audio m-line fields', () => {
  const m = parseSdp(sample('chrome-audio-video.sdp')).media[0]!;
  assert.is(m.kind, 'audio');
  assert.is(m.port, 9);
  assert.is(m.protocol, 'UDP/TLS/RTP/SAVPF');
  assert.equal(m.formats, ['111', '63', '9', '0', '8', '13', '110', '126']);
  assert.equal(m.connection, { netType: 'IN', addrType: 'IP4', address: '0.0.0.0' });
  assert.is(m.mid, '0');
  assert.is(m.direction, 'sendrecv');
  assert.is(m.iceUfrag, 'Hd7q');
  assert.is(m.icePwd, 'GhZqvZVpTk8OqKMAGc0vuy7F');
  assert.equal(m.iceOptions, ['trickle']);
  assert.is(m.fingerprints[0]!.algorithm, 'sha-256');
  assert.is(m.fingerprints[0]!.value.split(':').length, 32);
  assert.is(m.setup, 'actpass');
  assert.ok(m.rtcpMux && m.rtcpRsize);
  assert.equal(m.extmaps[0], { id: 1, uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level' });
  assert.equal(m.rtpmaps[0], { payloadType: 111, encodingName: 'opus', clockRate: 48000, channels: 2 });
  assert.equal(m.fmtps[0], { payloadType: 111, parameters: 'minptime=10;useinbandfec=1' });
  assert.equal(m.rtcpFbs[0], { payloadType: 111, type: 'transport-cc' });
  assert.equal(m.fmtps[1], { payloadType: 63, parameters: '111/111' });
  assert.equal(m.msids, [{ streamId: '4b3f1c2e-5d6a-4e8f-9a0b-1c2d3e4f5a6b', trackId: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a' }]);
  assert.equal(m.ssrcs[0], { ssrc: 1001683733, attribute: 'cname', value: 'wB0d1PmrsTpGJJrx' });
  assert.equal(m.attributes, [{ name: 'rtcp', value: '9 IN IP4 0.0.0.0' }].filter(() => false));
  assert.is(m.rtcp, '9 IN IP4 0.0.0.0');
});

test('candidates parse with every field', () => {
  const m = parseSdp(sample('chrome-audio.sdp')).media[0]!;
  assert.equal(m.candidates[0], {
    foundation: '1467250027', component: 1, transport: 'udp', priority: 2122260223, address: '192.168.1.20', port: 54321, type: 'host',
    extensions: [{ name: 'generation', value: '0' }, { name: 'network-id', value: '1' }],
  });
  assert.is(m.candidates[1]!.transport, 'tcp');
  assert.is(m.candidates[1]!.tcpType, 'active');
});

test('video: rtcp-fb with parameters, ssrc-group FID, rtx fmtp', () => {
  const m = parseSdp(sample('chrome-audio-video.sdp')).media[1]!;
  assert.ok(m.rtcpFbs.some((f) => f.payloadType === 96 && f.type === 'nack' && f.parameter === 'pli'));
  assert.ok(m.rtcpFbs.some((f) => f.payloadType === 96 && f.type === 'ccm' && f.parameter === 'fir'));
  assert.equal(m.ssrcGroups, [{ semantics: 'FID', ssrcs: [2231627014, 632943048] }]);
  assert.ok(m.fmtps.some((f) => f.payloadType === 97 && f.parameters === 'apt=96'));
});

test('Firefox: session-level fingerprint, directional extmap, braces in msid', () => {
  const sd = parseSdp(sample('firefox-audio-video-datachannel.sdp'));
  assert.is(sd.fingerprints.length, 1);
  assert.equal(sd.iceOptions, ['trickle']);
  assert.equal(sd.media[0]!.extmaps[1], { id: 2, direction: 'recvonly', uri: 'urn:ietf:params:rtp-hdrext:csrc-audio-level' });
  assert.is(sd.media[0]!.msids[0]!.streamId, '{5a1f8c2e-3b4d-4e6f-8a9b-0c1d2e3f4a5b}');
  const dc = sd.media[2]!;
  assert.is(dc.kind, 'application');
  assert.equal(dc.formats, ['webrtc-datachannel']);
  assert.is(dc.sctpPort, 5000);
  assert.is(dc.maxMessageSize, 1073741823);
});

test('rid and simulcast with paused streams and restrictions', () => {
  const m = parseSdp(sample('firefox-simulcast.sdp')).media[0]!;
  assert.equal(m.rids[0], { id: 'l', direction: 'send', restrictions: [{ name: 'max-width', value: '320' }, { name: 'max-height', value: '180' }] });
  assert.equal(m.simulcast, { send: [[{ rid: 'l', paused: false }], [{ rid: 'm', paused: false }], [{ rid: 'h', paused: true }]] });
});

test('simulcast alternatives and both directions', () => {
  const sd = parseSdp('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rid:1 send pt=96;max-fps=30\r\na=simulcast:send 1,~2;3 recv 4\r\n');
  const m = sd.media[0]!;
  assert.equal(m.rids[0], { id: '1', direction: 'send', payloadTypes: [96], restrictions: [{ name: 'max-fps', value: '30' }] });
  assert.equal(m.simulcast, {
    send: [[{ rid: '1', paused: false }, { rid: '2', paused: true }], [{ rid: '3', paused: false }]],
    recv: [[{ rid: '4', paused: false }]],
  });
  assert.match(serializeSdp(sd), 'a=simulcast:send 1,~2;3 recv 4\r\n');
  assert.match(serializeSdp(sd), 'a=rid:1 send pt=96;max-fps=30\r\n');
});

test('fingerprints of every hash size, unknown attributes kept verbatim', () => {
  const hex = (n: number): string => Array.from({ length: n }, (_, i) => (i % 256).toString(16).padStart(2, '0').toUpperCase()).join(':');
  const text = ['v=0', 'o=- 1 1 IN IP4 0.0.0.0', 's=-', 't=0 0', 'a=x-session-thing:abc def',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111', `a=fingerprint:sha-1 ${hex(20)}`, `a=fingerprint:sha-256 ${hex(32)}`,
    `a=fingerprint:sha-384 ${hex(48)}`, `a=fingerprint:SHA-512 ${hex(64)}`, 'a=ptime:20', 'a=x-flag', 'a=rtpmap:111 opus/48000/2', ''].join('\r\n');
  const sd = parseSdp(text);
  assert.equal(sd.media[0]!.fingerprints.map((f) => f.algorithm), ['sha-1', 'sha-256', 'sha-384', 'sha-512']);
  assert.equal(sd.attributes, [{ name: 'x-session-thing', value: 'abc def' }]);
  assert.equal(sd.media[0]!.attributes, [{ name: 'ptime', value: '20' }, { name: 'x-flag' }]);
  const out = serializeSdp(sd);
  assert.match(out, 'a=x-session-thing:abc def\r\n');
  assert.match(out, 'a=ptime:20\r\na=x-flag\r\n');
});

test('LF-only input parses the same as CRLF', () => {
  const t = sample('chrome-audio.sdp');
  assert.equal(parseSdp(t.replace(/\r\n/g, '\n')), parseSdp(t));
});

const BAD: [string, string, string, number?][] = [
  ['empty text', '', 'empty'],
  ['first line not v=', 'o=- 1 1 IN IP4 0.0.0.0\r\nv=0\r\n', 'missing-version', 1],
  ['v=1', 'v=1\r\n', 'bad-version', 1],
  ['no o=', 'v=0\r\ns=-\r\nt=0 0\r\n', 'missing-origin'],
  ['short o=', 'v=0\r\no=- 1 IN IP4 0.0.0.0\r\n', 'bad-origin', 2],
  ['o= version not a number', 'v=0\r\no=- 1 x IN IP4 0.0.0.0\r\n', 'bad-origin', 2],
  ['line without =', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nhello\r\n', 'bad-line', 3],
  ['upper-case type', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nA=b\r\n', 'bad-line', 3],
  ['bad t=', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nt=now\r\n', 'bad-timing', 3],
  ['bad c=', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nc=IN IP4\r\n', 'bad-connection', 3],
  ['m= port too big', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 70000 RTP/SAVPF 0\r\n', 'bad-media', 3],
  ['m= too short', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9\r\n', 'bad-media', 3],
  ['rtpmap without clock', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 RTP/SAVPF 111\r\na=rtpmap:111 opus\r\n', 'bad-attribute', 4],
  ['rtpmap pt 200', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 RTP/SAVPF 111\r\na=rtpmap:200 opus/48000\r\n', 'bad-attribute', 4],
  ['candidate without typ', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 RTP/SAVPF 111\r\na=candidate:1 1 udp 1 1.2.3.4 5 host\r\n', 'bad-attribute', 4],
  ['extmap id 0', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 RTP/SAVPF 111\r\na=extmap:0 urn:x\r\n', 'bad-attribute', 4],
  ['fingerprint not hex', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\na=fingerprint:sha-256 zz:zz\r\n', 'bad-attribute', 3],
  ['setup unknown', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\na=setup:maybe\r\n', 'bad-attribute', 3],
  ['ssrc not a number', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 RTP/SAVPF 111\r\na=ssrc:abc cname:x\r\n', 'bad-attribute', 4],
  ['ssrc above 2^32', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 RTP/SAVPF 111\r\na=ssrc:4294967296 cname:x\r\n', 'bad-attribute', 4],
  ['two mids', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 RTP/SAVPF 111\r\na=mid:0\r\na=mid:1\r\n', 'bad-attribute', 5],
  ['rid bad direction', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=video 9 RTP/SAVPF 96\r\na=rid:h sideways\r\n', 'bad-attribute', 4],
  ['simulcast junk', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=video 9 RTP/SAVPF 96\r\na=simulcast:send\r\n', 'bad-attribute', 4],
  ['sctp-port junk', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=sctp-port:99999\r\n', 'bad-attribute', 4],
  ['s= inside media', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 RTP/SAVPF 0\r\ns=x\r\n', 'bad-line', 4],
];
for (const [what, text, code, line] of BAD) {
  test(`error: ${what} -> ${code}`, () => {
    try {
      parseSdp(text);
      assert.unreachable('should throw');
    } catch (e) {
      assert.instance(e, SdpError);
      assert.is((e as SdpError).code, code);
      if (line !== undefined) assert.is((e as SdpError).line, line);
      assert.match((e as Error).message, code);
    }
  });
}

test('huge input is refused with too-large, not parsed', () => {
  try { parseSdp('v=0\r\n' + 'a=x\r\n'.repeat(300_000)); assert.unreachable(); } catch (e) { assert.is((e as SdpError).code, 'too-large'); }
});

test.run();
