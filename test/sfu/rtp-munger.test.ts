import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RtpMunger, MungeResult, seqDiff } from '../../src/sfu/rtp-munger.js';

test('seqDiff wraps at 16 bits', () => {
  assert.is(seqDiff(1, 65535), 2);
  assert.is(seqDiff(65535, 1), -2);
  assert.is(seqDiff(100, 100), 0);
  assert.is(seqDiff(0x8000, 0), -0x8000);
});

test('first packet is re-based onto the subscriber start values, then follows the source', () => {
  const m = new RtpMunger(48000, 1000, 5000);
  assert.is(m.translate(40000, 123456, 0), MungeResult.Forward);
  assert.is(m.outSeq, 1000);
  assert.is(m.outTs, 5000);
  m.translate(40001, 123456 + 960, 20);
  assert.is(m.outSeq, 1001);
  assert.is(m.outTs, 5960);
});

test('reordered packets keep their order; duplicates and pre-switch stragglers are dropped', () => {
  const m = new RtpMunger(90000, 10, 0);
  m.translate(500, 0, 0);
  assert.is(m.translate(502, 3000, 1), MungeResult.Forward);
  assert.is(m.outSeq, 12);
  assert.is(m.translate(501, 3000, 2), MungeResult.Forward);
  assert.is(m.outSeq, 11);
  assert.is(m.translate(502, 3000, 3), MungeResult.DropDuplicate);
  assert.is(m.translate(499, 0, 3), MungeResult.DropStale);
  assert.is(m.lastSeq, 12, 'the newest sent seq is not moved back by a reordered packet');
});

test('a source switch continues seq by one and advances ts by elapsed time', () => {
  const m = new RtpMunger(48000, 0, 0);
  m.translate(100, 1000, 0);
  m.translate(101, 1960, 20);
  m.switchSource();
  // New source with unrelated numbers, 500 ms later.
  assert.is(m.translate(9000, 777777, 520), MungeResult.Forward);
  assert.is(m.outSeq, 2);
  assert.is(m.outTs, 960 + 24000);
  m.translate(9001, 777777 + 960, 540);
  assert.is(m.outSeq, 3);
  assert.is(m.outTs, 960 + 24000 + 960);
});

test('output wraps cleanly across 65535 and 2^32', () => {
  const m = new RtpMunger(48000, 65534, 0xfffffc40);
  m.translate(7, 0, 0);
  assert.is(m.outSeq, 65534);
  m.translate(8, 960, 20);
  assert.is(m.outSeq, 65535);
  assert.is(m.outTs, 0);
  m.translate(9, 1920, 40);
  assert.is(m.outSeq, 0);
  assert.is(m.outTs, 960);
});

test('input wrap at 65535 is seen as progress, not as staleness', () => {
  const m = new RtpMunger(48000, 0, 0);
  m.translate(65534, 0, 0);
  assert.is(m.translate(65535, 960, 20), MungeResult.Forward);
  assert.is(m.translate(0, 1920, 40), MungeResult.Forward);
  assert.is(m.outSeq, 2);
  assert.is(m.translate(1, 2880, 60), MungeResult.Forward);
  assert.is(m.outSeq, 3);
});

test('a long stream (200k packets, several wraps) never turns fresh packets stale', () => {
  const m = new RtpMunger(48000, 0, 0);
  let seq = 123;
  for (let i = 0; i < 200_000; i++) {
    assert.is(m.translate(seq, i * 960, i * 20), MungeResult.Forward);
    seq = (seq + 1) & 0xffff;
  }
  assert.is(m.outSeq, (200_000 - 1) & 0xffff);
  // A packet reordered by 100 is still forwarded; one from 30,000 packets ago is not.
  assert.is(m.translate((seq - 100) & 0xffff, 0, 0), MungeResult.Forward);
  assert.is(m.translate((seq - 30_000) & 0xffff, 0, 0), MungeResult.DropStale);
});

test.run();
