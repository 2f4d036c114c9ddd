// Send-side NACK responder, one per DownTrack: given the lost list of a subscriber's
// NACK (subscriber sequence space) and the time, decide which packets to retransmit.
// A packet is skipped when:
//   - the Sequencer no longer knows it (never sent, or older than its ring), or it was
//     padding with no source packet                                     -> notFound
//   - it was first sent more than maxAgeMs ago (the receiver has moved on) -> tooOld
//   - it has been retransmitted maxRetransmits times                    -> exhausted
//   - its last retransmission was less than ~RTT ago (that copy may still be in flight)
//                                                                          -> tooSoon
//   - the token bucket (packets/s and bytes/s, with a burst) is empty    -> rateLimited
// Chosen packets are marked in the Sequencer and their slots written to the caller's
// Int32Array; the caller reads srcExtSeq/outTs from the Sequencer, copies the packet out
// of the PacketCache and sends it (RTX or plain). Pure core, no allocation.
import { checkInt, checkNum } from '../buffer/errors.js';
import type { Sequencer } from './sequencer.js';

export interface NackResponderConfig {
  /** Retransmissions per packet. Default 5. */
  maxRetransmits: number;
  /** Do not resend a packet first sent longer ago than this. Default 1000 ms. */
  maxAgeMs: number;
  /** Min gap between two retransmissions of one packet = max(minIntervalMs, rttFactor * RTT). Defaults 10 ms, 1.0. */
  minIntervalMs: number;
  rttFactor: number;
  /** RTT assumed when none is known. Default 100 ms. */
  defaultRttMs: number;
  /** Token bucket rates; 0 = unlimited. Defaults 500 packets/s, 2_000_000 bytes/s (16 Mbps). */
  packetsPerSecond: number;
  bytesPerSecond: number;
  /** Bucket depth in ms of rate (the burst allowed after a quiet period). Default 200 ms. */
  burstMs: number;
}

export const defaultNackResponderConfig: Readonly<NackResponderConfig> = Object.freeze({
  maxRetransmits: 5, maxAgeMs: 1000, minIntervalMs: 10, rttFactor: 1, defaultRttMs: 100,
  packetsPerSecond: 500, bytesPerSecond: 2_000_000, burstMs: 200,
});

export class NackResponder {
  readonly config: Readonly<NackResponderConfig>;
  readonly sequencer: Sequencer;
  // Counters (since creation) for stats and tests.
  retransmitted = 0;
  notFound = 0;
  tooOld = 0;
  exhausted = 0;
  tooSoon = 0;
  rateLimited = 0;
  #pktTokens: number;
  #byteTokens: number;
  #lastRefillMs = -1;

  constructor(sequencer: Sequencer, config: Partial<NackResponderConfig> = {}) {
    const c = { ...defaultNackResponderConfig, ...config };
    checkInt('maxRetransmits', c.maxRetransmits, 1, 255);
    for (const k of ['maxAgeMs', 'minIntervalMs', 'rttFactor', 'defaultRttMs', 'packetsPerSecond', 'bytesPerSecond', 'burstMs'] as const) checkNum(k, c[k], 0);
    this.config = Object.freeze(c);
    this.sequencer = sequencer;
    this.#pktTokens = (c.packetsPerSecond * c.burstMs) / 1000;
    this.#byteTokens = (c.bytesPerSecond * c.burstMs) / 1000;
  }

  /**
   * One subscriber NACK: `lost[0..count)` are outgoing 16-bit sequence numbers (as from
   * NackView.fillLost). Writes the Sequencer slots to resend into `outSlots` (in NACK
   * order) and returns how many. `rttMs` <= 0: unknown.
   */
  respond(lost: ArrayLike<number>, count: number, nowMs: number, rttMs: number, outSlots: Int32Array): number {
    const c = this.config, sq = this.sequencer;
    this.#refill(nowMs);
    const rtt = rttMs > 0 ? rttMs : c.defaultRttMs;
    const gap = Math.max(c.minIntervalMs, rtt * c.rttFactor);
    const limitP = c.packetsPerSecond > 0, limitB = c.bytesPerSecond > 0;
    let n = 0;
    if (count > lost.length) count = lost.length;
    for (let i = 0; i < count && n < outSlots.length; i++) {
      const slot = sq.lookup(lost[i]);
      if (slot < 0 || sq.srcExtSeq(slot) < 0) { this.notFound++; continue; }
      if (nowMs - sq.sentMs(slot) > c.maxAgeMs) { this.tooOld++; continue; }
      if (sq.rtxCount(slot) >= c.maxRetransmits) { this.exhausted++; continue; }
      if (nowMs - sq.lastRtxMs(slot) < gap) { this.tooSoon++; continue; }
      const size = sq.bytes(slot);
      if ((limitP && this.#pktTokens < 1) || (limitB && this.#byteTokens < size)) { this.rateLimited++; continue; }
      if (limitP) this.#pktTokens -= 1;
      if (limitB) this.#byteTokens -= size;
      sq.markRetransmitted(slot, nowMs);
      outSlots[n++] = slot;
    }
    this.retransmitted += n;
    return n;
  }

  #refill(nowMs: number): void {
    const c = this.config;
    if (this.#lastRefillMs < 0) { this.#lastRefillMs = nowMs; return; }
    const dt = nowMs - this.#lastRefillMs;
    if (dt <= 0) return;
    this.#lastRefillMs = nowMs;
    const maxP = (c.packetsPerSecond * c.burstMs) / 1000, maxB = (c.bytesPerSecond * c.burstMs) / 1000;
    this.#pktTokens = Math.min(maxP, this.#pktTokens + (c.packetsPerSecond * dt) / 1000);
    this.#byteTokens = Math.min(maxB, this.#byteTokens + (c.bytesPerSecond * dt) / 1000);
  }
}
