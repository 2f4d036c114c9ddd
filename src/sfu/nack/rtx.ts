// RTX (RFC 4588 §4): a retransmission travels on its own SSRC and payload type with its
// own sequence numbers; the original sequence number (OSN) leads the payload.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                         RTP Header                            |
//  |  (RTX PT, RTX seq, same timestamp/marker/CSRCs/extensions,   |
//  |   RTX SSRC)                                                   |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |            OSN                |                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
//  |                  Original RTP Packet Payload                  |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Padding of the original is not payload, so it is not carried. An RTX packet with no
// OSN (payload length 0, e.g. libwebrtc's bandwidth probes) or with an OSN and nothing
// after it is padding-only: unwrap reports 0 (nothing to deliver).
// All functions are hot-path: they return bytes written or a negated RtpStatus code.
import { RtpView, RtpStatus } from '../../rtp/index.js';
import { byteCopier } from '../buffer/byte-copy.js';
import type { PacketCache } from '../buffer/packet-cache.js';

const view = new RtpView();

/**
 * Build the RTX packet for the original RTP packet src[off, off+len) at dst[dOff].
 * Keeps marker, timestamp, CSRCs and header extensions; clears the padding bit.
 * Returns bytes written (header + 2 + payload) or a negated RtpStatus. src and dst
 * must not overlap.
 */
export function writeRtx(src: Uint8Array, off: number, len: number, dst: Uint8Array, dOff: number, rtxSsrc: number, rtxPt: number, rtxSeq: number): number {
  const st = view.reset(src, off, len);
  if (st !== RtpStatus.OK) return -st;
  const hl = view.headerLength, pl = view.payloadLength;
  const n = hl + 2 + pl;
  if (dOff < 0 || dOff + n > dst.length) return -RtpStatus.NO_SPACE;
  const osn = view.sequenceNumber;
  for (let i = 0; i < hl; i++) dst[dOff + i] = src[off + i];
  byteCopier.copy(src, off + hl, dst, dOff + hl + 2, pl);
  dst[dOff] &= ~0x20; // no padding
  dst[dOff + 1] = (src[off + 1] & 0x80) | (rtxPt & 0x7f);
  dst[dOff + 2] = rtxSeq >>> 8; dst[dOff + 3] = rtxSeq;
  dst[dOff + 8] = rtxSsrc >>> 24; dst[dOff + 9] = rtxSsrc >>> 16; dst[dOff + 10] = rtxSsrc >>> 8; dst[dOff + 11] = rtxSsrc;
  dst[dOff + hl] = osn >>> 8; dst[dOff + hl + 1] = osn;
  return n;
}

/**
 * Turn the RTP packet buf[off, off+len) into its RTX packet IN PLACE, for a packet that
 * was already rewritten for its subscriber (SSRC, seq, ts, PT, extension ids): the
 * header moves 2 bytes down to make room for the OSN, so the RTX packet is
 * buf[off - 2, off - 2 + result). Needs off >= 2. The original padding is dropped.
 * Returns the RTX length or a negated RtpStatus (NO_SPACE when off < 2).
 */
export function wrapRtxInPlace(buf: Uint8Array, off: number, len: number, rtxSsrc: number, rtxPt: number, rtxSeq: number): number {
  const st = view.reset(buf, off, len);
  if (st !== RtpStatus.OK) return -st;
  if (off < 2) return -RtpStatus.NO_SPACE;
  const hl = view.headerLength, pl = view.payloadLength;
  const osn = view.sequenceNumber;
  const o = off - 2;
  buf.copyWithin(o, off, off + hl);
  buf[o] &= ~0x20;
  buf[o + 1] = (buf[o + 1] & 0x80) | (rtxPt & 0x7f);
  buf[o + 2] = rtxSeq >>> 8; buf[o + 3] = rtxSeq;
  buf[o + 8] = rtxSsrc >>> 24; buf[o + 9] = rtxSsrc >>> 16; buf[o + 10] = rtxSsrc >>> 8; buf[o + 11] = rtxSsrc;
  buf[o + hl] = osn >>> 8; buf[o + hl + 1] = osn;
  return hl + 2 + pl;
}

/**
 * writeRtx for packet `extSeq` of a PacketCache (the usual NACK answer). When dst has
 * room for 2 + cache.slotSize bytes after dOff, the whole slot is copied natively (bytes
 * past the returned length are scratch); otherwise it falls back to writeRtx. Returns
 * bytes written, -NOT_FOUND when the cache no longer has the packet, or another
 * negated RtpStatus.
 */
export function writeRtxFromCache(cache: PacketCache, extSeq: number, dst: Uint8Array, dOff: number, rtxSsrc: number, rtxPt: number, rtxSeq: number): number {
  const o = cache.get(extSeq);
  if (o < 0) return -RtpStatus.NOT_FOUND;
  const len = cache.length, src = cache.slab;
  if (dOff < 0 || dOff + 2 + cache.slotSize > dst.length) return writeRtx(src, o, len, dst, dOff, rtxSsrc, rtxPt, rtxSeq);
  const st = view.reset(src, o, len);
  if (st !== RtpStatus.OK) return -st;
  const hl = view.headerLength;
  // The slot lands 2 bytes up, so the payload sits right after header + OSN; then the
  // header is written over the first hl + 2 bytes.
  dst.set(cache.slotView(o), dOff + 2);
  for (let i = 0; i < hl; i++) dst[dOff + i] = src[o + i];
  const osn = view.sequenceNumber;
  dst[dOff] &= ~0x20;
  dst[dOff + 1] = (src[o + 1] & 0x80) | (rtxPt & 0x7f);
  dst[dOff + 2] = rtxSeq >>> 8; dst[dOff + 3] = rtxSeq;
  dst[dOff + 8] = rtxSsrc >>> 24; dst[dOff + 9] = rtxSsrc >>> 16; dst[dOff + 10] = rtxSsrc >>> 8; dst[dOff + 11] = rtxSsrc;
  dst[dOff + hl] = osn >>> 8; dst[dOff + hl + 1] = osn;
  return hl + 2 + view.payloadLength;
}

/** rtx-ssrc -> media ssrc and rtx-pt -> media pt, filled at negotiation (not per packet). */
export class RtxMapping {
  readonly #ssrc = new Map<number, number>();
  readonly #pt = new Int16Array(128).fill(-1);

  /** RTX SSRC `rtxSsrc` repairs media SSRC `ssrc` (SDP ssrc-group FID, or RID/RRID). */
  addSsrc(rtxSsrc: number, ssrc: number): this { this.#ssrc.set(rtxSsrc >>> 0, ssrc >>> 0); return this; }
  removeSsrc(rtxSsrc: number): void { this.#ssrc.delete(rtxSsrc >>> 0); }
  /** RTX payload type `rtxPt` carries `pt` (SDP a=fmtp:<rtxPt> apt=<pt>). */
  addPt(rtxPt: number, pt: number): this { this.#pt[rtxPt & 0x7f] = pt & 0x7f; return this; }
  /** Media SSRC for an RTX SSRC, or -1. */
  ssrcFor(rtxSsrc: number): number { const s = this.#ssrc.get(rtxSsrc >>> 0); return s === undefined ? -1 : s; }
  /** Media PT for an RTX PT, or -1. */
  ptFor(rtxPt: number): number { return this.#pt[rtxPt & 0x7f]; }
  isRtxPt(pt: number): boolean { return this.#pt[pt & 0x7f] >= 0; }
}

/** The original sequence number found by the last unwrap (valid when it returned > 0). */
export const rtxResult = { osn: 0 };

function check(buf: Uint8Array, off: number, len: number, map: RtxMapping): number {
  const st = view.reset(buf, off, len);
  if (st !== RtpStatus.OK) return -st;
  if (map.ssrcFor(view.ssrc) < 0 || map.ptFor(view.payloadType) < 0) return -RtpStatus.NOT_FOUND;
  const pl = view.payloadLength;
  if (pl === 0 || pl === 2) return 0; // padding-only (probe)
  if (pl === 1) return -RtpStatus.BAD_PAYLOAD;
  return 1;
}

function restore(dst: Uint8Array, o: number, osn: number, ssrc: number, pt: number): void {
  dst[o + 1] = (dst[o + 1] & 0x80) | (pt & 0x7f);
  dst[o + 2] = osn >>> 8; dst[o + 3] = osn;
  dst[o + 8] = ssrc >>> 24; dst[o + 9] = ssrc >>> 16; dst[o + 10] = ssrc >>> 8; dst[o + 11] = ssrc;
}

/**
 * Unwrap the RTX packet buf[off, off+len) IN PLACE: the header moves 2 bytes up over the
 * OSN, so the original packet is buf[off + 2, off + 2 + result). Sequence number = OSN,
 * SSRC and PT from `map`; marker, timestamp, CSRCs, extensions and padding are kept.
 * Returns the original packet's length, 0 for padding-only RTX (buffer untouched), or
 * a negated RtpStatus (NOT_FOUND: SSRC or PT not in the map).
 */
export function unwrapRtxInPlace(buf: Uint8Array, off: number, len: number, map: RtxMapping): number {
  const r = check(buf, off, len, map);
  if (r <= 0) return r;
  const hl = view.headerLength;
  const osn = (buf[off + hl] << 8) | buf[off + hl + 1];
  const ssrc = map.ssrcFor(view.ssrc), pt = map.ptFor(view.payloadType);
  buf.copyWithin(off + 2, off, off + hl);
  restore(buf, off + 2, osn, ssrc, pt);
  rtxResult.osn = osn;
  return len - 2;
}

/**
 * Unwrap the RTX packet src[off, off+len) into dst[dOff]. Same result as the in-place
 * form; the original packet is dst[dOff, dOff + result). src and dst must not overlap.
 */
export function unwrapRtx(src: Uint8Array, off: number, len: number, map: RtxMapping, dst: Uint8Array, dOff: number): number {
  const r = check(src, off, len, map);
  if (r <= 0) return r;
  const hl = view.headerLength;
  if (dOff < 0 || dOff + len - 2 > dst.length) return -RtpStatus.NO_SPACE;
  const osn = (src[off + hl] << 8) | src[off + hl + 1];
  const ssrc = map.ssrcFor(view.ssrc), pt = map.ptFor(view.payloadType);
  for (let i = 0; i < hl; i++) dst[dOff + i] = src[off + i];
  byteCopier.copy(src, off + hl + 2, dst, dOff + hl, len - hl - 2);
  restore(dst, dOff, osn, ssrc, pt);
  rtxResult.osn = osn;
  return len - 2;
}
