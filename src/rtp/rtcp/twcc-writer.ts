// Builds transport-wide CC feedback (see twcc-feedback.ts for the layout) from arrays of
// arrival times. Chunk choice, at each position:
//   run of >= 14 equal symbols            -> run-length chunk (up to 8191)
//   next 14 (or all remaining) are 0/1    -> 1-bit status vector (14 symbols)
//   run of >= 7 equal symbols             -> run-length chunk
//   otherwise                             -> 2-bit status vector (7 symbols)
// Arrival deltas are computed on a 250 us grid from the previous received packet, so
// rounding never accumulates.
import { RtpStatus } from '../status.js';
import { RtcpType, RtpfbFmt, w16, fits } from './rtcp-header.js';
import { writeFeedbackHeader } from './feedback-header.js';
import { TWCC_DELTA_US, TWCC_REFERENCE_US } from './twcc-feedback.js';

export interface TwccFeedbackInit {
  senderSsrc: number;
  mediaSsrc: number;
  baseSeq: number;
  /** Feedback packet counter (8 bits, wraps). */
  fbPktCount: number;
  /** Number of packets described, starting at baseSeq (1..65535). */
  count: number;
  /**
   * Arrival time in microseconds for packet baseSeq+i (a non-negative time base chosen
   * by the caller); any negative value means "not received".
   */
  arrivalUs: ArrayLike<number>;
  /** Reference time (64 ms units, 24 bits); default floor(first arrival / 64 ms). */
  referenceTime?: number;
}

// Scratch reused across calls (one module instance per worker thread).
let symbols = new Uint8Array(0);
let deltas = new Int32Array(0);

/** Build a TWCC feedback packet. Returns bytes written, or -BAD_VALUE (a delta that does
 * not fit 16 bits: split the feedback there) / -NO_SPACE. */
export function writeTwccFeedback(dst: Uint8Array, off: number, f: TwccFeedbackInit): number {
  const count = f.count;
  if (count < 1 || count > 0xffff || f.arrivalUs.length < count) return -RtpStatus.BAD_VALUE;
  if (symbols.length < count) { symbols = new Uint8Array(Math.max(count, 1024)); deltas = new Int32Array(symbols.length); }
  let ref = f.referenceTime;
  if (ref === undefined) {
    ref = 0;
    for (let i = 0; i < count; i++) if (f.arrivalUs[i] >= 0) { ref = Math.floor(f.arrivalUs[i] / TWCC_REFERENCE_US); break; }
  }
  let prev = ref * (TWCC_REFERENCE_US / TWCC_DELTA_US); // in 250 us ticks
  let deltaBytes = 0;
  for (let i = 0; i < count; i++) {
    const t = f.arrivalUs[i];
    if (!(t >= 0)) { symbols[i] = 0; continue; }
    const ticks = Math.round(t / TWCC_DELTA_US);
    const d = ticks - prev;
    prev = ticks;
    if (d >= 0 && d <= 255) { symbols[i] = 1; deltaBytes += 1; } else if (d >= -32768 && d <= 32767) { symbols[i] = 2; deltaBytes += 2; } else return -RtpStatus.BAD_VALUE;
    deltas[i] = d;
  }
  // Pass 1: count chunks.
  let chunks = 0;
  for (let i = 0; i < count; ) { i += chunkSpan(i, count); chunks++; }
  const body = 20 + chunks * 2 + deltaBytes;
  const padded = (body + 3) & ~3;
  const pad = padded - body;
  if (!fits(dst, off, padded)) return -RtpStatus.NO_SPACE;
  writeFeedbackHeader(dst, off, RtpfbFmt.TWCC, RtcpType.RTPFB, padded, f.senderSsrc, f.mediaSsrc, pad > 0);
  w16(dst, off + 12, f.baseSeq);
  w16(dst, off + 14, count);
  dst[off + 16] = ref >>> 16; dst[off + 17] = ref >>> 8; dst[off + 18] = ref;
  dst[off + 19] = f.fbPktCount;
  // Pass 2: write chunks, then deltas.
  let p = off + 20;
  for (let i = 0; i < count; ) {
    const span = chunkSpan(i, count);
    const kind = lastKind;
    let ch: number;
    if (kind === 0) ch = (symbols[i] << 13) | span;
    else if (kind === 1) { ch = 0x8000; for (let k = 0; k < span; k++) ch |= symbols[i + k] << (13 - k); } else { ch = 0xc000; for (let k = 0; k < span; k++) ch |= symbols[i + k] << (12 - 2 * k); }
    w16(dst, p, ch);
    p += 2;
    i += span;
  }
  for (let i = 0; i < count; i++) {
    const s = symbols[i];
    if (s === 1) dst[p++] = deltas[i];
    else if (s === 2) { w16(dst, p, deltas[i]); p += 2; }
  }
  if (pad > 0) { dst.fill(0, p, p + pad - 1); dst[p + pad - 1] = pad; }
  return padded;
}

let lastKind = 0; // 0 run-length, 1 one-bit vector, 2 two-bit vector (set by chunkSpan)

/** Symbols covered by the chunk starting at i; sets lastKind. */
function chunkSpan(i: number, count: number): number {
  const s = symbols[i];
  let run = 1;
  while (i + run < count && run < 0x1fff && symbols[i + run] === s) run++;
  if (run >= 14) { lastKind = 0; return run; }
  const rem = count - i;
  const want = Math.min(14, rem);
  let ok = 0;
  while (ok < want && symbols[i + ok] !== 2) ok++;
  if (ok === want) { lastKind = 1; return want; }
  if (run >= 7) { lastKind = 0; return run; }
  lastKind = 2;
  return Math.min(7, rem);
}
