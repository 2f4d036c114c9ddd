import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InterArrival, TrendlineEstimator, AimdRateControl, RateControlState, AckedBitrate, LossBasedControl, BandwidthUsage, defaultBweConfig, SendSideBwe, BweState, CongestionCause } from '../../../src/sfu/bwe/index.js';
import { FeedbackResults } from '../../../src/sfu/twcc/index.js';

test('InterArrival: packets sent within 5 ms form one group; deltas use the groups\' last packets', () => {
  const ia = new InterArrival(5);
  const out: number[][] = [];
  // Groups every 20 ms of 3 packets 1 ms apart; arrival = send + 30 ms + 2 ms extra per group.
  for (let g = 0; g < 4; g++) for (let k = 0; k < 3; k++) {
    const send = g * 20_000 + k * 1000;
    if (ia.add(send, send + 30_000 + g * 2000, 0, 100)) out.push([ia.sendDeltaMs, ia.arrivalDeltaMs, ia.sizeDelta]);
  }
  // Group 2 completes when group 3 starts: deltas between groups 0 and 1, then 1 and 2.
  assert.equal(out, [[20, 22, 0], [20, 22, 0]]);
});

test('InterArrival: a burst arriving together joins the group; a reordered packet is ignored', () => {
  const ia = new InterArrival(5);
  let n = 0;
  // Sent 10 ms apart but arriving 1 ms apart (queued then released together) = one burst.
  for (let k = 0; k < 5; k++) if (ia.add(k * 10_000, 100_000 + k * 1000, 0, 100)) n++;
  assert.is(n, 0);
  assert.not.ok(ia.add(-5000, 100_000, 0, 100));
});

test('Trendline: growing queueing delay -> OVERUSING; draining -> UNDERUSING; flat -> NORMAL', () => {
  const run = (slopeMsPerGroup: number) => {
    const t = new TrendlineEstimator(defaultBweConfig);
    let st: number = BandwidthUsage.NORMAL;
    const seen = new Set<number>();
    for (let i = 0; i < 60; i++) { st = t.update(20 + slopeMsPerGroup, 20, i * (20 + slopeMsPerGroup)); seen.add(st); }
    return { st, seen, t };
  };
  assert.is(run(3).st, BandwidthUsage.OVERUSING);
  assert.is(run(-3).st, BandwidthUsage.UNDERUSING);
  const flat = run(0);
  assert.is(flat.st, BandwidthUsage.NORMAL);
  assert.ok(flat.t.threshold >= 6 && flat.t.threshold < defaultBweConfig.initialThresholdMs, `threshold decays toward 6: ${flat.t.threshold}`);
});

test('Trendline threshold adapts toward |m| (K_u up, K_d down) and stays within [6, 600]', () => {
  const t = new TrendlineEstimator(defaultBweConfig);
  // Alternating jitter: trend near zero, threshold falls to its floor.
  for (let i = 0; i < 200; i++) t.update(20 + (i % 2 ? 4 : -4), 20, i * 20);
  assert.is(t.threshold, 6);
  // A steady moderate rise (m ≈ 16.7: above γ = 12.5, within γ + 15): γ climbs toward m at K_u.
  const u = new TrendlineEstimator(defaultBweConfig);
  const start = u.threshold;
  for (let i = 0; i < 400; i++) u.update(21.5, 20, i * 21.5);
  assert.ok(u.modifiedTrend > 16 && u.modifiedTrend < 17.5, `m ${u.modifiedTrend}`);
  assert.ok(u.threshold > start + 2 && u.threshold <= u.modifiedTrend, `${u.threshold}`);
});

test('AIMD: overuse -> 0.85 x acknowledged rate and HOLD; normal -> INCREASE; underuse -> HOLD', () => {
  const a = new AimdRateControl(defaultBweConfig);
  assert.is(a.rateBps, 600_000);
  a.update(BandwidthUsage.OVERUSING, 400_000, 1000);
  assert.is(a.rateBps, 340_000);
  assert.is(a.state, RateControlState.HOLD);
  assert.is(a.linkCapacityBps, 400_000);
  a.update(BandwidthUsage.NORMAL, 340_000, 1100);
  assert.is(a.state, RateControlState.INCREASE);
  const r0 = a.rateBps;
  a.update(BandwidthUsage.NORMAL, 340_000, 2100);
  // Near the link capacity: additive, about one packet per (rtt + 100 ms), a few kbit/s.
  assert.ok(a.rateBps > r0 && a.rateBps - r0 < 40_000, `${r0} -> ${a.rateBps}`);
  a.update(BandwidthUsage.UNDERUSING, 340_000, 2200);
  assert.is(a.state, RateControlState.HOLD);
  // Far from any known capacity: multiplicative 8 %/s, limited to 1.5 x acked + 10 kbit/s.
  const b = new AimdRateControl(defaultBweConfig);
  b.update(BandwidthUsage.NORMAL, 600_000, 0);
  b.update(BandwidthUsage.NORMAL, 600_000, 1000);
  assert.ok(Math.abs(b.rateBps - 648_000) < 1, `${b.rateBps}`);
  const c = new AimdRateControl({ ...defaultBweConfig, startBitrateBps: 1_000_000 });
  c.update(BandwidthUsage.NORMAL, 100_000, 0);
  c.update(BandwidthUsage.NORMAL, 100_000, 1000);
  assert.is(c.rateBps, 1_000_000, 'above the throughput limit: no increase');
});

test('AckedBitrate: bytes over the arrival window', () => {
  const a = new AckedBitrate(500_000);
  assert.is(a.bps(), -1);
  for (let i = 0; i <= 1000; i++) a.add(i * 1000, 125); // 1000 bit/ms = 1 Mbit/s
  assert.ok(Math.abs(a.bps() - 1_000_000) / 1e6 < 0.01, `${a.bps()}`);
});

test('LossBasedControl: >10 % decreases once per 300 ms + RTT, <2 % grows 8 %/s, between holds', () => {
  const l = new LossBasedControl(defaultBweConfig);
  assert.ok(l.apply(0.2, 1000, 1e9));
  assert.is(l.rateBps, 540_000);
  assert.not.ok(l.apply(0.2, 1100, 1e9));
  assert.is(l.rateBps, 540_000);
  l.apply(0.05, 1500, 1e9);
  l.tick(2500, 1e9);
  assert.is(l.rateBps, 540_000);
  l.apply(0, 2500, 1e9);
  l.tick(3500, 1e9);
  assert.ok(Math.abs(l.rateBps - 583_200) < 1);
  l.tick(4500, 500_000);
  assert.is(l.rateBps, 500_000, 'never above the upper limit');
});

test('SendSideBwe: REMB without TWCC caps the target; onLossReport decreases and signals congestion', () => {
  const b = new SendSideBwe();
  assert.is(b.estimate(0).targetBitrateBps, 600_000);
  b.onRemb(250_000, 10);
  let e = b.estimate(20);
  assert.is(e.targetBitrateBps, 250_000);
  assert.is(e.rembBps, 250_000);
  b.onRemb(5_000_000, 30);
  b.onLossReport(0.3, 40);
  e = b.estimate(50);
  assert.ok(e.targetBitrateBps < 250_000 * 0.9);
  assert.ok(e.congested);
  assert.is(e.state, BweState.DECREASING);
  assert.is(e.cause, CongestionCause.LOSS);
  assert.not.ok(b.estimate(2000).congested);
});

test('SendSideBwe: garbage results never move the target outside [min, max]', () => {
  const b = new SendSideBwe({ minBitrateBps: 50_000, maxBitrateBps: 900_000 });
  const r = new FeedbackResults(64);
  const vals = [NaN, -1, 0, 1e300, -1e300, Infinity, 5, 1e9];
  for (let k = 0; k < 500; k++) {
    r.clear();
    for (let i = 0; i < 20; i++) r.push(i, vals[(k + i) % 8] * (i + 1), vals[(k * 3 + i) % 8], vals[(k + 2 * i) % 8], 0);
    b.onFeedback(r, k * 10);
    const t = b.estimate(k * 10).targetBitrateBps;
    assert.ok(t >= 50_000 && t <= 900_000, `${t}`);
  }
});

test.run();
