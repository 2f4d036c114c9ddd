// When to probe (libwebrtc ProbeController, reduced to what an SFU subscriber needs): the
// StreamAllocator says a layer it wants does not fit the estimate ("deficient"), and a
// send-side estimate cannot rise much above what is sent (GCC caps it near 1.5x the acked
// rate), so it sends a short cluster of RTX packets faster than the target and lets the
// ProbeEstimator's result raise the estimate.
//
//   probe when: deficient, the estimate is not congested, no cluster is running, and at
//               least `intervalMs` passed since the last cluster started
//   rate:       target x rateFactor (within [minProbeBps, maxProbeBps])
//   back off:   a result below target x successRatio (no headroom, or invalid: lost, late)
//               doubles the interval up to maxIntervalMs; a success resets it
//
// Pure: times come from the caller.

export interface ProbeControllerConfig {
  /** Probe packets per cluster. Default 15. */
  packets: number;
  /** Cluster rate = target x rateFactor. Default 2.5. */
  rateFactor: number;
  minProbeBps: number;
  maxProbeBps: number;
  /** Least time between cluster starts (ms), and the back-off ceiling. Defaults 2000, 30000. */
  minIntervalMs: number;
  maxIntervalMs: number;
  /** A result at least target x successRatio counts as headroom found. Default 1.1. */
  successRatio: number;
  /** A cluster without a result after this long is given up (feedback lost). Default 2000. */
  timeoutMs: number;
}

export const defaultProbeControllerConfig: Readonly<ProbeControllerConfig> = Object.freeze({
  packets: 15, rateFactor: 2.5, minProbeBps: 300_000, maxProbeBps: 20_000_000, minIntervalMs: 2000, maxIntervalMs: 30_000, successRatio: 1.1, timeoutMs: 2000,
});

export interface ProbeControllerCounters {
  clusters: number;
  successes: number;
  failures: number;
  timeouts: number;
}

export class ProbeController {
  readonly config: Readonly<ProbeControllerConfig>;
  readonly counters: ProbeControllerCounters = { clusters: 0, successes: 0, failures: 0, timeouts: 0 };
  /** Current spacing between clusters (ms). */
  intervalMs: number;
  /** Result of the last finished cluster (bps; -1 invalid or given up; 0 none yet). */
  lastResultBps = 0;
  #lastStartMs = -Infinity;
  #targetAtStart = 0;
  #running = false;

  constructor(config: Partial<ProbeControllerConfig> = {}) {
    this.config = Object.freeze({ ...defaultProbeControllerConfig, ...config });
    this.intervalMs = this.config.minIntervalMs;
  }

  get running(): boolean { return this.#running; }

  /**
   * The rate (bps) to probe at now, or 0 for no probe. A nonzero answer means the caller
   * starts a cluster of config.packets now (the controller counts it as running).
   */
  next(nowMs: number, deficient: boolean, congested: boolean, targetBps: number): number {
    if (this.#running) {
      if (nowMs - this.#lastStartMs > this.config.timeoutMs) { this.counters.timeouts++; this.#finish(-1); }
      return 0;
    }
    if (!deficient || congested || !(targetBps > 0) || nowMs - this.#lastStartMs < this.intervalMs) return 0;
    const c = this.config;
    this.#running = true;
    this.#lastStartMs = nowMs;
    this.#targetAtStart = targetBps;
    this.counters.clusters++;
    return Math.min(c.maxProbeBps, Math.max(c.minProbeBps, targetBps * c.rateFactor));
  }

  /** The running cluster finished with this result (ProbeEstimator.resultBps). */
  onResult(resultBps: number): void { if (this.#running) this.#finish(resultBps); }

  /** The running cluster could not be sent (nothing to send): no back-off, try again later. */
  abort(): void { this.#running = false; }

  #finish(resultBps: number): void {
    this.#running = false;
    this.lastResultBps = resultBps;
    if (resultBps >= this.#targetAtStart * this.config.successRatio) { this.counters.successes++; this.intervalMs = this.config.minIntervalMs; }
    else { this.counters.failures++; this.intervalMs = Math.min(this.config.maxIntervalMs, this.intervalMs * 2); }
  }
}
