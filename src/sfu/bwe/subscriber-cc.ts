// Congestion control of one subscriber transport, composed from the pure cores: the
// send history (TWCC), the estimator, and the pacer's rate. The transport calls:
//
//   per packet leaving the pacer:  seq = cc.nextTransportSeq(); write it into the packet's
//                                  transport-wide-cc extension; cc.onSent(seq, nowUs, bytes, flags)
//   per RTCP TWCC feedback:        cc.onTwccFeedback(buf, off, len, nowMs)
//   per RTCP REMB (goog-remb):     cc.onRemb(buf, off, len, nowMs)
//   per RR without TWCC / per RTT: cc.onLossReport(fractionLost / 256, nowMs), cc.onRtt(ms)
//   per tick (25–100 ms):          const e = cc.update(nowMs)  // sets pacer rate; e.targetBitrateBps -> StreamAllocator
//   to probe for more (StreamAllocator wants a higher layer): cc.startProbe(n), then send n
//                                  padding/RTX packets at ~2–3x the target with SentFlags.PROBE;
//                                  the result raises the estimate when the path carried them.
//
// Pure: nothing here reads a clock or owns a timer.
import { TwccFeedbackView, RembView, RtpStatus } from '../../rtp/index.js';
import { SendHistory, FeedbackResults } from '../twcc/index.js';
import type { Pacer } from '../pacer/index.js';
import { SendSideBwe, type BweEstimate } from './send-side-bwe.js';
import { ProbeEstimator } from './probe-estimator.js';
import type { BweConfig } from './config.js';

export interface SubscriberCcOptions {
  bwe?: Partial<BweConfig>;
  /** Packets of send history kept for feedback (power of two). Default 8192. */
  historyCapacity?: number;
  /** The transport's pacer; update() sets its rate to the target. */
  pacer?: Pacer;
  /** First transport-wide sequence number. Default 0. */
  initialSeq?: number;
}

export interface SubscriberCcCounters {
  feedbacks: number;
  badFeedbacks: number;
  rembs: number;
}

export class SubscriberCongestionControl {
  readonly history: SendHistory;
  readonly bwe: SendSideBwe;
  readonly results: FeedbackResults;
  readonly counters: SubscriberCcCounters = { feedbacks: 0, badFeedbacks: 0, rembs: 0 };
  private readonly pacer: Pacer | null;
  readonly probe = new ProbeEstimator();
  private readonly view = new TwccFeedbackView();
  private readonly remb = new RembView();
  private seq: number;

  constructor(opts: SubscriberCcOptions = {}) {
    this.history = new SendHistory(opts.historyCapacity ?? 8192);
    this.bwe = new SendSideBwe(opts.bwe);
    this.results = new FeedbackResults(65536);
    this.pacer = opts.pacer ?? null;
    this.seq = (opts.initialSeq ?? 0) & 0xffff;
  }

  /** The transport-wide seq for the next packet sent on this transport (16 bits). */
  nextTransportSeq(): number {
    const s = this.seq;
    this.seq = (s + 1) & 0xffff;
    return s;
  }

  /** A packet carrying transport-wide seq `seq16` went out. `flags`: SentFlags bits. */
  onSent(seq16: number, nowUs: number, size: number, flags = 0): void {
    this.history.onSent(seq16, nowUs, size, flags);
  }

  /** One RTPFB FMT 15 packet from this subscriber. Returns RtpStatus (OK, or why it was ignored). */
  onTwccFeedback(buf: Uint8Array, off: number, len: number, nowMs: number): number {
    const st = this.view.reset(buf, off, len);
    if (st !== RtpStatus.OK) { this.counters.badFeedbacks++; return st; }
    this.counters.feedbacks++;
    this.history.onFeedback(this.view, this.results);
    this.bwe.onFeedback(this.results, nowMs);
    if (this.probe.inProgress && this.probe.onFeedback(this.results) && this.probe.resultBps > 0) this.bwe.onProbeResult(this.probe.resultBps, nowMs);
    return RtpStatus.OK;
  }

  /** One PSFB FMT 15 packet; a REMB caps the estimate. Returns RtpStatus. */
  onRemb(buf: Uint8Array, off: number, len: number, nowMs: number): number {
    const st = this.remb.reset(buf, off, len);
    if (st !== RtpStatus.OK) return st;
    this.counters.rembs++;
    this.bwe.onRemb(this.remb.bitrate, nowMs);
    return RtpStatus.OK;
  }

  /** Begin a probe cluster of `packets` packets (sent flagged SentFlags.PROBE). */
  startProbe(packets: number): void { this.probe.start(packets); }

  onLossReport(fractionLost: number, nowMs: number): void { this.bwe.onLossReport(fractionLost, nowMs); }
  onRtt(rttMs: number): void { this.bwe.onRtt(rttMs); }

  /** Current estimate (reused object); the pacer's rate follows the target. */
  update(nowMs: number): BweEstimate {
    const e = this.bwe.estimate(nowMs);
    if (this.pacer !== null) this.pacer.setRate(e.targetBitrateBps);
    return e;
  }
}
