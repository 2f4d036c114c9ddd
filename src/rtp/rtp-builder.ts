// RTP packet builders: write into a caller's buffer, return bytes written or a negated
// RtpStatus code. `writeRtpWithExtension` is the slow path of the transport-wide
// sequence number rewrite: when a packet has no room for the extension in place, it
// re-writes header + extensions (+ the new one) + payload into another buffer.
import { RtpStatus } from './status.js';
import { RtpView, EXT_PROFILE_ONE_BYTE, EXT_PROFILE_TWO_BYTE } from './rtp-view.js';

export interface RtpExtensionInit {
  id: number;
  value: Uint8Array;
}

export interface RtpPacketInit {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** Default false. */
  marker?: boolean;
  csrcs?: readonly number[];
  extensions?: readonly RtpExtensionInit[];
  /** Force the two-byte (0x1000) form; default: one-byte unless an id/length needs two. */
  twoByteExtensions?: boolean;
  /** Padding bytes to append (1..255, count byte included); default 0 = no P bit. */
  paddingLength?: number;
}

/** Build a whole RTP packet. Returns bytes written or -RtpStatus.{NO_SPACE,BAD_VALUE}. */
export function writeRtpPacket(dst: Uint8Array, off: number, h: RtpPacketInit, payload: Uint8Array): number {
  const csrcs = h.csrcs ?? [];
  const exts = h.extensions ?? [];
  const pad = h.paddingLength ?? 0;
  if (csrcs.length > 15 || pad < 0 || pad > 255) return -RtpStatus.BAD_VALUE;
  let two = h.twoByteExtensions === true;
  let extBytes = 0;
  for (const e of exts) {
    if (e.id < 1 || e.id > 255 || e.value.length > 255) return -RtpStatus.BAD_VALUE;
    if (e.id > 14 || e.value.length === 0 || e.value.length > 16) two = true;
  }
  for (const e of exts) extBytes += (two ? 2 : 1) + e.value.length;
  const extBlock = exts.length ? 4 + ((extBytes + 3) & ~3) : 0;
  const total = 12 + csrcs.length * 4 + extBlock + payload.length + pad;
  if (off < 0 || off + total > dst.length) return -RtpStatus.NO_SPACE;
  dst[off] = 0x80 | (pad ? 0x20 : 0) | (exts.length ? 0x10 : 0) | csrcs.length;
  dst[off + 1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
  writeU16(dst, off + 2, h.sequenceNumber);
  writeU32(dst, off + 4, h.timestamp);
  writeU32(dst, off + 8, h.ssrc);
  let p = off + 12;
  for (const c of csrcs) { writeU32(dst, p, c); p += 4; }
  if (exts.length) {
    writeU16(dst, p, two ? EXT_PROFILE_TWO_BYTE : EXT_PROFILE_ONE_BYTE);
    writeU16(dst, p + 2, (extBlock - 4) / 4);
    p += 4;
    const start = p;
    for (const e of exts) {
      if (two) { dst[p++] = e.id; dst[p++] = e.value.length; } else dst[p++] = (e.id << 4) | (e.value.length - 1);
      dst.set(e.value, p); p += e.value.length;
    }
    dst.fill(0, p, start + extBlock - 4);
    p = start + extBlock - 4;
  }
  dst.set(payload, p); p += payload.length;
  if (pad) { dst.fill(0, p, p + pad - 1); dst[p + pad - 1] = pad; p += pad; }
  return p - off;
}

/**
 * Copy the packet in `v` into `dst` at `dstOff` with extension `id` set to `value`
 * (added, or replacing an element with that id; others are kept in order). Switches to
 * the two-byte form when needed. `dst` must not overlap the source packet. Returns bytes
 * written, or -NO_SPACE / -BAD_EXTENSION (malformed or unknown-profile source block) /
 * -BAD_VALUE.
 */
export function writeRtpWithExtension(
  v: RtpView, id: number, value: Uint8Array, valueOff: number, valueLen: number,
  dst: Uint8Array, dstOff: number,
): number {
  if (id < 1 || id > 255 || valueLen < 0 || valueLen > 255) return -RtpStatus.BAD_VALUE;
  const prof = v.extProfile;
  const srcTwo = prof >= 0 && (prof & 0xfff0) === EXT_PROFILE_TWO_BYTE;
  if (prof >= 0 && !srcTwo && prof !== EXT_PROFILE_ONE_BYTE) return -RtpStatus.BAD_EXTENSION;
  const two = srcTwo || id > 14 || valueLen === 0 || valueLen > 16;
  const kept = copyElements(v, null, 0, two, id);
  if (kept < 0) return -RtpStatus.BAD_EXTENSION;
  const elemBytes = kept + (two ? 2 : 1) + valueLen;
  const extBlock = 4 + ((elemBytes + 3) & ~3);
  const fixed = 12 + v.csrcCount * 4;
  const tail = v.len - v.headerLength; // payload + padding
  const total = fixed + extBlock + tail;
  if (dstOff < 0 || dstOff + total > dst.length) return -RtpStatus.NO_SPACE;
  const src = v.buf;
  dst.set(src.subarray(v.off, v.off + fixed), dstOff);
  dst[dstOff] |= 0x10;
  let p = dstOff + fixed;
  writeU16(dst, p, two ? (srcTwo ? prof : EXT_PROFILE_TWO_BYTE) : EXT_PROFILE_ONE_BYTE);
  writeU16(dst, p + 2, (extBlock - 4) / 4);
  p += 4;
  const start = p;
  p += copyElements(v, dst, p, two, id);
  if (two) { dst[p++] = id; dst[p++] = valueLen; } else dst[p++] = (id << 4) | (valueLen - 1);
  dst.set(value.subarray(valueOff, valueOff + valueLen), p); p += valueLen;
  dst.fill(0, p, start + extBlock - 4);
  p = start + extBlock - 4;
  dst.set(src.subarray(v.off + v.headerLength, v.off + v.len), p);
  return total;
}

/** Copy (or, with dst null, measure) the elements of v's block except `skipId`. */
function copyElements(v: RtpView, dst: Uint8Array | null, at: number, two: boolean, skipId: number): number {
  if (v.extProfile < 0) return 0;
  const b = v.buf;
  const one = v.extProfile === EXT_PROFILE_ONE_BYTE;
  let p = v.extDataOffset;
  const end = p + v.extDataLength;
  let n = 0;
  while (p < end) {
    const x = b[p];
    if (x === 0) { p++; continue; }
    let id: number, l: number, h: number;
    if (one) {
      id = x >> 4;
      if (id === 15) break;
      l = (x & 0x0f) + 1; h = 1;
    } else {
      if (p + 2 > end) return -1;
      id = x; l = b[p + 1]; h = 2;
    }
    if (p + h + l > end) return -1;
    if (id !== skipId) {
      if (dst) {
        const q = at + n;
        if (two) { dst[q] = id; dst[q + 1] = l; } else dst[q] = (id << 4) | (l - 1);
        dst.set(b.subarray(p + h, p + h + l), q + (two ? 2 : 1));
      }
      n += (two ? 2 : 1) + l;
    }
    p += h + l;
  }
  return n;
}

export function writeU16(b: Uint8Array, o: number, v: number): void { b[o] = v >>> 8; b[o + 1] = v; }
export function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24; b[o + 1] = v >>> 16; b[o + 2] = v >>> 8; b[o + 3] = v;
}
export function readU16(b: Uint8Array, o: number): number { return (b[o] << 8) | b[o + 1]; }
export function readU32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}
