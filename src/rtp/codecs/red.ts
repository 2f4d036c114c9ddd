// RED: RTP payload for redundant audio data (RFC 2198), as browsers use it for Opus
// (`audio/red` with fmtp `<opusPt>/<opusPt>`). The payload is a list of block headers,
// then the blocks in the same order: redundant (older) blocks first, the primary last.
//
//    0                   1                    2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |F|   block PT  |  timestamp offset         |   block length    |   F=1: redundant
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |0|   Block PT  |                                                   F=0: last (primary)
//   +-+-+-+-+-+-+-+-+
//
// A redundant block's RTP timestamp is the packet's timestamp minus its 14-bit offset;
// its length is 10 bits. The primary block has no length: it runs to the end of the
// payload (padding excluded). Parsing records absolute offsets in preallocated arrays,
// so a RedView is reused for every packet like RtpView.
import { RtpStatus } from '../status.js';
import type { RtpView } from '../rtp-view.js';

/** Most redundant blocks a RedView records; more is refused as BAD_PAYLOAD. */
export const RED_MAX_REDUNDANT = 16;
/** Largest 14-bit timestamp offset. */
export const RED_MAX_TS_OFFSET = 0x3fff;
/** Largest 10-bit block length. */
export const RED_MAX_BLOCK_LENGTH = 0x3ff;

export class RedView {
  /** Number of redundant blocks (0..RED_MAX_REDUNDANT); block i = 0 is the oldest on the wire. */
  redundantCount = 0;
  /** Absolute offset and length of the primary block in the parsed buffer. */
  primaryOffset = 0;
  primaryLength = 0;
  /** Payload type of the primary block (normally the Opus PT). */
  primaryPayloadType = 0;
  /** Bytes of block headers (4 per redundant block + 1). */
  headerLength = 0;
  /** Per redundant block: absolute offset, length, timestamp offset, payload type. */
  readonly offsets = new Int32Array(RED_MAX_REDUNDANT);
  readonly lengths = new Int32Array(RED_MAX_REDUNDANT);
  readonly tsOffsets = new Int32Array(RED_MAX_REDUNDANT);
  readonly payloadTypes = new Uint8Array(RED_MAX_REDUNDANT);

  /**
   * Parse the RED payload at buf[off..off+len) (the RTP payload, padding excluded).
   * Returns RtpStatus.OK, TOO_SHORT (no bytes, or the headers run past the end) or
   * BAD_PAYLOAD (blocks longer than the payload, or more than RED_MAX_REDUNDANT).
   * On error the fields describe no block (redundantCount 0, primaryLength 0).
   */
  parse(buf: Uint8Array, off: number, len: number): number {
    this.redundantCount = 0;
    this.primaryLength = 0;
    this.primaryOffset = off;
    this.primaryPayloadType = 0;
    this.headerLength = 0;
    if (len <= 0 || off < 0 || off + len > buf.length) return RtpStatus.TOO_SHORT;
    const end = off + len;
    let p = off;
    let n = 0;
    let blockBytes = 0;
    for (;;) {
      if (p >= end) return RtpStatus.TOO_SHORT;
      const b0 = buf[p];
      if ((b0 & 0x80) === 0) { this.primaryPayloadType = b0; p++; break; }
      if (p + 4 > end) return RtpStatus.TOO_SHORT;
      if (n === RED_MAX_REDUNDANT) return RtpStatus.BAD_PAYLOAD;
      const b1 = buf[p + 1], b2 = buf[p + 2], b3 = buf[p + 3];
      this.payloadTypes[n] = b0 & 0x7f;
      this.tsOffsets[n] = (b1 << 6) | (b2 >> 2);
      const l = ((b2 & 0x03) << 8) | b3;
      this.lengths[n] = l;
      blockBytes += l;
      n++;
      p += 4;
    }
    this.headerLength = p - off;
    if (p + blockBytes > end) { this.headerLength = 0; return RtpStatus.BAD_PAYLOAD; }
    for (let i = 0; i < n; i++) { this.offsets[i] = p; p += this.lengths[i]; }
    this.redundantCount = n;
    this.primaryOffset = p;
    this.primaryLength = end - p;
    return RtpStatus.OK;
  }
}

/**
 * Turn a RED packet into a plain Opus packet in `dst` at `dstOff`, for a subscriber that
 * did not negotiate RED: the RTP header (CSRCs and extensions included) is copied with
 * its payload type replaced by `payloadType` (marker kept, padding bit cleared), and the
 * payload is the primary block. `rtp` and `red` must describe the same packet (red parsed
 * over rtp.payloadOffset/payloadLength); `dst` may be another part of the same slab but must
 * not overlap the source packet. Returns bytes written, or -NO_SPACE / -BAD_VALUE.
 */
export function writeRedPrimary(dst: Uint8Array, dstOff: number, rtp: RtpView, red: RedView, payloadType: number): number {
  if (payloadType < 0 || payloadType > 127 || (payloadType | 0) !== payloadType) return -RtpStatus.BAD_VALUE;
  const h = rtp.headerLength;
  const pl = red.primaryLength;
  if (h < 12) return -RtpStatus.BAD_VALUE;
  if (dstOff < 0 || dstOff + h + pl > dst.length) return -RtpStatus.NO_SPACE;
  const src = rtp.buf;
  const so = rtp.off;
  if (red.primaryOffset < so + h || red.primaryOffset + pl > so + rtp.len) return -RtpStatus.BAD_VALUE;
  copyBytes(src, so, dst, dstOff, h);
  dst[dstOff] &= 0xdf; // no padding in the output
  dst[dstOff + 1] = (src[so + 1] & 0x80) | payloadType;
  copyBytes(src, red.primaryOffset, dst, dstOff + h, pl);
  return h + pl;
}

/**
 * The same rewrite in place, in the packet `rtp` points at (for a copy the caller owns,
 * e.g. one subscriber's send buffer): the primary block moves down to the end of the
 * header (memmove), the PT is replaced, padding is dropped. Returns the new packet length
 * or -BAD_VALUE. `rtp` and `red` describe the old bytes afterwards: reset them.
 */
export function rewriteRedToPrimaryInPlace(rtp: RtpView, red: RedView, payloadType: number): number {
  if (payloadType < 0 || payloadType > 127 || (payloadType | 0) !== payloadType) return -RtpStatus.BAD_VALUE;
  const buf = rtp.buf, so = rtp.off, h = rtp.headerLength, pl = red.primaryLength;
  if (h < 12 || red.primaryOffset < so + h || red.primaryOffset + pl > so + rtp.len) return -RtpStatus.BAD_VALUE;
  buf.copyWithin(so + h, red.primaryOffset, red.primaryOffset + pl);
  buf[so] &= 0xdf;
  buf[so + 1] = (buf[so + 1] & 0x80) | payloadType;
  return h + pl;
}

/** Copy without making a subarray view (which costs an object per call). */
function copyBytes(src: Uint8Array, so: number, dst: Uint8Array, dOff: number, n: number): void {
  if (src.buffer === dst.buffer) {
    const from = so + src.byteOffset - dst.byteOffset;
    if (from >= 0 && from + n <= dst.length) { dst.copyWithin(dOff, from, from + n); return; }
  }
  for (let i = 0; i < n; i++) dst[dOff + i] = src[so + i];
}

/** Write one redundant block header (F=1). Returns 4, or -BAD_VALUE / -NO_SPACE. */
export function writeRedBlockHeader(dst: Uint8Array, off: number, payloadType: number, tsOffset: number, length: number): number {
  if (payloadType < 0 || payloadType > 127 || tsOffset < 0 || tsOffset > RED_MAX_TS_OFFSET || length < 0 || length > RED_MAX_BLOCK_LENGTH) {
    return -RtpStatus.BAD_VALUE;
  }
  if (off < 0 || off + 4 > dst.length) return -RtpStatus.NO_SPACE;
  dst[off] = 0x80 | payloadType;
  dst[off + 1] = tsOffset >>> 6;
  dst[off + 2] = ((tsOffset & 0x3f) << 2) | (length >>> 8);
  dst[off + 3] = length & 0xff;
  return 4;
}

/** One block for writeRedPayload. `tsOffset` is ignored for the primary. */
export interface RedBlockInit {
  payloadType: number;
  data: Uint8Array;
  /** Packet timestamp minus this block's timestamp (0..16383). */
  tsOffset: number;
}

/**
 * Build a RED payload (headers, then the blocks) from redundant blocks (oldest first) and
 * the primary. Returns bytes written, or -BAD_VALUE (a field out of range) / -NO_SPACE.
 * Encoders that cannot fit an old block (offset or length too large) should leave it out;
 * this builder refuses it instead of guessing.
 */
export function writeRedPayload(dst: Uint8Array, off: number, redundant: readonly RedBlockInit[], primary: RedBlockInit): number {
  if (redundant.length > RED_MAX_REDUNDANT) return -RtpStatus.BAD_VALUE;
  if (primary.payloadType < 0 || primary.payloadType > 127) return -RtpStatus.BAD_VALUE;
  let total = redundant.length * 4 + 1 + primary.data.length;
  for (const r of redundant) {
    if (r.payloadType < 0 || r.payloadType > 127 || r.tsOffset < 0 || r.tsOffset > RED_MAX_TS_OFFSET || r.data.length > RED_MAX_BLOCK_LENGTH) {
      return -RtpStatus.BAD_VALUE;
    }
    total += r.data.length;
  }
  if (off < 0 || off + total > dst.length) return -RtpStatus.NO_SPACE;
  let p = off;
  for (const r of redundant) {
    const w = writeRedBlockHeader(dst, p, r.payloadType, r.tsOffset, r.data.length);
    if (w < 0) return w;
    p += w;
  }
  dst[p++] = primary.payloadType;
  for (const r of redundant) { dst.set(r.data, p); p += r.data.length; }
  dst.set(primary.data, p);
  p += primary.data.length;
  return p - off;
}
