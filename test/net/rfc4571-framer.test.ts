// RFC 4571 framing: every split point of a stream, oversize and zero lengths, and the
// frame always handed out at offset 0 of the one reassembly buffer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rfc4571Framer, writeFrameHeader } from '../../src/net/index.js';

function framed(...packets: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const p of packets) { const h = Buffer.alloc(2); writeFrameHeader(h, 0, p.length); parts.push(h, p); }
  return Buffer.concat(parts);
}
const pkt = (n: number, seed: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff));

function collect(max?: number): { framer: Rfc4571Framer; got: Buffer[]; bufs: Set<Buffer> } {
  const got: Buffer[] = [];
  const bufs = new Set<Buffer>();
  const framer = new Rfc4571Framer((buf, len) => { bufs.add(buf); got.push(Buffer.from(buf.subarray(0, len))); }, max);
  return { framer, got, bufs };
}

test('whole frames in one chunk come out in order', () => {
  const ps = [pkt(20, 1), pkt(1200, 2), pkt(1, 3)];
  const { framer, got, bufs } = collect();
  assert.ok(framer.push(framed(...ps)));
  assert.equal(got, ps);
  assert.is(framer.frames, 3);
  assert.is(bufs.size, 1, 'one reassembly buffer, reused');
  assert.is(framer.pendingBytes, 0);
});

test('every split point of a three-frame stream (two chunks) gives the same frames', () => {
  const ps = [pkt(20, 4), pkt(300, 5), pkt(2, 6)];
  const s = framed(...ps);
  for (let cut = 0; cut <= s.length; cut++) {
    const { framer, got } = collect();
    assert.ok(framer.push(s.subarray(0, cut)));
    assert.ok(framer.push(s.subarray(cut)));
    assert.equal(got, ps, `cut at ${cut}`);
  }
});

test('every pair of split points (three chunks) and one byte at a time', () => {
  const ps = [pkt(5, 7), pkt(3, 8)];
  const s = framed(...ps);
  for (let a = 0; a <= s.length; a++) {
    for (let b = a; b <= s.length; b++) {
      const { framer, got } = collect();
      framer.push(s, 0, a); framer.push(s, a, b); framer.push(s, b, s.length);
      assert.equal(got, ps, `cuts ${a},${b}`);
    }
  }
  const { framer, got } = collect();
  for (let i = 0; i < s.length; i++) framer.push(s.subarray(i, i + 1));
  assert.equal(got, ps);
});

test('a zero-length frame is skipped and counted, not an error', () => {
  const { framer, got } = collect();
  assert.ok(framer.push(Buffer.concat([Buffer.from([0, 0]), framed(pkt(4, 9)), Buffer.from([0, 0])])));
  assert.equal(got, [pkt(4, 9)]);
  assert.is(framer.emptyFrames, 2);
  assert.is(framer.broken, false);
});

test('an oversize length breaks the stream, also when the length is split; nothing after is handed out', () => {
  const { framer, got } = collect(1500);
  assert.ok(framer.push(framed(pkt(1500, 1))), 'exactly maxFrame is fine');
  assert.ok(framer.push(Buffer.from([0x05])));
  assert.is(framer.push(Buffer.from([0xdd, 1, 2, 3])), false); // 0x05dd = 1501
  assert.ok(framer.broken);
  assert.is(framer.push(framed(pkt(3, 1))), false);
  assert.is(got.length, 1);
});

test('the default limit is the 16-bit maximum; a 65535-byte frame passes', () => {
  const { framer, got } = collect();
  const big = pkt(65535, 3);
  assert.ok(framer.push(framed(big)));
  assert.is(got[0].length, 65535);
  assert.ok(got[0].equals(big));
});

test('a handler may mutate the frame (in-place decrypt) without corrupting the next one', () => {
  const framer = new Rfc4571Framer((buf, len) => { out.push(buf[0]); buf.fill(0xee, 0, len); });
  const out: number[] = [];
  framer.push(framed(Buffer.from([1, 2, 3]), Buffer.from([4, 5])));
  assert.equal(out, [1, 4]);
});

test.run();
