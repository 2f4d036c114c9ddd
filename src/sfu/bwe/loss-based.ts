// Loss-based controller (GCC §6, libwebrtc's loss-based v1 in SendSideBandwidthEstimation).
// The loss fraction is judged once `lossMinPackets` packets and `lossIntervalMs` have
// passed (or taken directly from a receiver report); then
//   loss > 10 %  -> A = A × (1 − 0.5 × loss), at most once per 300 ms + RTT
//   loss <  2 %  -> A grows by `lossIncreasePerSecond` (1.08) per second of time, continuously
//   otherwise    -> hold
// A never rises above `upper` (the delay-based rate / REMB cap), so it follows them down
// and does not lag far behind on the way up.
import { BweInputs, type BweConfig } from './config.js';

export const LossAction = { NONE: 0, INCREASE: 1, HOLD: 2, DECREASE: 3 } as const;

export class LossBasedControl {
  rateBps = 0;
  /** Loss fraction of the last judged interval. */
  lastLoss = 0;
  lastAction: number = LossAction.NONE;
  rttMs = 0;
  private lost = 0;
  private total = 0;
  private lastJudgedMs = -Infinity;
  private lastDecreaseMs = -Infinity;
  private lastTickMs = -1;
  private readonly lnIncrease: number = 0;

  constructor(private readonly cfg: Readonly<BweConfig>, readonly io: BweInputs = new BweInputs()) {
    this.rateBps = cfg.startBitrateBps;
    this.rttMs = cfg.initialRttMs;
    this.lnIncrease = Math.log(cfg.lossIncreasePerSecond);
  }

  /** Packets from one TWCC feedback. Returns true when a decrease happened. */
  addPackets(received: number, lost: number, nowMs: number, upperBps: number): boolean {
    this.io.nowMs = nowMs; this.io.upperBps = upperBps;
    return this.addPacketsNow(received, lost);
  }

  /** addPackets with io.nowMs / io.upperBps. */
  addPacketsNow(received: number, lost: number): boolean {
    this.lost += lost;
    this.total += received + lost;
    this.tickNow();
    if (this.total < this.cfg.lossMinPackets || this.io.nowMs - this.lastJudgedMs < this.cfg.lossIntervalMs) return false;
    this.io.loss = this.lost / this.total;
    this.lost = 0; this.total = 0;
    return this.applyNow();
  }

  /** A loss fraction (0..1) judged now, e.g. from an RTCP receiver report. Returns true on a decrease. */
  apply(loss: number, nowMs: number, upperBps: number): boolean {
    this.io.loss = loss; this.io.nowMs = nowMs; this.io.upperBps = upperBps;
    return this.applyNow();
  }

  /** apply() with io.loss / io.nowMs / io.upperBps. */
  applyNow(): boolean {
    let loss = this.io.loss;
    const nowMs = this.io.nowMs, upperBps = this.io.upperBps;
    if (!(loss >= 0)) loss = 0;
    if (loss > 1) loss = 1;
    this.tickNow();
    this.lastLoss = loss;
    this.lastJudgedMs = nowMs;
    let decreased = false;
    if (loss > this.cfg.lossHigh) {
      this.lastAction = LossAction.DECREASE;
      if (nowMs - this.lastDecreaseMs >= 300 + this.rttMs) {
        this.rateBps = this.bound(this.rateBps * (1 - 0.5 * loss), upperBps);
        this.lastDecreaseMs = nowMs;
        decreased = true;
      }
    } else this.lastAction = loss < this.cfg.lossLow ? LossAction.INCREASE : LossAction.HOLD;
    return decreased;
  }

  /** Advance time: grow while the last judged loss was low; never above `upperBps`. */
  tick(nowMs: number, upperBps: number): void {
    this.io.nowMs = nowMs; this.io.upperBps = upperBps;
    this.tickNow();
  }

  /** tick() with io.nowMs / io.upperBps. */
  tickNow(): void {
    const nowMs = this.io.nowMs, upperBps = this.io.upperBps;
    const dt = this.lastTickMs < 0 ? 0 : Math.min(1000, Math.max(0, nowMs - this.lastTickMs));
    this.lastTickMs = nowMs;
    let r = this.rateBps;
    if (this.lastAction === LossAction.INCREASE || this.lastAction === LossAction.NONE) r *= Math.exp(this.lnIncrease * (dt / 1000));
    const c = this.cfg;
    r = r < upperBps ? r : upperBps;
    this.rateBps = r > c.maxBitrateBps ? c.maxBitrateBps : r < c.minBitrateBps ? c.minBitrateBps : r;
  }

  private bound(r: number, upperBps: number): number {
    return Math.min(this.cfg.maxBitrateBps, Math.max(this.cfg.minBitrateBps, Math.min(r, upperBps)));
  }
}
