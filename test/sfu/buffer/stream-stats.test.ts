import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StreamStats, StreamPacket, SeqUnwrapper, TsUnwrapper, TS_CYCLE } from '../../../src/sfu/buffer/index.js';
import { ReceiveStats } from '../../../src/sfu/receive-stats.js';
import { writeReportBlock, readReportBlock, type ReportBlockInit } from '../../../src/rtp/index.js';

const block = (): ReportBlockInit => ({ ssrc: 0, fractionLost: 0, cumulativeLost: 0, highestSeq: 0, jitter: 0, lsr: 0, dlsr: 0 });

test('loss: expected vs received (RFC 3550 A.3) and fraction lost per interval', () => {
  const s = new StreamStats(90000);
  const u = new SeqUnwrapper();
  // 0..99 with every 10th missing: 90 received of 100.
  for (let q = 0; q < 100; q++) if (q % 10 !== 5) s.update(u.unwrap(q), q * 3000, 1000, q * 33);
  assert.is(s.expected, 100);
  assert.is(s.received, 90);
  assert.is(s.lost, 10);
  const b = block();
  s.fillReportBlock(b);
  assert.is(b.fractionLost, Math.floor((10 * 256) / 100)); // 25
  assert.is(b.cumulativeLost, 10);
  // Next interval: 100..149 all arrive -> fraction 0, cumulative stays 10.
  for (let q = 100; q < 150; q++) s.update(u.unwrap(q), q * 3000, 1000, q * 33);
  s.fillReportBlock(b);
  assert.is(b.fractionLost, 0);
  assert.is(b.cumulativeLost, 10);
  assert.is(b.highestSeq, 149);
  // An empty interval reports 0.
  s.fillReportBlock(b);
  assert.is(b.fractionLost, 0);
});

test('reorder and duplicates are counted apart; a late packet repairs the loss count', () => {
  const s = new StreamStats(48000);
  const u = new SeqUnwrapper();
  const seqs = [10, 11, 13, 14, 12, 14, 15, 11];
  const got = seqs.map((q, i) => s.update(u.unwrap(q), q * 960, 100, i * 20));
  assert.equal(got, [StreamPacket.NEW, StreamPacket.NEW, StreamPacket.NEW, StreamPacket.NEW, StreamPacket.REORDERED, StreamPacket.DUPLICATE, StreamPacket.NEW, StreamPacket.DUPLICATE]);
  assert.is(s.reordered, 1);
  assert.is(s.duplicates, 2);
  assert.is(s.received, 6);
  assert.is(s.expected, 6);
  assert.is(s.lost, 0);
  assert.is(s.bytes, 600);
});

test('extended highest sequence number counts cycles from the first packet, across the wrap', () => {
  const s = new StreamStats(90000);
  const u = new SeqUnwrapper();
  for (let i = 0; i < 20; i++) s.update(u.unwrap((65530 + i) & 0xffff), i * 3000, 1, i);
  assert.is(s.extendedHighestSeq, 0x10000 + 13); // 65530 + 19 = 65549 = 1 cycle + 13
  s.update(u.unwrap(65525), 0, 1, 30); // a packet from before the first one: base moves back
  assert.is(s.expected, 25);
  assert.is(s.received, 21);
  const b = block();
  s.fillReportBlock(b);
  assert.is(b.highestSeq, 0x1000d);
  assert.is(b.cumulativeLost, 4);
});

test('history window: a packet older than the bitmap is TOO_OLD; a jump clears stale bits', () => {
  const s = new StreamStats(90000, 64);
  s.update(1000, 0, 1, 0);
  s.update(1001, 0, 1, 0);
  s.update(1200, 0, 1, 0);
  assert.is(s.update(1001, 0, 1, 0), StreamPacket.TOO_OLD);
  assert.is(s.update(1180, 0, 1, 0), StreamPacket.REORDERED);
  // 1200 - 64 + 8 = 1144 shares a bit index with 1208 etc.; after moving to 1210 the bit for 1146 must read "unseen".
  s.update(1146, 0, 1, 0);
  s.update(1210, 0, 1, 0);
  assert.is(s.update(1200, 0, 1, 0), StreamPacket.DUPLICATE);
  assert.is(s.update(1209, 0, 1, 0), StreamPacket.REORDERED);
});

test('jitter: constant transit gives 0; RFC 3550 A.8 formula on a hand-made sequence', () => {
  const s = new StreamStats(8000);
  for (let i = 0; i < 50; i++) s.update(0x10000 + i, (0xfffffc00 + i * 160) >>> 0, 100, 1000 + i * 20); // ts wraps at i = 7
  assert.is(s.jitter, 0);
  // An extended timestamp (TsUnwrapper) gives the same result: only ts differences mod 2^32 count.
  const x = new StreamStats(8000), y = new StreamStats(8000), ut = new TsUnwrapper();
  for (let i = 0; i < 30; i++) {
    const ts = (0xffffff00 + i * 160) >>> 0, at = i * 20 + (i % 3) * 7;
    x.update(i, ts, 1, at); y.update(i, ut.unwrap(ts), 1, at);
  }
  assert.is(x.jitter, y.jitter);
  assert.ok(x.jitter > 0);
  assert.ok(ut.highest > TS_CYCLE);
  // Arrivals alternate 20 ms late / on time: |D| = 160 ts units (20 ms at 8 kHz) each step.
  const t = new StreamStats(8000);
  let j = 0;
  for (let i = 0; i < 40; i++) {
    t.update(i, i * 160, 100, i * 20 + (i % 2) * 20);
    if (i > 0) j += (160 - j) / 16;
  }
  assert.is(t.jitter, Math.floor(j));
  assert.ok(Math.abs(t.jitterMs - (j * 1000) / 8000) < 1e-9);
});

test('cross-check with src/sfu ReceiveStats (16-bit, RFC A.8 integer form) on a lossy, jittery stream across the wrap', () => {
  const mine = new StreamStats(90000);
  const ref = new ReceiveStats(1234, 90000);
  const us = new SeqUnwrapper();
  let rnd = 7;
  const next = () => (rnd = (rnd * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  let seq = 65000, ts = 0xfffe0000;
  const b1 = block(), b2 = Buffer.alloc(24);
  for (let i = 0; i < 3000; i++) {
    const arrival = i * 10 + next() * 8;
    if (next() > 0.03) { // 3 % loss, in order
      mine.update(us.unwrap(seq), ts, 1000, arrival); // the raw timestamp, across its wrap
      ref.update(seq, ts, 1000, arrival);
    }
    seq = (seq + 1) & 0xffff;
    ts = (ts + 900) >>> 0;
    if (i % 500 === 499) {
      mine.fillReportBlock(b1);
      ref.writeBlock(b2, 0, arrival);
      const r = readReportBlock(b2, 0);
      assert.is(b1.highestSeq, r.highestSeq);
      assert.is(b1.cumulativeLost, r.cumulativeLost);
      assert.is(b1.fractionLost, r.fractionLost);
      assert.ok(Math.abs(b1.jitter - r.jitter) <= 2, `jitter ${b1.jitter} vs ${r.jitter}`);
    }
  }
  assert.ok(mine.jitter > 100); // 0..8 ms of jitter at 90 kHz is hundreds of units
  b1.ssrc = 1234;
  const out = Buffer.alloc(24);
  writeReportBlock(out, 0, b1);
  assert.is(readReportBlock(out, 0).highestSeq, b1.highestSeq);
});

test('reset starts over', () => {
  const s = new StreamStats(90000);
  s.update(5, 0, 1, 0); s.update(9, 0, 1, 0);
  s.reset();
  assert.is(s.expected, 0);
  assert.is(s.update(100, 0, 1, 0), StreamPacket.NEW);
  assert.is(s.expected, 1);
});

test.run();
