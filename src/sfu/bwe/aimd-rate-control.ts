// AIMD rate control (GCC §5.5, libwebrtc AimdRateControl). The detector's signal drives
// a three-state machine:
//   OVERUSING  -> DECREASE: rate = beta × acknowledged rate, then HOLD
//   NORMAL     -> HOLD becomes INCREASE
//   UNDERUSING -> HOLD (queues are draining; wait)
// INCREASE is multiplicative (8 %/s) while far from the link capacity, additive (about one
// packet per response time) once near it. The link capacity is a running average of the
// acknowledged rate at each decrease, with a variance: a rate beyond 3σ of it forgets it.
// An increase never takes the rate beyond 1.5 × acknowledged + 10 kbit/s.
import { BandwidthUsage, BweInputs, type BweConfig } from './config.js';

export const RateControlState = { HOLD: 0, INCREASE: 1, DECREASE: 2 } as const;

class LinkCapacity {
  estimateKbps = -1;
  private deviation = 0.4;
  reset(): void { this.estimateKbps = -1; }
  get has(): boolean { return this.estimateKbps >= 0; }
  private spread(): number { return 3 * Math.sqrt(this.deviation * this.estimateKbps); }
  upperBps(): number { return this.has ? (this.estimateKbps + this.spread()) * 1000 : Infinity; }
  lowerBps(): number { return this.has ? Math.max(0, this.estimateKbps - this.spread()) * 1000 : 0; }
  onOveruse(ackedBps: number): void {
    const sample = ackedBps / 1000, alpha = 0.05;
    this.estimateKbps = this.has ? (1 - alpha) * this.estimateKbps + alpha * sample : sample;
    const norm = Math.max(this.estimateKbps, 1);
    const err = this.estimateKbps - sample;
    this.deviation = (1 - alpha) * this.deviation + (alpha * err * err) / norm;
    this.deviation = Math.min(2.5, Math.max(0.4, this.deviation));
  }
}

export class AimdRateControl {
  rateBps = 0;
  state: number = RateControlState.INCREASE;
  rttMs = 0;
  private lastChangeMs = -1;
  private lastDecreaseMs = -Infinity;
  private readonly link = new LinkCapacity();

  constructor(private readonly cfg: Readonly<BweConfig>, readonly io: BweInputs = new BweInputs()) {
    this.rateBps = cfg.startBitrateBps;
    this.rttMs = cfg.initialRttMs;
  }

  get linkCapacityBps(): number { return this.link.has ? this.link.estimateKbps * 1000 : -1; }
  get lastDecreaseAtMs(): number { return this.lastDecreaseMs; }
  /** Decreases so far. */
  decreases = 0;

  /** Set the rate directly (e.g. a probe result), within bounds. */
  setRate(bps: number, nowMs: number): void {
    this.rateBps = this.clamp(bps);
    this.lastChangeMs = nowMs;
  }

  /** A probe showed more capacity: jump to `bps` and forget the old link-capacity estimate. */
  raiseTo(bps: number, nowMs: number): void {
    if (bps <= this.rateBps) return;
    this.rateBps = this.clamp(bps);
    this.link.reset();
    this.lastChangeMs = nowMs;
  }

  /** Lower the rate to io.upperBps if above it (a REMB cap); time from io.nowMs. */
  capToUpper(): void {
    if (this.rateBps > this.io.upperBps) { this.rateBps = this.clamp(this.io.upperBps); this.lastChangeMs = this.io.nowMs; }
  }

  /**
   * libwebrtc's TimeToReduceFurther: another decrease only after clamp(rtt, 10, 200) ms
   * since the last change, unless the acknowledged rate fell below half the rate.
   */
  timeToReduceFurther(nowMs: number, ackedBps: number): boolean {
    this.io.nowMs = nowMs; this.io.ackedBps = ackedBps;
    return this.timeToReduceFurtherNow();
  }

  /** timeToReduceFurther with io.nowMs / io.ackedBps. */
  timeToReduceFurtherNow(): boolean {
    const nowMs = this.io.nowMs, ackedBps = this.io.ackedBps;
    const interval = Math.min(200, Math.max(10, this.rttMs));
    if (nowMs - this.lastChangeMs >= interval) return true;
    return ackedBps >= 0 && ackedBps < 0.5 * this.rateBps;
  }

  /** Apply one detector signal. `ackedBps` < 0 when unknown. Returns the rate. */
  update(usage: number, ackedBps: number, nowMs: number): number {
    this.io.nowMs = nowMs; this.io.ackedBps = ackedBps;
    this.apply(usage);
    return this.rateBps;
  }

  /** update() with io.nowMs / io.ackedBps; the new rate is in `rateBps`. */
  apply(usage: number): void {
    const nowMs = this.io.nowMs, ackedBps = this.io.ackedBps;
    if (usage === BandwidthUsage.OVERUSING) { if (this.state !== RateControlState.DECREASE) this.state = RateControlState.DECREASE; } else if (usage === BandwidthUsage.UNDERUSING) this.state = RateControlState.HOLD;
    else if (this.state === RateControlState.HOLD) { this.state = RateControlState.INCREASE; this.lastChangeMs = nowMs; }

    const throughput = ackedBps >= 0 ? ackedBps : this.rateBps;
    let rate = this.rateBps;
    if (this.state === RateControlState.INCREASE) {
      if (ackedBps >= 0 && ackedBps > this.link.upperBps()) this.link.reset();
      const dtMs = this.lastChangeMs < 0 ? 0 : Math.max(0, nowMs - this.lastChangeMs);
      if (this.link.has) rate += this.nearMaxIncreaseBpsPerS() * (dtMs / 1000);
      else rate += Math.max(rate * (Math.pow(this.cfg.increasePerSecond, Math.min(dtMs, 1000) / 1000) - 1), dtMs > 0 ? 1000 : 0);
      if (ackedBps >= 0) {
        const limit = 1.5 * ackedBps + 10_000;
        if (this.rateBps < limit) rate = Math.min(rate, limit);
        else rate = this.rateBps; // never raise beyond what the link showed
      }
      this.lastChangeMs = nowMs;
    } else if (this.state === RateControlState.DECREASE) {
      let dec = this.cfg.beta * throughput;
      if (dec > this.rateBps && this.link.has) dec = this.cfg.beta * this.link.estimateKbps * 1000;
      if (dec < this.rateBps) rate = dec;
      if (ackedBps >= 0 && ackedBps < this.link.lowerBps()) this.link.reset();
      this.link.onOveruse(throughput);
      this.state = RateControlState.HOLD;
      this.lastChangeMs = nowMs;
      this.lastDecreaseMs = nowMs;
      this.decreases++;
    }
    this.rateBps = this.clamp(rate);
  }

  /** About one average packet per response time (rtt + 100 ms), at least 4 kbit/s per s. */
  private nearMaxIncreaseBpsPerS(): number {
    const frameBits = this.rateBps / 30;
    const packetsPerFrame = Math.ceil(frameBits / (1200 * 8));
    const avgPacketBits = frameBits / Math.max(1, packetsPerFrame);
    const responseS = (this.rttMs + 100) / 1000;
    return Math.max(4000, avgPacketBits / responseS);
  }

  private clamp(bps: number): number {
    return Math.min(this.cfg.maxBitrateBps, Math.max(this.cfg.minBitrateBps, bps));
  }
}
