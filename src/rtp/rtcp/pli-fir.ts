// Picture Loss Indication (PSFB FMT 1, RFC 4585 §6.3.1): header + two SSRCs, no FCI.
// Full Intra Request (PSFB FMT 4, RFC 5104 §4.3.1): media SSRC 0, FCI entries
//  | SSRC | Seq nr. (8) | Reserved (24) |
import { RtpStatus } from '../status.js';
import { RtcpType, PsfbFmt, u32, w32, fits } from './rtcp-header.js';
import { feedbackContentLength, writeFeedbackHeader } from './feedback-header.js';

const EMPTY = new Uint8Array(0);

export class PliView {
  buf: Uint8Array = EMPTY;
  off = 0;
  reset(buf: Uint8Array, off: number, len: number): number {
    this.buf = buf; this.off = off;
    const c = feedbackContentLength(buf, off, len, RtcpType.PSFB, PsfbFmt.PLI);
    return c < 0 ? -c : RtpStatus.OK;
  }
  get senderSsrc(): number { return u32(this.buf, this.off + 4); }
  get mediaSsrc(): number { return u32(this.buf, this.off + 8); }
}

export function writePli(dst: Uint8Array, off: number, senderSsrc: number, mediaSsrc: number): number {
  if (!fits(dst, off, 12)) return -RtpStatus.NO_SPACE;
  writeFeedbackHeader(dst, off, PsfbFmt.PLI, RtcpType.PSFB, 12, senderSsrc, mediaSsrc);
  return 12;
}

export class FirView {
  buf: Uint8Array = EMPTY;
  off = 0;
  entryCount = 0;
  reset(buf: Uint8Array, off: number, len: number): number {
    this.buf = buf; this.off = off; this.entryCount = 0;
    const c = feedbackContentLength(buf, off, len, RtcpType.PSFB, PsfbFmt.FIR);
    if (c < 0) return -c;
    if (c < 20 || (c - 12) % 8 !== 0) return RtpStatus.BAD_LENGTH;
    this.entryCount = (c - 12) >> 3;
    return RtpStatus.OK;
  }
  get senderSsrc(): number { return u32(this.buf, this.off + 4); }
  get mediaSsrc(): number { return u32(this.buf, this.off + 8); }
  ssrc(i: number): number { return u32(this.buf, this.off + 12 + i * 8); }
  seqNr(i: number): number { return this.buf[this.off + 16 + i * 8]; }
}

export interface FirEntryInit { ssrc: number; seqNr: number }

export function writeFir(dst: Uint8Array, off: number, senderSsrc: number, entries: readonly FirEntryInit[]): number {
  if (entries.length === 0) return -RtpStatus.BAD_VALUE;
  const n = 12 + entries.length * 8;
  if (!fits(dst, off, n)) return -RtpStatus.NO_SPACE;
  writeFeedbackHeader(dst, off, PsfbFmt.FIR, RtcpType.PSFB, n, senderSsrc, 0);
  let p = off + 12;
  for (const e of entries) { w32(dst, p, e.ssrc); w32(dst, p + 4, (e.seqNr & 0xff) << 24); p += 8; }
  return n;
}
