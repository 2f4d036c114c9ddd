// A closed-loop simulation on a fake clock (1 ms steps): a sender paced at the
// estimator's target, a bottleneck link (FIFO queue, drop-tail, capacity that may change
// over time, random loss), a receiver with a TwccRecorder sending feedback every 50 ms,
// and the feedback path back into SendHistory -> SendSideBwe. No timers, deterministic.
import { TwccFeedbackView, RtpStatus } from '../../../src/rtp/index.js';
import { TwccRecorder, SendHistory, FeedbackResults, SentFlags } from '../../../src/sfu/twcc/index.js';
import { SendSideBwe, ProbeEstimator, type BweConfig } from '../../../src/sfu/bwe/index.js';
import { lcg } from '../twcc/helpers.js';

export interface SimOptions {
  durationMs: number;
  /** Bottleneck capacity at time t (bps). */
  capacityBps: (tMs: number) => number;
  /** One-way propagation delay (ms). Default 20. */
  propagationMs?: number;
  /** Random loss probability on the link. Default 0. */
  loss?: number;
  /** Drop-tail queue limit (ms of queueing). Default 400. */
  maxQueueMs?: number;
  feedbackIntervalMs?: number;
  packetSize?: number;
  bwe?: Partial<BweConfig>;
  /** REMB the receiver reports at time t (bps), sent once per second; undefined = none. */
  remb?: (tMs: number) => number | undefined;
  seed?: number;
  /** Keep every feedback's results (for fixtures). */
  record?: boolean;
  /** Times (ms) to send a probe cluster: `probePackets` padding packets at 3 x the target. */
  probeAtMs?: number[];
  probePackets?: number;
}

export interface SimSample { t: number; target: number; acked: number; state: number; congested: boolean; queueMs: number }
export interface RecordedFeedback { at: number; p: number[] }

export interface SimResult {
  samples: SimSample[];
  /** Probe results (bps, -1 invalid) in order. */
  probes: number[];
  /** Every 100 ms. */
  targetAt(tMs: number): number;
  recorded: RecordedFeedback[];
  sentBytes: number;
  dropped: number;
}

export function simulate(o: SimOptions): SimResult {
  const prop = o.propagationMs ?? 20;
  const size = o.packetSize ?? 1200;
  const fbEvery = o.feedbackIntervalMs ?? 50;
  const maxQ = o.maxQueueMs ?? 400;
  const rnd = lcg(o.seed ?? 1);
  const bwe = new SendSideBwe(o.bwe);
  bwe.onRtt(2 * prop);
  const history = new SendHistory(16384);
  const recorder = new TwccRecorder();
  const results = new FeedbackResults(8192);
  const view = new TwccFeedbackView();
  const fbBuf = Buffer.alloc(64 * 1024);
  const arrivals: [number, number][] = []; // [arrival ms, seq16] in arrival order (FIFO)
  const feedbacks: [number, Buffer][] = []; // [deliver at ms, bytes]
  const samples: SimSample[] = [];
  const recorded: RecordedFeedback[] = [];
  let linkFreeMs = 0, seq = 0, budget = 0, sentBytes = 0, dropped = 0, lastRembMs = -1e9;
  let target = bwe.estimate(0).targetBitrateBps;
  const probe = new ProbeEstimator();
  const probes: number[] = [];
  const probeSends: number[] = []; // scheduled send times (ms)
  const probeTimes = [...(o.probeAtMs ?? [])];

  const sendOne = (sendMs: number, flags: number) => {
    history.onSent(seq & 0xffff, sendMs * 1000, size, flags);
    sentBytes += size;
    if (rnd() >= (o.loss ?? 0)) {
      const q = Math.max(0, linkFreeMs - sendMs);
      if (q > maxQ) dropped++;
      else {
        linkFreeMs = Math.max(linkFreeMs, sendMs) + (size * 8 * 1000) / o.capacityBps(sendMs);
        arrivals.push([linkFreeMs + prop, seq & 0xffff]);
      }
    }
    seq++;
  };

  for (let t = 0; t <= o.durationMs; t++) {
    // Sender: a leaky bucket at the target, packets spread over the millisecond.
    budget = Math.min(budget + target / 8000, 2 * size);
    let k = 0;
    while (budget >= size) {
      budget -= size;
      sendOne(t + k++ * 0.1, 0);
    }
    if (probeTimes.length && probeTimes[0] <= t && !probe.inProgress) {
      probeTimes.shift();
      const n = o.probePackets ?? 10;
      probe.start(n);
      const gapMs = (size * 8 * 1000) / (3 * target);
      for (let i = 0; i < n; i++) probeSends.push(t + 0.05 + i * gapMs);
    }
    while (probeSends.length && probeSends[0] < t + 1) sendOne(probeSends.shift()!, SentFlags.PROBE);
    // Receiver.
    let a = 0;
    while (a < arrivals.length && arrivals[a][0] <= t) { recorder.record(arrivals[a][1], Math.round(arrivals[a][0] * 1000)); a++; }
    if (a) arrivals.splice(0, a);
    if (t % fbEvery === 0) {
      const n = recorder.buildFeedback(t * 1000, fbBuf, 0, 1, 2);
      if (n > 0) feedbacks.push([t + prop, Buffer.from(fbBuf.subarray(0, n))]);
    }
    const remb = o.remb?.(t);
    if (remb !== undefined && t - lastRembMs >= 1000) { bwe.onRemb(remb, t); lastRembMs = t; }
    // Feedback reaches the sender.
    while (feedbacks.length && feedbacks[0][0] <= t) {
      const [, b] = feedbacks.shift()!;
      let p = 0;
      while (p < b.length) {
        const l = (b.readUInt16BE(p + 2) + 1) * 4;
        if (view.reset(b, p, l) === RtpStatus.OK) {
          history.onFeedback(view, results);
          if (o.record) {
            const flat: number[] = [];
            for (let i = 0; i < results.count; i++) flat.push(results.sendTimeUs[i], results.arrivalUs[i], results.size[i]);
            recorded.push({ at: t, p: flat });
          }
          bwe.onFeedback(results, t);
          if (probe.onFeedback(results)) { probes.push(probe.resultBps); if (probe.resultBps > 0) bwe.onProbeResult(probe.resultBps, t); }
        }
        p += l;
      }
    }
    const e = bwe.estimate(t);
    target = e.targetBitrateBps;
    if (t % 100 === 0) samples.push({ t, target, acked: e.ackedBitrateBps, state: e.state, congested: e.congested, queueMs: Math.max(0, linkFreeMs - t) });
  }
  return { samples, probes, recorded, sentBytes, dropped, targetAt: (tMs) => samples[Math.round(tMs / 100)].target };
}

/** Replay recorded feedback results (open loop) into a fresh estimator; targets every 100 ms. */
export function replay(fbs: RecordedFeedback[], durationMs: number, cfg?: Partial<BweConfig>, rttMs = 40): SimSample[] {
  const bwe = new SendSideBwe(cfg);
  bwe.onRtt(rttMs);
  const r = new FeedbackResults(8192);
  const out: SimSample[] = [];
  let k = 0;
  for (let t = 0; t <= durationMs; t++) {
    while (k < fbs.length && fbs[k].at <= t) {
      r.clear();
      const p = fbs[k].p;
      for (let i = 0; i < p.length; i += 3) r.push(i / 3, p[i], p[i + 1], p[i + 2], 0);
      bwe.onFeedback(r, t);
      k++;
    }
    if (t % 100 === 0) { const e = bwe.estimate(t); out.push({ t, target: e.targetBitrateBps, acked: e.ackedBitrateBps, state: e.state, congested: e.congested, queueMs: 0 }); }
  }
  return out;
}
