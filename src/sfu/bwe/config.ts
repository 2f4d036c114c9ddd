// Configuration of the send-side bandwidth estimator. Defaults follow
// draft-ietf-rmcat-gcc-02 and libwebrtc's goog_cc where they name a value.

export interface BweConfig {
  /** Bounds and start of the target bitrate (bps). Defaults 30 kbit/s, 10 Mbit/s, 600 kbit/s. */
  minBitrateBps: number;
  maxBitrateBps: number;
  startBitrateBps: number;
  /** Packets sent within this span form one group (ms). Default 5. */
  burstTimeMs: number;
  /** Trendline: regression window (groups), smoothing of the accumulated delay, gain. Defaults 20, 0.9, 4. */
  trendlineWindow: number;
  trendlineSmoothing: number;
  trendlineGain: number;
  /** Overuse detector: initial threshold (ms), K_u, K_d, time over threshold before signalling (ms). Defaults 12.5, 0.0087, 0.039, 10. */
  initialThresholdMs: number;
  kUp: number;
  kDown: number;
  overuseTimeMs: number;
  /** Multiplicative decrease on overuse: target = beta × acknowledged rate. Default 0.85. */
  beta: number;
  /** Multiplicative increase per second far from the link capacity. Default 1.08. */
  increasePerSecond: number;
  /** Acknowledged-bitrate window (ms of arrival time). Default 500. */
  ackWindowMs: number;
  /** Loss above this decreases the loss-based rate by (1 - 0.5 × loss). Default 0.10. */
  lossHigh: number;
  /** Loss below this increases the loss-based rate by `lossIncreasePerSecond` (per second elapsed). Default 0.02 and 1.08. */
  lossLow: number;
  lossIncreasePerSecond: number;
  /** Loss is judged over at least this many packets and this long (ms). Defaults 20, 200. */
  lossMinPackets: number;
  lossIntervalMs: number;
  /** RTT assumed until onRtt() is called (ms). Default 100. */
  initialRttMs: number;
  /** A REMB cap older than this is forgotten (ms; 0 = never). Default 0. */
  rembTimeoutMs: number;
  /** How long a decrease keeps `state` at DECREASING (ms). Default 500. */
  decreaseHoldMs: number;
}

export const defaultBweConfig: Readonly<BweConfig> = Object.freeze({
  minBitrateBps: 30_000,
  maxBitrateBps: 10_000_000,
  startBitrateBps: 600_000,
  burstTimeMs: 5,
  trendlineWindow: 20,
  trendlineSmoothing: 0.9,
  trendlineGain: 4,
  initialThresholdMs: 12.5,
  kUp: 0.0087,
  kDown: 0.039,
  overuseTimeMs: 10,
  beta: 0.85,
  increasePerSecond: 1.08,
  ackWindowMs: 500,
  lossHigh: 0.1,
  lossLow: 0.02,
  lossIncreasePerSecond: 1.08,
  lossMinPackets: 20,
  lossIntervalMs: 200,
  initialRttMs: 100,
  rembTimeoutMs: 0,
  decreaseHoldMs: 500,
});

/** Delay-based detector output (the "signal" of GCC §5.4). */
export const BandwidthUsage = { NORMAL: 0, UNDERUSING: 1, OVERUSING: 2 } as const;

/** Estimator state reported to the StreamAllocator. */
export const BweState = { INCREASING: 0, HOLDING: 1, DECREASING: 2 } as const;
export const bweStateName = (s: number): 'increasing' | 'holding' | 'decreasing' => (s === 0 ? 'increasing' : s === 1 ? 'holding' : 'decreasing');

/** What caused the last decrease. */
export const CongestionCause = { NONE: 0, DELAY: 1, LOSS: 2 } as const;

/**
 * Per-call inputs shared by the estimator's parts. Doubles handed between functions that
 * are not inlined get boxed (a heap allocation per call), and so may doubles stored into
 * object fields; these live in a Float64Array behind accessors instead.
 */
export class BweInputs {
  private readonly v = new Float64Array(4);
  constructor() { this.v[1] = -1; }
  get nowMs(): number { return this.v[0]; }
  set nowMs(x: number) { this.v[0] = x; }
  /** Acknowledged bitrate, -1 when unknown. */
  get ackedBps(): number { return this.v[1]; }
  set ackedBps(x: number) { this.v[1] = x; }
  /** Upper limit for the loss-based rate (delay-based, REMB, max). */
  get upperBps(): number { return this.v[2]; }
  set upperBps(x: number) { this.v[2] = x; }
  /** Loss fraction to judge (0..1). */
  get loss(): number { return this.v[3]; }
  set loss(x: number) { this.v[3] = x; }
}
