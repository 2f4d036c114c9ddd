// Transport-wide congestion control feedback (RTPFB FMT 15,
// draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1):
//
//  |V=2|P|  FMT=15 |    PT=205     |           length              |
//  |                     SSRC of packet sender                     |
//  |                      SSRC of media source                     |
//  |      base sequence number     |      packet status count      |
//  |                 reference time                | fb pkt. count |
//  |          packet chunk         |         packet chunk          |
//  .  ... recv delta (1 byte: 0..63.75 ms, or 2 bytes signed) ...  .
//  |           recv delta          |  recv delta   | zero padding  |
//
// Packet chunks: run length  |0|S(2)|run length (13)|
//                status vector |1|0|14 x 1-bit symbol| or |1|1|7 x 2-bit symbol|
// Symbols: 0 not received, 1 received small delta (u8 x 250 us), 2 received large or
// negative delta (s16 x 250 us), 3 reserved (rejected). Reference time: signed 24 bits,
// 64 ms units.
//
// TwccFeedbackView decodes without per-packet objects: `decode()` fills caller-provided
// typed arrays, `forEachPacket()` calls a callback made once. Two passes over the chunks
// (sizes, then values) so no scratch storage is needed.
import { RtpStatus } from '../status.js';
import { RtcpType, RtpfbFmt, u16, u32 } from './rtcp-header.js';
import { feedbackContentLength } from './feedback-header.js';

export const TwccSymbol = { NOT_RECEIVED: 0, SMALL_DELTA: 1, LARGE_DELTA: 2 } as const;
/** Microseconds per delta tick. */
export const TWCC_DELTA_US = 250;
/** Microseconds per reference-time unit. */
export const TWCC_REFERENCE_US = 64000;

const EMPTY = new Uint8Array(0);

export type TwccPacketFn = (seq: number, status: number, deltaUs: number) => void;

export class TwccFeedbackView {
  buf: Uint8Array = EMPTY;
  off = 0;
  baseSeq = 0;
  statusCount = 0;
  /** Signed 24-bit, in 64 ms units. */
  referenceTime = 0;
  fbPktCount = 0;
  private chunksStart = 0;
  private deltasStart = 0;
  private end = 0;

  /**
   * Parse the header and validate chunks + deltas against the length. Returns OK or
   * BAD_LENGTH / BAD_PAYLOAD (reserved symbol) / TOO_SHORT / WRONG_TYPE.
   */
  reset(buf: Uint8Array, off: number, len: number): number {
    this.buf = buf; this.off = off; this.statusCount = 0;
    const c = feedbackContentLength(buf, off, len, RtcpType.RTPFB, RtpfbFmt.TWCC);
    if (c < 0) return -c;
    if (c < 20) return RtpStatus.BAD_LENGTH;
    const count = u16(buf, off + 14);
    this.baseSeq = u16(buf, off + 12);
    this.referenceTime = (((buf[off + 16] << 16) | (buf[off + 17] << 8) | buf[off + 18]) << 8) >> 8;
    this.fbPktCount = buf[off + 19];
    const end = off + c;
    let p = off + 20;
    let left = count;
    let deltaBytes = 0;
    while (left > 0) {
      if (p + 2 > end) return RtpStatus.BAD_LENGTH;
      const ch = u16(buf, p);
      p += 2;
      if ((ch & 0x8000) === 0) {
        const sym = (ch >> 13) & 3;
        if (sym === 3) return RtpStatus.BAD_PAYLOAD;
        const run = Math.min(ch & 0x1fff, left);
        deltaBytes += run * sym;
        left -= run;
      } else if ((ch & 0x4000) === 0) {
        const n = Math.min(14, left);
        for (let i = 0; i < n; i++) deltaBytes += (ch >> (13 - i)) & 1;
        left -= n;
      } else {
        const n = Math.min(7, left);
        for (let i = 0; i < n; i++) {
          const sym = (ch >> (12 - 2 * i)) & 3;
          if (sym === 3) return RtpStatus.BAD_PAYLOAD;
          deltaBytes += sym;
        }
        left -= n;
      }
    }
    // Deltas must fit; at most 3 alignment bytes may follow (besides RTCP padding).
    if (p + deltaBytes > end || end - (p + deltaBytes) > 3) return RtpStatus.BAD_LENGTH;
    this.statusCount = count;
    this.chunksStart = off + 20;
    this.deltasStart = p;
    this.end = end;
    return RtpStatus.OK;
  }

  get senderSsrc(): number { return u32(this.buf, this.off + 4); }
  get mediaSsrc(): number { return u32(this.buf, this.off + 8); }
  /** Reference time in microseconds (signed). */
  get referenceTimeUs(): number { return this.referenceTime * TWCC_REFERENCE_US; }

  /**
   * Fill seq/status/deltaUs (delta to the previous received packet, or to the reference
   * time for the first one; 0 for lost packets). Returns packets written: statusCount,
   * or fewer when the arrays are shorter.
   */
  decode(seqOut: Uint16Array, statusOut: Uint8Array, deltaUsOut: Int32Array): number {
    const cap = Math.min(seqOut.length, statusOut.length, deltaUsOut.length);
    return this.walk(null, seqOut, statusOut, deltaUsOut, cap);
  }

  /** Call fn(seq, status, deltaUs) for each packet in order. Returns the count. */
  forEachPacket(fn: TwccPacketFn): number {
    return this.walk(fn, null, null, null, this.statusCount);
  }

  private walk(fn: TwccPacketFn | null, so: Uint16Array | null, st: Uint8Array | null, dl: Int32Array | null, cap: number): number {
    const b = this.buf;
    let p = this.chunksStart;
    let d = this.deltasStart;
    let i = 0;
    const total = Math.min(this.statusCount, cap);
    const base = this.baseSeq;
    while (i < total) {
      const ch = u16(b, p);
      p += 2;
      let n: number, kind: number;
      if ((ch & 0x8000) === 0) { n = ch & 0x1fff; kind = 0; } else if ((ch & 0x4000) === 0) { n = 14; kind = 1; } else { n = 7; kind = 2; }
      for (let k = 0; k < n && i < total; k++, i++) {
        const sym = kind === 0 ? (ch >> 13) & 3 : kind === 1 ? (ch >> (13 - k)) & 1 : (ch >> (12 - 2 * k)) & 3;
        let delta = 0;
        if (sym === 1) { delta = b[d] * TWCC_DELTA_US; d += 1; } else if (sym === 2) { delta = (((b[d] << 8) | b[d + 1]) << 16 >> 16) * TWCC_DELTA_US; d += 2; }
        const seq = (base + i) & 0xffff;
        if (fn !== null) fn(seq, sym, delta);
        else { so![i] = seq; st![i] = sym; dl![i] = delta; }
      }
    }
    return total;
  }
}
