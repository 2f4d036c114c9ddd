// Round-trip estimate (RFC 9260 §6.3.1) and congestion window (§7.2) of one association.
// Pure state: the association feeds it acked bytes, RTT samples and loss events.

export interface RtoConfig { initialMs: number; minMs: number; maxMs: number }

export class RtoEstimator {
  srtt = 0;
  rttvar = 0;
  rto: number;
  private measured = false;
  constructor(readonly cfg: RtoConfig) { this.rto = cfg.initialMs; }

  /** One RTT sample R (§6.3.1 C2/C3; alpha 1/8, beta 1/4). */
  sample(r: number): void {
    if (!this.measured) {
      this.srtt = r;
      this.rttvar = r / 2;
      this.measured = true;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    this.rto = this.clamp(this.srtt + 4 * this.rttvar);
  }

  /** T3-rtx / T1 expiry doubles the RTO (§6.3.3 E2). */
  backoff(): void { this.rto = this.clamp(this.rto * 2); }

  private clamp(v: number): number { return Math.min(this.cfg.maxMs, Math.max(this.cfg.minMs, v)); }
}

export class CongestionWindow {
  cwnd: number;
  ssthresh: number;
  partialBytesAcked = 0;
  /** TSN at which fast recovery ends (§7.2.4), or -1 when not in fast recovery. */
  fastRecoveryExit = -1;
  inFastRecovery = false;

  constructor(readonly mtu: number, peerRwnd: number) {
    // §7.2.1: min(4*MTU, max(2*MTU, 4380)).
    this.cwnd = Math.min(4 * mtu, Math.max(2 * mtu, 4380));
    this.ssthresh = peerRwnd;
  }

  /** Bytes newly cumulatively acked by one SACK; flightBefore is the flight size before it. */
  onAck(bytesAcked: number, flightBefore: number): void {
    if (this.inFastRecovery || bytesAcked <= 0) return;
    if (this.cwnd <= this.ssthresh) {
      // Slow start (§7.2.1): only while the window was in use, by at most one MTU per SACK.
      if (flightBefore + this.mtu >= this.cwnd) this.cwnd += Math.min(bytesAcked, this.mtu);
    } else {
      // Congestion avoidance (§7.2.2): one MTU per window's worth of acked bytes.
      this.partialBytesAcked += bytesAcked;
      if (this.partialBytesAcked >= this.cwnd && flightBefore + this.mtu >= this.cwnd) {
        this.partialBytesAcked -= this.cwnd;
        this.cwnd += this.mtu;
      }
    }
  }

  /** Loss seen by fast retransmit (§7.2.4); highestOutstanding ends the recovery. */
  onFastRetransmit(highestOutstanding: number): void {
    if (this.inFastRecovery) return;
    this.ssthresh = Math.max(this.cwnd >> 1, 4 * this.mtu);
    this.cwnd = this.ssthresh;
    this.partialBytesAcked = 0;
    this.inFastRecovery = true;
    this.fastRecoveryExit = highestOutstanding;
  }

  /** T3-rtx expiry (§7.2.3): back to one MTU. */
  onTimeout(): void {
    this.ssthresh = Math.max(this.cwnd >> 1, 4 * this.mtu);
    this.cwnd = this.mtu;
    this.partialBytesAcked = 0;
    this.inFastRecovery = false;
  }

  exitFastRecovery(): void { this.inFastRecovery = false; this.fastRecoveryExit = -1; }
}
