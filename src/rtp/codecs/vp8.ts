// VP8 payload descriptor (RFC 7741 §4.2). Parsed into a reusable object holding the
// OFFSETS of the picture id / TL0PICIDX / TID bytes so a forwarder can rewrite them in
// place.
//
//       0 1 2 3 4 5 6 7
//      +-+-+-+-+-+-+-+-+
//      |X|R|N|S|R| PID | (REQUIRED)
//      |I|L|T|K| RSV   | (OPTIONAL, when X)
//      |M| PictureID   | (OPTIONAL, when I; 15 bits when M)
//      |   TL0PICIDX   | (OPTIONAL, when L)
//      |TID|Y| KEYIDX  | (OPTIONAL, when T or K)
// then the VP8 payload header when S=1 and PID=0: |Size0|H| VER |P|  (P=0: key frame)
import { RtpStatus } from '../status.js';

export class Vp8Descriptor {
  /** Start-of-partition bit. */
  start = false;
  nonReference = false;
  partitionId = 0;
  /** Absolute offset of the picture id, or -1. */
  pictureIdOffset = -1;
  /** 7 or 15 (M bit), 0 when absent. */
  pictureIdBits = 0;
  /** Absolute offset of TL0PICIDX, or -1. */
  tl0PicIdxOffset = -1;
  /** Absolute offset of the TID|Y|KEYIDX byte, or -1. */
  tidOffset = -1;
  /** Temporal layer id (0 when absent). */
  tid = 0;
  /** K bit: the TID|Y|KEYIDX byte carries a KEYIDX. */
  keyIdxPresent = false;
  layerSync = false;
  /** Absolute offset of the VP8 payload (after the descriptor). */
  payloadOffset = 0;
  /** True when this packet starts a key frame. */
  keyframe = false;

  /** Parse the descriptor at buf[off..off+len). Returns OK or BAD_PAYLOAD. */
  parse(buf: Uint8Array, off: number, len: number): number {
    this.pictureIdOffset = -1; this.pictureIdBits = 0; this.tl0PicIdxOffset = -1;
    this.tidOffset = -1; this.tid = 0; this.layerSync = false; this.keyframe = false; this.keyIdxPresent = false;
    if (len < 1) return RtpStatus.BAD_PAYLOAD;
    const end = off + len;
    const b0 = buf[off];
    this.start = (b0 & 0x10) !== 0;
    this.nonReference = (b0 & 0x20) !== 0;
    this.partitionId = b0 & 0x07;
    let p = off + 1;
    if (b0 & 0x80) {
      if (p >= end) return RtpStatus.BAD_PAYLOAD;
      const x = buf[p++];
      if (x & 0x80) {
        if (p >= end) return RtpStatus.BAD_PAYLOAD;
        this.pictureIdOffset = p;
        if (buf[p] & 0x80) { this.pictureIdBits = 15; p += 2; } else { this.pictureIdBits = 7; p += 1; }
      }
      if (x & 0x40) { this.tl0PicIdxOffset = p; p++; }
      if (x & 0x30) {
        this.tidOffset = p;
        this.keyIdxPresent = (x & 0x10) !== 0;
        if (p < end) { this.tid = buf[p] >> 6; this.layerSync = (buf[p] & 0x20) !== 0; }
        p++;
      }
      if (p > end) return RtpStatus.BAD_PAYLOAD;
    }
    this.payloadOffset = p;
    if (this.start && this.partitionId === 0 && p < end) this.keyframe = (buf[p] & 0x01) === 0;
    return RtpStatus.OK;
  }
}

/** Picture id at a parsed descriptor (7 or 15 bits), -1 when absent. */
export function readVp8PictureId(buf: Uint8Array, d: Vp8Descriptor): number {
  const p = d.pictureIdOffset;
  if (p < 0) return -1;
  return d.pictureIdBits === 15 ? ((buf[p] & 0x7f) << 8) | buf[p + 1] : buf[p] & 0x7f;
}
/** Rewrite the picture id in place, keeping its width (value is masked to 7/15 bits). */
export function writeVp8PictureId(buf: Uint8Array, d: Vp8Descriptor, id: number): boolean {
  const p = d.pictureIdOffset;
  if (p < 0) return false;
  if (d.pictureIdBits === 15) { buf[p] = 0x80 | ((id >>> 8) & 0x7f); buf[p + 1] = id; } else buf[p] = id & 0x7f;
  return true;
}
export function readVp8Tl0PicIdx(buf: Uint8Array, d: Vp8Descriptor): number {
  return d.tl0PicIdxOffset < 0 ? -1 : buf[d.tl0PicIdxOffset];
}
export function writeVp8Tl0PicIdx(buf: Uint8Array, d: Vp8Descriptor, v: number): boolean {
  if (d.tl0PicIdxOffset < 0) return false;
  buf[d.tl0PicIdxOffset] = v; return true;
}
/** Rewrite the TID (and keep Y/KEYIDX). */
export function writeVp8Tid(buf: Uint8Array, d: Vp8Descriptor, tid: number): boolean {
  const p = d.tidOffset;
  if (p < 0) return false;
  buf[p] = ((tid & 3) << 6) | (buf[p] & 0x3f); return true;
}
/** KEYIDX (5 bits) when the K bit is set, else -1. */
export function readVp8KeyIdx(buf: Uint8Array, d: Vp8Descriptor): number {
  return d.keyIdxPresent && d.tidOffset >= 0 ? buf[d.tidOffset] & 0x1f : -1;
}
/** Rewrite KEYIDX (keeps TID/Y). */
export function writeVp8KeyIdx(buf: Uint8Array, d: Vp8Descriptor, v: number): boolean {
  if (!d.keyIdxPresent || d.tidOffset < 0) return false;
  buf[d.tidOffset] = (buf[d.tidOffset] & 0xe0) | (v & 0x1f); return true;
}
