// TrackReceiveStats: RFC 3550 loss (extended sequence across the wrap, duplicates),
// interarrival jitter against a hand-computed value, latency from abs-capture-time, and
// the histogram percentiles.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LATENCY_BINS, NTP_UNIX_OFFSET_MS, TrackReceiveStats, histogramPercentile, latencyBin, latencyBinMs, wallMs } from '../../src/client/index.js';

const mk = () => new TrackReceiveStats({ ssrc: 1, trackSid: 'TR_x', publisherSid: 'PA_y', clockRate: 48000, absCaptureTimeId: 5, audioLevelId: 1 });

test('loss across the 16-bit wrap, with a gap and a duplicate', () => {
  const s = mk();
  const seqs = [65530, 65531, 65532, 65534, 65535, 0, 1, 1, 4, 5]; // lost: 65533, 2, 3; 1 duplicated
  seqs.forEach((q, i) => s.onPacket(q, i * 960, 100, i * 20, NaN));
  assert.is(s.packets, 10);
  assert.is(s.duplicates, 1);
  assert.is(s.expected, 65536 + 5 - 65530 + 1);
  assert.is(s.lost, 3);
  assert.is(s.latencyCount, 0, 'no abs-capture-time, no latency sample');
});

test('reception report block: fraction lost per interval, cumulative lost, extended highest seq', () => {
  const s = mk();
  for (const q of [65534, 65535, 0, 2, 3]) s.onPacket(q, q * 960, 80, q, NaN); // 1 of 6 lost
  const a = s.reportBlock();
  assert.is(a.ssrc, 1);
  assert.is(a.cumulativeLost, 1);
  assert.is(a.fractionLost, Math.floor(256 / 6));
  assert.is(a.highestSeq, 0x10000 + 3);
  for (const q of [4, 5, 6, 7]) s.onPacket(q, q * 960, 80, q, NaN); // none lost in this interval
  const b = s.reportBlock();
  assert.is(b.fractionLost, 0);
  assert.is(b.cumulativeLost, 1);
  assert.is(b.highestSeq, 0x10000 + 7);
  assert.is(b.lsr, 0, 'no SR received: LSR and DLSR are zero (RFC 3550 6.4.1)');
  s.onSenderReport(0xabcd1234, 1000);
  const c = s.reportBlock(1500);
  assert.is(c.lsr, 0xabcd1234);
  assert.is(c.dlsr, 32768, '0.5 s in 1/65536 s units');
});

test('late (reordered) packets do not move the highest sequence back', () => {
  const s = mk();
  [10, 12, 11, 13].forEach((q, i) => s.onPacket(q, q * 960, 50, i * 20, NaN));
  assert.is(s.expected, 4);
  assert.is(s.lost, 0);
});

test('jitter: RFC 3550 A.8 recursion on a known arrival pattern', () => {
  const s = mk();
  const arrivals = [0, 20, 43, 60, 81, 100]; // ms; RTP ts every 20 ms (960)
  let j = 0;
  let prevTransit = 0;
  arrivals.forEach((a, i) => {
    s.onPacket(i, i * 960, 80, a, NaN);
    const transit = (a * 48) - i * 960;
    if (i > 0) j += (Math.abs(transit - prevTransit) - j) / 16;
    prevTransit = transit;
  });
  assert.ok(Math.abs(s.jitter - j) < 1e-9, `${s.jitter} vs ${j}`);
  assert.ok(Math.abs(s.jitterMs - j / 48) < 1e-9);
  assert.ok(s.jitterMs > 0.1);
});

test('latency from abs-capture-time (NTP ms) against the wall clock', () => {
  const s = mk();
  const now = performance.now();
  s.onPacket(1, 0, 80, now, wallMs(now) - 3 + NTP_UNIX_OFFSET_MS);
  s.onPacket(2, 960, 80, now + 20, wallMs(now + 20) - 5 + NTP_UNIX_OFFSET_MS);
  assert.is(s.latencyCount, 2);
  assert.ok(Math.abs(s.latencySumMs - 8) < 1e-3);
  assert.ok(Math.abs(s.latencyMaxMs - 5) < 1e-3);
});

test('histogram percentiles are within one bin (~4.4 %) of the exact value', () => {
  const h = new Uint32Array(LATENCY_BINS);
  const xs: number[] = [];
  for (let i = 1; i <= 1000; i++) { const ms = i * 0.05; xs.push(ms); h[latencyBin(ms)]!++; }
  for (const q of [0.5, 0.95, 0.99]) {
    const exact = xs[Math.ceil(q * xs.length) - 1]!;
    const got = histogramPercentile(h, q);
    assert.ok(Math.abs(got - exact) / exact < 0.05, `q${q}: ${got} vs ${exact}`);
  }
  assert.ok(Number.isNaN(histogramPercentile(new Uint32Array(LATENCY_BINS), 0.5)));
  assert.is(latencyBin(-1), 0);
  assert.is(latencyBin(1e9), LATENCY_BINS - 1);
  assert.ok(latencyBinMs(latencyBin(5000)) > 4700 && latencyBinMs(latencyBin(5000)) < 5300, "5 s fits");
  assert.ok(latencyBinMs(latencyBin(10)) > 9.5 && latencyBinMs(latencyBin(10)) < 10.5);
});

test.run();
