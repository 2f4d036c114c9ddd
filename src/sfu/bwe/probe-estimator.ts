// Probe result (libwebrtc ProbeBitrateEstimator, GCC's "probing" companion): a cluster of
// packets sent faster than the current estimate (padding or RTX flagged SentFlags.PROBE)
// shows what the path can carry. Once the cluster's packets are all reported:
//   send rate    = (bytes sent − last packet) / (last send − first send)
//   receive rate = (bytes received − first packet) / (last arrival − first arrival)
//   result       = min(send, receive); when receive < 0.9 × send the path is the limit
//                  and the result is 0.95 × receive. Invalid when fewer than 80 % arrived,
//                  the send span is outside [1 ms, 1 s], or receive > 2 × send.
// One cluster at a time: start() it, feed every feedback's results, read the result.

const PROBE = 2; // SentFlags.PROBE

export interface ProbeResults {
  readonly count: number;
  readonly sendTimeUs: ArrayLike<number>;
  readonly arrivalUs: ArrayLike<number>;
  readonly size: ArrayLike<number>;
  readonly flags: ArrayLike<number>;
}

export class ProbeEstimator {
  private expected = 0;
  private seen = 0;
  private received = 0;
  private firstSend = 0;
  private lastSend = 0;
  private lastSendSize = 0;
  private firstArrival = 0;
  private firstArrivalSize = 0;
  private lastArrival = 0;
  private bytes = 0;
  private active = false;
  /** Result of the last finished cluster (bps), -1 when it was invalid, 0 before any. */
  resultBps = 0;

  /** Begin a cluster of `packets` probe packets (those flagged PROBE from now on). */
  start(packets: number): void {
    this.expected = packets; this.seen = 0; this.received = 0; this.bytes = 0;
    this.firstSend = Infinity; this.lastSend = -Infinity; this.firstArrival = Infinity; this.lastArrival = -Infinity;
    this.lastSendSize = 0; this.firstArrivalSize = 0;
    this.active = packets > 0;
  }

  get inProgress(): boolean { return this.active; }

  /** Fewer packets than announced were sent: expect `packets` (0 ends the cluster without a result). */
  setExpected(packets: number): void { this.expected = packets; if (packets <= 0) this.active = false; }

  /** Feed one feedback's results. Returns true when the cluster finished now (see resultBps). */
  onFeedback(r: ProbeResults): boolean {
    if (!this.active) return false;
    for (let i = 0; i < r.count; i++) {
      if ((r.flags[i] & PROBE) === 0) continue;
      this.seen++;
      const s = r.sendTimeUs[i], size = r.size[i];
      if (s < this.firstSend) this.firstSend = s;
      if (s >= this.lastSend) { this.lastSend = s; this.lastSendSize = size; }
      this.bytes += size;
      const a = r.arrivalUs[i];
      if (!(a >= 0)) continue;
      this.received++;
      if (a < this.firstArrival) { this.firstArrival = a; this.firstArrivalSize = size; }
      if (a > this.lastArrival) this.lastArrival = a;
    }
    if (this.seen < this.expected) return false;
    this.active = false;
    this.resultBps = this.compute();
    return true;
  }

  private compute(): number {
    if (this.received < 0.8 * this.expected || this.received < 2) return -1;
    const sendSpan = this.lastSend - this.firstSend, recvSpan = this.lastArrival - this.firstArrival;
    if (!(sendSpan >= 1000 && sendSpan <= 1_000_000) || !(recvSpan > 0)) return -1;
    const sendRate = ((this.bytes - this.lastSendSize) * 8 * 1e6) / sendSpan;
    const recvRate = ((this.bytes - this.firstArrivalSize) * 8 * 1e6) / recvSpan;
    if (recvRate > 2 * sendRate) return -1;
    if (recvRate < 0.9 * sendRate) return 0.95 * recvRate;
    return Math.min(sendRate, recvRate);
  }
}
