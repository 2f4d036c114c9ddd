// Cross-check against an independent SDP parser (werift's SessionDescription): every fixture,
// every answer we build and every subscriber offer we make must read the same through
// both parsers (m-lines, codecs, fmtp, feedback, extensions, ICE, DTLS, ssrc, rids, BUNDLE).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { answerOffer, createOffer, parseSdp, sectionTransport, type SessionDescription } from '../../src/sdp/index.js';
import { allFixtures, params } from './helpers.js';

const require = createRequire(import.meta.url);
// werift is CommonJS without types we want to depend on: read it loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { SessionDescription: WeriftSdp } = require('werift') as { SessionDescription: { parse(s: string): any } };

const ROLE: Record<string, string> = { actpass: 'auto', active: 'client', passive: 'server' };

function compare(name: string, text: string): void {
  const ours: SessionDescription = parseSdp(text);
  const w = WeriftSdp.parse(text);
  assert.equal(w.group.map((g: { semantic: string; items: string[] }) => [g.semantic, g.items]), ours.groups.map((g) => [g.semantics, g.mids]), `${name}: groups`);
  assert.is(w.media.length, ours.media.length, `${name}: m-lines`);
  ours.media.forEach((m, i) => {
    const wm = w.media[i];
    const at = `${name} m-line ${i}`;
    assert.is(wm.kind, m.kind, at);
    assert.is(wm.port, m.port, at);
    assert.is(wm.profile, m.protocol, at);
    assert.equal(wm.fmt.map(String), m.formats, at);
    assert.is(wm.rtp.muxId ?? undefined, m.mid, at);
    assert.is(Boolean(wm.rtcpMux), m.rtcpMux, at);
    if (m.direction) assert.is(wm.direction, m.direction, at);
    const t = sectionTransport(ours, m);
    if (wm.iceParams) {
      assert.is(wm.iceParams.usernameFragment, t.ufrag, `${at} ufrag`);
      assert.is(wm.iceParams.password, t.pwd, `${at} pwd`);
    }
    if (wm.dtlsParams) {
      assert.equal(wm.dtlsParams.fingerprints.map((f: { algorithm: string; value: string }) => [f.algorithm.toLowerCase(), f.value.toUpperCase()]), t.fingerprints.map((f) => [f.algorithm, f.value]), `${at} fingerprints`);
      if (t.setup) assert.is(wm.dtlsParams.role, ROLE[t.setup], `${at} setup`);
    }
    assert.is(wm.iceCandidates.length, m.candidates.length, `${at} candidates`);
    for (const [k, c] of m.candidates.entries()) {
      const x = wm.iceCandidates[k];
      assert.equal([x.foundation, x.component, x.protocol, x.priority, x.ip, x.port, x.type, x.tcpType ?? undefined],
        [c.foundation, c.component, c.transport, c.priority, c.address, c.port, c.type, c.tcpType], `${at} candidate ${k}`);
    }
    if (m.kind === 'application') { assert.is(wm.sctpPort ?? undefined, m.sctpPort, at); return; }
    // Codecs: werift lists payload types that have an rtpmap.
    const wc = wm.rtp.codecs as { payloadType: number; mimeType: string; clockRate: number; channels?: number; parameters?: string; rtcpFeedback: { type: string; parameter?: string }[] }[];
    for (const r of m.rtpmaps) {
      const c = wc.find((x) => x.payloadType === r.payloadType);
      assert.ok(c, `${at} pt ${r.payloadType} missing in werift`);
      assert.is(c!.mimeType.split('/')[1]!.toLowerCase(), r.encodingName.toLowerCase(), at);
      assert.is(c!.clockRate, r.clockRate, at);
      if (r.channels !== undefined) assert.is(c!.channels, r.channels, at);
      const f = m.fmtps.find((x) => x.payloadType === r.payloadType);
      if (f?.parameters) assert.is(c!.parameters, f.parameters, `${at} fmtp ${r.payloadType}`);
      const fb = m.rtcpFbs.filter((x) => x.payloadType === r.payloadType).map((x) => `${x.type} ${x.parameter ?? ''}`.trim());
      assert.equal(c!.rtcpFeedback.map((x) => `${x.type} ${x.parameter ?? ''}`.trim()), fb, `${at} rtcp-fb ${r.payloadType}`);
    }
    assert.equal(wm.rtp.headerExtensions.map((e: { id: number; uri: string }) => [e.id, e.uri]), m.extmaps.map((e) => [e.id, e.uri]), `${at} extmap`);
    const cnames = new Map<number, string>();
    for (const s of m.ssrcs) if (s.attribute === 'cname') cnames.set(s.ssrc, s.value!);
    assert.equal(wm.ssrc.map((s: { ssrc: number; cname?: string }) => [s.ssrc, s.cname]), [...cnames].map(([k, v]) => [k, v]), `${at} ssrc`);
    assert.equal(wm.ssrcGroup.map((g: { semantic: string; items: string[] }) => [g.semantic, g.items.map(Number)]), m.ssrcGroups.map((g) => [g.semantics, g.ssrcs]), `${at} ssrc-group`);
    // werift keeps a rid's restrictions inside its direction string: compare the first word.
    assert.equal(wm.simulcastParameters.map((s: { rid: string; direction: string }) => [s.rid, s.direction.split(' ')[0]]), m.rids.map((r) => [r.id, r.direction]), `${at} rids`);
  });
}

for (const [name, text] of allFixtures()) {
  test(`werift reads ${name} as we do`, () => compare(name, text));
}

test('werift reads our answers as we do', () => {
  for (const [name, text] of allFixtures()) {
    if (!/a=setup:actpass/.test(text) || /a=ice-lite/.test(text)) continue;
    compare(`answer to ${name}`, answerOffer(text, params()).sdp);
  }
});

test('werift reads our subscriber offer as we do', () => {
  const { sdp } = createOffer({
    ...params(), dataChannel: true,
    tracks: [
      { trackId: 'A', streamId: 'S', kind: 'audio', codecs: [{ name: 'opus', clockRate: 48000, channels: 2 }], ssrc: 11, cname: 'c' },
      { trackId: 'V', streamId: 'S', kind: 'video', codecs: [{ name: 'VP8', clockRate: 90000 }], ssrc: 22, rtxSsrc: 33, cname: 'c' },
    ],
  });
  compare('subscriber offer', sdp);
});

test.run();
