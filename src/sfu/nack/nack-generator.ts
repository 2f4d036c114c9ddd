// Receive-side NACK generator (towards the publisher), the pure core of pion's
// nack/receive_log.go + generator: it learns which extended sequence numbers are
// missing as packets arrive, and on each tick says which to NACK now.
//
//   arrival of ext > highest + 1  -> ext-(gap)..ext-1 become "missing" (first seen now)
//   tick: missing for >= reorder delay and never NACKed     -> NACK (try 1)
//         NACKed >= retry interval (~RTT, clamped) ago      -> NACK again (try n)
//         older than maxAgeMs, or maxTries used and retry elapsed -> given up
//   arrival of a missing ext (late or retransmitted)        -> entry cleared
//   one gap larger than maxMissing -> nothing tracked, keyframe flag set instead
//
// Bounded memory: at most maxMissing entries in preallocated typed arrays, kept in
// ascending order (new gaps append at the end; arrivals remove by binary search).
import { writeNack, RtpStatus } from '../../rtp/index.js';
import { checkInt, checkNum } from '../buffer/errors.js';

export interface NackGeneratorConfig {
  /** Most sequence numbers tracked at once; a single larger gap asks for a keyframe. Default 256. */
  maxMissing: number;
  /** NACKs sent per missing packet before giving up. Default 10. */
  maxTries: number;
  /** A packet missing for longer than this is given up. Default 1000 ms. */
  maxAgeMs: number;
  /** First NACK waits max(minReorderDelayMs, reorderRttFraction * RTT): the packet may only be reordered. Defaults 10 ms, 0.1. */
  minReorderDelayMs: number;
  reorderRttFraction: number;
  /** Retry interval = clamp(retryRttFactor * RTT, minRetryMs, maxRetryMs). Defaults 1.0, 20 ms, 400 ms. */
  retryRttFactor: number;
  minRetryMs: number;
  maxRetryMs: number;
  /** RTT assumed while none is known (tick got rttMs <= 0). Default 100 ms. */
  defaultRttMs: number;
}

export const defaultNackGeneratorConfig: Readonly<NackGeneratorConfig> = Object.freeze({
  maxMissing: 256, maxTries: 10, maxAgeMs: 1000, minReorderDelayMs: 10, reorderRttFraction: 0.1,
  retryRttFactor: 1, minRetryMs: 20, maxRetryMs: 400, defaultRttMs: 100,
});

/** What NackGenerator.onPacket made of one packet. */
export const NackPacket = {
  /** Newest so far (any gap before it is now tracked). */
  NEW: 0,
  /** Was missing: its entry is cleared. */
  RECOVERED: 1,
  /** Older than the newest and not missing (duplicate, or given up already). */
  OLD: 2,
  /** Newest, after a gap larger than maxMissing: tracking reset, keyframe flag set. */
  BURST: 3,
} as const;
export type NackPacket = (typeof NackPacket)[keyof typeof NackPacket];

export class NackGenerator {
  readonly config: Readonly<NackGeneratorConfig>;
  /** Counters for stats. */
  nacksSent = 0;
  recovered = 0;
  givenUp = 0;
  /** Entries dropped because the table was full (oldest first). */
  evicted = 0;
  burstResets = 0;
  /** Sequence numbers in the last NACK written by tick. */
  lastCount = 0;
  #keyframe = false;
  #started = false;
  #highest = 0;
  #n = 0;
  readonly #seq: Float64Array;
  readonly #first: Float64Array;
  readonly #last: Float64Array;
  readonly #tries: Uint8Array;
  readonly #out: Uint16Array;
  readonly #outIdx: Int32Array;

  constructor(config: Partial<NackGeneratorConfig> = {}) {
    const c = { ...defaultNackGeneratorConfig, ...config };
    checkInt('maxMissing', c.maxMissing, 1, 0x4000);
    checkInt('maxTries', c.maxTries, 1, 255);
    for (const k of ['maxAgeMs', 'minReorderDelayMs', 'reorderRttFraction', 'retryRttFactor', 'minRetryMs', 'defaultRttMs'] as const) checkNum(k, c[k], 0);
    checkNum('maxRetryMs', c.maxRetryMs, c.minRetryMs);
    this.config = Object.freeze(c);
    const m = c.maxMissing;
    this.#seq = new Float64Array(m);
    this.#first = new Float64Array(m);
    this.#last = new Float64Array(m);
    this.#tries = new Uint8Array(m);
    this.#out = new Uint16Array(m);
    this.#outIdx = new Int32Array(m);
  }

  /** Sequence numbers currently tracked as missing. */
  get missing(): number { return this.#n; }
  get highest(): number { return this.#highest; }
  /** Set when a burst was too large to NACK; read it with takeKeyframeRequest. */
  get keyframeNeeded(): boolean { return this.#keyframe; }
  /** True once after a burst reset: the caller should send a PLI upstream instead of NACKs. */
  takeKeyframeRequest(): boolean { const k = this.#keyframe; this.#keyframe = false; return k; }

  /** True when `extSeq` is tracked as missing. */
  isMissing(extSeq: number): boolean { return this.#find(extSeq) >= 0; }

  /** Every arriving packet (original, late, or unwrapped RTX), by extended seq. */
  onPacket(extSeq: number, nowMs: number): NackPacket {
    if (!this.#started) { this.#started = true; this.#highest = extSeq; return NackPacket.NEW; }
    const h = this.#highest;
    if (extSeq <= h) {
      const i = this.#find(extSeq);
      if (i < 0) return NackPacket.OLD;
      this.#remove(i);
      this.recovered++;
      return NackPacket.RECOVERED;
    }
    this.#highest = extSeq;
    const gap = extSeq - h - 1;
    if (gap === 0) return NackPacket.NEW;
    const cap = this.config.maxMissing;
    if (gap > cap) {
      this.burstResets++;
      this.#n = 0;
      this.#keyframe = true;
      return NackPacket.BURST;
    }
    const over = this.#n + gap - cap;
    if (over > 0) { this.evicted += over; this.#shiftOut(over); }
    let n = this.#n;
    for (let e = h + 1; e < extSeq; e++, n++) {
      this.#seq[n] = e; this.#first[n] = nowMs; this.#last[n] = -Infinity; this.#tries[n] = 0;
    }
    this.#n = n;
    return NackPacket.NEW;
  }

  /**
   * Decide what to NACK at `nowMs` and write one generic NACK (RTCP RTPFB FMT 1) at
   * dst[off]. Returns bytes written, 0 when nothing is due. When dst is too small for
   * all due entries it NACKs as many as fit (the rest stay due for the next tick).
   * `rttMs` <= 0 means unknown (defaultRttMs is used).
   */
  tick(nowMs: number, rttMs: number, dst: Uint8Array, off: number, senderSsrc: number, mediaSsrc: number): number {
    const c = this.config;
    const rtt = rttMs > 0 ? rttMs : c.defaultRttMs;
    const reorder = Math.max(c.minReorderDelayMs, rtt * c.reorderRttFraction);
    let retry = rtt * c.retryRttFactor;
    retry = retry < c.minRetryMs ? c.minRetryMs : retry > c.maxRetryMs ? c.maxRetryMs : retry;
    const seq = this.#seq, first = this.#first, last = this.#last, tries = this.#tries;
    const out = this.#out, outIdx = this.#outIdx;
    let w = 0, k = 0;
    for (let i = 0; i < this.#n; i++) {
      const t = tries[i];
      if (nowMs - first[i] > c.maxAgeMs || (t >= c.maxTries && nowMs - last[i] >= retry)) { this.givenUp++; continue; }
      if (w !== i) { seq[w] = seq[i]; first[w] = first[i]; last[w] = last[i]; tries[w] = t; }
      if (t < c.maxTries && (t === 0 ? nowMs - first[w] >= reorder : nowMs - last[w] >= retry)) {
        out[k] = seq[w] & 0xffff;
        outIdx[k++] = w;
      }
      w++;
    }
    this.#n = w;
    this.lastCount = 0;
    if (k === 0) return 0;
    let len = writeNack(dst, off, senderSsrc, mediaSsrc, out, k);
    while (len === -RtpStatus.NO_SPACE && k > 1) { k >>= 1; len = writeNack(dst, off, senderSsrc, mediaSsrc, out, k); }
    if (len <= 0) return 0;
    for (let j = 0; j < k; j++) { const i = outIdx[j]; tries[i]++; last[i] = nowMs; }
    this.lastCount = k;
    this.nacksSent += k;
    return len;
  }

  /** Forget everything (new source). */
  reset(): void { this.#started = false; this.#highest = 0; this.#n = 0; this.#keyframe = false; }

  #find(e: number): number {
    let lo = 0, hi = this.#n - 1;
    const s = this.#seq;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = s[mid];
      if (v === e) return mid;
      if (v < e) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }

  #remove(i: number): void {
    const n = this.#n;
    this.#seq.copyWithin(i, i + 1, n); this.#first.copyWithin(i, i + 1, n);
    this.#last.copyWithin(i, i + 1, n); this.#tries.copyWithin(i, i + 1, n);
    this.#n = n - 1;
  }

  #shiftOut(k: number): void {
    const n = this.#n;
    if (k >= n) { this.#n = 0; return; }
    this.#seq.copyWithin(0, k, n); this.#first.copyWithin(0, k, n);
    this.#last.copyWithin(0, k, n); this.#tries.copyWithin(0, k, n);
    this.#n = n - k;
  }
}
