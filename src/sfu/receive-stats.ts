// Receive statistics of one incoming RTP stream (RFC 3550 §6.4.1 and Appendix A.3/A.8):
// extended highest sequence number, cumulative and interval loss, interarrival jitter,
// and the LSR/DLSR echo of the sender's last SR. Pure core: the caller passes arrival
// times; writeBlock fills an RTCP report block in a caller's buffer.
import { writeReportBlock, type ReportBlockInit } from '../rtp/index.js';

const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;

export class ReceiveStats {
  readonly ssrc: number;
  readonly clockRate: number;
  packets = 0;
  bytes = 0;
  #started = false;
  #maxSeq = 0;
  #cycles = 0;
  #baseSeq = 0;
  #badSeq = -1;
  #jitter = 0; // in timestamp units, times 16 (RFC 3550 A.8 integer form)
  #lastTransit = 0;
  #haveTransit = false;
  #expectedPrior = 0;
  #receivedPrior = 0;
  #lsr = 0;
  #srArrivalMs = -1;
  // Scratch report block so writeBlock allocates nothing.
  readonly #block: ReportBlockInit = { ssrc: 0, fractionLost: 0, cumulativeLost: 0, highestSeq: 0, jitter: 0, lsr: 0, dlsr: 0 };

  constructor(ssrc: number, clockRate: number) {
    this.ssrc = ssrc >>> 0;
    this.clockRate = clockRate;
    this.#block.ssrc = this.ssrc;
  }

  /** Account one packet. Returns false for a packet RFC 3550 A.1 would not count (big jump, not yet confirmed). */
  update(seq: number, ts: number, bytes: number, arrivalMs: number): boolean {
    if (!this.#started) {
      this.#started = true;
      this.#maxSeq = seq;
      this.#baseSeq = seq;
      this.#cycles = 0;
    } else {
      const delta = (seq - this.#maxSeq) & 0xffff;
      if (delta < MAX_DROPOUT) {
        if (seq < this.#maxSeq) this.#cycles += 0x10000;
        this.#maxSeq = seq;
      } else if (delta <= 0x10000 - MAX_MISORDER) {
        // A very large jump: restart only when the next packet confirms it.
        if (seq === this.#badSeq) {
          this.#maxSeq = seq; this.#baseSeq = seq; this.#cycles = 0;
          this.packets = 0; this.#expectedPrior = 0; this.#receivedPrior = 0; this.#haveTransit = false;
        } else {
          this.#badSeq = (seq + 1) & 0xffff;
          return false;
        }
      } // else: duplicate or reordered, counted below
    }
    this.packets++;
    this.bytes += bytes;
    // Interarrival jitter (A.8): transit = arrival (in ts units) - rtp ts.
    const arrival = Math.round((arrivalMs * this.clockRate) / 1000);
    const transit = (arrival - ts) | 0;
    if (this.#haveTransit) {
      let d = (transit - this.#lastTransit) | 0;
      if (d < 0) d = -d;
      this.#jitter += d - ((this.#jitter + 8) >> 4);
    }
    this.#lastTransit = transit;
    this.#haveTransit = true;
    return true;
  }

  /** The sender's SR arrived: remember its NTP middle bits for LSR. */
  onSenderReport(ntpMiddleBits: number, arrivalMs: number): void {
    this.#lsr = ntpMiddleBits >>> 0;
    this.#srArrivalMs = arrivalMs;
  }

  get extendedHighestSeq(): number { return (this.#cycles + this.#maxSeq) >>> 0; }
  get expected(): number { return this.#started ? this.#cycles + this.#maxSeq - this.#baseSeq + 1 : 0; }
  get cumulativeLost(): number { return this.expected - this.packets; }
  /** Jitter in timestamp units. */
  get jitter(): number { return this.#jitter >> 4; }

  /** Writes a 24-byte report block at dst[off] and starts a new interval. */
  writeBlock(dst: Uint8Array, off: number, nowMs: number): number {
    const expected = this.expected;
    const expInterval = expected - this.#expectedPrior;
    const recvInterval = this.packets - this.#receivedPrior;
    this.#expectedPrior = expected;
    this.#receivedPrior = this.packets;
    const lostInterval = expInterval - recvInterval;
    const b = this.#block;
    b.fractionLost = expInterval === 0 || lostInterval <= 0 ? 0 : Math.min(255, Math.floor((lostInterval << 8) / expInterval));
    b.cumulativeLost = this.cumulativeLost;
    b.highestSeq = this.extendedHighestSeq;
    b.jitter = this.jitter;
    b.lsr = this.#lsr;
    // DLSR in 1/65536 s units.
    b.dlsr = this.#srArrivalMs < 0 ? 0 : Math.max(0, Math.floor(((nowMs - this.#srArrivalMs) * 65536) / 1000)) >>> 0;
    writeReportBlock(dst, off, b);
    return 24;
  }
}
