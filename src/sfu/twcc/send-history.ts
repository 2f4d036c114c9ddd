// Send side of transport-wide congestion control (towards subscribers): remember what
// each transport-wide sequence number carried (send time, size, RTX/probe flags), and
// turn a subscriber's TWCC feedback into per-packet results (send time, arrival time or
// lost, size) for the bandwidth estimator.
//
//   onSent(seq16, sendTimeUs, size, flags)   per packet that leaves the pacer (no alloc)
//   onFeedback(view, out) -> count           per TWCC feedback (view already reset OK)
//
// History is a power-of-two ring keyed by the widened seq; a feedback naming a packet
// that is not in it (never sent, or overwritten) skips it. A packet reported received
// twice is reported once; one reported lost and later received is reported again.
// Arrival times are on the remote clock: reference time (24-bit, 64 ms units, widened
// across feedbacks) + deltas. Only their differences mean anything.
import { TwccFeedbackView, TWCC_REFERENCE_US } from '../../rtp/index.js';
import { SeqUnwrapper } from './seq-unwrap.js';

export const SentFlags = { NONE: 0, RTX: 1, PROBE: 2, AUDIO: 4 } as const;

/** Per-packet results of one feedback, in preallocated arrays; `count` entries valid. */
export class FeedbackResults {
  count = 0;
  /** Received / lost among the `count` entries. */
  received = 0;
  lost = 0;
  readonly seq: Float64Array;
  readonly sendTimeUs: Float64Array;
  /** Remote arrival time in µs, or -1 when reported lost. */
  readonly arrivalUs: Float64Array;
  readonly size: Int32Array;
  readonly flags: Uint8Array;

  constructor(readonly capacity = 65536) {
    this.seq = new Float64Array(capacity);
    this.sendTimeUs = new Float64Array(capacity);
    this.arrivalUs = new Float64Array(capacity);
    this.size = new Int32Array(capacity);
    this.flags = new Uint8Array(capacity);
  }

  clear(): void { this.count = 0; this.received = 0; this.lost = 0; }

  push(seq: number, sendTimeUs: number, arrivalUs: number, size: number, flags: number): void {
    const i = this.count;
    if (i >= this.capacity) return;
    this.seq[i] = seq; this.sendTimeUs[i] = sendTimeUs; this.arrivalUs[i] = arrivalUs;
    this.size[i] = size; this.flags[i] = flags;
    this.count = i + 1;
    if (arrivalUs < 0) this.lost++; else this.received++;
  }
}

const ACK_NONE = 0, ACK_LOST = 1, ACK_RECEIVED = 2;
const REF_RANGE = 1 << 24, REF_HALF = 1 << 23;

// Decode scratch shared by every history on this thread (feedback handling never nests).
const fbSeq = new Uint16Array(65536);
const fbStatus = new Uint8Array(65536);
const fbDelta = new Int32Array(65536);

export interface SendHistoryCounters {
  sent: number;
  feedbacks: number;
  /** Feedback entries naming packets not in the history (unknown or overwritten). */
  unknown: number;
  /** Feedback entries for packets already reported received. */
  duplicates: number;
}

export class SendHistory {
  private readonly mask: number;
  private readonly tag: Float64Array;
  private readonly sendTime: Float64Array;
  private readonly size: Int32Array;
  private readonly flags: Uint8Array;
  private readonly acked: Uint8Array;
  private readonly seq = new SeqUnwrapper();
  private lastRef = 0;
  private haveRef = false;
  readonly counters: SendHistoryCounters = { sent: 0, feedbacks: 0, unknown: 0, duplicates: 0 };
  /** Bytes sent and not yet reported (received or lost). */
  inFlightBytes = 0;

  /** `capacity` (rounded up to a power of two) bounds how old a packet feedback may still name. */
  constructor(capacity = 8192) {
    let cap = 1;
    while (cap < capacity) cap <<= 1;
    this.mask = cap - 1;
    this.tag = new Float64Array(cap).fill(-1);
    this.sendTime = new Float64Array(cap);
    this.size = new Int32Array(cap);
    this.flags = new Uint8Array(cap);
    this.acked = new Uint8Array(cap);
  }

  /** A packet left with this transport-wide seq (16 bits). `flags`: SentFlags bits. */
  onSent(seq16: number, sendTimeUs: number, size: number, flags = 0): void {
    const e = this.seq.unwrap(seq16);
    const s = e & this.mask;
    if (this.tag[s] >= 0 && this.acked[s] === ACK_NONE) this.inFlightBytes -= this.size[s];
    this.tag[s] = e;
    this.sendTime[s] = sendTimeUs;
    this.size[s] = size;
    this.flags[s] = flags;
    this.acked[s] = ACK_NONE;
    this.inFlightBytes += size;
    this.counters.sent++;
  }

  /**
   * Results for one feedback (view.reset() returned OK) into `out` (cleared first), in
   * feedback order. Returns out.count.
   */
  onFeedback(view: TwccFeedbackView, out: FeedbackResults): number {
    out.clear();
    this.counters.feedbacks++;
    const n = view.decode(fbSeq, fbStatus, fbDelta);
    // Widen the 24-bit reference time across feedbacks.
    const ref = view.referenceTime & (REF_RANGE - 1);
    // Starts one range up so an earlier (reordered) feedback never makes times negative.
    let wide: number;
    if (!this.haveRef) { wide = ref + REF_RANGE; this.haveRef = true; } else wide = this.lastRef + ((((ref - this.lastRef) % REF_RANGE) + REF_RANGE + REF_HALF) % REF_RANGE) - REF_HALF;
    this.lastRef = wide;
    let t = wide * TWCC_REFERENCE_US;
    // The feedback's base seq is widened against what we sent (it names our numbers).
    const base = this.seq.highest < 0 ? -1 : this.seq.peek(view.baseSeq);
    for (let i = 0; i < n; i++) {
      const st = fbStatus[i];
      if (st !== 0) t += fbDelta[i];
      if (base < 0) continue;
      const e = base + i;
      const s = e & this.mask;
      if (this.tag[s] !== e) { this.counters.unknown++; continue; }
      const a = this.acked[s];
      if (st === 0) {
        if (a !== ACK_NONE) continue; // already reported (lost or received)
        this.acked[s] = ACK_LOST;
        this.inFlightBytes -= this.size[s];
        if (out.count < out.capacity) { // out.push inlined by hand: no double arguments per packet
          const k = out.count++;
          out.seq[k] = e; out.sendTimeUs[k] = this.sendTime[s]; out.arrivalUs[k] = -1; out.size[k] = this.size[s]; out.flags[k] = this.flags[s];
          out.lost++;
        }
      } else {
        if (a === ACK_RECEIVED) { this.counters.duplicates++; continue; }
        if (a === ACK_NONE) this.inFlightBytes -= this.size[s];
        this.acked[s] = ACK_RECEIVED;
        if (out.count < out.capacity) {
          const k = out.count++;
          out.seq[k] = e; out.sendTimeUs[k] = this.sendTime[s]; out.arrivalUs[k] = t; out.size[k] = this.size[s]; out.flags[k] = this.flags[s];
          out.received++;
        }
      }
    }
    return out.count;
  }
}
