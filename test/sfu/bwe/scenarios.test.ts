// Closed-loop scenarios on a fake clock (see link-sim.ts): the estimator against a
// simulated bottleneck, random loss and a REMB cap. Numbers are printed for the record.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulate } from './link-sim.js';
import { BweState } from '../../../src/sfu/bwe/index.js';

const CAP = 300_000;
const firstAt = (s: { t: number; target: number }[], from: number, pred: (x: number) => boolean) => s.find((x) => x.t >= from && pred(x.target))?.t ?? Infinity;

test('constant delay: the target ramps up to the configured maximum, increasing, never congested', () => {
  const r = simulate({ durationMs: 20_000, capacityBps: () => 50_000_000, bwe: { maxBitrateBps: 1_500_000 } });
  const reached = firstAt(r.samples, 0, (x) => x >= 1_500_000);
  console.log(`  constant delay: 600 kbit/s -> 1.5 Mbit/s after ${reached} ms`);
  assert.ok(reached < 15_000, `reached max at ${reached}`);
  assert.is(r.targetAt(20_000), 1_500_000);
  assert.ok(r.samples.every((s) => !s.congested));
  assert.is(r.samples[50].state, BweState.INCREASING);
  assert.is(r.samples.at(-1)!.state, BweState.HOLDING); // at the cap
  for (let i = 1; i < r.samples.length; i++) assert.ok(r.samples[i].target >= r.samples[i - 1].target, 'monotone');
});

test('a 300 kbit/s bottleneck: the estimate drops close to it within a few seconds, stays near it, and recovers when it lifts', () => {
  const r = simulate({ durationMs: 60_000, capacityBps: (t) => (t >= 10_000 && t < 30_000 ? CAP : 50_000_000), bwe: { maxBitrateBps: 2_500_000 } });
  const before = r.targetAt(9_900);
  assert.ok(before > 1_000_000, `before ${before}`);
  const converged = firstAt(r.samples, 10_000, (x) => x <= 1.2 * CAP) - 10_000;
  const congestedAt = r.samples.find((s) => s.t >= 10_000 && s.congested)!.t - 10_000;
  assert.ok(converged <= 3000, `converged after ${converged} ms`);
  assert.ok(congestedAt <= 1000, `congestion signalled after ${congestedAt} ms`);
  const held = r.samples.filter((s) => s.t >= 15_000 && s.t < 30_000).map((s) => s.target);
  const lo = Math.min(...held), hi = Math.max(...held), mean = held.reduce((a, b) => a + b) / held.length;
  assert.ok(lo >= 0.5 * CAP && hi <= 1.25 * CAP, `held within [${lo}, ${hi}]`);
  assert.ok(mean >= 0.75 * CAP && mean <= 1.1 * CAP, `mean ${mean}`);
  const minAll = Math.min(...r.samples.filter((s) => s.t >= 10_000 && s.t < 30_000).map((s) => s.target));
  const back600 = firstAt(r.samples, 30_000, (x) => x >= 600_000) - 30_000;
  const backBefore = firstAt(r.samples, 30_000, (x) => x >= before) - 30_000;
  console.log(`  bottleneck ${CAP / 1000} kbit/s: congestion signalled after ${congestedAt} ms, target <= 1.2x cap after ${converged} ms, lowest ${Math.round(minAll / 1000)} kbit/s, ` +
    `15-30 s band ${Math.round(lo / 1000)}-${Math.round(hi / 1000)} kbit/s (mean ${Math.round(mean / 1000)}); after the cap lifts: 600 kbit/s in ${back600} ms, back to ${Math.round(before / 1000)} kbit/s in ${backBefore} ms; drop-tail drops ${r.dropped}`);
  assert.ok(back600 <= 15_000, `600 kbit/s after ${back600}`);
  assert.ok(backBefore <= 30_000, `back to ${before} after ${backBefore}`);
});

test('probe clusters: into the capped path they report about the cap; after it lifts they bring the estimate back within seconds', () => {
  const r = simulate({ durationMs: 40_000, capacityBps: (t) => (t >= 10_000 && t < 30_000 ? CAP : 50_000_000), bwe: { maxBitrateBps: 2_500_000 }, probeAtMs: [15_000, 20_000, 31_000, 33_000, 35_000] });
  assert.is(r.probes.length, 5);
  for (const p of r.probes.slice(0, 2)) assert.ok(p >= 0.6 * CAP && p <= 1.05 * CAP, `probe under the cap: ${p}`);
  for (const s of r.samples) if (s.t >= 15_000 && s.t < 30_000) assert.ok(s.target <= 1.25 * CAP, `${s.t}: ${s.target}`);
  const before = r.targetAt(9_900);
  const back = firstAt(r.samples, 30_000, (x) => x >= before) - 30_000;
  console.log(`  probing (10 packets at 3x target): under the cap ${r.probes.slice(0, 2).map((p) => Math.round(p / 1000)).join(', ')} kbit/s; after the cap lifts back to ${Math.round(before / 1000)} kbit/s in ${back} ms (probes at +1, +3, +5 s)`);
  assert.ok(back <= 6000, `back after ${back} ms`);
});

test('random loss 5 / 10 / 20 %: loss-based control holds at 5 %, decreases above 10 %', () => {
  const end: Record<number, number> = {};
  for (const loss of [0, 0.05, 0.1, 0.2]) {
    const r = simulate({ durationMs: 20_000, capacityBps: () => 50_000_000, loss, seed: 11, bwe: { maxBitrateBps: 2_500_000 } });
    end[loss] = r.targetAt(20_000);
  }
  console.log(`  random loss, target after 20 s (start 600 kbit/s): ${Object.entries(end).map(([l, v]) => `${Number(l) * 100}% ${Math.round(v / 1000)}k`).join(', ')}`);
  assert.ok(end[0] >= 2_400_000);
  assert.ok(end[0.05] >= 0.7 * 600_000 && end[0.05] <= 1.2 * 600_000, `5 %: ${end[0.05]}`);
  assert.ok(end[0.1] < 0.7 * 600_000, `10 %: ${end[0.1]}`);
  assert.ok(end[0.2] < 0.3 * 600_000, `20 %: ${end[0.2]}`);
  assert.ok(end[0] > end[0.05] && end[0.05] > end[0.1] && end[0.1] > end[0.2]);
});

test('REMB is an upper cap: held at 400 kbit/s while reported, free again when it rises', () => {
  const r = simulate({ durationMs: 20_000, capacityBps: () => 50_000_000, bwe: { maxBitrateBps: 2_500_000 }, remb: (t) => (t < 10_000 ? 400_000 : 5_000_000) });
  const during = r.samples.filter((s) => s.t > 0 && s.t < 10_000).map((s) => s.target);
  assert.ok(Math.max(...during) <= 400_000);
  assert.is(r.targetAt(9_900), 400_000);
  assert.ok(r.targetAt(20_000) > 700_000, `after ${r.targetAt(20_000)}`);
});

test.run();
