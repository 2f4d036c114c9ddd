// Generic NACK (RTPFB FMT 1, RFC 4585 §6.2.1). FCI entries of 32 bits:
//  |            PID (lost seq)     |             BLP (next 16)     |
import { RtpStatus } from '../status.js';
import { RtcpType, RtpfbFmt, u16, u32, w16, fits } from './rtcp-header.js';
import { feedbackContentLength, writeFeedbackHeader } from './feedback-header.js';

const EMPTY = new Uint8Array(0);

export class NackView {
  buf: Uint8Array = EMPTY;
  off = 0;
  entryCount = 0;

  reset(buf: Uint8Array, off: number, len: number): number {
    this.buf = buf; this.off = off; this.entryCount = 0;
    const c = feedbackContentLength(buf, off, len, RtcpType.RTPFB, RtpfbFmt.NACK);
    if (c < 0) return -c;
    if (c < 16) return RtpStatus.BAD_LENGTH; // at least one FCI entry
    this.entryCount = (c - 12) >> 2;
    return RtpStatus.OK;
  }
  get senderSsrc(): number { return u32(this.buf, this.off + 4); }
  get mediaSsrc(): number { return u32(this.buf, this.off + 8); }
  pid(i: number): number { return u16(this.buf, this.off + 12 + i * 4); }
  blp(i: number): number { return u16(this.buf, this.off + 14 + i * 4); }

  /** Write every lost sequence number into `out`; returns how many (capped at out.length). */
  fillLost(out: Uint16Array): number {
    let n = 0;
    for (let i = 0; i < this.entryCount; i++) {
      const pid = this.pid(i), blp = this.blp(i);
      if (n < out.length) out[n++] = pid;
      for (let k = 0; k < 16; k++) if (blp & (1 << k) && n < out.length) out[n++] = (pid + k + 1) & 0xffff;
    }
    return n;
  }
  /** Call fn(seq) for each lost sequence number (fn created once, not per packet). */
  forEachLost(fn: (seq: number) => void): void {
    for (let i = 0; i < this.entryCount; i++) {
      const pid = this.pid(i), blp = this.blp(i);
      fn(pid);
      for (let k = 0; k < 16; k++) if (blp & (1 << k)) fn((pid + k + 1) & 0xffff);
    }
  }
}

/**
 * Build a NACK from `count` lost sequence numbers in ascending (wrap-aware) order.
 * Returns bytes written or a negated status.
 */
export function writeNack(dst: Uint8Array, off: number, senderSsrc: number, mediaSsrc: number, seqs: ArrayLike<number>, count = seqs.length): number {
  if (count <= 0) return -RtpStatus.BAD_VALUE;
  // Count entries first to size the packet.
  let entries = 0;
  let pid = -1;
  for (let i = 0; i < count; i++) {
    const s = seqs[i] & 0xffff;
    const d = (s - pid) & 0xffff;
    if (pid >= 0 && d === 0) continue;
    if (pid < 0 || d > 16) { entries++; pid = s; }
  }
  const n = 12 + entries * 4;
  if (!fits(dst, off, n)) return -RtpStatus.NO_SPACE;
  writeFeedbackHeader(dst, off, RtpfbFmt.NACK, RtcpType.RTPFB, n, senderSsrc, mediaSsrc);
  let p = off + 8;
  pid = -1;
  let blp = 0;
  for (let i = 0; i < count; i++) {
    const s = seqs[i] & 0xffff;
    const d = (s - pid) & 0xffff;
    if (pid >= 0 && d === 0) continue;
    if (pid < 0 || d > 16) {
      if (pid >= 0) w16(dst, p + 2, blp);
      p += 4; pid = s; blp = 0;
      w16(dst, p, pid);
    } else blp |= 1 << (d - 1);
  }
  w16(dst, p + 2, blp);
  return n;
}
