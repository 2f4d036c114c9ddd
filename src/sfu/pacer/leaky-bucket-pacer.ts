// Leaky-bucket pacer (one per subscriber transport). The bucket fills at
// target × pacingFactor and holds at most `burstMs` worth (at least one MTU); a packet
// may leave while the budget is positive, and its size is charged even if that drives
// the budget negative (debt paid back before the next one). Order: audio (bypasses the
// bucket by default, still charged), retransmissions, video.
//
//   per packet:  enqueue(kind, handle, size, nowMs) -> dropped handle or -1
//   per tick:    poll(nowMs, out); schedule the next tick with nextReleaseInMs(nowMs)
import { PacerBase } from './pacer-base.js';
import { MTU_BYTES, type ReleaseFn } from './pacer.js';

export class LeakyBucketPacer extends PacerBase {
  private budget = -1; // bytes; set on first poll
  private lastMs = -1;

  /** Current pacing rate (bps): target × factor, raised to drain in `drainWithinMs` when set. */
  pacingRateBps(): number {
    let r = this.rateBps * this.config.pacingFactor;
    const d = this.config.drainWithinMs;
    if (d > 0) { const need = (this.queuedBytes * 8 * 1000) / d; if (need > r) r = need; }
    return r;
  }

  private maxBudget(rate: number): number { return Math.max(MTU_BYTES, (rate / 8) * (this.config.burstMs / 1000)); }

  private refill(nowMs: number): void {
    const rate = this.pacingRateBps();
    const cap = this.maxBudget(rate);
    if (this.lastMs < 0) { this.budget = cap; this.lastMs = nowMs; return; }
    const dt = nowMs - this.lastMs;
    if (dt > 0) {
      this.budget = Math.min(cap, this.budget + (rate / 8) * (dt / 1000));
      this.lastMs = nowMs;
    }
  }

  poll(nowMs: number, out: ReleaseFn): number {
    this.refill(nowMs);
    const q = this.queues;
    let n = 0;
    if (this.config.audioBypass) while (q[0].length > 0) { this.budget -= this.release(0, nowMs, out); n++; }
    while (this.budget > 0) {
      const k = q[0].length > 0 ? 0 : q[1].length > 0 ? 1 : q[2].length > 0 ? 2 : -1;
      if (k < 0) break;
      this.budget -= this.release(k, nowMs, out);
      n++;
    }
    return n;
  }

  nextReleaseInMs(nowMs: number): number {
    if (this.queuedPackets === 0) return -1;
    if (this.config.audioBypass && this.queues[0].length > 0) return 0;
    this.refill(nowMs);
    if (this.budget > 0) return 0;
    return ((-this.budget + 1) * 8 * 1000) / this.pacingRateBps();
  }
}
