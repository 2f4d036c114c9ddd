// RtpView: an allocation-free window over one RTP packet (RFC 3550 §5.1, RFC 8285).
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |V=2|P|X|  CC   |M|     PT      |       sequence number         |
//  |                           timestamp                           |
//  |           synchronization source (SSRC) identifier            |
//  |            contributing source (CSRC) identifiers  (CC x 32)  |
//  |  defined by profile (0xBEDE / 0x100x)  |       length (words)   |
//  |                        header extension                       |
//  |                            payload  ...   | padding | count   |
//
// Reuse: make ONE view per worker (or per receive loop) and call `reset(buf, off, len)`
// for each packet; every getter reads straight from `buf`, so a view must not be kept
// across packets (the next reset re-points it). Nothing here allocates: extension
// look-ups report their result in `extValueOffset` / `extValueLength`.
import { RtpStatus } from './status.js';

const EMPTY = new Uint8Array(0);
/** RFC 8285 one-byte header extension profile. */
export const EXT_PROFILE_ONE_BYTE = 0xbede;
/** RFC 8285 two-byte header extension profile (low 4 bits are "appbits"). */
export const EXT_PROFILE_TWO_BYTE = 0x1000;

export class RtpView {
  /** The buffer and window passed to the last successful reset. */
  buf: Uint8Array = EMPTY;
  off = 0;
  len = 0;
  /** Fixed header + CSRCs + extension block, in bytes. */
  headerLength = 0;
  /** Bytes of padding at the end (including the count byte); 0 when P is clear. */
  paddingLength = 0;
  /** Extension profile (0xBEDE, 0x100x, other) or -1 when X is clear. */
  extProfile = -1;
  /** Absolute offset of the first extension element (after the 4-byte block header). */
  extDataOffset = 0;
  /** Bytes of extension elements (length field x 4). */
  extDataLength = 0;
  /** Result of the last findExtension: absolute offset of the value, or -1. */
  extValueOffset = -1;
  /** Result of the last findExtension: value length in bytes. */
  extValueLength = 0;

  /** Point the view at a packet and validate it. Returns RtpStatus.OK or an error code. */
  reset(buf: Uint8Array, off: number, len: number): number {
    this.buf = buf;
    this.off = off;
    this.len = len;
    this.extProfile = -1;
    this.extValueOffset = -1;
    this.extValueLength = 0;
    this.headerLength = 0;
    this.paddingLength = 0;
    if (len < 12 || off < 0 || off + len > buf.length) return RtpStatus.TOO_SHORT;
    const b0 = buf[off];
    if (b0 >> 6 !== 2) return RtpStatus.BAD_VERSION;
    let h = 12 + (b0 & 0x0f) * 4;
    if (h > len) return RtpStatus.CSRC_OVERRUN;
    if (b0 & 0x10) {
      if (h + 4 > len) return RtpStatus.EXTENSION_OVERRUN;
      const p = off + h;
      const words = (buf[p + 2] << 8) | buf[p + 3];
      this.extProfile = (buf[p] << 8) | buf[p + 1];
      this.extDataOffset = p + 4;
      this.extDataLength = words * 4;
      h += 4 + words * 4;
      if (h > len) return RtpStatus.EXTENSION_OVERRUN;
    }
    if (b0 & 0x20) {
      const pad = buf[off + len - 1];
      if (pad === 0 || h + pad > len) return RtpStatus.PADDING_OVERRUN;
      this.paddingLength = pad;
    }
    this.headerLength = h;
    return RtpStatus.OK;
  }

  get version(): number { return this.buf[this.off] >> 6; }
  get padding(): boolean { return (this.buf[this.off] & 0x20) !== 0; }
  get extension(): boolean { return (this.buf[this.off] & 0x10) !== 0; }
  get csrcCount(): number { return this.buf[this.off] & 0x0f; }
  get marker(): boolean { return (this.buf[this.off + 1] & 0x80) !== 0; }
  get payloadType(): number { return this.buf[this.off + 1] & 0x7f; }
  get sequenceNumber(): number { const b = this.buf, o = this.off; return (b[o + 2] << 8) | b[o + 3]; }
  get timestamp(): number {
    const b = this.buf, o = this.off;
    return ((b[o + 4] << 24) | (b[o + 5] << 16) | (b[o + 6] << 8) | b[o + 7]) >>> 0;
  }
  get ssrc(): number {
    const b = this.buf, o = this.off;
    return ((b[o + 8] << 24) | (b[o + 9] << 16) | (b[o + 10] << 8) | b[o + 11]) >>> 0;
  }
  /** CSRC number i (0-based; caller keeps i < csrcCount). */
  csrc(i: number): number {
    const b = this.buf, o = this.off + 12 + i * 4;
    return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  }
  /** Absolute offset of the payload in `buf`. */
  get payloadOffset(): number { return this.off + this.headerLength; }
  get payloadLength(): number { return this.len - this.headerLength - this.paddingLength; }

  /**
   * Find header extension `id`. Returns the absolute offset of its value (also stored in
   * `extValueOffset`, with the length in `extValueLength`), or -1 when absent/malformed.
   */
  findExtension(id: number): number {
    this.extValueOffset = -1;
    this.extValueLength = 0;
    const prof = this.extProfile;
    if (prof < 0 || id <= 0) return -1;
    const b = this.buf;
    let p = this.extDataOffset;
    const end = p + this.extDataLength;
    if (prof === EXT_PROFILE_ONE_BYTE) {
      if (id > 14) return -1;
      while (p < end) {
        const x = b[p];
        if (x === 0) { p++; continue; } // padding byte
        const eid = x >> 4;
        if (eid === 15) return -1; // stop parsing (RFC 8285 §4.2)
        const l = (x & 0x0f) + 1;
        if (p + 1 + l > end) return -1;
        if (eid === id) { this.extValueOffset = p + 1; this.extValueLength = l; return p + 1; }
        p += 1 + l;
      }
    } else if ((prof & 0xfff0) === EXT_PROFILE_TWO_BYTE) {
      while (p < end) {
        const eid = b[p];
        if (eid === 0) { p++; continue; }
        if (p + 2 > end) return -1;
        const l = b[p + 1];
        if (p + 2 + l > end) return -1;
        if (eid === id) { this.extValueOffset = p + 2; this.extValueLength = l; return p + 2; }
        p += 2 + l;
      }
    }
    return -1;
  }

  /**
   * Walk the extension elements, calling `fn(id, valueOffset, valueLength)` for each.
   * Returns OK, or BAD_EXTENSION when an element overruns (elements before it were
   * reported). `fn` should be a function created once, not per packet.
   */
  forEachExtension(fn: (id: number, valueOffset: number, valueLength: number) => void): number {
    const prof = this.extProfile;
    if (prof < 0) return RtpStatus.OK;
    const b = this.buf;
    let p = this.extDataOffset;
    const end = p + this.extDataLength;
    const one = prof === EXT_PROFILE_ONE_BYTE;
    if (!one && (prof & 0xfff0) !== EXT_PROFILE_TWO_BYTE) return RtpStatus.OK;
    while (p < end) {
      const x = b[p];
      if (x === 0) { p++; continue; }
      let id: number, l: number, h: number;
      if (one) {
        id = x >> 4;
        if (id === 15) return RtpStatus.OK;
        l = (x & 0x0f) + 1; h = 1;
      } else {
        if (p + 2 > end) return RtpStatus.BAD_EXTENSION;
        id = x; l = b[p + 1]; h = 2;
      }
      if (p + h + l > end) return RtpStatus.BAD_EXTENSION;
      fn(id, p + h, l);
      p += h + l;
    }
    return RtpStatus.OK;
  }

  // ---- in-place writers (the forwarder's rewrites) ----

  setSsrc(v: number): void {
    const b = this.buf, o = this.off;
    b[o + 8] = v >>> 24; b[o + 9] = v >>> 16; b[o + 10] = v >>> 8; b[o + 11] = v;
  }
  setSequenceNumber(v: number): void { const b = this.buf, o = this.off; b[o + 2] = v >>> 8; b[o + 3] = v; }
  setTimestamp(v: number): void {
    const b = this.buf, o = this.off;
    b[o + 4] = v >>> 24; b[o + 5] = v >>> 16; b[o + 6] = v >>> 8; b[o + 7] = v;
  }
  setPayloadType(pt: number): void { const b = this.buf, o = this.off + 1; b[o] = (b[o] & 0x80) | (pt & 0x7f); }
  setMarker(m: boolean): void { const b = this.buf, o = this.off + 1; b[o] = m ? b[o] | 0x80 : b[o] & 0x7f; }

  /**
   * Rewrite extension ids in place through `map` (map[oldId] = newId). A new id of 0
   * removes the element by turning all its bytes into padding (valid per RFC 8285); so
   * does a new id above 14 in a one-byte block (it cannot be represented there).
   * Returns OK or BAD_EXTENSION (elements before the bad one were rewritten).
   */
  rewriteExtensionIds(map: Uint8Array): number {
    const prof = this.extProfile;
    if (prof < 0) return RtpStatus.OK;
    const b = this.buf;
    let p = this.extDataOffset;
    const end = p + this.extDataLength;
    if (prof === EXT_PROFILE_ONE_BYTE) {
      while (p < end) {
        const x = b[p];
        if (x === 0) { p++; continue; }
        const id = x >> 4;
        if (id === 15) return RtpStatus.OK;
        const l = (x & 0x0f) + 1;
        if (p + 1 + l > end) return RtpStatus.BAD_EXTENSION;
        const n = id < map.length ? map[id] : 0;
        if (n === 0 || n > 14) b.fill(0, p, p + 1 + l);
        else b[p] = (n << 4) | (x & 0x0f);
        p += 1 + l;
      }
    } else if ((prof & 0xfff0) === EXT_PROFILE_TWO_BYTE) {
      while (p < end) {
        const id = b[p];
        if (id === 0) { p++; continue; }
        if (p + 2 > end) return RtpStatus.BAD_EXTENSION;
        const l = b[p + 1];
        if (p + 2 + l > end) return RtpStatus.BAD_EXTENSION;
        const n = id < map.length ? map[id] : 0;
        if (n === 0) b.fill(0, p, p + 2 + l);
        else b[p] = n;
        p += 2 + l;
      }
    }
    return RtpStatus.OK;
  }

  /**
   * Overwrite the transport-wide sequence number (a 2-byte extension `id`) in place.
   * Returns OK, NOT_FOUND (no such extension: use `writeRtpWithExtension` to make room)
   * or NO_ROOM (present but not 2 bytes).
   */
  setTransportSequenceNumber(id: number, seq: number): number {
    const p = this.findExtension(id);
    if (p < 0) return RtpStatus.NOT_FOUND;
    if (this.extValueLength !== 2) return RtpStatus.NO_ROOM;
    this.buf[p] = seq >>> 8; this.buf[p + 1] = seq;
    return RtpStatus.OK;
  }
}
