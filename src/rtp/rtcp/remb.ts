// Receiver Estimated Max Bitrate (draft-alvestrand-rmcat-remb-03): PSFB FMT 15 (AFB),
// media SSRC 0, then
//  |  'R' 'E' 'M' 'B'                                              |
//  |  Num SSRC     | BR Exp    |  BR Mantissa (18 bits)            |
//  |   SSRC feedback ... (Num SSRC entries)                        |
import { RtpStatus } from '../status.js';
import { RtcpType, PsfbFmt, u32, w32, fits } from './rtcp-header.js';
import { feedbackContentLength, writeFeedbackHeader } from './feedback-header.js';

const REMB = 0x52454d42; // 'REMB'
const EMPTY = new Uint8Array(0);

export class RembView {
  buf: Uint8Array = EMPTY;
  off = 0;
  ssrcCount = 0;
  /** Bits per second (mantissa * 2^exp; may exceed 2^32). */
  bitrate = 0;

  /** OK, WRONG_TYPE (an AFB message that is not REMB), or a length error. */
  reset(buf: Uint8Array, off: number, len: number): number {
    this.buf = buf; this.off = off; this.ssrcCount = 0; this.bitrate = 0;
    const c = feedbackContentLength(buf, off, len, RtcpType.PSFB, PsfbFmt.AFB);
    if (c < 0) return -c;
    if (c < 20) return RtpStatus.BAD_LENGTH;
    if (u32(buf, off + 12) !== REMB) return RtpStatus.WRONG_TYPE;
    const num = buf[off + 16];
    if (20 + num * 4 > c) return RtpStatus.BAD_LENGTH;
    this.ssrcCount = num;
    const exp = buf[off + 17] >> 2;
    const mant = ((buf[off + 17] & 3) << 16) | (buf[off + 18] << 8) | buf[off + 19];
    this.bitrate = mant * 2 ** exp;
    return RtpStatus.OK;
  }
  get senderSsrc(): number { return u32(this.buf, this.off + 4); }
  ssrc(i: number): number { return u32(this.buf, this.off + 20 + i * 4); }
}

/** True when a PSFB FMT 15 packet carries the REMB identifier (cheap pre-check). */
export function isRemb(buf: Uint8Array, off: number, len: number): boolean {
  return len >= 20 && u32(buf, off + 12) === REMB;
}

/** Build REMB; bitrate is rounded down to what 18 bits of mantissa can say. */
export function writeRemb(dst: Uint8Array, off: number, senderSsrc: number, bitrate: number, ssrcs: readonly number[]): number {
  if (ssrcs.length > 255 || !(bitrate >= 0)) return -RtpStatus.BAD_VALUE;
  let exp = 0;
  let mant = Math.floor(bitrate);
  while (mant > 0x3ffff) { mant = Math.floor(mant / 2); exp++; }
  if (exp > 63) return -RtpStatus.BAD_VALUE;
  const n = 20 + ssrcs.length * 4;
  if (!fits(dst, off, n)) return -RtpStatus.NO_SPACE;
  writeFeedbackHeader(dst, off, PsfbFmt.AFB, RtcpType.PSFB, n, senderSsrc, 0);
  w32(dst, off + 12, REMB);
  dst[off + 16] = ssrcs.length;
  dst[off + 17] = (exp << 2) | (mant >>> 16);
  dst[off + 18] = mant >>> 8; dst[off + 19] = mant;
  for (let i = 0; i < ssrcs.length; i++) w32(dst, off + 20 + i * 4, ssrcs[i]);
  return n;
}
