// Per subscribed track: packets, bytes, loss (RFC 3550 A.3: expected from the extended
// highest sequence number), interarrival jitter (RFC 3550 A.8) and a one-way latency
// histogram from abs-capture-time. Fixed fields and typed arrays only: nothing is
// allocated per packet.
import { readAbsCaptureTimeMs, readAudioLevel, type ReportBlockInit, type RtpView } from '../rtp/index.js';
import { NTP_UNIX_OFFSET_MS, wallMs } from './opus-sender.js';

/** Log-scale latency histogram: bin = floor(16 * log2(1 + ms * 100)), 320 bins (~4 % wide, up to ~10 s). */
export const LATENCY_BINS = 320;

export function latencyBin(ms: number): number {
  if (!(ms > 0)) return 0;
  const b = Math.floor(16 * Math.log2(1 + ms * 100));
  return b >= LATENCY_BINS ? LATENCY_BINS - 1 : b;
}

/** Middle of a bin, ms. */
export function latencyBinMs(bin: number): number {
  return (Math.pow(2, (bin + 0.5) / 16) - 1) / 100;
}

/** Percentile (0..1) of a histogram, ms; NaN when empty. */
export function histogramPercentile(h: ArrayLike<number>, q: number): number {
  let total = 0;
  for (let i = 0; i < h.length; i++) total += h[i]!;
  if (total === 0) return NaN;
  const want = Math.max(1, Math.ceil(total * q));
  let acc = 0;
  for (let i = 0; i < h.length; i++) {
    acc += h[i]!;
    if (acc >= want) return latencyBinMs(i);
  }
  return latencyBinMs(h.length - 1);
}

export class TrackReceiveStats {
  readonly ssrc: number;
  readonly trackSid: string;
  readonly publisherSid: string;
  readonly clockRate: number;
  absCaptureTimeId: number;
  audioLevelId: number;
  packets = 0;
  bytes = 0;
  duplicates = 0;
  latencyCount = 0;
  /** Doubles in a typed array: updating them per packet never allocates a number box. */
  readonly #d = new Float64Array(4); // jitter, lastTransit, latency sum, latency max
  readonly latency = new Uint32Array(LATENCY_BINS);
  lastAudioLevel = 127;
  #baseSeq = -1;
  #maxSeq = 0;
  #cycles = 0;
  #haveTransit = false;

  constructor(o: { ssrc: number; trackSid: string; publisherSid: string; clockRate: number; absCaptureTimeId: number; audioLevelId: number }) {
    this.ssrc = o.ssrc >>> 0;
    this.trackSid = o.trackSid;
    this.publisherSid = o.publisherSid;
    this.clockRate = o.clockRate;
    this.absCaptureTimeId = o.absCaptureTimeId;
    this.audioLevelId = o.audioLevelId;
  }

  /**
   * One packet from a view (reset on it by the caller): reads seq, timestamp, payload
   * length, abs-capture-time and audio level from the buffer. The hot path: taking the
   * view (not the values) keeps 32-bit timestamps and NTP times from being boxed per call.
   */
  onRtp(v: RtpView, nowMs: number): void {
    let cap = NaN;
    if (this.absCaptureTimeId > 0) {
      const off = v.findExtension(this.absCaptureTimeId);
      if (off >= 0 && v.extValueLength >= 8) cap = readAbsCaptureTimeMs(v.buf, off);
    }
    if (this.audioLevelId > 0) {
      const off = v.findExtension(this.audioLevelId);
      if (off >= 0) this.lastAudioLevel = readAudioLevel(v.buf, off);
    }
    this.onPacket(v.sequenceNumber, v.timestamp, v.payloadLength, nowMs, cap);
  }

  /**
   * One packet: seq, RTP timestamp, payload bytes, the arrival time (performance.now() ms
   * of this thread) and, when present, the abs-capture-time (ms since 1900) or NaN.
   */
  onPacket(seq: number, ts: number, payloadBytes: number, nowMs: number, captureNtpMs: number): void {
    this.packets++;
    this.bytes += payloadBytes;
    if (this.#baseSeq < 0) {
      this.#baseSeq = seq;
      this.#maxSeq = seq;
    } else {
      const delta = (seq - this.#maxSeq) & 0xffff;
      if (delta === 0) this.duplicates++;
      else if (delta < 0x8000) {
        if (seq < this.#maxSeq) this.#cycles += 0x10000;
        this.#maxSeq = seq;
      }
    }
    // Jitter: transit = arrival (in RTP units) - RTP timestamp; J += (|D| - J) / 16.
    const d64 = this.#d;
    const transit = (nowMs * this.clockRate) / 1000 - ts;
    if (this.#haveTransit) {
      let d = transit - d64[1]!;
      // The RTP timestamp is 32-bit: unwrap the difference.
      if (d > 2147483648) d -= 4294967296; else if (d < -2147483648) d += 4294967296;
      if (d < 0) d = -d;
      d64[0] = d64[0]! + (d - d64[0]!) / 16;
    }
    d64[1] = transit;
    this.#haveTransit = true;
    if (captureNtpMs === captureNtpMs) {
      const lat = wallMs(nowMs) - (captureNtpMs - NTP_UNIX_OFFSET_MS);
      this.latencyCount++;
      d64[2] = d64[2]! + lat;
      if (lat > d64[3]!) d64[3] = lat;
      this.latency[latencyBin(lat)]!++;
    }
  }

  /** Packets expected from the first to the highest sequence number seen. */
  get expected(): number {
    return this.#baseSeq < 0 ? 0 : this.#cycles + this.#maxSeq - this.#baseSeq + 1;
  }

  /** Lost = expected - received (duplicates excluded); never negative. */
  get lost(): number {
    return Math.max(0, this.expected - (this.packets - this.duplicates));
  }

  /** RFC 3550 interarrival jitter, in RTP timestamp units. */
  get jitter(): number { return this.#d[0]!; }
  get latencySumMs(): number { return this.#d[2]!; }
  get latencyMaxMs(): number { return this.#d[3]!; }

  #expectedPrior = 0;
  #receivedPrior = 0;
  /** Middle 32 bits of the last SR's NTP time for this SSRC, and when it arrived (ms). */
  #lsr = 0;
  #lsrAtMs = 0;

  /** An SR for this SSRC arrived: echo it as LSR/DLSR so the sender can measure RTT (RFC 3550 6.4.1). */
  onSenderReport(ntpMiddle: number, nowMs: number): void {
    this.#lsr = ntpMiddle >>> 0;
    this.#lsrAtMs = nowMs;
  }

  /** An RFC 3550 reception report block for this SSRC (fraction lost since the last one). Once a second, not per packet. */
  reportBlock(nowMs = 0): ReportBlockInit {
    const expected = this.expected;
    const received = this.packets - this.duplicates;
    const expInt = expected - this.#expectedPrior;
    const lostInt = expInt - (received - this.#receivedPrior);
    this.#expectedPrior = expected;
    this.#receivedPrior = received;
    return {
      ssrc: this.ssrc,
      fractionLost: expInt > 0 && lostInt > 0 ? Math.min(255, Math.floor((lostInt * 256) / expInt)) : 0,
      cumulativeLost: Math.min(0x7fffff, this.lost),
      highestSeq: this.#baseSeq < 0 ? 0 : (this.#cycles + this.#maxSeq) >>> 0,
      jitter: Math.floor(this.#d[0]!) >>> 0,
      lsr: this.#lsr,
      // Delay since the last SR in 1/65536 s.
      dlsr: this.#lsr === 0 ? 0 : Math.max(0, Math.floor(((nowMs - this.#lsrAtMs) * 65536) / 1000)) >>> 0,
    };
  }

  get jitterMs(): number {
    return (this.#d[0]! * 1000) / this.clockRate;
  }
}
