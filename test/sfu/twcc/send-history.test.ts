import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TwccFeedbackView, RtpStatus, writeTwccFeedback } from '../../../src/rtp/index.js';
import { TwccRecorder, SendHistory, FeedbackResults, SentFlags } from '../../../src/sfu/twcc/index.js';
import { lcg, grid } from './helpers.js';

const buf = Buffer.alloc(64 * 1024);
const view = new TwccFeedbackView();

/** Feed every feedback packet in buf[0..n) to the history; return all results as records. */
function feed(h: SendHistory, n: number, out = new FeedbackResults(4096)) {
  const rows: { seq: number; send: number; arr: number; size: number; flags: number }[] = [];
  let p = 0;
  while (p < n) {
    const l = (buf.readUInt16BE(p + 2) + 1) * 4;
    assert.is(view.reset(buf, p, l), RtpStatus.OK);
    const c = h.onFeedback(view, out);
    assert.is(c, out.count);
    assert.is(out.received + out.lost, c);
    for (let i = 0; i < c; i++) rows.push({ seq: out.seq[i], send: out.sendTimeUs[i], arr: out.arrivalUs[i], size: out.size[i], flags: out.flags[i] });
    p += l;
  }
  return rows;
}

test('sent packets come back with send time, size, flags and remote arrival (or lost), across the seq wrap', () => {
  const h = new SendHistory(1024);
  const r = new TwccRecorder({ maxFeedbackBytes: 200 }); // the subscriber's side
  const rnd = lcg(3);
  const lost = new Set<number>();
  const arrival = new Map<number, number>();
  for (let i = 0; i < 300; i++) {
    const seq = (65400 + i) & 0xffff;
    const send = 10_000_000 + i * 1000;
    h.onSent(seq, send, 100 + i, i % 10 === 0 ? SentFlags.RTX : 0);
    if (i !== 299 && rnd() < 0.1) { lost.add(i); continue; }
    const a = 50_000_000 + i * 1000 + Math.floor(rnd() * 20_000);
    arrival.set(i, a);
    r.record(seq, a);
  }
  assert.is(h.inFlightBytes, Array.from({ length: 300 }, (_, i) => 100 + i).reduce((a, b) => a + b));
  const rows = feed(h, r.buildFeedback(60_000_000, buf, 0, 1, 2));
  assert.is(rows.length, 300);
  assert.is(h.inFlightBytes, 0);
  const first = rows.find((x) => x.arr >= 0)!;
  const firstI = first.seq - rows[0].seq;
  rows.forEach((x, i) => {
    assert.is(x.seq - rows[0].seq, i);
    assert.is(x.send, 10_000_000 + i * 1000);
    assert.is(x.size, 100 + i);
    assert.is(x.flags, i % 10 === 0 ? SentFlags.RTX : 0);
    if (lost.has(i)) assert.is(x.arr, -1);
    // Remote clock: only differences are meaningful.
    else assert.is(x.arr - first.arr, grid(arrival.get(i)!) - grid(arrival.get(firstI)!), `packet ${i}`);
  });
});

test('duplicates are reported once; lost-then-received is reported again; unknown seqs are skipped', () => {
  const h = new SendHistory(256);
  for (let i = 0; i < 10; i++) h.onSent(100 + i, i * 1000, 50, 0);
  const out = new FeedbackResults(64);
  const fb = (base: number, arr: number[], count: number) => {
    const n = writeTwccFeedback(buf, 0, { senderSsrc: 1, mediaSsrc: 2, baseSeq: base, fbPktCount: count, count: arr.length, arrivalUs: arr });
    assert.is(view.reset(buf, 0, n), RtpStatus.OK);
    return h.onFeedback(view, out);
  };
  assert.is(fb(100, [1000, -1, 3000], 0), 3);
  assert.equal([out.received, out.lost], [2, 1]);
  assert.is(fb(100, [1000, 2500, 3000, 4000], 1), 2); // 100 and 102 duplicates; 101 now received; 103 new
  assert.equal(Array.from(out.seq.subarray(0, 2)).map((s) => s & 0xffff), [101, 103]);
  assert.is(h.counters.duplicates, 2);
  assert.is(fb(90, [1, 2, 3], 2), 0); // never sent
  assert.is(h.counters.unknown, 3);
  assert.is(h.inFlightBytes, 6 * 50);
});

test('reference time widens across its 24-bit wrap', () => {
  const h = new SendHistory(256);
  h.onSent(1, 0, 10, 0); h.onSent(2, 1000, 10, 0);
  const out = new FeedbackResults(8);
  const ref = (1 << 24) - 1; // last 64 ms unit before the wrap
  let n = writeTwccFeedback(buf, 0, { senderSsrc: 1, mediaSsrc: 2, baseSeq: 1, fbPktCount: 0, count: 1, arrivalUs: [ref * 64000 + 1000], referenceTime: ref });
  view.reset(buf, 0, n); h.onFeedback(view, out);
  const a1 = out.arrivalUs[0];
  n = writeTwccFeedback(buf, 0, { senderSsrc: 1, mediaSsrc: 2, baseSeq: 2, fbPktCount: 1, count: 1, arrivalUs: [2000], referenceTime: 0 }); // the sender wrapped its 24 bits
  view.reset(buf, 0, n); h.onFeedback(view, out);
  assert.is(out.arrivalUs[0] - a1, 65_000);
});

test('a ring overwrite makes old seqs unknown and keeps in-flight bytes right', () => {
  const h = new SendHistory(16);
  for (let i = 0; i < 40; i++) h.onSent(i, i, 10, 0);
  assert.is(h.inFlightBytes, 160);
  const out = new FeedbackResults(64);
  const arr = Array.from({ length: 40 }, (_, i) => 1000 + i);
  const n = writeTwccFeedback(buf, 0, { senderSsrc: 1, mediaSsrc: 2, baseSeq: 0, fbPktCount: 0, count: 40, arrivalUs: arr });
  view.reset(buf, 0, n);
  assert.is(h.onFeedback(view, out), 16);
  assert.is(out.seq[0] & 0xffff, 24);
  assert.is(h.counters.unknown, 24);
  assert.is(h.inFlightBytes, 0);
});

test.run();
