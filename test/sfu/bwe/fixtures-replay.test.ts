// Recorded delay patterns (fixtures/bwe/*.json, from record-fixtures.ts) replayed open-loop
// into a fresh estimator: the same reaction must come out of the recorded arrivals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { replay, type RecordedFeedback } from './link-sim.js';

interface Fixture { description: string; durationMs: number; rttMs: number; feedbacks: RecordedFeedback[] }
const load = (name: string): Fixture => JSON.parse(readFileSync(new URL(`../../../fixtures/bwe/${name}`, import.meta.url), 'utf8'));

test('bottleneck-300k.json: the estimate falls to about 300 kbit/s within 3 s of the cap and climbs after it lifts', () => {
  const f = load('bottleneck-300k.json');
  assert.ok(f.feedbacks.length > 300);
  // The recording has queueing delay growing from 2 s: show it is in the data.
  const owd = (t0: number, t1: number) => {
    const d: number[] = [];
    for (const fb of f.feedbacks) if (fb.at >= t0 && fb.at < t1) for (let i = 0; i < fb.p.length; i += 3) if (fb.p[i + 1] >= 0) d.push(fb.p[i + 1] - fb.p[i]);
    return Math.max(...d) - Math.min(...d);
  };
  assert.ok(owd(2000, 3000) > 100_000, 'queueing delay varies by > 100 ms after the cap');
  assert.ok(owd(500, 1500) < 5_000, 'and is flat before it');
  const s = replay(f.feedbacks, f.durationMs, { startBitrateBps: 1_000_000, maxBitrateBps: 2_500_000 }, f.rttMs);
  const at = (t: number) => s[t / 100].target;
  assert.ok(at(1900) >= 1_000_000);
  const low = s.find((x) => x.t >= 2000 && x.target <= 360_000);
  assert.ok(low && low.t <= 5000, `reached ${low?.t}`);
  assert.ok(s.some((x) => x.t >= 2000 && x.t < 4000 && x.congested));
  for (const x of s) if (x.t >= 6000 && x.t < 12_000) assert.ok(x.target >= 150_000 && x.target <= 375_000, `${x.t}: ${x.target}`);
  assert.ok(at(16_000) > at(12_000), 'climbs once the cap lifts');
});

test('constant-delay.json: no congestion, a steady climb', () => {
  const f = load('constant-delay.json');
  const s = replay(f.feedbacks, f.durationMs, { maxBitrateBps: 2_500_000 }, f.rttMs);
  assert.ok(s.every((x) => !x.congested));
  assert.ok(s.at(-1)!.target > 1.5 * 600_000 * 0.9, `${s.at(-1)!.target}`);
  for (let i = 1; i < s.length; i++) assert.ok(s[i].target >= s[i - 1].target);
});

test.run();
