// RTCP reception report block (RFC 3550 §6.4.1), shared by SR and RR. 24 bytes:
//  | SSRC_n                                                        |
//  | fraction lost |       cumulative number of packets lost (s24) |
//  | extended highest sequence number received                     |
//  | interarrival jitter                                           |
//  | last SR (LSR)                                                 |
//  | delay since last SR (DLSR)                                    |
// Readers take the block's absolute offset (SenderReportView.blockOffset(i)).
import { u32, w32 } from './rtcp-header.js';

export const REPORT_BLOCK_LENGTH = 24;

export interface ReportBlockInit {
  ssrc: number;
  /** 8-bit fixed point fraction (lost/expected * 256). */
  fractionLost: number;
  /** Signed 24-bit (clamped to -8388608..8388607). */
  cumulativeLost: number;
  highestSeq: number;
  jitter: number;
  lsr: number;
  dlsr: number;
}

export function rbSsrc(b: Uint8Array, o: number): number { return u32(b, o); }
export function rbFractionLost(b: Uint8Array, o: number): number { return b[o + 4]; }
/** Cumulative packets lost, signed 24-bit (RFC 3550 allows negative with duplicates). */
export function rbCumulativeLost(b: Uint8Array, o: number): number {
  return (((b[o + 5] << 16) | (b[o + 6] << 8) | b[o + 7]) << 8) >> 8;
}
export function rbHighestSeq(b: Uint8Array, o: number): number { return u32(b, o + 8); }
export function rbJitter(b: Uint8Array, o: number): number { return u32(b, o + 12); }
export function rbLsr(b: Uint8Array, o: number): number { return u32(b, o + 16); }
export function rbDlsr(b: Uint8Array, o: number): number { return u32(b, o + 20); }

export function writeReportBlock(dst: Uint8Array, o: number, r: ReportBlockInit): void {
  w32(dst, o, r.ssrc);
  const lost = Math.max(-0x800000, Math.min(0x7fffff, r.cumulativeLost));
  w32(dst, o + 4, ((r.fractionLost & 0xff) << 24) | (lost & 0xffffff));
  w32(dst, o + 8, r.highestSeq); w32(dst, o + 12, r.jitter); w32(dst, o + 16, r.lsr); w32(dst, o + 20, r.dlsr);
}

/** Slow path: a block as a plain object (tests, logs). */
export function readReportBlock(b: Uint8Array, o: number): ReportBlockInit {
  return {
    ssrc: rbSsrc(b, o), fractionLost: rbFractionLost(b, o), cumulativeLost: rbCumulativeLost(b, o),
    highestSeq: rbHighestSeq(b, o), jitter: rbJitter(b, o), lsr: rbLsr(b, o), dlsr: rbDlsr(b, o),
  };
}
