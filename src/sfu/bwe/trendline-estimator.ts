// Delay-based overuse detection (GCC §5.3–5.5 with libwebrtc's trendline filter):
// accumulate the inter-group delay variation d = arrivalDelta - sendDelta, smooth it
// (exponential, `smoothing`), and fit a line over the last `window` (time, smoothed
// delay) points. The slope × min(deltas, 60) × gain is compared with an adaptive
// threshold γ: above for longer than `overuseTimeMs` (and rising) = OVERUSING, below −γ
// = UNDERUSING, otherwise NORMAL. γ follows |m| at K_u when above, K_d when below:
//   γ += K × (|m| − γ) × Δt,  Δt ≤ 100 ms,  γ ∈ [6, 600],  no update when |m| > γ + 15.
import { BandwidthUsage, type BweConfig } from './config.js';

const MIN_DELTAS = 60;
const MAX_ADAPT_OFFSET_MS = 15;
const MAX_TIME_DELTA_MS = 100;

export class TrendlineEstimator {
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private head = 0;
  private filled = 0;
  private deltas = 0;
  private firstArrivalMs = -1;
  private accumulated = 0;
  private smoothed = 0;
  private prevTrend = 0;
  private timeOverUsing = -1;
  private overuseCount = 0;
  private lastThresholdUpdateMs = -1;
  /** Current adaptive threshold γ (ms). */
  threshold = 0;
  /** Last modified trend m (what is compared with γ). */
  modifiedTrend = 0;
  /** Last slope of the regression (ms of delay per ms). */
  trend = 0;
  state: number = BandwidthUsage.NORMAL;

  constructor(private readonly cfg: Readonly<BweConfig>) {
    this.x = new Float64Array(cfg.trendlineWindow);
    this.y = new Float64Array(cfg.trendlineWindow);
    this.threshold = cfg.initialThresholdMs;
  }

  // Inputs of the current update, kept in fields: doubles passed between functions that
  // are not inlined would be boxed (a heap allocation) on every call.
  private inArrivalDelta = 0;
  private inSendDelta = 0;
  private inArrivalTime = 0;

  /** One group delta (ms). Returns the detector state. */
  update(arrivalDeltaMs: number, sendDeltaMs: number, arrivalTimeMs: number): number {
    this.inArrivalDelta = arrivalDeltaMs; this.inSendDelta = sendDeltaMs; this.inArrivalTime = arrivalTimeMs;
    return this.step();
  }

  /** The same, reading the deltas of a group InterArrival just completed. */
  updateFrom(g: { arrivalDeltaMs: number; sendDeltaMs: number; arrivalTimeMs: number }): number {
    this.inArrivalDelta = g.arrivalDeltaMs; this.inSendDelta = g.sendDeltaMs; this.inArrivalTime = g.arrivalTimeMs;
    return this.step();
  }

  private step(): number {
    const arrivalTimeMs = this.inArrivalTime;
    const d = this.inArrivalDelta - this.inSendDelta;
    if (this.deltas < 1000) this.deltas++;
    if (this.firstArrivalMs < 0) this.firstArrivalMs = arrivalTimeMs;
    this.accumulated += d;
    const a = this.cfg.trendlineSmoothing;
    this.smoothed = a * this.smoothed + (1 - a) * this.accumulated;
    const w = this.x.length;
    this.x[this.head] = arrivalTimeMs - this.firstArrivalMs;
    this.y[this.head] = this.smoothed;
    this.head = (this.head + 1) % w;
    if (this.filled < w) this.filled++;
    let trend = this.prevTrend;
    if (this.filled === w && this.fitSlope()) trend = this.fitted;
    this.trend = trend;
    this.detect();
    return this.state;
  }

  private fitted = 0;

  /** Least-squares slope of the window into `fitted`; false when undefined. */
  private fitSlope(): boolean {
    const n = this.filled;
    let sx = 0, sy = 0;
    for (let i = 0; i < n; i++) { sx += this.x[i]; sy += this.y[i]; }
    const mx = sx / n, my = sy / n;
    let num = 0, den = 0;
    for (let i = 0; i < n; i++) { const dx = this.x[i] - mx; num += dx * (this.y[i] - my); den += dx * dx; }
    if (den === 0) return false;
    this.fitted = num / den;
    return Number.isFinite(this.fitted);
  }

  private detect(): void {
    const trend = this.trend, tsDeltaMs = this.inSendDelta;
    if (this.deltas < 2) { this.state = BandwidthUsage.NORMAL; return; }
    const m = Math.min(this.deltas, MIN_DELTAS) * trend * this.cfg.trendlineGain;
    this.modifiedTrend = m;
    if (m > this.threshold) {
      if (this.timeOverUsing < 0) this.timeOverUsing = tsDeltaMs / 2;
      else this.timeOverUsing += tsDeltaMs;
      this.overuseCount++;
      if (this.timeOverUsing > this.cfg.overuseTimeMs && this.overuseCount > 1 && trend >= this.prevTrend) {
        this.timeOverUsing = 0;
        this.overuseCount = 0;
        this.state = BandwidthUsage.OVERUSING;
      }
    } else if (m < -this.threshold) {
      this.timeOverUsing = -1; this.overuseCount = 0;
      this.state = BandwidthUsage.UNDERUSING;
    } else {
      this.timeOverUsing = -1; this.overuseCount = 0;
      this.state = BandwidthUsage.NORMAL;
    }
    this.prevTrend = trend;
    this.updateThreshold();
  }

  private updateThreshold(): void {
    const m = this.modifiedTrend, nowMs = this.inArrivalTime;
    if (this.lastThresholdUpdateMs < 0) this.lastThresholdUpdateMs = nowMs;
    const am = Math.abs(m);
    if (am > this.threshold + MAX_ADAPT_OFFSET_MS) { this.lastThresholdUpdateMs = nowMs; return; }
    const k = am < this.threshold ? this.cfg.kDown : this.cfg.kUp;
    const dt = Math.min(Math.max(nowMs - this.lastThresholdUpdateMs, 0), MAX_TIME_DELTA_MS);
    this.threshold += k * (am - this.threshold) * dt;
    this.threshold = Math.min(600, Math.max(6, this.threshold));
    this.lastThresholdUpdateMs = nowMs;
  }
}
