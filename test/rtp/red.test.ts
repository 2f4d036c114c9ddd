import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Red, RedEncoder } from 'werift-rtp';
import {
  RedView, writeRedPrimary, rewriteRedToPrimaryInPlace, writeRedPayload, writeRedBlockHeader, RED_MAX_REDUNDANT, RtpStatus, RtpView, writeRtpPacket,
} from '../../src/rtp/index.js';
import type { RedBlockInit } from '../../src/rtp/index.js';

const hex = (s: string) => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');
const seq = (n: number, from = 0) => Buffer.from(Array.from({ length: n }, (_, i) => (from + i) & 0xff));

/** Blocks of a parsed view as plain data, for comparisons. */
function blocks(v: RedView, buf: Buffer) {
  const out: { pt: number; ts: number; data: string }[] = [];
  for (let i = 0; i < v.redundantCount; i++) {
    out.push({ pt: v.payloadTypes[i], ts: v.tsOffsets[i], data: buf.subarray(v.offsets[i], v.offsets[i] + v.lengths[i]).toString('hex') });
  }
  return { redundant: out, primaryPt: v.primaryPayloadType, primary: buf.subarray(v.primaryOffset, v.primaryOffset + v.primaryLength).toString('hex') };
}

test('RFC 2198 §3 layout: one LPC block (PT 7, 14 bytes, offset 160) before DVI4 primary (PT 5, 84 bytes)', () => {
  // |1| PT=7 | ts offset 160 (14 bits) | length 14 (10 bits) |  then |0| PT=5 |
  const lpc = seq(14, 0x40), dvi = seq(84, 0x90);
  const payload = Buffer.concat([hex('87 02 80 0e  05'), lpc, dvi]);
  const v = new RedView();
  assert.is(v.parse(payload, 0, payload.length), RtpStatus.OK);
  assert.is(v.redundantCount, 1);
  assert.is(v.headerLength, 5);
  assert.is(v.payloadTypes[0], 7);
  assert.is(v.tsOffsets[0], 160);
  assert.is(v.lengths[0], 14);
  assert.is(v.offsets[0], 5);
  assert.is(v.primaryPayloadType, 5);
  assert.is(v.primaryOffset, 19);
  assert.is(v.primaryLength, 84);
  const built = Buffer.alloc(200);
  const n = writeRedPayload(built, 0, [{ payloadType: 7, tsOffset: 160, data: lpc }], { payloadType: 5, tsOffset: 0, data: dvi });
  assert.is(n, payload.length);
  assert.equal(built.subarray(0, n), payload);
});

test('Opus RED with distance 2: two redundant blocks, offsets relative to the start of the window', () => {
  const payload = hex('ef 1e 00 03  ef 0f 00 02  6f  111213  2122  3132333435');
  const v = new RedView();
  assert.is(v.parse(payload, 0, payload.length), RtpStatus.OK);
  assert.equal(blocks(v, payload), {
    redundant: [{ pt: 111, ts: 1920, data: '111213' }, { pt: 111, ts: 960, data: '2122' }],
    primaryPt: 111, primary: '3132333435',
  });
  // The same payload inside a bigger buffer: offsets are absolute.
  const big = Buffer.concat([seq(7), payload, seq(3)]);
  assert.is(v.parse(big, 7, payload.length), RtpStatus.OK);
  assert.is(v.offsets[0], 7 + 9);
  assert.is(v.primaryOffset, 7 + 9 + 5);
  assert.is(v.primaryLength, 5);
});

test('largest fields: PT 127, ts offset 16383, length 1023', () => {
  const red = seq(1023), prim = seq(3, 0xa0);
  const payload = Buffer.concat([hex('ff ff ff ff 7f'), red, prim]);
  const v = new RedView();
  assert.is(v.parse(payload, 0, payload.length), RtpStatus.OK);
  assert.is(v.payloadTypes[0], 127);
  assert.is(v.tsOffsets[0], 16383);
  assert.is(v.lengths[0], 1023);
  assert.is(v.primaryLength, 3);
  const b = Buffer.alloc(4);
  assert.is(writeRedBlockHeader(b, 0, 127, 16383, 1023), 4);
  assert.equal(b, hex('ffffffff'));
  assert.is(writeRedBlockHeader(b, 0, 128, 0, 0), -RtpStatus.BAD_VALUE);
  assert.is(writeRedBlockHeader(b, 0, 1, 16384, 0), -RtpStatus.BAD_VALUE);
  assert.is(writeRedBlockHeader(b, 0, 1, 0, 1024), -RtpStatus.BAD_VALUE);
  assert.is(writeRedBlockHeader(b, 1, 1, 0, 1), -RtpStatus.NO_SPACE);
});

test('primary-only RED (no redundancy yet) and an empty primary', () => {
  const v = new RedView();
  const a = hex('6f aabbcc');
  assert.is(v.parse(a, 0, a.length), RtpStatus.OK);
  assert.equal(blocks(v, a), { redundant: [], primaryPt: 111, primary: 'aabbcc' });
  const b = hex('ef0f0005 6f 0102030405');
  assert.is(v.parse(b, 0, b.length), RtpStatus.OK);
  assert.is(v.redundantCount, 1);
  assert.is(v.primaryLength, 0);
});

test('malformed payloads get a status, never a throw, and describe no block', () => {
  const v = new RedView();
  const cases: [string, number][] = [
    ['', RtpStatus.TOO_SHORT],
    ['ef', RtpStatus.TOO_SHORT],
    ['ef0f00', RtpStatus.TOO_SHORT], // 4-byte header cut short
    ['ef0f0005', RtpStatus.TOO_SHORT], // no final 1-byte header
    ['ef0f0005 ef0f0001', RtpStatus.TOO_SHORT],
    ['ef0f0005 6f 0102', RtpStatus.BAD_PAYLOAD], // block longer than what is left
    ['ef0f0003 ef0f0003 6f 0102030405', RtpStatus.BAD_PAYLOAD],
    ['ef0f03ff 6f' + '00'.repeat(1022), RtpStatus.BAD_PAYLOAD],
  ];
  for (const [h, want] of cases) {
    const buf = hex(h);
    assert.is(v.parse(buf, 0, buf.length), want, h);
    assert.is(v.redundantCount, 0);
    assert.is(v.primaryLength, 0);
  }
  // Window outside the buffer.
  assert.is(v.parse(hex('6f00'), 1, 2), RtpStatus.TOO_SHORT);
  // More redundant blocks than a view records.
  const many = Buffer.concat([...Array.from({ length: RED_MAX_REDUNDANT + 1 }, () => hex('ef001000')), hex('6f')]);
  assert.is(v.parse(many, 0, many.length), RtpStatus.BAD_PAYLOAD);
  const most = Buffer.concat([...Array.from({ length: RED_MAX_REDUNDANT }, () => hex('ef001000')), hex('6f')]);
  assert.is(v.parse(most, 0, most.length), RtpStatus.OK);
  assert.is(v.redundantCount, RED_MAX_REDUNDANT);
});

test('writeRedPayload refuses out-of-range blocks and short buffers without writing', () => {
  const dst = Buffer.alloc(16, 0xee);
  const p: RedBlockInit = { payloadType: 111, tsOffset: 0, data: seq(4) };
  assert.is(writeRedPayload(dst, 0, [{ payloadType: 111, tsOffset: 20000, data: seq(2) }], p), -RtpStatus.BAD_VALUE);
  assert.is(writeRedPayload(dst, 0, [{ payloadType: 111, tsOffset: 960, data: seq(1024) }], p), -RtpStatus.BAD_VALUE);
  assert.is(writeRedPayload(dst, 0, [], { ...p, payloadType: 200 }), -RtpStatus.BAD_VALUE);
  assert.is(writeRedPayload(dst, 0, [{ payloadType: 111, tsOffset: 960, data: seq(8) }], p), -RtpStatus.NO_SPACE);
  assert.equal(dst, Buffer.alloc(16, 0xee));
  assert.is(writeRedPayload(dst, 0, [{ payloadType: 111, tsOffset: 960, data: seq(2) }], p), 11);
});

test('writeRedPrimary: header (CSRC, extensions) kept, PT replaced, marker kept, padding dropped', () => {
  const redundant = seq(30, 0x10), primary = seq(40, 0x80);
  const payload = Buffer.alloc(100);
  const pl = writeRedPayload(payload, 0, [{ payloadType: 111, tsOffset: 960, data: redundant }], { payloadType: 111, tsOffset: 0, data: primary });
  const hdr = { sequenceNumber: 4242, timestamp: 0xfffffff0, ssrc: 0x11223344, marker: true, csrcs: [7],
    extensions: [{ id: 1, value: hex('ff') }, { id: 3, value: hex('0102') }] };
  const src = Buffer.alloc(300);
  const n = writeRtpPacket(src, 5, { ...hdr, payloadType: 63, paddingLength: 4 }, payload.subarray(0, pl));
  const rtp = new RtpView();
  const red = new RedView();
  assert.is(rtp.reset(src, 5, n), RtpStatus.OK);
  assert.is(red.parse(src, rtp.payloadOffset, rtp.payloadLength), RtpStatus.OK);
  const out = Buffer.alloc(300);
  const w = writeRedPrimary(out, 3, rtp, red, 110);
  const want = Buffer.alloc(300);
  const wn = writeRtpPacket(want, 0, { ...hdr, payloadType: 110 }, primary);
  assert.is(w, wn);
  assert.equal(out.subarray(3, 3 + w), want.subarray(0, wn));
  // Too small a destination, and a bad PT.
  assert.is(writeRedPrimary(Buffer.alloc(w - 1), 0, rtp, red, 110), -RtpStatus.NO_SPACE);
  assert.is(writeRedPrimary(out, 0, rtp, red, 128), -RtpStatus.BAD_VALUE);
  // Into another part of the same slab (the copy path without a view object).
  const slab = Buffer.alloc(700);
  src.copy(slab, 5, 5, 5 + n);
  assert.is(rtp.reset(slab, 5, n), RtpStatus.OK);
  assert.is(red.parse(slab, rtp.payloadOffset, rtp.payloadLength), RtpStatus.OK);
  assert.is(writeRedPrimary(slab, 400, rtp, red, 110), wn);
  assert.equal(slab.subarray(400, 400 + wn), want.subarray(0, wn));
  // In place: same bytes at the same start, shorter packet.
  assert.is(rewriteRedToPrimaryInPlace(rtp, red, 110), wn);
  assert.equal(slab.subarray(5, 5 + wn), want.subarray(0, wn));
  assert.is(rewriteRedToPrimaryInPlace(rtp, red, 200), -RtpStatus.BAD_VALUE);
  assert.is(rtp.reset(src, 5, n), RtpStatus.OK);
  assert.is(red.parse(src, rtp.payloadOffset, rtp.payloadLength), RtpStatus.OK);
  // A RedView from another packet is refused rather than copying foreign bytes.
  const other = hex('6f aabb');
  assert.is(red.parse(other, 0, other.length), RtpStatus.OK);
  assert.is(writeRedPrimary(out, 0, rtp, red, 110), -RtpStatus.BAD_VALUE);
});

// ---- cross-check with werift-rtp's Red (an independent RFC 2198 implementation) ----

/** xorshift32 */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

test('werift-rtp Red parses our payloads to the same blocks, and serialises to the same bytes', () => {
  const r = rng(7);
  const dst = Buffer.alloc(8192);
  const v = new RedView();
  for (let k = 0; k < 300; k++) {
    // werift treats a block with ts offset 0 or length 0 as the primary: keep both >= 1.
    const nr = r() % 5;
    const redundant: RedBlockInit[] = [];
    for (let i = 0; i < nr; i++) {
      redundant.push({ payloadType: r() % 128, tsOffset: 1 + (r() % 16383), data: seq(1 + (r() % 300), r()) });
    }
    const primary: RedBlockInit = { payloadType: r() % 128, tsOffset: 0, data: seq(r() % 400, r()) };
    const n = writeRedPayload(dst, 0, redundant, primary);
    assert.ok(n > 0);
    const bytes = Buffer.from(dst.subarray(0, n));
    assert.is(v.parse(bytes, 0, n), RtpStatus.OK);
    const theirs = Red.deSerialize(bytes);
    assert.is(theirs.blocks.length, nr + 1);
    const ours = blocks(v, bytes);
    for (let i = 0; i < nr; i++) {
      assert.is(theirs.blocks[i].blockPT, ours.redundant[i].pt);
      assert.is(theirs.blocks[i].timestampOffset, ours.redundant[i].ts);
      assert.is(theirs.blocks[i].block.toString('hex'), ours.redundant[i].data);
    }
    assert.is(theirs.blocks[nr].blockPT, ours.primaryPt);
    assert.is(theirs.blocks[nr].block.toString('hex'), ours.primary);
    // werift's serialiser builds the same bytes from the same blocks.
    const w = new Red();
    w.blocks = [...redundant.map((b) => ({ block: Buffer.from(b.data), blockPT: b.payloadType, timestampOffset: b.tsOffset })),
      { block: Buffer.from(primary.data), blockPT: primary.payloadType }];
    assert.equal(w.serialize(), bytes);
  }
});

test('werift-rtp RedEncoder (distance 2) output parses to its inputs', () => {
  const enc = new RedEncoder(2);
  const v = new RedView();
  const frames = [seq(20, 1), seq(25, 2), seq(30, 3), seq(35, 4)];
  frames.forEach((f, i) => enc.push({ block: f, blockPT: 111, timestamp: 1000 + i * 960 }));
  const bytes = enc.build().serialize();
  assert.is(v.parse(bytes, 0, bytes.length), RtpStatus.OK);
  assert.equal(blocks(v, bytes), {
    redundant: [{ pt: 111, ts: 1920, data: frames[1].toString('hex') }, { pt: 111, ts: 960, data: frames[2].toString('hex') }],
    primaryPt: 111, primary: frames[3].toString('hex'),
  });
});

test.run();
