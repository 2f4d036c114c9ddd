import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProbeEstimator, SendSideBwe } from '../../../src/sfu/bwe/index.js';
import { FeedbackResults, SentFlags } from '../../../src/sfu/twcc/index.js';

/** n probe packets of 1000 B sent every sendGapUs, arriving every recvGapUs (lost where lose(i)). */
function cluster(n: number, sendGapUs: number, recvGapUs: number, lose = (_i: number) => false) {
  const r = new FeedbackResults(64);
  for (let i = 0; i < n; i++) r.push(i, 1_000_000 + i * sendGapUs, lose(i) ? -1 : 5_000_000 + i * recvGapUs, 1000, SentFlags.PROBE);
  r.push(99, 0, 0, 1200, 0); // not a probe: ignored
  return r;
}

test('result is the send rate when the path keeps up, 0.95 x the receive rate when it does not', () => {
  const p = new ProbeEstimator();
  p.start(10);
  assert.ok(p.onFeedback(cluster(10, 2000, 2000))); // 1000 B / 2 ms = 4 Mbit/s
  assert.ok(Math.abs(p.resultBps - 4_000_000) < 1);
  p.start(10);
  assert.ok(p.onFeedback(cluster(10, 2000, 8000))); // received at 1 Mbit/s
  assert.ok(Math.abs(p.resultBps - 950_000) < 1);
});

test('the cluster completes across feedbacks; too few arrivals or a zero span is invalid', () => {
  const p = new ProbeEstimator();
  p.start(10);
  const all = cluster(10, 1000, 1000);
  const a = new FeedbackResults(16), b = new FeedbackResults(16);
  for (let i = 0; i < 10; i++) (i < 6 ? a : b).push(all.seq[i], all.sendTimeUs[i], all.arrivalUs[i], all.size[i], all.flags[i]);
  assert.not.ok(p.onFeedback(a));
  assert.ok(p.inProgress);
  assert.ok(p.onFeedback(b));
  assert.ok(Math.abs(p.resultBps - 8_000_000) < 1);
  p.start(10);
  assert.ok(p.onFeedback(cluster(10, 1000, 1000, (i) => i % 3 === 0)));
  assert.is(p.resultBps, -1);
  p.start(5);
  assert.ok(p.onFeedback(cluster(5, 0, 1000)));
  assert.is(p.resultBps, -1);
  assert.not.ok(p.onFeedback(cluster(5, 1000, 1000)), 'not started: ignored');
});

test('SendSideBwe.onProbeResult raises delay- and loss-based rates, never past a REMB cap or max', () => {
  const b = new SendSideBwe({ maxBitrateBps: 3_000_000 });
  b.onProbeResult(2_000_000, 10);
  assert.is(b.estimate(10).targetBitrateBps, 2_000_000);
  b.onProbeResult(500_000, 10); // lower: ignored
  assert.is(b.estimate(10).targetBitrateBps, 2_000_000);
  b.onProbeResult(9_000_000, 30);
  assert.is(b.estimate(30).targetBitrateBps, 3_000_000);
  const c = new SendSideBwe();
  c.onRemb(800_000, 0);
  c.onProbeResult(2_000_000, 10);
  assert.is(c.estimate(10).targetBitrateBps, 800_000);
});

test.run();
