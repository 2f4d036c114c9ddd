// Extended reports (PT 207, RFC 3611): header + SSRC, then report blocks
//  | BT (8) | type-specific (8) | block length (16, words after this one) | ...
// RRTR (BT 4, §4.4): NTP msw + lsw.  DLRR (BT 5, §4.5): sub-blocks | SSRC | LRR | DLRR |.
import { RtpStatus } from '../status.js';
import { RtcpType, rtcpContentLength, writeRtcpHeader, u16, u32, w16, w32, fits } from './rtcp-header.js';

export const XrBlockType = { RRTR: 4, DLRR: 5 } as const;
const EMPTY = new Uint8Array(0);

export class XrView {
  buf: Uint8Array = EMPTY;
  off = 0;
  private pos = 0;
  private end = 0;
  /** Current block (after nextBlock() === OK): type, absolute offset of its body, body bytes. */
  blockType = 0;
  blockOffset = 0;
  blockLength = 0;

  reset(buf: Uint8Array, off: number, len: number): number {
    this.buf = buf; this.off = off; this.pos = this.end = 0;
    const c = rtcpContentLength(buf, off, len, RtcpType.XR);
    if (c < 0) return -c;
    if (c < 8) return RtpStatus.BAD_LENGTH;
    this.pos = off + 8; this.end = off + c;
    return RtpStatus.OK;
  }
  get ssrc(): number { return u32(this.buf, this.off + 4); }

  /** OK, END, or BAD_LENGTH (a block or its type-specific size is wrong). */
  nextBlock(): number {
    const p = this.pos;
    if (p >= this.end) return RtpStatus.END;
    if (p + 4 > this.end) return this.fail();
    const bt = this.buf[p];
    const bytes = u16(this.buf, p + 2) * 4;
    if (p + 4 + bytes > this.end) return this.fail();
    if (bt === XrBlockType.RRTR && bytes !== 8) return this.fail();
    if (bt === XrBlockType.DLRR && bytes % 12 !== 0) return this.fail();
    this.blockType = bt; this.blockOffset = p + 4; this.blockLength = bytes;
    this.pos = p + 4 + bytes;
    return RtpStatus.OK;
  }
  private fail(): number { this.pos = this.end; return RtpStatus.BAD_LENGTH; }

  /** RRTR block readers. */
  get rrtrNtpSeconds(): number { return u32(this.buf, this.blockOffset); }
  get rrtrNtpFraction(): number { return u32(this.buf, this.blockOffset + 4); }
  /** DLRR block readers. */
  get dlrrCount(): number { return this.blockLength / 12; }
  dlrrSsrc(i: number): number { return u32(this.buf, this.blockOffset + i * 12); }
  dlrrLrr(i: number): number { return u32(this.buf, this.blockOffset + i * 12 + 4); }
  dlrrDlrr(i: number): number { return u32(this.buf, this.blockOffset + i * 12 + 8); }
}

export interface DlrrInit { ssrc: number; lrr: number; dlrr: number }
export interface XrInit {
  ssrc: number;
  rrtr?: { ntpSeconds: number; ntpFraction: number };
  dlrr?: readonly DlrrInit[];
}

export function writeXr(dst: Uint8Array, off: number, xr: XrInit): number {
  const d = xr.dlrr ?? [];
  const n = 8 + (xr.rrtr ? 12 : 0) + (d.length ? 4 + d.length * 12 : 0);
  if (!fits(dst, off, n)) return -RtpStatus.NO_SPACE;
  writeRtcpHeader(dst, off, 0, RtcpType.XR, n);
  w32(dst, off + 4, xr.ssrc);
  let p = off + 8;
  if (xr.rrtr) {
    dst[p] = XrBlockType.RRTR; dst[p + 1] = 0; w16(dst, p + 2, 2);
    w32(dst, p + 4, xr.rrtr.ntpSeconds); w32(dst, p + 8, xr.rrtr.ntpFraction);
    p += 12;
  }
  if (d.length) {
    dst[p] = XrBlockType.DLRR; dst[p + 1] = 0; w16(dst, p + 2, d.length * 3);
    p += 4;
    for (const e of d) { w32(dst, p, e.ssrc); w32(dst, p + 4, e.lrr); w32(dst, p + 8, e.dlrr); p += 12; }
  }
  return n;
}
