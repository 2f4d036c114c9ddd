// VP9 payload descriptor (RFC 9628, draft-ietf-payload-vp9). Flexible (F=1) and
// non-flexible (F=0) modes; scalability structure (V) skipped over.
//
//       0 1 2 3 4 5 6 7
//      +-+-+-+-+-+-+-+-+
//      |I|P|L|F|B|E|V|Z| (REQUIRED)
//      |M| PICTURE ID  | (when I; 15 bits when M)
//      |  TID  |U| SID |D| (when L)
//      |   TL0PICIDX   | (when L and F=0)
//      | P_DIFF      |N| (when F and P; up to 3)
//      |  SS ...       | (when V)
// Key frame start: P=0 (no inter-picture dependency), B=1 (start of frame), and the
// base spatial layer (SID=0) when L is present.
import { RtpStatus } from '../status.js';

export class Vp9Descriptor {
  interPredicted = false;
  flexible = false;
  beginOfFrame = false;
  endOfFrame = false;
  pictureIdOffset = -1;
  pictureIdBits = 0;
  /** Absolute offset of the TID|U|SID|D byte, or -1. */
  layerOffset = -1;
  tid = 0;
  sid = 0;
  switchingUp = false;
  interLayerDependent = false;
  tl0PicIdxOffset = -1;
  payloadOffset = 0;
  keyframe = false;

  parse(buf: Uint8Array, off: number, len: number): number {
    this.pictureIdOffset = -1; this.pictureIdBits = 0; this.layerOffset = -1; this.tl0PicIdxOffset = -1;
    this.tid = 0; this.sid = 0; this.switchingUp = false; this.interLayerDependent = false; this.keyframe = false;
    if (len < 1) return RtpStatus.BAD_PAYLOAD;
    const end = off + len;
    const b0 = buf[off];
    this.interPredicted = (b0 & 0x40) !== 0;
    this.flexible = (b0 & 0x10) !== 0;
    this.beginOfFrame = (b0 & 0x08) !== 0;
    this.endOfFrame = (b0 & 0x04) !== 0;
    let p = off + 1;
    if (b0 & 0x80) {
      if (p >= end) return RtpStatus.BAD_PAYLOAD;
      this.pictureIdOffset = p;
      if (buf[p] & 0x80) { this.pictureIdBits = 15; p += 2; } else { this.pictureIdBits = 7; p++; }
    }
    if (b0 & 0x20) {
      if (p >= end) return RtpStatus.BAD_PAYLOAD;
      const l = buf[p];
      this.layerOffset = p++;
      this.tid = l >> 5; this.switchingUp = (l & 0x10) !== 0; this.sid = (l >> 1) & 7; this.interLayerDependent = (l & 1) !== 0;
      if (!this.flexible) { this.tl0PicIdxOffset = p++; }
    }
    if (this.flexible && this.interPredicted) {
      for (let i = 0; ; i++) {
        if (i === 3 || p >= end) return RtpStatus.BAD_PAYLOAD;
        if ((buf[p++] & 1) === 0) break;
      }
    }
    if (b0 & 0x02) {
      if (p >= end) return RtpStatus.BAD_PAYLOAD;
      const ss = buf[p++];
      const ns = (ss >> 5) + 1;
      if (ss & 0x10) p += 4 * ns;
      if (ss & 0x08) {
        if (p >= end) return RtpStatus.BAD_PAYLOAD;
        const ng = buf[p++];
        for (let i = 0; i < ng; i++) {
          if (p >= end) return RtpStatus.BAD_PAYLOAD;
          const r = (buf[p++] >> 2) & 3;
          p += r;
        }
      }
    }
    if (p > end) return RtpStatus.BAD_PAYLOAD;
    this.payloadOffset = p;
    this.keyframe = !this.interPredicted && this.beginOfFrame && this.sid === 0;
    return RtpStatus.OK;
  }
}

export function readVp9PictureId(buf: Uint8Array, d: Vp9Descriptor): number {
  const p = d.pictureIdOffset;
  if (p < 0) return -1;
  return d.pictureIdBits === 15 ? ((buf[p] & 0x7f) << 8) | buf[p + 1] : buf[p] & 0x7f;
}
export function writeVp9PictureId(buf: Uint8Array, d: Vp9Descriptor, id: number): boolean {
  const p = d.pictureIdOffset;
  if (p < 0) return false;
  if (d.pictureIdBits === 15) { buf[p] = 0x80 | ((id >>> 8) & 0x7f); buf[p + 1] = id; } else buf[p] = id & 0x7f;
  return true;
}
export function readVp9Tl0PicIdx(buf: Uint8Array, d: Vp9Descriptor): number {
  return d.tl0PicIdxOffset < 0 ? -1 : buf[d.tl0PicIdxOffset];
}
export function writeVp9Tl0PicIdx(buf: Uint8Array, d: Vp9Descriptor, v: number): boolean {
  if (d.tl0PicIdxOffset < 0) return false;
  buf[d.tl0PicIdxOffset] = v; return true;
}
/** Rewrite the temporal layer id (keeps U/SID/D). */
export function writeVp9Tid(buf: Uint8Array, d: Vp9Descriptor, tid: number): boolean {
  const p = d.layerOffset;
  if (p < 0) return false;
  buf[p] = ((tid & 7) << 5) | (buf[p] & 0x1f); return true;
}
