// Source description (PT 202, RFC 3550 §6.5). SC chunks, each:
//  | SSRC/CSRC | items: type(8) length(8) text... | 0 (end) + zero pad to 32 bits |
// SdesView walks chunks one at a time and reports the CNAME item of each.
import { RtpStatus } from '../status.js';
import { RtcpType, rtcpContentLength, writeRtcpHeader, u32, w32, fits } from './rtcp-header.js';

export const SdesItem = { END: 0, CNAME: 1, NAME: 2, EMAIL: 3, PHONE: 4, LOC: 5, TOOL: 6, NOTE: 7, PRIV: 8 } as const;
const EMPTY = new Uint8Array(0);

export class SdesView {
  buf: Uint8Array = EMPTY;
  chunkCount = 0;
  private pos = 0;
  private end = 0;
  private left = 0;
  /** Current chunk (after nextChunk() === OK). */
  ssrc = 0;
  /** Absolute offset/length of the CNAME text, or -1/0. */
  cnameOffset = -1;
  cnameLength = 0;
  /** Absolute offset of the current chunk's first item. */
  itemsOffset = 0;

  reset(buf: Uint8Array, off: number, len: number): number {
    this.buf = buf; this.chunkCount = 0; this.left = 0;
    const c = rtcpContentLength(buf, off, len, RtcpType.SDES);
    if (c < 0) return -c;
    this.chunkCount = this.left = buf[off] & 0x1f;
    this.pos = off + 4; this.end = off + c;
    return RtpStatus.OK;
  }

  /** Parse the next chunk: OK, END, or BAD_LENGTH (an item or terminator overruns). */
  nextChunk(): number {
    if (this.left === 0) return RtpStatus.END;
    const b = this.buf, end = this.end;
    let p = this.pos;
    if (p + 4 > end) return this.fail();
    this.ssrc = u32(b, p);
    p += 4;
    this.itemsOffset = p;
    this.cnameOffset = -1; this.cnameLength = 0;
    for (;;) {
      if (p >= end) return this.fail();
      const t = b[p];
      if (t === SdesItem.END) break;
      if (p + 2 > end) return this.fail();
      const l = b[p + 1];
      if (p + 2 + l > end) return this.fail();
      if (t === SdesItem.CNAME && this.cnameOffset < 0) { this.cnameOffset = p + 2; this.cnameLength = l; }
      p += 2 + l;
    }
    // The END byte plus zero padding up to the next 32-bit boundary (relative to chunk start).
    p = p + 4 - ((p - this.itemsOffset + 4) & 3);
    if (p > end) return this.fail();
    this.pos = p;
    this.left--;
    return RtpStatus.OK;
  }

  private fail(): number { this.left = 0; return RtpStatus.BAD_LENGTH; }
}

/** Slow path: the CNAME of the current chunk as a string. */
export function sdesCname(v: SdesView): string {
  return v.cnameOffset < 0 ? '' : Buffer.from(v.buf.buffer, v.buf.byteOffset + v.cnameOffset, v.cnameLength).toString('utf8');
}

export interface SdesChunkInit { ssrc: number; cname: string }

/** Build an SDES packet with one CNAME item per chunk. */
export function writeSdes(dst: Uint8Array, off: number, chunks: readonly SdesChunkInit[]): number {
  if (chunks.length > 31) return -RtpStatus.BAD_VALUE;
  let n = 4;
  for (const c of chunks) {
    const l = Buffer.byteLength(c.cname);
    if (l > 255) return -RtpStatus.BAD_VALUE;
    n += (4 + 2 + l + 4) & ~3; // ssrc + item + END + pad
  }
  if (!fits(dst, off, n)) return -RtpStatus.NO_SPACE;
  writeRtcpHeader(dst, off, chunks.length, RtcpType.SDES, n);
  let p = off + 4;
  for (const c of chunks) {
    const start = p;
    w32(dst, p, c.ssrc);
    dst[p + 4] = SdesItem.CNAME;
    const l = Buffer.from(dst.buffer, dst.byteOffset).write(c.cname, p + 6, 'utf8');
    dst[p + 5] = l;
    p += 6 + l;
    const stop = start + ((4 + 2 + l + 4) & ~3);
    dst.fill(0, p, stop);
    p = stop;
  }
  return n;
}
