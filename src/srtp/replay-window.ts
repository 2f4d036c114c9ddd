// Sliding replay window (RFC 3711 §3.3.2) over packet indices: the highest index seen
// and a bitmap of the `size` indices at and below it, stored circularly (bit for index
// i at i mod size) so advancing by one clears one bit instead of shifting the map.
import { SrtpStatus } from './errors.js';

export class ReplayWindow {
  /** Highest authenticated index, or -1 before the first. */
  highest = -1;
  private readonly bits: Int32Array;
  private readonly mask: number;

  /** size: a power of two >= 64 (the context rounds the option up). */
  constructor(readonly size: number) {
    this.bits = new Int32Array(size >>> 5);
    this.mask = size - 1;
  }

  /** 0 when `index` may be accepted, else REPLAYED or TOO_OLD. Changes nothing. */
  check(index: number): number {
    const hi = this.highest;
    if (index > hi) return 0;
    if (hi - index >= this.size) return SrtpStatus.TOO_OLD;
    const b = index & this.mask; // index < 2^48: & works on the low 32 bits, fine for mask < 2^31
    return this.bits[b >>> 5] & (1 << (b & 31)) ? SrtpStatus.REPLAYED : 0;
  }

  /** Marks `index` received. Call only after the packet authenticated and check() passed. */
  accept(index: number): void {
    const hi = this.highest;
    const bits = this.bits;
    if (index > hi) {
      const d = index - hi;
      if (hi < 0 || d >= this.size) bits.fill(0);
      else for (let i = hi + 1; i < index; i++) { const b = i & this.mask; bits[b >>> 5] &= ~(1 << (b & 31)); }
      this.highest = index;
    }
    const b = index & this.mask;
    bits[b >>> 5] |= 1 << (b & 31);
  }
}

/**
 * Receive/send state of one RTP SSRC: rollover counter and highest sequence number
 * (RFC 3711 §3.3.1) and the replay window over 48-bit indices.
 */
export class RtpStreamState {
  roc = 0;
  /** s_l: the highest sequence number seen with the current roc. */
  seq = 0;
  readonly window: ReplayWindow;
  constructor(windowSize: number, firstSeq: number, roc: number) {
    this.window = new ReplayWindow(windowSize);
    this.seq = firstSeq;
    this.roc = roc;
  }
}

/**
 * RFC 3711 Appendix A: the packet index (v * 2^16 + SEQ) most likely meant by `seq`,
 * given the stream's ROC and s_l. A guess of ROC-1 when ROC is 0 becomes ROC 0.
 */
export function estimateRtpIndex(roc: number, sl: number, seq: number): number {
  let v = roc;
  if (sl < 32768) {
    if (seq - sl > 32768 && roc > 0) v = roc - 1;
  } else if (sl - 32768 > seq) {
    v = roc + 1;
  }
  return v * 65536 + seq;
}

/** SRTCP state of one SSRC: next index to send and the receive replay window. */
export class RtcpStreamState {
  nextSendIndex = 0;
  readonly window: ReplayWindow;
  constructor(windowSize: number) {
    this.window = new ReplayWindow(windowSize);
  }
}
