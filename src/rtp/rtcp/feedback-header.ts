// Common part of RTPFB (205) and PSFB (206) feedback (RFC 4585 §6.1):
//  |V=2|P|  FMT  |  PT  |  length  | SSRC of packet sender | SSRC of media source | FCI...
import { RtpStatus } from '../status.js';
import { rtcpContentLength, writeRtcpHeader, w32 } from './rtcp-header.js';

/**
 * Validate a feedback packet of `type`/`fmt`. Returns its content length (>= 12) or a
 * negated status.
 */
export function feedbackContentLength(buf: Uint8Array, off: number, len: number, type: number, fmt: number): number {
  const c = rtcpContentLength(buf, off, len, type);
  if (c < 0) return c;
  if ((buf[off] & 0x1f) !== fmt) return -RtpStatus.WRONG_TYPE;
  if (c < 12) return -RtpStatus.BAD_LENGTH;
  return c;
}

export function writeFeedbackHeader(dst: Uint8Array, off: number, fmt: number, type: number, bytes: number, sender: number, media: number, padding = false): void {
  writeRtcpHeader(dst, off, fmt, type, bytes, padding);
  w32(dst, off + 4, sender); w32(dst, off + 8, media);
}
