// Compound RTCP building without allocation: every write* builder takes (dst, off, ...)
// and returns bytes written or a negated status, so a compound is just a running offset.
//
//   const w = new RtcpCompoundWriter();          // once
//   w.reset(buf, 0);                             // per compound
//   w.put(writeSenderReport(w.buf, w.end, sr));
//   w.put(writeSdes(w.buf, w.end, chunks));
//   if (w.status !== RtpStatus.OK) ...; send(buf, 0, w.length)
//
// After the first failure `put` ignores further results and `status` keeps the error.
import { RtpStatus } from '../status.js';

const EMPTY = new Uint8Array(0);

export class RtcpCompoundWriter {
  buf: Uint8Array = EMPTY;
  start = 0;
  /** Offset where the next sub-packet goes. */
  end = 0;
  status = 0;

  reset(buf: Uint8Array, off: number): this {
    this.buf = buf; this.start = this.end = off; this.status = RtpStatus.OK;
    return this;
  }
  /** Account for a builder's result. Returns false once anything has failed. */
  put(result: number): boolean {
    if (this.status !== RtpStatus.OK) return false;
    if (result < 0) { this.status = -result; return false; }
    this.end += result;
    return true;
  }
  get length(): number { return this.end - this.start; }
}
