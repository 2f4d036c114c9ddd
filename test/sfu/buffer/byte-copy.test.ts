import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ByteCopier } from '../../../src/sfu/buffer/index.js';

test('partial, whole, unaligned, same-buffer (both directions) copies match Buffer.copy', () => {
  const c = new ByteCopier();
  const src = Buffer.alloc(3000);
  for (let i = 0; i < src.length; i++) src[i] = (i * 31 + 7) & 0xff;
  for (const [so, n, dOff] of [[0, 3000, 0], [1, 1203, 5], [3, 13, 2], [100, 0, 0], [7, 1999, 0]] as const) {
    const a = Buffer.alloc(3100, 0x11), b = Buffer.alloc(3100, 0x11);
    c.copy(src, so, a, dOff, n);
    src.copy(b, dOff, so, so + n);
    assert.ok(a.equals(b), `so=${so} n=${n} dOff=${dOff}`);
  }
  const ab = new ArrayBuffer(4000);
  const x = new Uint8Array(ab, 100, 2000), y = new Uint8Array(ab, 1500, 2000);
  for (let i = 0; i < x.length; i++) x[i] = i & 0xff;
  const expect = Buffer.from(x.subarray(10, 1210));
  c.copy(x, 10, y, 300, 1200); // y[300] is x[1700]: different windows of one buffer
  assert.ok(Buffer.from(y.subarray(300, 1500)).equals(expect));
  const m = Buffer.alloc(100); for (let i = 0; i < 100; i++) m[i] = i;
  const z = new Uint8Array(m.buffer, m.byteOffset + 10, 50);
  c.copy(m, 0, z, 5, 40); // overlapping, moving up: z[5] = m[15]
  for (let i = 0; i < 40; i++) assert.is(m[15 + i], i);
});

test.run();
