import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PacketCache, CachePut, defaultPacketCacheConfig, SeqUnwrapper, SfuBufferConfigError } from '../../../src/sfu/buffer/index.js';

function pkt(seq: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  b[0] = 0x80; b[1] = 96; b.writeUInt16BE(seq & 0xffff, 2);
  for (let i = 12; i < len; i++) b[i] = (seq + i) & 0xff;
  return b;
}

test('default config: audio 512 and video 2048 slots of 1500 bytes, frozen', () => {
  assert.equal({ ...defaultPacketCacheConfig.audio }, { slotSize: 1500, slots: 512 });
  assert.equal({ ...defaultPacketCacheConfig.video }, { slotSize: 1500, slots: 2048 });
  assert.ok(Object.isFrozen(defaultPacketCacheConfig.video));
  const c = new PacketCache(defaultPacketCacheConfig.audio);
  assert.is(c.slab.length, 512 * 1500);
  assert.is(c.slab.byteOffset, 0);
});

test('put then get returns the bytes and arrival time; copyTo copies them', () => {
  const c = new PacketCache({ slotSize: 1500, slots: 16 });
  const p = pkt(1000, 1200);
  assert.is(c.put(70000, p, 0, 1200, 5), CachePut.OK);
  const o = c.get(70000);
  assert.ok(o >= 0);
  assert.is(c.length, 1200);
  assert.is(c.arrivalMs, 5);
  assert.ok(c.slab.subarray(o, o + 1200).equals(p));
  const dst = Buffer.alloc(1300);
  assert.is(c.copyTo(70000, dst, 50), 1200);
  assert.ok(dst.subarray(50, 1250).equals(p));
  assert.is(c.copyTo(70000, Buffer.alloc(100), 0), -2);
  assert.is(c.get(70001), -1);
  assert.is(c.get(69999), -1);
});

test('put from the middle of a larger buffer and from a Buffer with trailing bytes', () => {
  const c = new PacketCache({ slotSize: 300, slots: 8 });
  const big = Buffer.alloc(1000, 0xee);
  pkt(5, 200).copy(big, 333);
  assert.is(c.put(5, big, 333, 200, 0), CachePut.OK);
  assert.ok(c.slab.subarray(c.get(5), c.get(5) + 200).equals(pkt(5, 200)));
  const withTag = Buffer.concat([pkt(6, 100), Buffer.alloc(10, 0xaa)]); // SRTP tag after the packet
  assert.is(c.put(6, withTag, 0, 100, 0), CachePut.OK);
  assert.is(c.length, 200); // from the last get
  const o = c.get(6);
  assert.is(c.length, 100);
  assert.ok(c.slab.subarray(o, o + 100).equals(pkt(6, 100)));
  assert.is(c.slab[c.get(5) - 300 + 300], c.slab[c.get(5)]); // slot 5 untouched by slot 6's tail
  assert.ok(c.slab.subarray(c.get(5), c.get(5) + 200).equals(pkt(5, 200)));
});

test('wrap-around: the ring overwrites the oldest; old numbers are gone, new ones present', () => {
  const c = new PacketCache({ slotSize: 64, slots: 8 });
  for (let e = 100; e < 120; e++) assert.is(c.put(e, pkt(e, 40), 0, 40, e), CachePut.OK);
  for (let e = 100; e <= 111; e++) assert.is(c.get(e), -1, `ext ${e} should be gone`);
  for (let e = 112; e < 120; e++) {
    const o = c.get(e);
    assert.ok(o >= 0);
    assert.is(c.slab.readUInt16BE(o + 2), e);
    assert.is(c.arrivalMs, e);
  }
  assert.is(c.highest, 119);
});

test('too old, too new, duplicates and bad lengths are refused without changing the cache', () => {
  const c = new PacketCache({ slotSize: 64, slots: 8 });
  assert.is(c.put(1000, pkt(1, 40), 0, 40, 0), CachePut.OK);
  assert.is(c.put(1000, pkt(2, 40), 0, 40, 1), CachePut.DUPLICATE);
  assert.is(c.slab.readUInt16BE(c.get(1000) + 2), 1); // first copy kept
  assert.is(c.put(992, pkt(3, 40), 0, 40, 0), CachePut.TOO_OLD);
  assert.is(c.put(993, pkt(3, 40), 0, 40, 0), CachePut.OK); // just inside the window (a gap filled late)
  assert.is(c.put(1000 + 0x8000, pkt(4, 40), 0, 40, 0), CachePut.TOO_NEW);
  assert.is(c.put(1001, pkt(5, 65), 0, 65, 0), CachePut.BAD_LENGTH);
  assert.is(c.put(1001, pkt(5, 40), 0, 0, 0), CachePut.BAD_LENGTH);
  assert.is(c.put(1001, pkt(5, 40), 10, 40, 0), CachePut.BAD_LENGTH);
  assert.is(c.put(-1, pkt(5, 40), 0, 40, 0), CachePut.TOO_OLD);
  assert.is(c.put(1000.5, pkt(5, 40), 0, 40, 0), CachePut.TOO_OLD);
  assert.is(c.highest, 1000);
  assert.ok(c.has(993) && c.has(1000) && !c.has(1001));
  // A big (but real) jump beyond the window: accepted, everything older falls out.
  assert.is(c.put(1100, pkt(6, 40), 0, 40, 0), CachePut.OK);
  assert.is(c.get(1000), -1);
  assert.is(c.get(993), -1);
  c.reset();
  assert.is(c.highest, -1);
  assert.is(c.get(1100), -1);
  assert.is(c.put(5, pkt(7, 40), 0, 40, 0), CachePut.OK);
});

test('with the unwrapper: packets across 65535 -> 0, one reordered, all retrievable by extended seq', () => {
  const c = new PacketCache({ slotSize: 200, slots: 32 });
  const u = new SeqUnwrapper();
  const order = [65530, 65531, 65532, 65534, 65533, 65535, 0, 2, 1, 3, 4];
  for (const s of order) assert.is(c.put(u.unwrap(s), pkt(s, 100), 0, 100, 0), CachePut.OK);
  for (const s of order) {
    const o = c.get(u.peek(s));
    assert.ok(o >= 0, `seq ${s}`);
    assert.ok(c.slab.subarray(o, o + 100).equals(pkt(s, 100)));
  }
  assert.is(c.put(u.unwrap(65535), pkt(65535, 100), 0, 100, 0), CachePut.DUPLICATE);
});

test('config is validated with a typed error', () => {
  assert.throws(() => new PacketCache({ slotSize: 1500, slots: 1000 }), (e: unknown) => e instanceof SfuBufferConfigError && e.code === 'SFU_BUFFER_BAD_CONFIG' && e.field === 'slots');
  assert.throws(() => new PacketCache({ slotSize: 4, slots: 8 }), (e: unknown) => e instanceof SfuBufferConfigError && e.field === 'slotSize');
});

test.run();
