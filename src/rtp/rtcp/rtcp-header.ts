// RTCP common header (RFC 3550 §6.4) and the compound-packet iterator.
//
//   0                   1                   2                   3
//  |V=2|P|  count  |      PT       |      length (32-bit words - 1)  |
//
// Reduced-size RTCP (RFC 5506) is accepted: the first sub-packet need not be SR/RR.
// Padding is accepted on any sub-packet as long as it fits inside that sub-packet.
// Reuse: one RtcpCompoundView per worker; `reset` then call `next()` until it returns
// END (or an error). After each OK, `offset`/`length` frame the sub-packet (header
// included) for the per-type views, which are also reusable.
import { RtpStatus } from '../status.js';

export const RtcpType = { SR: 200, RR: 201, SDES: 202, BYE: 203, APP: 204, RTPFB: 205, PSFB: 206, XR: 207 } as const;
/** Feedback message types (FMT in the count field). */
export const RtpfbFmt = { NACK: 1, TWCC: 15 } as const;
export const PsfbFmt = { PLI: 1, FIR: 4, AFB: 15 } as const;

const EMPTY = new Uint8Array(0);

export class RtcpCompoundView {
  buf: Uint8Array = EMPTY;
  private pos = 0;
  private end = 0;
  /** Current sub-packet: absolute offset, byte length (header included), PT, count/FMT. */
  offset = 0;
  length = 0;
  type = 0;
  count = 0;
  /** Padding bytes at the end of the current sub-packet (0 when P clear). */
  paddingLength = 0;

  /** Point at a compound packet. Returns OK or TOO_SHORT (fewer than 4 bytes). */
  reset(buf: Uint8Array, off: number, len: number): number {
    this.buf = buf;
    this.pos = off;
    this.end = off + len;
    this.offset = off; this.length = 0; this.type = 0; this.count = 0; this.paddingLength = 0;
    if (len < 4 || off < 0 || off + len > buf.length) { this.end = off; return RtpStatus.TOO_SHORT; }
    return RtpStatus.OK;
  }

  /** Advance to the next sub-packet: OK, END, or an error (iteration stops there). */
  next(): number {
    const b = this.buf;
    const p = this.pos;
    const rem = this.end - p;
    if (rem <= 0) return RtpStatus.END;
    if (rem < 4) { this.pos = this.end; return RtpStatus.TOO_SHORT; }
    const b0 = b[p];
    if (b0 >> 6 !== 2) { this.pos = this.end; return RtpStatus.BAD_VERSION; }
    const len = (((b[p + 2] << 8) | b[p + 3]) + 1) * 4;
    if (len > rem) { this.pos = this.end; return RtpStatus.BAD_LENGTH; }
    let pad = 0;
    if (b0 & 0x20) {
      pad = b[p + len - 1];
      if (pad === 0 || pad > len - 4) { this.pos = this.end; return RtpStatus.PADDING_OVERRUN; }
    }
    this.offset = p; this.length = len; this.type = b[p + 1]; this.count = b0 & 0x1f; this.paddingLength = pad;
    this.pos = p + len;
    return RtpStatus.OK;
  }
}

/**
 * Validate a sub-packet's header for a reader: version, type, and that the length field
 * matches `len`. Returns the content length (len minus padding) or a negated status.
 */
export function rtcpContentLength(buf: Uint8Array, off: number, len: number, type: number): number {
  if (len < 4 || off < 0 || off + len > buf.length) return -RtpStatus.TOO_SHORT;
  const b0 = buf[off];
  if (b0 >> 6 !== 2) return -RtpStatus.BAD_VERSION;
  if (buf[off + 1] !== type) return -RtpStatus.WRONG_TYPE;
  if ((((buf[off + 2] << 8) | buf[off + 3]) + 1) * 4 !== len) return -RtpStatus.BAD_LENGTH;
  if (b0 & 0x20) {
    const pad = buf[off + len - 1];
    if (pad === 0 || pad > len - 4) return -RtpStatus.PADDING_OVERRUN;
    return len - pad;
  }
  return len;
}

/** Write the 4-byte header for a sub-packet of `bytes` total length (multiple of 4). */
export function writeRtcpHeader(dst: Uint8Array, off: number, count: number, type: number, bytes: number, padding = false): void {
  dst[off] = 0x80 | (padding ? 0x20 : 0) | (count & 0x1f);
  dst[off + 1] = type;
  const w = bytes / 4 - 1;
  dst[off + 2] = w >>> 8; dst[off + 3] = w;
}

export function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}
export function w32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24; b[o + 1] = v >>> 16; b[o + 2] = v >>> 8; b[o + 3] = v;
}
export function u16(b: Uint8Array, o: number): number { return (b[o] << 8) | b[o + 1]; }
export function w16(b: Uint8Array, o: number, v: number): void { b[o] = v >>> 8; b[o + 1] = v; }

/** Check room for `bytes` at `off` in `dst`. */
export function fits(dst: Uint8Array, off: number, bytes: number): boolean {
  return off >= 0 && off + bytes <= dst.length;
}
