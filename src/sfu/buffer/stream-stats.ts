// Receive statistics of one RTP stream, over EXTENDED sequence numbers and timestamps
// (SeqUnwrapper/TsUnwrapper ran at ingress): what an RTCP report block needs.
//
// - loss (RFC 3550 A.3): expected = highest - base + 1, lost = expected - received.
//   `received` counts distinct packets: duplicates (an RTX copy of a packet that did
//   arrive) are counted apart so they do not hide real loss.
// - reorder / duplicate: a bitmap of the last `historySize` sequence numbers.
// - interarrival jitter (RFC 3550 §6.4.1, A.8): J += (|D| - J) / 16 with D the change in
//   transit time (arrival in timestamp units - RTP timestamp), over in-order packets.
//   D only needs differences, so the raw 32-bit timestamp is enough (wrap-safe `| 0`);
//   it is taken raw on purpose: a value above 2^31 passed into a call is boxed (a heap
//   number per packet), a 32-bit `ts | 0` never is.
// - fraction lost since the last report (A.3 interval counters), extended highest seq.
// Pure core: arrival times come from the caller.
import type { ReportBlockInit } from '../../rtp/index.js';
import { checkNum, checkPow2 } from './errors.js';
import { SEQ_CYCLE } from './seq-unwrapper.js';

/** What StreamStats.update made of one packet. */
export const StreamPacket = {
  /** Newer than every packet so far. */
  NEW: 0,
  /** Older than the highest, not seen before: fills a gap (late or retransmitted). */
  REORDERED: 1,
  /** Seen before. */
  DUPLICATE: 2,
  /** Older than the history window: cannot tell; not counted as received. */
  TOO_OLD: 3,
} as const;
export type StreamPacket = (typeof StreamPacket)[keyof typeof StreamPacket];

export class StreamStats {
  readonly clockRate: number;
  readonly historySize: number;
  /** Distinct packets received (each sequence number once). */
  received = 0;
  /** Bytes of the distinct packets (what the caller passed). */
  bytes = 0;
  duplicates = 0;
  /** Packets that arrived after a newer one (gap fills: late or retransmitted). */
  reordered = 0;
  /** Packets older than the history window (ignored). */
  tooOld = 0;
  #started = false;
  #base = 0;
  #highest = 0;
  readonly #seen: Uint32Array;
  readonly #mask: number;
  // [0] jitter (timestamp units, fractional), [1] last arrival ms; typed arrays hold the
  // doubles so no heap number is made per packet.
  readonly #j = new Float64Array(2);
  #lastTs = 0;
  #haveTransit = false;
  #expectedPrior = 0;
  #receivedPrior = 0;

  constructor(clockRate: number, historySize = 1024) {
    this.clockRate = checkNum('clockRate', clockRate, 1);
    this.historySize = checkPow2('historySize', historySize, 32, 0x8000);
    this.#seen = new Uint32Array(historySize >> 5);
    this.#mask = historySize - 1;
  }

  /**
   * Account one packet: its extended sequence number (SeqUnwrapper), its RTP timestamp
   * as on the wire (32 bits, any sign), its size and arrival time. Returns a StreamPacket code.
   */
  update(extSeq: number, rtpTs: number, bytes: number, arrivalMs: number): StreamPacket {
    const seen = this.#seen, mask = this.#mask;
    if (!this.#started) {
      this.#started = true;
      this.#base = extSeq;
      this.#highest = extSeq;
    } else if (extSeq > this.#highest) {
      // Slots between the old highest and this one now stand for new, unseen numbers.
      const gap = extSeq - this.#highest;
      if (gap >= this.historySize) seen.fill(0);
      else for (let e = this.#highest + 1; e < extSeq; e++) { const i = e & mask; seen[i >> 5] &= ~(1 << (i & 31)); }
      this.#highest = extSeq;
    } else {
      if (extSeq <= this.#highest - this.historySize) { this.tooOld++; return StreamPacket.TOO_OLD; }
      const i = extSeq & mask;
      if (seen[i >> 5] & (1 << (i & 31))) { this.duplicates++; return StreamPacket.DUPLICATE; }
      seen[i >> 5] |= 1 << (i & 31);
      if (extSeq < this.#base) this.#base = extSeq; // sent before the first one we saw
      this.received++;
      this.bytes += bytes;
      this.reordered++;
      return StreamPacket.REORDERED;
    }
    const i = extSeq & mask;
    seen[i >> 5] |= 1 << (i & 31);
    this.received++;
    this.bytes += bytes;
    // Jitter over in-order packets only: a late packet's transit says nothing about the path now.
    // D = (arrival_i - arrival_j) - (ts_i - ts_j), all in timestamp units.
    const j = this.#j;
    const ts = rtpTs | 0;
    if (this.#haveTransit) {
      let d = ((arrivalMs - j[1]) * this.clockRate) / 1000 - ((ts - this.#lastTs) | 0);
      if (d < 0) d = -d;
      j[0] += (d - j[0]) / 16;
    }
    j[1] = arrivalMs;
    this.#lastTs = ts;
    this.#haveTransit = true;
    return StreamPacket.NEW;
  }

  get started(): boolean { return this.#started; }
  /** Highest extended sequence number seen (SeqUnwrapper space). */
  get highestExtSeq(): number { return this.#highest; }
  /** RTCP "extended highest sequence number received": cycles << 16 | seq, 32 bits. */
  get extendedHighestSeq(): number { return this.#started ? (this.#highest - SEQ_CYCLE) >>> 0 : 0; }
  get expected(): number { return this.#started ? this.#highest - this.#base + 1 : 0; }
  /** Cumulative packets lost (never negative: duplicates are not counted as received). */
  get lost(): number { return this.expected - this.received; }
  /** Interarrival jitter in timestamp units (the report block's integer). */
  get jitter(): number { return Math.floor(this.#j[0]); }
  get jitterMs(): number { return (this.#j[0] * 1000) / this.clockRate; }

  /**
   * Fill the loss/jitter fields of a report block (fractionLost, cumulativeLost,
   * highestSeq, jitter) and start a new interval. The caller sets ssrc, lsr and dlsr
   * and writes it with writeReportBlock (src/rtp). No allocation.
   */
  fillReportBlock(b: ReportBlockInit): void {
    const expected = this.expected;
    const expInterval = expected - this.#expectedPrior;
    const recvInterval = this.received - this.#receivedPrior;
    this.#expectedPrior = expected;
    this.#receivedPrior = this.received;
    const lostInterval = expInterval - recvInterval;
    b.fractionLost = expInterval <= 0 || lostInterval <= 0 ? 0 : Math.min(255, Math.floor((lostInterval * 256) / expInterval));
    const lost = this.lost;
    b.cumulativeLost = lost > 0x7fffff ? 0x7fffff : lost < -0x800000 ? -0x800000 : lost;
    b.highestSeq = this.extendedHighestSeq;
    b.jitter = this.jitter >>> 0;
  }

  /** Forget everything (new source). */
  reset(): void {
    this.received = this.bytes = this.duplicates = this.reordered = this.tooOld = 0;
    this.#started = false;
    this.#base = this.#highest = 0;
    this.#seen.fill(0);
    this.#j.fill(0);
    this.#haveTransit = false;
    this.#expectedPrior = this.#receivedPrior = 0;
  }
}
