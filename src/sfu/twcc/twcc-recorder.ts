// Receive side of transport-wide congestion control (towards publishers): remember when
// each transport-wide sequence number arrived, and every 50–100 ms describe the packets
// since the last feedback in one or more RTPFB/15 packets (draft-holmer-rmcat-transport-
// wide-cc-extensions-01 §3.1), which the publisher's send-side estimator consumes.
//
//   record(seq16, arrivalUs)            per RTP packet carrying the extension (no alloc)
//   isDue(nowUs) -> buildFeedback(...)  per tick; bytes written into the caller's buffer
//
// A feedback covers [nextSeq, highest]: packets not (yet) recorded are reported lost,
// reordered ones get negative deltas. A feedback is cut where the next received packet's
// delta would not fit 16 bits (±8.19 s), where it would pass `maxFeedbackBytes`, or at
// `maxPacketsPerFeedback`. Packets arriving after their number was reported are dropped
// (counted in `late`), as libwebrtc does.
import { writeTwccFeedback, RtpStatus, TWCC_DELTA_US, TWCC_REFERENCE_US, type TwccFeedbackInit } from '../../rtp/index.js';
import { SeqUnwrapper } from './seq-unwrap.js';

export interface TwccRecorderConfig {
  /** Packets remembered (rounded up to a power of two); more than arrive between two feedbacks. Default 16384. */
  capacity: number;
  /** Feedback interval bounds in ms. The interval aims at 5 % of the incoming bitrate (see setIncomingBitrate). Default 50 / 100. */
  minIntervalMs: number;
  maxIntervalMs: number;
  /** Upper bound on one feedback packet's size (room left in an MTU for SRTCP). Default 1100. */
  maxFeedbackBytes: number;
  /** Upper bound on packets described by one feedback. Default 8191. */
  maxPacketsPerFeedback: number;
}

export const defaultTwccRecorderConfig: Readonly<TwccRecorderConfig> = Object.freeze({
  capacity: 16384, minIntervalMs: 50, maxIntervalMs: 100, maxFeedbackBytes: 1100, maxPacketsPerFeedback: 8191,
});

/** Size libwebrtc assumes for one feedback when sizing the interval (bytes). */
const TYPICAL_FEEDBACK_BYTES = 68;
const TICKS_PER_REF = TWCC_REFERENCE_US / TWCC_DELTA_US;

export class TwccRecorder {
  readonly config: Readonly<TwccRecorderConfig>;
  private readonly mask: number;
  private readonly arrival: Float64Array;
  private readonly tag: Float64Array;
  private readonly seq = new SeqUnwrapper();
  /** First extended seq not yet reported; -1 before the first packet. */
  private next = -1;
  private fbCount = 0;
  // [last feedback time µs, interval µs] in a typed array: a double stored into an object
  // field may be boxed (allocated) by V8; a typed-array store never is.
  private readonly times = new Float64Array([-Infinity, 0]);
  private scratch: Float64Array;
  private readonly init: TwccFeedbackInit;

  /** Packets recorded / ignored because already reported / duplicates / window restarts. */
  recorded = 0;
  late = 0;
  duplicates = 0;
  restarts = 0;
  /** Feedback packets written so far. */
  feedbacksBuilt = 0;
  /** RTCP packets written by the last buildFeedback call. */
  lastPacketCount = 0;

  constructor(config: Partial<TwccRecorderConfig> = {}) {
    this.config = Object.freeze({ ...defaultTwccRecorderConfig, ...config });
    let cap = 1;
    while (cap < this.config.capacity) cap <<= 1;
    this.mask = cap - 1;
    this.arrival = new Float64Array(cap);
    this.tag = new Float64Array(cap).fill(-1);
    this.scratch = new Float64Array(Math.min(this.config.maxPacketsPerFeedback, cap));
    this.times[1] = this.config.maxIntervalMs * 1000;
    this.init = { senderSsrc: 0, mediaSsrc: 0, baseSeq: 0, fbPktCount: 0, count: 0, arrivalUs: this.scratch };
  }

  /** Record one packet's transport-wide seq (16 bits) and arrival time (µs, >= 0). */
  record(seq16: number, arrivalUs: number): void {
    const e = this.seq.unwrap(seq16);
    if (this.next < 0) this.next = e;
    else if (e < this.next) { this.late++; return; } else if (e - this.next > this.mask) {
      // Too far ahead to keep the unreported ones: start over from this packet.
      this.next = e;
      this.restarts++;
    }
    const s = e & this.mask;
    if (this.tag[s] === e) { this.duplicates++; return; }
    this.tag[s] = e;
    this.arrival[s] = arrivalUs;
    this.recorded++;
  }

  /**
   * Forget everything (e.g. the publisher's transport was replaced and its sequence
   * numbers start over); the feedback count continues.
   */
  reset(): void {
    this.seq.reset();
    this.next = -1;
    this.tag.fill(-1);
  }

  /** Packets waiting to be reported (including the lost ones between them). */
  get pending(): number { return this.next < 0 ? 0 : this.seq.highest - this.next + 1; }

  /** Set the feedback interval from the incoming bitrate: feedback takes ~5 % of it, within [min, max]. */
  setIncomingBitrate(bps: number): void {
    const ms = bps > 0 ? (TYPICAL_FEEDBACK_BYTES * 8 * 1000) / (0.05 * bps) : this.config.maxIntervalMs;
    this.times[1] = Math.min(this.config.maxIntervalMs, Math.max(this.config.minIntervalMs, ms)) * 1000;
  }

  get intervalMs(): number { return this.times[1] / 1000; }

  /** True when packets are pending and the interval has passed since the last feedback. */
  isDue(nowUs: number): boolean {
    return this.pending > 0 && nowUs - this.times[0] >= this.times[1];
  }

  /**
   * Write feedback packets for every pending packet into buf[off..], back to back (as
   * many as fit; `pending` stays > 0 when the buffer ran out). Returns bytes written
   * (0 when nothing is pending); `lastPacketCount` says how many RTCP packets.
   */
  buildFeedback(nowUs: number, buf: Uint8Array, off: number, senderSsrc: number, mediaSsrc: number): number {
    this.times[0] = nowUs;
    this.lastPacketCount = 0;
    const init = this.init;
    init.senderSsrc = senderSsrc;
    init.mediaSsrc = mediaSsrc;
    let total = 0;
    while (this.pending > 0) {
      const count = this.fillSlice();
      init.baseSeq = this.next & 0xffff;
      init.fbPktCount = this.fbCount & 0xff;
      init.count = count;
      const n = writeTwccFeedback(buf, off + total, init);
      if (n === -RtpStatus.NO_SPACE) break;
      if (n > 0) {
        total += n;
        this.fbCount++;
        this.feedbacksBuilt++;
        this.lastPacketCount++;
      }
      this.next += count; // a slice the writer refused (cannot happen) is skipped, never looped on
    }
    return total;
  }

  /** Copy arrival times for the next feedback into scratch (-1 = lost); returns the count. */
  private fillSlice(): number {
    const max = Math.min(this.pending, this.scratch.length);
    const limit = this.config.maxFeedbackBytes;
    let prev = 0; // ticks of the previous received packet (or the reference time)
    let seen = false;
    let deltaBytes = 0;
    let i = 0;
    for (; i < max; i++) {
      const e = this.next + i;
      const s = e & this.mask;
      if (this.tag[s] !== e) { this.scratch[i] = -1; continue; }
      const a = this.arrival[s];
      const ticks = Math.round(a / TWCC_DELTA_US);
      if (!seen) { prev = Math.floor(a / TWCC_REFERENCE_US) * TICKS_PER_REF; seen = true; }
      const d = ticks - prev;
      const size = d >= 0 && d <= 255 ? 1 : d >= -32768 && d <= 32767 ? 2 : 3;
      if (size === 3 && i > 0) break;
      // Worst case chunks: one per 7 symbols; +3 for alignment.
      if (i > 0 && 20 + deltaBytes + size + 2 * Math.ceil((i + 1) / 7) + 3 > limit) break;
      deltaBytes += size;
      prev = ticks;
      this.scratch[i] = a;
    }
    return i;
  }
}
