// Queue-delay samples (release time, delay) in a ring; percentiles over a time window,
// computed on demand by sorting a scratch copy (stats path, not the packet path).
import type { QueueDelaySummary } from './pacer.js';

export class QueueDelayStats {
  private readonly at: Float64Array;
  private readonly delay: Float64Array;
  private readonly scratch: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(samples: number) {
    this.at = new Float64Array(samples);
    this.delay = new Float64Array(samples);
    this.scratch = new Float64Array(samples);
  }

  add(nowMs: number, delayMs: number): void {
    this.at[this.next] = nowMs;
    this.delay[this.next] = delayMs;
    this.next = (this.next + 1) % this.at.length;
    if (this.filled < this.at.length) this.filled++;
  }

  summarize(nowMs: number, windowMs: number, out: QueueDelaySummary): QueueDelaySummary {
    const sc = this.scratch;
    let n = 0;
    for (let i = 0; i < this.filled; i++) if (nowMs - this.at[i] <= windowMs) sc[n++] = this.delay[i];
    out.samples = n;
    if (n === 0) { out.p50 = out.p99 = out.max = 0; return out; }
    sc.fill(Infinity, n); // sort the whole array in place: no view object
    sc.sort();
    out.p50 = sc[Math.min(n - 1, Math.floor(0.5 * n))];
    out.p99 = sc[Math.min(n - 1, Math.floor(0.99 * n))];
    out.max = sc[n - 1];
    return out;
  }
}
