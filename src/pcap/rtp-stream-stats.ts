// Per-SSRC receive statistics over a capture, the way a receiver computes them
// (RFC 3550 §6.4.1, Appendix A.1, A.3, A.8): packets, extended highest sequence with
// wrap, expected and lost, duplicates, reordering, interarrival jitter in clock units
// (arrival = capture time), payload types, bytes and first/last capture times.

const DUP_RING = 4096;

export class RtpStreamStats {
  packets = 0;
  /** UDP payload bytes (RTP header included). */
  bytes = 0;
  duplicates = 0;
  /** Packets that arrived after a higher sequence number (not duplicates). */
  reordered = 0;
  firstUs = 0;
  lastUs = 0;
  /** Extended sequence numbers (base = first or lowest seen). */
  baseSeq = 0;
  maxSeq = 0;
  /** Payload types seen, in first-seen order. */
  readonly payloadTypes: number[] = [];
  /** Clock rate used for jitter (0 = unknown: no jitter). */
  clockRate = 0;
  /** RFC 3550 interarrival jitter, in clock units: current, max, and sum for the mean. */
  jitter = 0;
  maxJitter = 0;
  private jitterSum = 0;
  private jitterSamples = 0;
  private lastTransit = 0;
  private haveTransit = false;
  private readonly seen = new Float64Array(DUP_RING).fill(-1);

  constructor(readonly ssrc: number) {}

  /** Account one RTP packet (fields already read from its header). */
  add(tsUs: number, seq: number, rtpTs: number, pt: number, bytes: number, clockRate: number): void {
    let ext: number;
    if (this.packets === 0) {
      ext = seq; this.baseSeq = seq; this.maxSeq = seq; this.firstUs = tsUs;
    } else {
      const d = (seq - this.maxSeq) & 0xffff;
      ext = d < 0x8000 ? this.maxSeq + d : this.maxSeq - (0x10000 - d);
    }
    this.packets++;
    this.bytes += bytes;
    this.lastUs = tsUs;
    if (!this.payloadTypes.includes(pt)) this.payloadTypes.push(pt);
    const slot = ((ext % DUP_RING) + DUP_RING) % DUP_RING;
    if (this.packets > 1 && this.seen[slot] === ext) { this.duplicates++; return; }
    this.seen[slot] = ext;
    if (ext > this.maxSeq) this.maxSeq = ext;
    else if (this.packets > 1) {
      this.reordered++;
      if (ext < this.baseSeq) this.baseSeq = ext;
    }
    if (clockRate > 0) this.jitterStep(tsUs, rtpTs, clockRate);
  }

  private jitterStep(tsUs: number, rtpTs: number, rate: number): void {
    if (rate !== this.clockRate) { this.clockRate = rate; this.haveTransit = false; }
    // transit = arrival (clock units) - RTP timestamp; differences taken mod 2^32
    const arrival = (tsUs * rate) / 1e6;
    const transit = arrival - rtpTs;
    if (this.haveTransit) {
      let d = transit - this.lastTransit;
      d -= Math.round(d / 4294967296) * 4294967296; // undo a timestamp wrap
      this.jitter += (Math.abs(d) - this.jitter) / 16;
      if (this.jitter > this.maxJitter) this.maxJitter = this.jitter;
      this.jitterSum += this.jitter;
      this.jitterSamples++;
    }
    this.lastTransit = transit;
    this.haveTransit = true;
  }

  get expected(): number { return this.packets ? this.maxSeq - this.baseSeq + 1 : 0; }
  /** expected - received (RFC 3550 A.3, as tshark counts it): duplicates count as received, so it can go negative. */
  get lost(): number { return this.expected - this.packets; }
  get durationUs(): number { return this.lastUs - this.firstUs; }
  /** Bits per second over the stream's duration (0 for a single packet). */
  get bitrate(): number { return this.durationUs > 0 ? (this.bytes * 8 * 1e6) / this.durationUs : 0; }
  /** Jitter in milliseconds (0 when the clock rate is unknown). */
  get jitterMs(): number { return this.clockRate ? (this.jitter * 1000) / this.clockRate : 0; }
  get maxJitterMs(): number { return this.clockRate ? (this.maxJitter * 1000) / this.clockRate : 0; }
  get meanJitterMs(): number { return this.clockRate && this.jitterSamples ? (this.jitterSum / this.jitterSamples * 1000) / this.clockRate : 0; }
}
