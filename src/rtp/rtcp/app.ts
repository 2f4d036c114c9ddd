// Application-defined (PT 204, RFC 3550 §6.7):
//  |V|P| subtype | PT=204 | length | SSRC/CSRC | name (4 ASCII) | data (32-bit multiple)
import { RtpStatus } from '../status.js';
import { RtcpType, rtcpContentLength, writeRtcpHeader, u32, w32, fits } from './rtcp-header.js';

const EMPTY = new Uint8Array(0);

export class AppView {
  buf: Uint8Array = EMPTY;
  off = 0;
  subtype = 0;
  /** Absolute offset of the 4-byte name, of the data, and the data length. */
  nameOffset = 0;
  dataOffset = 0;
  dataLength = 0;

  reset(buf: Uint8Array, off: number, len: number): number {
    this.buf = buf; this.off = off;
    const c = rtcpContentLength(buf, off, len, RtcpType.APP);
    if (c < 0) return -c;
    if (c < 12) return RtpStatus.BAD_LENGTH;
    this.subtype = buf[off] & 0x1f;
    this.nameOffset = off + 8; this.dataOffset = off + 12; this.dataLength = c - 12;
    return RtpStatus.OK;
  }
  get ssrc(): number { return u32(this.buf, this.off + 4); }
  /** The name as a 32-bit number (compare with a constant to avoid strings). */
  get nameU32(): number { return u32(this.buf, this.nameOffset); }
}

/** `name` must be 4 ASCII chars; `data` length a multiple of 4. */
export function writeApp(dst: Uint8Array, off: number, subtype: number, ssrc: number, name: string, data: Uint8Array): number {
  if (name.length !== 4 || data.length % 4 !== 0 || subtype > 31) return -RtpStatus.BAD_VALUE;
  const n = 12 + data.length;
  if (!fits(dst, off, n)) return -RtpStatus.NO_SPACE;
  writeRtcpHeader(dst, off, subtype, RtcpType.APP, n);
  w32(dst, off + 4, ssrc);
  for (let i = 0; i < 4; i++) dst[off + 8 + i] = name.charCodeAt(i);
  dst.set(data, off + 12);
  return n;
}
