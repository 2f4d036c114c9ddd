import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SeqUnwrapper, TsUnwrapper, SEQ_CYCLE, TS_CYCLE } from '../../../src/sfu/buffer/index.js';

test('forward across 65535 -> 0 keeps counting', () => {
  const u = new SeqUnwrapper();
  const got = [65533, 65534, 65535, 0, 1, 2].map((s) => u.unwrap(s));
  assert.equal(got, [SEQ_CYCLE + 65533, SEQ_CYCLE + 65534, SEQ_CYCLE + 65535, 2 * SEQ_CYCLE, 2 * SEQ_CYCLE + 1, 2 * SEQ_CYCLE + 2]);
  assert.is(u.highest, 2 * SEQ_CYCLE + 2);
});

test('reordered across the wrap: a late 65535 after 0 goes back one cycle, highest unchanged', () => {
  const u = new SeqUnwrapper();
  assert.is(u.unwrap(65534), 0x1fffe);
  assert.is(u.unwrap(1), 0x20001);
  assert.is(u.unwrap(65535), 0x1ffff);
  assert.is(u.unwrap(0), 0x20000);
  assert.is(u.highest, 0x20001);
  assert.is(u.unwrap(2), 0x20002);
});

test('duplicates map to the same extended number', () => {
  const u = new SeqUnwrapper();
  u.unwrap(100); u.unwrap(101);
  assert.is(u.unwrap(101), SEQ_CYCLE + 101);
  assert.is(u.unwrap(100), SEQ_CYCLE + 100);
  assert.is(u.highest, SEQ_CYCLE + 101);
});

test('a packet sent before the first one seen (across the wrap) stays positive', () => {
  const u = new SeqUnwrapper();
  assert.is(u.unwrap(2), SEQ_CYCLE + 2);
  assert.is(u.unwrap(65535), SEQ_CYCLE - 1);
  assert.ok(u.unwrap(65000) > 0);
});

test('many cycles: 5 full wraps in steps of 1000 stay monotonic', () => {
  const u = new SeqUnwrapper();
  let s = 60000, prev = -1;
  for (let i = 0; i < 400; i++) {
    const e = u.unwrap(s);
    assert.ok(e > prev, `step ${i}`);
    assert.is(e & 0xffff, s);
    prev = e;
    s = (s + 1000) & 0xffff;
  }
  assert.is(u.highest, SEQ_CYCLE + 60000 + 399 * 1000);
});

test('half-range rule: +0x7fff is forward, +0x8000 is backward', () => {
  const u = new SeqUnwrapper();
  u.unwrap(0);
  assert.is(u.peek(0x7fff), SEQ_CYCLE + 0x7fff);
  assert.is(u.peek(0x8000), SEQ_CYCLE - 0x8000);
  u.reset();
  assert.is(u.started, false);
  assert.is(u.unwrap(7), SEQ_CYCLE + 7);
});

test('timestamps wrap at 2^32, forward and reordered', () => {
  const u = new TsUnwrapper();
  assert.is(u.unwrap(0xffffff00), TS_CYCLE + 0xffffff00);
  assert.is(u.unwrap(0x00000100), 2 * TS_CYCLE + 0x100);
  assert.is(u.unwrap(0xfffffff0), TS_CYCLE + 0xfffffff0); // late frame from before the wrap
  assert.is(u.highest, 2 * TS_CYCLE + 0x100);
  let ts = 0xfff00000, prev = 0;
  const v = new TsUnwrapper();
  for (let i = 0; i < 50; i++) { const e = v.unwrap(ts); assert.ok(e > prev); prev = e; ts = (ts + 0x30000000) >>> 0; }
  assert.is(v.highest, TS_CYCLE + 0xfff00000 + 49 * 0x30000000);
});

test.run();
