import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RtcpPacketConverter } from 'werift-rtp';
import { TwccRecorder } from '../../../src/sfu/twcc/index.js';
import { decodeAllFeedback, lcg, grid } from './helpers.js';

const buf = Buffer.alloc(256 * 1024);

/** Everything the feedbacks say, as seq -> arrival (or -1), plus the feedbacks. */
function build(r: TwccRecorder, nowUs: number) {
  const n = r.buildFeedback(nowUs, buf, 0, 0x1111, 0x2222);
  const fbs = decodeAllFeedback(buf, 0, n);
  const map = new Map<number, number>();
  for (const f of fbs) for (const [s, a] of f.packets) { assert.not.ok(map.has(s), `seq ${s} reported twice`); map.set(s, a); }
  return { n, fbs, map };
}

test('gaps, reordering and the 65535 -> 0 wrap round-trip through TwccFeedbackView; all chunk kinds appear', () => {
  const r = new TwccRecorder();
  const rnd = lcg(7);
  const sent: number[] = [];
  for (let i = 0; i < 400; i++) sent.push((65300 + i) & 0xffff);
  // Lose ~10 % in places, a long loss run (run-length chunk), a long received run, and swap neighbours.
  const arrivals = new Map<number, number>();
  let t = 2_000_000;
  const order: number[] = [];
  for (let i = 0; i < sent.length; i++) {
    const s = sent[i];
    if (i >= 100 && i < 130) continue; // 30 lost in a row
    if (i > 200 && i < 399 && rnd() < 0.1) continue; // the last one arrives (trailing losses are unknowable)
    t += i % 50 === 0 ? 90_000 : Math.floor(rnd() * 3000); // occasional large delta
    arrivals.set(s, t);
    order.push(s);
  }
  for (let i = 250; i + 1 < order.length; i += 17) { const x = order[i]; order[i] = order[i + 1]; order[i + 1] = x; }
  for (const s of order) r.record(s, arrivals.get(s)!);
  assert.ok(r.isDue(3_000_000));
  const { fbs, map } = build(r, 3_000_000);
  assert.is(fbs.length, 1);
  assert.is(fbs[0].baseSeq, 65300);
  assert.is(fbs[0].count, 400);
  assert.equal([...fbs[0].chunkKinds].sort(), ['run', 'vec1', 'vec2']);
  for (const s of sent) {
    const a = arrivals.get(s);
    assert.is(map.get(s), a === undefined ? -1 : grid(a), `seq ${s}`);
  }
  assert.is(r.pending, 0);
  assert.not.ok(r.isDue(4_000_000));
});

test('consecutive feedbacks continue where the last stopped and count 0, 1, 2 ...; late packets are dropped', () => {
  const r = new TwccRecorder();
  let seq = 65530, t = 1_000_000;
  const counts: number[] = [];
  const bases: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (let k = 0; k < 20; k++) { if (k !== 3) r.record(seq & 0xffff, t); seq++; t += 2500; }
    const { fbs } = build(r, t);
    counts.push(fbs[0].fbPktCount);
    bases.push(fbs[0].baseSeq);
    assert.is(fbs[0].count, 20);
  }
  assert.equal(counts, [0, 1, 2, 3, 4]);
  assert.equal(bases, [65530, 14, 34, 54, 74]);
  r.record((65530 + 3) & 0xffff, t); // the one reported lost in round 0
  assert.is(r.late, 1);
  assert.is(r.pending, 0);
});

test('splits at the byte limit and at deltas beyond 16 bits; fb count increments per packet', () => {
  const r = new TwccRecorder({ maxFeedbackBytes: 300 });
  let t = 5_000_000;
  for (let i = 0; i < 1000; i++) { r.record(i, t); t += 1000; }
  const { n, fbs, map } = build(r, t);
  assert.ok(fbs.length >= 4, `${fbs.length} feedbacks`);
  assert.is(r.lastPacketCount, fbs.length);
  let expectBase = 0;
  fbs.forEach((f, k) => {
    assert.ok(f.len <= 300, `feedback ${k} is ${f.len} bytes`);
    assert.is(f.fbPktCount, k);
    assert.is(f.baseSeq, expectBase);
    expectBase += f.count;
  });
  assert.is(expectBase, 1000);
  assert.is(fbs.reduce((a, f) => a + f.len, 0), n);
  for (let i = 0; i < 1000; i++) assert.is(map.get(i), grid(5_000_000 + i * 1000));

  // 9 s between two packets: the second starts a new feedback.
  const r2 = new TwccRecorder();
  r2.record(10, 1_000_000); r2.record(11, 1_001_000); r2.record(12, 10_001_000); r2.record(13, 10_002_000);
  const b2 = build(r2, 11_000_000);
  assert.equal(b2.fbs.map((f) => [f.baseSeq, f.count]), [[10, 2], [12, 2]]);
  assert.is(b2.map.get(12), 10_001_000);
});

test('maxPacketsPerFeedback and a buffer that runs out leave the rest pending', () => {
  const r = new TwccRecorder({ maxPacketsPerFeedback: 100 });
  for (let i = 0; i < 250; i++) r.record(i, 1000 * i);
  const small = Buffer.alloc(160);
  const n = r.buildFeedback(300_000, small, 0, 1, 2);
  const fbs = decodeAllFeedback(small, 0, n);
  assert.equal(fbs.map((f) => f.count), [100]);
  assert.is(r.pending, 150);
  const rest = build(r, 400_000);
  assert.equal(rest.fbs.map((f) => [f.baseSeq, f.count, f.fbPktCount]), [[100, 100, 1], [200, 50, 2]]);
});

test('duplicates keep the first arrival; a jump past the ring restarts the window', () => {
  const r = new TwccRecorder({ capacity: 1024 });
  r.record(5, 1000); r.record(5, 9000); r.record(6, 2000);
  assert.is(r.duplicates, 1);
  assert.equal([...build(r, 10_000).map], [[5, 1000], [6, 2000]]);
  r.record(7, 3000);
  r.record(7 + 5000, 4000);
  assert.is(r.restarts, 1);
  assert.equal([...build(r, 10_000).map], [[5007, 4000]]);
});

test('reset() starts over at any seq; the feedback count continues', () => {
  const r = new TwccRecorder();
  r.record(30000, 1000); r.record(30001, 2000);
  assert.equal(build(r, 5000).fbs.map((f) => [f.baseSeq, f.fbPktCount]), [[30000, 0]]);
  r.record(100, 3000); // far behind: taken as late
  assert.is(r.late, 1);
  r.reset();
  r.record(100, 3000); r.record(101, 4000);
  const b = build(r, 9000);
  assert.equal(b.fbs.map((f) => [f.baseSeq, f.count, f.fbPktCount]), [[100, 2, 1]]);
});

test('interval follows 5 % of the incoming bitrate within [50, 100] ms', () => {
  const r = new TwccRecorder();
  assert.is(r.intervalMs, 100);
  r.setIncomingBitrate(50_000);
  assert.is(r.intervalMs, 100);
  r.setIncomingBitrate(10_000_000);
  assert.is(r.intervalMs, 50);
  r.setIncomingBitrate(150_000);
  assert.ok(Math.abs(r.intervalMs - 72.53) < 0.01);
  r.record(1, 0);
  r.buildFeedback(1_000_000, buf, 0, 1, 2);
  r.record(2, 1_010_000);
  assert.not.ok(r.isDue(1_050_000));
  assert.ok(r.isDue(1_080_000));
});

test('werift-rtp parses each built feedback to the same statuses and deltas', () => {
  const r = new TwccRecorder({ maxFeedbackBytes: 200 });
  const rnd = lcg(99);
  let t = 7_000_000;
  for (let i = 0; i < 300; i++) { if (rnd() < 0.15) continue; t += Math.floor(rnd() * 4000); r.record((65400 + i) & 0xffff, t); }
  const { n, fbs } = build(r, t);
  assert.ok(fbs.length > 1);
  const parsed = RtcpPacketConverter.deSerialize(buf.subarray(0, n)) as any[];
  assert.is(parsed.length, fbs.length);
  parsed.forEach((p, k) => {
    const f = p.feedback, ours = fbs[k];
    assert.equal([f.baseSequenceNumber, f.packetStatusCount, f.referenceTime, f.fbPktCount, f.senderSsrc, f.mediaSourceSsrc], [ours.baseSeq, ours.count, ours.referenceTime, ours.fbPktCount, 0x1111, 0x2222]);
    let prev = ours.referenceTime * 64000;
    const deltas = ours.packets.filter(([, a]) => a >= 0).map(([, a]) => { const d = a - prev; prev = a; return d; });
    assert.equal(f.recvDeltas.map((d: any) => d.delta), deltas);
  });
});

test.run();
