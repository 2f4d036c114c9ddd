// Goodbye (PT 203, RFC 3550 §6.6): SC SSRC/CSRCs, then an optional reason
// (length byte + text), zero-padded to 32 bits.
import { RtpStatus } from '../status.js';
import { RtcpType, rtcpContentLength, writeRtcpHeader, u32, w32, fits } from './rtcp-header.js';

const EMPTY = new Uint8Array(0);

export class ByeView {
  buf: Uint8Array = EMPTY;
  off = 0;
  count = 0;
  /** Absolute offset/length of the reason text, or -1/0. */
  reasonOffset = -1;
  reasonLength = 0;

  reset(buf: Uint8Array, off: number, len: number): number {
    this.buf = buf; this.off = off; this.count = 0; this.reasonOffset = -1; this.reasonLength = 0;
    const c = rtcpContentLength(buf, off, len, RtcpType.BYE);
    if (c < 0) return -c;
    const sc = buf[off] & 0x1f;
    const p = off + 4 + sc * 4;
    if (p > off + c) return RtpStatus.BAD_LENGTH;
    if (p < off + c) {
      const l = buf[p];
      if (p + 1 + l > off + c) return RtpStatus.BAD_LENGTH;
      this.reasonOffset = p + 1; this.reasonLength = l;
    }
    this.count = sc;
    return RtpStatus.OK;
  }
  ssrc(i: number): number { return u32(this.buf, this.off + 4 + i * 4); }
}

export function writeBye(dst: Uint8Array, off: number, ssrcs: readonly number[], reason?: string): number {
  if (ssrcs.length > 31) return -RtpStatus.BAD_VALUE;
  const rl = reason === undefined ? -1 : Buffer.byteLength(reason);
  if (rl > 255) return -RtpStatus.BAD_VALUE;
  const n = 4 + ssrcs.length * 4 + (rl < 0 ? 0 : (1 + rl + 3) & ~3);
  if (!fits(dst, off, n)) return -RtpStatus.NO_SPACE;
  writeRtcpHeader(dst, off, ssrcs.length, RtcpType.BYE, n);
  let p = off + 4;
  for (const s of ssrcs) { w32(dst, p, s); p += 4; }
  if (rl >= 0) {
    dst[p] = rl;
    Buffer.from(dst.buffer, dst.byteOffset).write(reason as string, p + 1, 'utf8');
    dst.fill(0, p + 1 + rl, off + n);
  }
  return n;
}
