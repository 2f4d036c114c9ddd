// Send-side bandwidth estimation for one subscriber transport, in the spirit of GCC
// (draft-ietf-rmcat-gcc-02) and libwebrtc's goog_cc:
//
//   TWCC results --> InterArrival (5 ms groups) --> TrendlineEstimator (overuse?) --+
//               \-> AckedBitrate ------------------------------------------------> AimdRateControl = delay-based
//                \-> loss fraction --> LossBasedControl = loss-based
//   target = clamp(min(delay-based, loss-based, REMB cap), min, max)
//
// Pure: every input carries `nowMs`; nothing reads a clock or sets a timer. One
// estimate object is reused (read its fields, do not keep it across calls).
import { BandwidthUsage, BweInputs, BweState, CongestionCause, defaultBweConfig, type BweConfig } from './config.js';
import { InterArrival } from './inter-arrival.js';
import { TrendlineEstimator } from './trendline-estimator.js';
import { AimdRateControl, RateControlState } from './aimd-rate-control.js';
import { AckedBitrate } from './acked-bitrate.js';
import { LossBasedControl, LossAction } from './loss-based.js';

/** Per-packet feedback results (src/sfu/twcc FeedbackResults has this shape). */
export interface PacketResults {
  readonly count: number;
  readonly received: number;
  readonly lost: number;
  readonly sendTimeUs: ArrayLike<number>;
  /** < 0 = lost. */
  readonly arrivalUs: ArrayLike<number>;
  readonly size: ArrayLike<number>;
}

// Numeric outputs live in a Float64Array behind accessors: V8 may box a double stored into
// an ordinary object field (a heap allocation per store) once the field's representation
// has been generalised; typed-array stores never allocate.
const T = 0, DELAY = 1, LOSS = 2, ACKED = 3, REMB = 4, STATE = 5, CAUSE = 6, USAGE = 7, LOSSF = 8, TREND = 9, THR = 10, CONG = 11;

export class BweEstimate {
  readonly v = new Float64Array(12);
  constructor() { this.v[ACKED] = -1; this.v[REMB] = -1; this.v[STATE] = BweState.HOLDING; }
  get targetBitrateBps(): number { return this.v[T]; }
  get delayBasedBps(): number { return this.v[DELAY]; }
  get lossBasedBps(): number { return this.v[LOSS]; }
  /** -1 until known. */
  get ackedBitrateBps(): number { return this.v[ACKED]; }
  /** -1 when no REMB cap applies. */
  get rembBps(): number { return this.v[REMB]; }
  /** BweState: INCREASING / HOLDING / DECREASING (bweStateName for text). */
  get state(): number { return this.v[STATE]; }
  /** True while a recent decrease (delay overuse or loss > 10 %) is in effect. */
  get congested(): boolean { return this.v[CONG] !== 0; }
  /** CongestionCause of the last decrease. */
  get cause(): number { return this.v[CAUSE]; }
  /** BandwidthUsage of the delay detector. */
  get usage(): number { return this.v[USAGE]; }
  get lossFraction(): number { return this.v[LOSSF]; }
  /** Trendline's modified trend and adaptive threshold (ms), for stats. */
  get trend(): number { return this.v[TREND]; }
  get threshold(): number { return this.v[THR]; }
  /** A plain copy (for logs and JSON). */
  toJSON(): Record<string, number | boolean> {
    return { targetBitrateBps: this.targetBitrateBps, delayBasedBps: this.delayBasedBps, lossBasedBps: this.lossBasedBps, ackedBitrateBps: this.ackedBitrateBps, rembBps: this.rembBps,
      state: this.state, congested: this.congested, cause: this.cause, usage: this.usage, lossFraction: this.lossFraction, trend: this.trend, threshold: this.threshold };
  }
}

export class SendSideBwe {
  readonly config: Readonly<BweConfig>;
  private readonly inter: InterArrival;
  private readonly trendline: TrendlineEstimator;
  private readonly aimd: AimdRateControl;
  private readonly acked: AckedBitrate;
  private readonly loss: LossBasedControl;
  private readonly out = new BweEstimate();
  private readonly io = new BweInputs();
  private haveFeedback = false;
  private rembBps = -1;
  private rembAtMs = 0;
  private lastDecreaseMs = -Infinity;
  private lastCause: number = CongestionCause.NONE;
  feedbacks = 0;

  constructor(config: Partial<BweConfig> = {}) {
    this.config = Object.freeze({ ...defaultBweConfig, ...config });
    this.inter = new InterArrival(this.config.burstTimeMs);
    this.trendline = new TrendlineEstimator(this.config);
    this.aimd = new AimdRateControl(this.config, this.io);
    this.acked = new AckedBitrate(this.config.ackWindowMs * 1000);
    this.loss = new LossBasedControl(this.config, this.io);
  }

  /** One TWCC feedback's per-packet results (SendHistory.onFeedback output). */
  onFeedback(r: PacketResults, nowMs: number): void {
    if (r.count === 0) return;
    this.haveFeedback = true;
    this.feedbacks++;
    this.inter.localUs = nowMs * 1000;
    for (let i = 0; i < r.count; i++) {
      if (!(r.arrivalUs[i] >= 0)) continue;
      this.acked.addResult(r, i);
      if (this.inter.addResult(r, i)) this.trendline.updateFrom(this.inter);
    }
    const io = this.io;
    io.nowMs = nowMs;
    this.acked.update();
    io.ackedBps = this.acked.lastBps;
    const usage = this.trendline.state;
    const before = this.aimd.decreases;
    if (usage === BandwidthUsage.OVERUSING) {
      if (this.aimd.timeToReduceFurtherNow()) this.aimd.apply(usage);
    } else this.aimd.apply(usage);
    if (this.aimd.decreases !== before) this.noteDecrease(CongestionCause.DELAY);
    if (this.rembActive()) { io.upperBps = this.rembBps; this.aimd.capToUpper(); }
    this.computeUpper();
    if (this.loss.addPacketsNow(r.received, r.lost)) this.noteDecrease(CongestionCause.LOSS);
  }

  /** REMB from the subscriber (goog-remb negotiated): an upper cap on the target. */
  onRemb(bps: number, nowMs: number): void {
    if (!(bps >= 0)) return;
    this.rembBps = bps;
    this.rembAtMs = nowMs;
  }

  /** Loss fraction (0..1, e.g. RR fraction lost / 256) for transports without TWCC feedback. */
  onLossReport(fractionLost: number, nowMs: number): void {
    this.io.nowMs = nowMs;
    this.computeUpper();
    this.io.loss = fractionLost;
    if (this.loss.applyNow()) this.noteDecrease(CongestionCause.LOSS);
  }

  /**
   * A probe cluster's result (ProbeEstimator.resultBps > 0): raises the delay-based and
   * loss-based rates to it when higher (never above max or an active REMB cap).
   */
  onProbeResult(bps: number, nowMs: number): void {
    if (!(bps > 0) || !Number.isFinite(bps)) return;
    this.io.nowMs = nowMs;
    let r = bps;
    if (this.rembActive() && this.rembBps < r) r = this.rembBps;
    if (r > this.aimd.rateBps) this.aimd.raiseTo(r, nowMs);
    if (r > this.loss.rateBps) this.loss.rateBps = Math.min(r, this.config.maxBitrateBps);
  }

  /** Round-trip time (ms) from RTCP RR/XR: paces decreases and additive increase. */
  onRtt(rttMs: number): void { if (rttMs > 0 && rttMs < 60_000) { this.aimd.rttMs = rttMs; this.loss.rttMs = rttMs; } }

  /** The current estimate (a reused object). */
  estimate(nowMs: number): BweEstimate {
    const c = this.config, io = this.io;
    io.nowMs = nowMs;
    this.computeUpper();
    this.loss.tickNow();
    this.acked.update();
    const upper = io.upperBps;
    const delay = this.haveFeedback ? this.aimd.rateBps : c.maxBitrateBps;
    const target = Math.min(c.maxBitrateBps, Math.max(c.minBitrateBps, Math.min(delay, this.loss.rateBps, upper)));
    const v = this.out.v;
    v[T] = Number.isFinite(target) ? target : c.minBitrateBps;
    v[DELAY] = this.aimd.rateBps;
    v[LOSS] = this.loss.rateBps;
    v[ACKED] = this.acked.lastBps;
    v[REMB] = this.rembActive() ? this.rembBps : -1;
    const usage = this.trendline.state;
    v[USAGE] = usage;
    v[LOSSF] = this.loss.lastLoss;
    v[TREND] = this.trendline.modifiedTrend;
    v[THR] = this.trendline.threshold;
    const decreasing = usage === BandwidthUsage.OVERUSING || nowMs - this.lastDecreaseMs < c.decreaseHoldMs;
    const rising = this.haveFeedback ? this.aimd.state === RateControlState.INCREASE : this.loss.lastAction === LossAction.INCREASE;
    v[STATE] = decreasing ? BweState.DECREASING : rising && target < upper ? BweState.INCREASING : BweState.HOLDING;
    v[CONG] = decreasing ? 1 : 0;
    v[CAUSE] = decreasing ? this.lastCause : CongestionCause.NONE;
    return this.out;
  }

  /** Time from io.nowMs. */
  private noteDecrease(cause: number): void { this.lastDecreaseMs = this.io.nowMs; this.lastCause = cause; }

  private rembActive(): boolean {
    return this.rembBps >= 0 && (this.config.rembTimeoutMs <= 0 || this.io.nowMs - this.rembAtMs <= this.config.rembTimeoutMs);
  }

  /** io.upperBps = min(delay-based once feedback came, REMB, max), at least min. */
  private computeUpper(): void {
    let u = this.config.maxBitrateBps;
    if (this.haveFeedback && this.aimd.rateBps < u) u = this.aimd.rateBps;
    if (this.rembActive() && this.rembBps < u) u = this.rembBps;
    this.io.upperBps = Math.max(this.config.minBitrateBps, u);
  }
}
