// TCP framing (RFC 8656 §12.5): STUN and padded ChannelData split at every byte
// boundary come out whole; garbage breaks the stream.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StunBuilder, BINDING_REQUEST } from '../../src/stun/index.js';
import { StreamFramer, writeChannelDataHeader, frameLength } from '../../src/turn/index.js';

function stream(): { bytes: Buffer; frames: string[] } {
  const stun = Buffer.alloc(64);
  const n = new StunBuilder().begin(stun, 0, BINDING_REQUEST, Buffer.alloc(12, 3), 0).text(0x8022, 'abc').end();
  const cd1 = Buffer.alloc(12); writeChannelDataHeader(cd1, 0, 0x4000, 5); cd1.write('hello', 4);
  const cd2 = Buffer.alloc(4); writeChannelDataHeader(cd2, 0, 0x4001, 0);
  const cd3 = Buffer.alloc(8); writeChannelDataHeader(cd3, 0, 0x4002, 4); cd3.write('four', 4);
  const parts = [stun.subarray(0, n), cd1, cd2, cd3];
  return { bytes: Buffer.concat(parts), frames: parts.map((p) => p.toString('hex')) };
}

test('frames come out whole for every split point (and byte by byte)', () => {
  const { bytes, frames } = stream();
  for (let cut = 0; cut <= bytes.length; cut++) {
    for (let cut2 = cut; cut2 <= bytes.length; cut2 += 3) {
      const got: string[] = [];
      const f = new StreamFramer((buf, off, len) => got.push(buf.toString('hex', off, off + len)));
      assert.ok(f.push(bytes.subarray(0, cut)));
      assert.ok(f.push(bytes.subarray(cut, cut2)));
      assert.ok(f.push(bytes.subarray(cut2)));
      assert.equal(got, frames, `cuts ${cut},${cut2}`);
    }
  }
  const got: string[] = [];
  const f = new StreamFramer((buf, off, len) => got.push(buf.toString('hex', off, off + len)));
  for (let i = 0; i < bytes.length; i++) f.push(bytes.subarray(i, i + 1));
  assert.equal(got, frames);
  assert.is(f.frames, 4);
});

test('a first byte that is neither STUN nor ChannelData breaks the stream', () => {
  let n = 0;
  const f = new StreamFramer(() => n++);
  assert.not.ok(f.push(Buffer.from([0x80, 0, 0, 0, 1, 2])));
  assert.ok(f.broken);
  assert.not.ok(f.push(stream().bytes));
  assert.is(n, 0);
});

test('a STUN length that is not a multiple of 4 breaks the stream, also when split', () => {
  const f = new StreamFramer(() => {});
  assert.ok(f.push(Buffer.from([0x00, 0x01])));
  assert.not.ok(f.push(Buffer.from([0x00, 0x05, 0, 0])));
  assert.is(frameLength(Buffer.from([0x00, 0x01, 0x00, 0x08]), 0), 28);
  assert.is(frameLength(Buffer.from([0x40, 0x00, 0x00, 0x05]), 0), 12);
  assert.is(frameLength(Buffer.from([0xc0, 0x00, 0x00, 0x05]), 0), -1);
});

test('a 65535-byte ChannelData split across chunks fits the per-connection buffer', () => {
  const big = Buffer.alloc(4 + 65535 + 1);
  writeChannelDataHeader(big, 0, 0x4000, 65535);
  let len = 0;
  const f = new StreamFramer((_b, _o, l) => { len = l; });
  assert.ok(f.push(big.subarray(0, 1000)));
  assert.ok(f.push(big.subarray(1000)));
  assert.is(len, 65540);
});

test.run();
