import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RtpPacket } from 'werift-rtp';
import { RtpView, RtpStatus, writeRtpPacket, writeRtpWithExtension } from '../../src/rtp/index.js';

const hex = (s: string) => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');

// Field-annotated hex; each row: [name, hex, expected status]
const TABLE: [string, string, number][] = [
  ['valid minimal', '80e0 1234 deadbeef 11223344 aabb', RtpStatus.OK],
  ['valid, no payload', '8060 0001 00000001 00000002', RtpStatus.OK],
  ['short (11 bytes)', '80e0 1234 deadbeef 112233', RtpStatus.TOO_SHORT],
  ['empty', '', RtpStatus.TOO_SHORT],
  ['version 1', '40e0 1234 deadbeef 11223344', RtpStatus.BAD_VERSION],
  ['version 3', 'c0e0 1234 deadbeef 11223344', RtpStatus.BAD_VERSION],
  ['cc=2 but one csrc', '82e0 1234 deadbeef 11223344 00000001', RtpStatus.CSRC_OVERRUN],
  ['X set, no ext header', '90e0 1234 deadbeef 11223344 bede', RtpStatus.EXTENSION_OVERRUN],
  ['ext length 2 words, 1 present', '90e0 1234 deadbeef 11223344 bede0002 10ab0000', RtpStatus.EXTENSION_OVERRUN],
  ['padding count 0xff overruns', 'a0e0 1234 deadbeef 11223344 aabbccff', RtpStatus.PADDING_OVERRUN],
  ['padding count 0', 'a0e0 1234 deadbeef 11223344 aabbcc00', RtpStatus.PADDING_OVERRUN],
  ['padding eats whole payload', 'a0e0 1234 deadbeef 11223344 000003', RtpStatus.OK],
];

for (const [name, h, status] of TABLE) {
  test(`reset: ${name} -> ${status}`, () => {
    const v = new RtpView();
    const b = hex(h);
    assert.is(v.reset(b, 0, b.length), status);
  });
}

test('fields of a minimal packet, at a non-zero offset', () => {
  const b = Buffer.concat([hex('ffff'), hex('80e0 1234 deadbeef 11223344 aabb'), hex('ee')]);
  const v = new RtpView();
  assert.is(v.reset(b, 2, 14), RtpStatus.OK);
  assert.is(v.version, 2);
  assert.is(v.padding, false);
  assert.is(v.extension, false);
  assert.is(v.marker, true);
  assert.is(v.payloadType, 96);
  assert.is(v.sequenceNumber, 0x1234);
  assert.is(v.timestamp, 0xdeadbeef);
  assert.is(v.ssrc, 0x11223344);
  assert.is(v.headerLength, 12);
  assert.is(v.payloadOffset, 14);
  assert.is(v.payloadLength, 2);
  assert.is(b[v.payloadOffset], 0xaa);
});

test('csrcs and padding', () => {
  const b = hex('a2 6f ffff 00000010 cafebabe 00000001 fffffffe 0102 0000 04');
  const v = new RtpView();
  assert.is(v.reset(b, 0, b.length), RtpStatus.OK);
  assert.is(v.csrcCount, 2);
  assert.is(v.csrc(0), 1);
  assert.is(v.csrc(1), 0xfffffffe);
  assert.is(v.marker, false);
  assert.is(v.payloadType, 0x6f);
  assert.is(v.sequenceNumber, 0xffff);
  assert.is(v.headerLength, 20);
  assert.is(v.paddingLength, 4);
  assert.is(v.payloadLength, 1);
});

// One-byte: id1 len1 = ab; id2 len3 = 010203; two padding bytes.
const ONE = '90 60 0001 00000002 00000003 bede0002 10ab 22010203 0000 c0de';
// Two-byte: id1 len1 = ab; id2 len3 = 010203.
const TWO = '90 60 0001 00000002 00000003 10000002 0101ab 0203010203 c0de';

test('one-byte extension lookup', () => {
  const b = hex(ONE);
  const v = new RtpView();
  assert.is(v.reset(b, 0, b.length), RtpStatus.OK);
  assert.is(v.extProfile, 0xbede);
  assert.is(v.headerLength, 24);
  assert.is(v.findExtension(1), 17);
  assert.is(v.extValueLength, 1);
  assert.is(b[v.extValueOffset], 0xab);
  assert.is(v.findExtension(2), 19);
  assert.is(v.extValueLength, 3);
  assert.is(v.findExtension(3), -1);
  assert.is(v.extValueOffset, -1);
  assert.is(v.findExtension(0), -1);
  assert.is(v.payloadLength, 2);
});

test('two-byte extension lookup', () => {
  const b = hex(TWO);
  const v = new RtpView();
  assert.is(v.reset(b, 0, b.length), RtpStatus.OK);
  assert.is(v.extProfile, 0x1000);
  assert.is(v.findExtension(1), 18);
  assert.is(v.extValueLength, 1);
  assert.is(v.findExtension(2), 21);
  assert.is(v.extValueLength, 3);
  assert.is(b.readUIntBE(21, 3), 0x010203);
  assert.is(v.findExtension(9), -1);
});

test('one-byte id 15 stops parsing; element overrunning the block is not found', () => {
  const v = new RtpView();
  const stop = hex('90 60 0001 00000002 00000003 bede0001 f0 10ab 00');
  assert.is(v.reset(stop, 0, stop.length), RtpStatus.OK);
  assert.is(v.findExtension(1), -1);
  const over = hex('90 60 0001 00000002 00000003 bede0001 00 00 3f 00');
  assert.is(v.reset(over, 0, over.length), RtpStatus.OK);
  assert.is(v.findExtension(3), -1);
  const seen: number[] = [];
  assert.is(v.forEachExtension((id) => seen.push(id)), RtpStatus.BAD_EXTENSION);
});

test('forEachExtension reports every element', () => {
  for (const h of [ONE, TWO]) {
    const b = hex(h);
    const v = new RtpView();
    v.reset(b, 0, b.length);
    const seen: number[][] = [];
    assert.is(v.forEachExtension((id, o, l) => seen.push([id, o, l])), RtpStatus.OK);
    assert.equal(seen.map((x) => [x[0], x[2]]), [[1, 1], [2, 3]]);
  }
});

test('in-place writers', () => {
  const b = hex('80e0 1234 deadbeef 11223344 aabb');
  const v = new RtpView();
  v.reset(b, 0, b.length);
  v.setSsrc(0xfedcba98); v.setSequenceNumber(0x10001); v.setTimestamp(0x1_0000_0005); v.setPayloadType(111); v.setMarker(false);
  assert.is(b.toString('hex'), '806f0001000000050fedcba98'.slice(0, 4) + '0001' + '00000005' + 'fedcba98' + 'aabb');
  assert.is(v.ssrc, 0xfedcba98); assert.is(v.sequenceNumber, 1); assert.is(v.timestamp, 5);
  assert.is(v.payloadType, 111); assert.is(v.marker, false);
  v.setMarker(true); assert.is(v.marker, true); assert.is(v.payloadType, 111);
});

test('rewriteExtensionIds: remap and remove (one-byte and two-byte)', () => {
  for (const h of [ONE, TWO]) {
    const b = hex(h);
    const v = new RtpView();
    v.reset(b, 0, b.length);
    const map = new Uint8Array(256); map[1] = 5; map[2] = 0;
    assert.is(v.rewriteExtensionIds(map), RtpStatus.OK);
    assert.is(v.reset(b, 0, b.length), RtpStatus.OK);
    assert.ok(v.findExtension(5) > 0); assert.is(b[v.extValueOffset], 0xab);
    assert.is(v.findExtension(1), -1); assert.is(v.findExtension(2), -1);
    const w = RtpPacket.deSerialize(b);
    assert.equal(w.header.extensions.map((e) => e.id), [5]);
  }
});

test('transport-wide seq: in place, then rebuilt when absent', () => {
  const b = hex('90 60 0001 00000002 00000003 bede0001 31beef 00 c0de');
  const v = new RtpView();
  v.reset(b, 0, b.length);
  assert.is(v.setTransportSequenceNumber(3, 0x1234), RtpStatus.OK);
  assert.is(b.readUInt16BE(17), 0x1234);
  assert.is(v.setTransportSequenceNumber(4, 1), RtpStatus.NOT_FOUND);
  const val = hex('5678');
  const dst = Buffer.alloc(64);
  const n = writeRtpWithExtension(v, 4, val, 0, 2, dst, 0);
  assert.ok(n > 0);
  const w = new RtpView();
  assert.is(w.reset(dst, 0, n), RtpStatus.OK);
  assert.is(w.findExtension(3), 17); assert.is(dst.readUInt16BE(17), 0x1234);
  assert.ok(w.findExtension(4) > 0); assert.is(dst.readUInt16BE(w.extValueOffset), 0x5678);
  assert.is(dst.subarray(w.payloadOffset, w.payloadOffset + w.payloadLength).toString('hex'), 'c0de');
  assert.is(w.setTransportSequenceNumber(4, 0x9999), RtpStatus.OK);
  // A packet without any extension block gains one.
  const plain = hex('80e0 1234 deadbeef 11223344 aabbccdd');
  v.reset(plain, 0, plain.length);
  const m = writeRtpWithExtension(v, 1, val, 0, 2, dst, 0);
  assert.is(m, 12 + 4 + 4 + 4);
  assert.is(dst.subarray(0, m).toString('hex'), '90e01234deadbeef11223344bede000111567800aabbccdd');
  // No space.
  assert.is(writeRtpWithExtension(v, 1, val, 0, 2, Buffer.alloc(10), 0), -RtpStatus.NO_SPACE);
});

test('writeRtpWithExtension switches to two-byte for id > 14 and keeps padding', () => {
  const b = hex('b0 60 0001 00000002 00000003 bede0001 10ab 0000 c0de 0002');
  const v = new RtpView();
  assert.is(v.reset(b, 0, b.length), RtpStatus.OK);
  const dst = Buffer.alloc(64);
  const n = writeRtpWithExtension(v, 20, hex('01020304'), 0, 4, dst, 0);
  const w = new RtpView();
  assert.is(w.reset(dst, 0, n), RtpStatus.OK);
  assert.is(w.extProfile, 0x1000);
  assert.is(w.findExtension(1), 18); assert.is(w.extValueLength, 1);
  assert.is(w.findExtension(20), 21); assert.is(w.extValueLength, 4);
  assert.is(w.paddingLength, 2); assert.is(w.payloadLength, 2);
  const p = RtpPacket.deSerialize(dst.subarray(0, n));
  assert.equal(p.header.extensions.map((e) => [e.id, e.payload.toString('hex')]), [[1, 'ab'], [20, '01020304']]);
});

test('writeRtpPacket round trip, cross-checked with werift-rtp', () => {
  const dst = Buffer.alloc(200);
  for (const two of [false, true]) {
    const n = writeRtpPacket(dst, 0, {
      payloadType: 111, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0x80000001, marker: true,
      csrcs: [7, 8], twoByteExtensions: two,
      extensions: [{ id: 1, value: hex('30') }, { id: 3, value: hex('0102') }, { id: 9, value: Buffer.from('mid0') }],
    }, hex('00112233445566'));
    const v = new RtpView();
    assert.is(v.reset(dst, 0, n), RtpStatus.OK);
    const w = RtpPacket.deSerialize(dst.subarray(0, n));
    assert.is(w.header.sequenceNumber, v.sequenceNumber);
    assert.is(w.header.timestamp, v.timestamp);
    assert.is(w.header.ssrc, v.ssrc);
    assert.is(w.header.marker, v.marker);
    assert.is(w.header.payloadType, v.payloadType);
    assert.equal(w.header.csrc, [v.csrc(0), v.csrc(1)]);
    assert.is(w.payload.toString('hex'), dst.subarray(v.payloadOffset, v.payloadOffset + v.payloadLength).toString('hex'));
    for (const e of w.header.extensions) {
      const at = v.findExtension(e.id);
      assert.ok(at > 0, `ext ${e.id}`);
      assert.is(dst.subarray(at, at + v.extValueLength).toString('hex'), e.payload.toString('hex'));
    }
    assert.is(w.header.extensions.length, 3);
  }
});

test('one view reused across packets holds no state from the previous one', () => {
  const v = new RtpView();
  const a = hex(ONE); const p = hex('80e0 1234 deadbeef 11223344 aabb');
  v.reset(a, 0, a.length); v.findExtension(1);
  assert.is(v.reset(p, 0, p.length), RtpStatus.OK);
  assert.is(v.extProfile, -1); assert.is(v.extValueOffset, -1); assert.is(v.findExtension(1), -1);
  assert.is(v.paddingLength, 0);
});

test('200 generated packets: every field agrees with werift-rtp', () => {
  let seed = 99;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % n; };
  const dst = Buffer.alloc(2000);
  const v = new RtpView();
  for (let i = 0; i < 200; i++) {
    const two = rnd(3) === 0;
    const ids = new Set<number>();
    const exts = [];
    for (let k = rnd(5); k > 0; k--) {
      const id = 1 + rnd(two ? 254 : 14);
      if (ids.has(id)) continue;
      ids.add(id);
      exts.push({ id, value: Buffer.alloc(1 + rnd(16), rnd(256)) });
    }
    const n = writeRtpPacket(dst, 0, {
      payloadType: rnd(128), sequenceNumber: rnd(65536), timestamp: rnd(2 ** 31) * 2 + rnd(2), ssrc: rnd(2 ** 31) * 2 + 1,
      marker: rnd(2) === 1, csrcs: Array.from({ length: rnd(4) }, () => rnd(2 ** 30)), extensions: exts, twoByteExtensions: two,
      paddingLength: rnd(4) === 0 ? 1 + rnd(20) : 0,
    }, Buffer.alloc(rnd(300), i));
    assert.is(v.reset(dst, 0, n), RtpStatus.OK);
    const w = RtpPacket.deSerialize(Buffer.from(dst.subarray(0, n)));
    const h = w.header;
    assert.equal([h.version, h.padding, h.extension, h.marker, h.payloadType, h.sequenceNumber, h.timestamp, h.ssrc],
      [v.version, v.padding, v.extension, v.marker, v.payloadType, v.sequenceNumber, v.timestamp, v.ssrc]);
    assert.equal(h.csrc, Array.from({ length: v.csrcCount }, (_, k) => v.csrc(k)));
    const ours: [number, string][] = [];
    v.forEachExtension((id, o, l) => ours.push([id, dst.subarray(o, o + l).toString('hex')]));
    assert.equal(h.extensions.map((e) => [e.id, e.payload.toString('hex')]), ours);
    assert.is(w.payload.toString('hex'), dst.subarray(v.payloadOffset, v.payloadOffset + v.payloadLength).toString('hex'));
    if (v.padding) assert.is(h.paddingSize, v.paddingLength);
  }
});

test.run();
