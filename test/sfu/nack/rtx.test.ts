import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RtpPacket, RtpHeader, wrapRtx, unwrapRtx as weriftUnwrapRtx } from 'werift-rtp';
import { writeRtx, wrapRtxInPlace, writeRtxFromCache, unwrapRtx, unwrapRtxInPlace, RtxMapping, rtxResult } from '../../../src/sfu/nack/index.js';
import { RtpView, RtpStatus, writeRtpPacket } from '../../../src/rtp/index.js';

const hex = (s: string) => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');
const map = new RtxMapping().addSsrc(0x55667788, 0x11223344).addPt(97, 96);

// RFC 4588 §4 by hand: V=2, M=1, PT 96, seq 0x1234, ts 100, SSRC 0x11223344, payload deadbeef
// -> PT 97 (M kept), seq = RTX seq 0x0001, SSRC 0x55667788, payload = OSN 1234 + deadbeef.
const ORIGINAL = hex('80e0 1234 00000064 11223344 deadbeef');
const RTX = hex('80e1 0001 00000064 55667788 1234 deadbeef');

test('build: RFC 4588 vector by hand (marker and timestamp kept, OSN first)', () => {
  const dst = Buffer.alloc(64);
  const n = writeRtx(ORIGINAL, 0, ORIGINAL.length, dst, 3, 0x55667788, 97, 1);
  assert.is(n, RTX.length);
  assert.is(dst.subarray(3, 3 + n).toString('hex'), RTX.toString('hex'));
});

test('build: the original padding is not carried and P is cleared; CSRCs kept', () => {
  const orig = hex('a2 60 0102 00000005 aabbccdd 00000001 00000002 cafe 000003');
  const dst = Buffer.alloc(64);
  const n = writeRtx(orig, 0, orig.length, dst, 0, 0x01020304, 101, 0xfffe);
  assert.is(dst.subarray(0, n).toString('hex'), '8265fffe0000000501020304000000010000000201 02cafe'.replace(/ /g, ''));
});

test('build: byte-identical to werift-rtp wrapRtx (one-byte and two-byte extensions, CSRC, marker)', () => {
  const cases = [
    new RtpPacket(new RtpHeader({ payloadType: 96, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0x12345678, marker: true, extension: true,
      extensions: [{ id: 1, payload: hex('9e') }, { id: 3, payload: hex('0102') }, { id: 5, payload: Buffer.from('mid') }] }), Buffer.alloc(1100, 0x5a)),
    new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: 7, timestamp: 960, ssrc: 0xdeadbeef, csrc: [1, 2, 3] }), hex('fc ff fe')),
    new RtpPacket(new RtpHeader({ payloadType: 100, sequenceNumber: 300, timestamp: 1, ssrc: 9, extension: true, extensionProfile: 0x1000,
      extensions: [{ id: 20, payload: hex('aabbcc') }] }), hex('01')),
  ];
  const dst = Buffer.alloc(2000);
  for (const p of cases) {
    const raw = p.serialize();
    const n = writeRtx(raw, 0, raw.length, dst, 0, 0x0badcafe, 97, 4242);
    const t = wrapRtx(p, 97, 4242, 0x0badcafe);
    t.header.extensionProfile = p.header.extensionProfile; // werift's wrapRtx drops the profile (always one-byte)
    const theirs = t.serialize();
    assert.is(dst.subarray(0, n).toString('hex'), theirs.toString('hex'));
  }
});

test('unwrap: RFC vector back to the original, into a buffer and in place', () => {
  const dst = Buffer.alloc(64);
  assert.is(unwrapRtx(RTX, 0, RTX.length, map, dst, 0), ORIGINAL.length);
  assert.is(dst.subarray(0, ORIGINAL.length).toString('hex'), ORIGINAL.toString('hex'));
  assert.is(rtxResult.osn, 0x1234);
  const buf = Buffer.alloc(40, 0xee);
  RTX.copy(buf, 5);
  const n = unwrapRtxInPlace(buf, 5, RTX.length, map);
  assert.is(n, ORIGINAL.length);
  assert.is(buf.subarray(7, 7 + n).toString('hex'), ORIGINAL.toString('hex'));
});

test('round trip across extensions/CSRC/padding: build then unwrap gives the original minus its padding; werift unwrapRtx agrees on fields', () => {
  const src = Buffer.alloc(1500), rtx = Buffer.alloc(1500), back = Buffer.alloc(1500);
  const v = new RtpView(), w = new RtpView();
  for (const pad of [0, 5]) {
    const n = writeRtpPacket(src, 0, { payloadType: 96, sequenceNumber: 0xffff, timestamp: 123456, ssrc: 0x11223344, marker: true, csrcs: [7],
      extensions: [{ id: 2, value: hex('010203') }, { id: 4, value: hex('0a0b') }], paddingLength: pad }, Buffer.alloc(1000, 0x42));
    const r = writeRtx(src, 0, n, rtx, 0, 0x55667788, 97, 17);
    assert.ok(r > 0);
    const theirs = weriftUnwrapRtx(RtpPacket.deSerialize(rtx.subarray(0, r)), 96, 0x11223344);
    assert.is(theirs.header.sequenceNumber, 0xffff);
    assert.ok(theirs.payload.equals(Buffer.alloc(1000, 0x42)));
    const m = unwrapRtx(rtx, 0, r, map, back, 0);
    assert.is(m, n - pad);
    assert.is(v.reset(back, 0, m), RtpStatus.OK);
    assert.is(w.reset(src, 0, n), RtpStatus.OK);
    assert.is(v.sequenceNumber, 0xffff);
    assert.is(v.ssrc, 0x11223344);
    assert.is(v.payloadType, 96);
    assert.ok(v.marker);
    assert.is(v.timestamp, 123456);
    assert.is(v.csrc(0), 7);
    assert.is(v.headerLength, w.headerLength);
    assert.ok(back.subarray(1, v.headerLength).equals(src.subarray(1, w.headerLength))); // PT, seq, ts, SSRC, CSRC, extensions
    assert.is(back[0], src[0] & ~0x20); // only the padding bit differs
    if (pad === 0) assert.ok(back.subarray(0, m).equals(src.subarray(0, n)));
    assert.ok(back.subarray(v.payloadOffset, v.payloadOffset + v.payloadLength).equals(src.subarray(w.payloadOffset, w.payloadOffset + w.payloadLength)));
    assert.is(v.findExtension(4) >= 0 && back.readUInt16BE(v.extValueOffset), 0x0a0b);
  }
});

test('wrapRtxInPlace equals writeRtx (header moves 2 bytes down, padding dropped), needs off >= 2', () => {
  const src = Buffer.alloc(1500);
  for (const pad of [0, 7]) {
    const n = writeRtpPacket(src, 0, { payloadType: 96, sequenceNumber: 0xfffe, timestamp: 5, ssrc: 0x11223344, marker: true, csrcs: [9, 10],
      extensions: [{ id: 2, value: hex('0102') }], paddingLength: pad }, Buffer.alloc(700, 0x21));
    const ref = Buffer.alloc(1500);
    const rn = writeRtx(src, 0, n, ref, 0, 0x55667788, 97, 0x1234);
    const buf = Buffer.alloc(1500, 0xee);
    src.copy(buf, 10, 0, n);
    assert.is(wrapRtxInPlace(buf, 10, n, 0x55667788, 97, 0x1234), rn);
    assert.ok(buf.subarray(8, 8 + rn).equals(ref.subarray(0, rn)));
    assert.is(buf[7], 0xee);
  }
  assert.is(wrapRtxInPlace(Buffer.from(ORIGINAL), 0, ORIGINAL.length, 1, 97, 1), -RtpStatus.NO_SPACE);
  assert.is(wrapRtxInPlace(Buffer.alloc(20), 2, 5, 1, 97, 1), -RtpStatus.TOO_SHORT);
});

test('unwrap keeps RTX padding and recognises padding-only probes', () => {
  const padded = hex('a0 61 0009 00000064 55667788 1234 beef 0000 03');
  const dst = Buffer.alloc(64);
  const n = unwrapRtx(padded, 0, padded.length, map, dst, 0);
  assert.is(dst.subarray(0, n).toString('hex'), 'a0601234000000641122334' + '4beef000003');
  const v = new RtpView();
  assert.is(v.reset(dst, 0, n), RtpStatus.OK);
  assert.is(v.payloadLength, 2);
  // libwebrtc-style probe: RTX SSRC/PT, no OSN, only padding.
  const probe = hex('a0 61 000a 00000064 55667788') ;
  const probeFull = Buffer.concat([probe, Buffer.alloc(223), hex('e0')]); // 224 bytes of padding
  assert.is(unwrapRtx(probeFull, 0, probeFull.length, map, dst, 0), 0);
  const before = Buffer.from(probeFull);
  assert.is(unwrapRtxInPlace(probeFull, 0, probeFull.length, map), 0);
  assert.ok(probeFull.equals(before));
  // OSN and nothing else after it (+ padding): also padding-only.
  const osnOnly = hex('a0 61 000b 00000064 55667788 1234 0002');
  assert.is(unwrapRtx(osnOnly, 0, osnOnly.length, map, dst, 0), 0);
});

test('unwrap errors: unknown SSRC or PT, a 1-byte payload, malformed, no room', () => {
  const dst = Buffer.alloc(64);
  const otherSsrc = Buffer.from(RTX); otherSsrc.writeUInt32BE(1, 8);
  assert.is(unwrapRtx(otherSsrc, 0, otherSsrc.length, map, dst, 0), -RtpStatus.NOT_FOUND);
  const otherPt = Buffer.from(RTX); otherPt[1] = 0x80 | 98;
  assert.is(unwrapRtxInPlace(otherPt, 0, otherPt.length, map), -RtpStatus.NOT_FOUND);
  const one = hex('8061 0001 00000064 55667788 12');
  assert.is(unwrapRtx(one, 0, one.length, map, dst, 0), -RtpStatus.BAD_PAYLOAD);
  assert.is(unwrapRtx(RTX, 0, 11, map, dst, 0), -RtpStatus.TOO_SHORT);
  assert.is(unwrapRtx(RTX, 0, RTX.length, map, Buffer.alloc(10), 0), -RtpStatus.NO_SPACE);
  assert.is(writeRtx(ORIGINAL, 0, ORIGINAL.length, Buffer.alloc(15), 0, 1, 97, 1), -RtpStatus.NO_SPACE);
  assert.is(writeRtx(hex('40'), 0, 1, dst, 0, 1, 97, 1), -RtpStatus.TOO_SHORT);
  assert.ok(map.isRtxPt(97) && !map.isRtxPt(96));
  assert.is(map.ssrcFor(0x55667788), 0x11223344);
  assert.is(map.ptFor(5), -1);
});

test('from the packet cache: writeRtx on the slab and writeRtxFromCache (whole-slot and fallback paths) agree', async () => {
  const { PacketCache } = await import('../../../src/sfu/buffer/index.js');
  const c = new PacketCache({ slotSize: 1500, slots: 16 });
  c.put(70000, ORIGINAL, 0, ORIGINAL.length, 0);
  const o = c.get(70000);
  const dst = Buffer.alloc(1500);
  const n = writeRtx(c.slab, o, c.length, dst, 0, 0x55667788, 97, 1);
  assert.is(dst.subarray(0, n).toString('hex'), RTX.toString('hex'));
  const big = Buffer.alloc(1536, 0xcc);
  assert.is(writeRtxFromCache(c, 70000, big, 20, 0x55667788, 97, 1), RTX.length); // 20 + 2 + 1500 <= 1536: whole slot
  assert.is(big.subarray(20, 20 + RTX.length).toString('hex'), RTX.toString('hex'));
  assert.is(big[19], 0xcc);
  const small = Buffer.alloc(40, 0xcc);
  assert.is(writeRtxFromCache(c, 70000, small, 3, 0x55667788, 97, 1), RTX.length); // fallback
  assert.is(small.subarray(3, 3 + RTX.length).toString('hex'), RTX.toString('hex'));
  assert.is(writeRtxFromCache(c, 70001, big, 0, 1, 97, 1), -RtpStatus.NOT_FOUND);
  // A 1200-byte packet with extensions and padding, both paths byte-identical to writeRtx.
  const p = Buffer.alloc(1500);
  const pl = writeRtpPacket(p, 0, { payloadType: 96, sequenceNumber: 9, timestamp: 1, ssrc: 0x11223344, csrcs: [5],
    extensions: [{ id: 1, value: hex('9e') }], paddingLength: 4 }, Buffer.alloc(1150, 0x37));
  c.put(70001, p, 0, pl, 0);
  const ref = Buffer.alloc(1600), a = Buffer.alloc(1600), b = Buffer.alloc(1300);
  const rn = writeRtx(p, 0, pl, ref, 0, 7, 97, 300);
  assert.is(writeRtxFromCache(c, 70001, a, 0, 7, 97, 300), rn);
  assert.is(writeRtxFromCache(c, 70001, b, 0, 7, 97, 300), rn);
  assert.ok(a.subarray(0, rn).equals(ref.subarray(0, rn)));
  assert.ok(b.subarray(0, rn).equals(ref.subarray(0, rn)));
  // copyTo: whole-slot path and the tight path give the same packet.
  const w = Buffer.alloc(1500), t = Buffer.alloc(pl);
  assert.is(c.copyTo(70001, w, 0), pl);
  assert.is(c.copyTo(70001, t, 0), pl);
  assert.ok(w.subarray(0, pl).equals(p.subarray(0, pl)) && t.equals(p.subarray(0, pl)));
});

test.run();
