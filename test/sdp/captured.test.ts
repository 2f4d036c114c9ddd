// Real SDP captured from Chromium 156 and @roamhq/wrtc (fixtures/sdp/chromium, fixtures/sdp/wrtc,
// see their READMEs): our answerOffer must answer their offers, and applyAnswer must accept
// their answers to an SFU-shaped offer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { answerOffer, applyAnswer, parseSdp, EXT } from '../../src/sdp/index.js';
import { FIXTURES, params } from './helpers.js';

const read = (dir: string, f: string): string => readFileSync(join(FIXTURES, dir, f), 'utf8');
const offers: [string, string][] = [];
for (const dir of ['chromium', 'wrtc']) {
  if (!existsSync(join(FIXTURES, dir))) continue;
  for (const f of readdirSync(join(FIXTURES, dir)).sort()) if (f.endsWith('-offer.sdp')) offers.push([dir, f]);
}

test('captured offers exist', () => {
  assert.ok(offers.some(([d]) => d === 'chromium'), 'no fixtures/sdp/chromium/*-offer.sdp');
  assert.ok(offers.some(([d]) => d === 'wrtc'), 'no fixtures/sdp/wrtc/*-offer.sdp');
});

for (const [dir, f] of offers) {
  test(`answerOffer accepts every m-line of ${dir}/${f}`, () => {
    const offer = parseSdp(read(dir, f));
    const r = answerOffer(offer, params());
    assert.equal(r.negotiated.rejectedMids, [], 'nothing rejected');
    assert.equal(r.negotiated.bundleMids, offer.media.map((m) => m.mid!));
    assert.is(r.negotiated.remoteIce.ufrag, offer.media[0]!.iceUfrag);
    assert.is(r.negotiated.dtlsRole, 'server');
    assert.equal(parseSdp(r.sdp), r.answer);
    for (const [i, m] of r.answer.media.entries()) {
      const o = offer.media[i]!;
      assert.is(m.mid, o.mid);
      assert.is(m.setup, 'passive');
      if (m.kind === 'application') continue;
      const od = o.direction ?? 'sendrecv';
      assert.is(m.direction, od === 'sendonly' || od === 'sendrecv' ? 'recvonly' : 'inactive');
      // Every answered payload type was offered with the same rtpmap.
      for (const r2 of m.rtpmaps) assert.equal(o.rtpmaps.find((x) => x.payloadType === r2.payloadType), r2);
      // Every answered extension id is the offer's.
      for (const e of m.extmaps) assert.is(o.extmaps.find((x) => x.uri === e.uri)?.id, e.id);
      assert.is(m.rtpmaps[0]!.encodingName, m.kind === 'audio' ? 'opus' : 'VP8');
    }
    // Streams the client announced reach the negotiated data.
    for (const n of r.negotiated.media) {
      const o = offer.media[n.index]!;
      if (o.ssrcs.length) assert.is(n.streams.ssrcs[0]!.ssrc, o.ssrcs[0]!.ssrc);
    }
  });
}

test('captured Chromium simulcast offer: three rids reflected as recv', () => {
  const f = join(FIXTURES, 'chromium', 'simulcast-offer.sdp');
  if (!existsSync(f)) return;
  const r = answerOffer(readFileSync(f, 'utf8'), params());
  const v = r.answer.media.find((m) => m.kind === 'video')!;
  assert.equal(v.rids.map((x) => `${x.id} ${x.direction}`), ['q recv', 'h recv', 'f recv']);
  assert.equal(v.simulcast?.recv?.map((s) => s[0]!.rid), ['q', 'h', 'f']);
  assert.ok(r.negotiated.media.find((m) => m.kind === 'video')!.headerExtensions[EXT.rid]! > 0);
});

test("applyAnswer accepts Chromium's answer to a sendonly (SFU-shaped) offer", () => {
  const o = join(FIXTURES, 'chromium', 'answer-input-sendonly-offer.sdp');
  if (!existsSync(o)) return;
  const n = applyAnswer(readFileSync(o, 'utf8'), read('chromium', 'recvonly-answer.sdp'));
  assert.is(n.remoteSetup, 'active');
  assert.is(n.dtlsRole, 'server');
  assert.equal(n.media.map((m) => m.direction), ['sendonly', 'sendonly']);
  assert.ok(n.media[0]!.codecs.some((c) => c.name === 'opus'));
});

test("applyAnswer accepts wrtc's answer", () => {
  const o = join(FIXTURES, 'wrtc', 'audio-offer.sdp');
  if (!existsSync(o)) return;
  const n = applyAnswer(readFileSync(o, 'utf8'), read('wrtc', 'audio-answer.sdp'));
  assert.is(n.remoteSetup, 'active');
  assert.ok(n.remoteCandidates.length >= 1);
  assert.is(n.media[0]!.codecs[0]!.name, 'opus');
});

test.run();
