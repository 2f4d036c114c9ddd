// Sender report (PT 200) and receiver report (PT 201), RFC 3550 §6.4.1-6.4.2.
//  SR: |V|P|RC| PT=200 | length | SSRC | NTP msw | NTP lsw | RTP ts | packets | octets | blocks...
//  RR: |V|P|RC| PT=201 | length | SSRC | blocks...
import { RtpStatus } from '../status.js';
import { RtcpType, rtcpContentLength, writeRtcpHeader, u32, w32, fits } from './rtcp-header.js';
import { REPORT_BLOCK_LENGTH, writeReportBlock, type ReportBlockInit } from './report-block.js';

const EMPTY = new Uint8Array(0);

/** SR or RR view; `isSender` says which. Report blocks: `blockOffset(i)` + rb* readers. */
export class ReportView {
  buf: Uint8Array = EMPTY;
  off = 0;
  isSender = false;
  reportCount = 0;
  /** Absolute offset of the first report block. */
  blocksOffset = 0;

  /** Parse an SR or RR sub-packet. Returns OK, WRONG_TYPE, or a length error. */
  reset(buf: Uint8Array, off: number, len: number): number {
    this.buf = buf; this.off = off; this.reportCount = 0;
    if (len < 4 || off + len > buf.length) return RtpStatus.TOO_SHORT;
    const pt = buf[off + 1];
    if (pt !== RtcpType.SR && pt !== RtcpType.RR) return RtpStatus.WRONG_TYPE;
    const content = rtcpContentLength(buf, off, len, pt);
    if (content < 0) return -content;
    this.isSender = pt === RtcpType.SR;
    const fixed = this.isSender ? 28 : 8;
    const rc = buf[off] & 0x1f;
    if (fixed + rc * REPORT_BLOCK_LENGTH > content) return RtpStatus.BAD_LENGTH;
    this.reportCount = rc;
    this.blocksOffset = off + fixed;
    return RtpStatus.OK;
  }
  get ssrc(): number { return u32(this.buf, this.off + 4); }
  /** SR only: NTP timestamp, seconds (msw) and fraction (lsw). */
  get ntpSeconds(): number { return u32(this.buf, this.off + 8); }
  get ntpFraction(): number { return u32(this.buf, this.off + 12); }
  get rtpTimestamp(): number { return u32(this.buf, this.off + 16); }
  get packetCount(): number { return u32(this.buf, this.off + 20); }
  get octetCount(): number { return u32(this.buf, this.off + 24); }
  /** The middle 32 bits of the NTP time: what a receiver echoes as LSR. */
  get ntpMiddle(): number { return ((this.ntpSeconds << 16) | (this.ntpFraction >>> 16)) >>> 0; }
  blockOffset(i: number): number { return this.blocksOffset + i * REPORT_BLOCK_LENGTH; }
}

export interface SenderReportInit {
  ssrc: number;
  ntpSeconds: number;
  ntpFraction: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
  reports?: readonly ReportBlockInit[];
}

export function writeSenderReport(dst: Uint8Array, off: number, sr: SenderReportInit): number {
  const reports = sr.reports ?? [];
  if (reports.length > 31) return -RtpStatus.BAD_VALUE;
  const n = 28 + reports.length * REPORT_BLOCK_LENGTH;
  if (!fits(dst, off, n)) return -RtpStatus.NO_SPACE;
  writeRtcpHeader(dst, off, reports.length, RtcpType.SR, n);
  w32(dst, off + 4, sr.ssrc); w32(dst, off + 8, sr.ntpSeconds); w32(dst, off + 12, sr.ntpFraction);
  w32(dst, off + 16, sr.rtpTimestamp); w32(dst, off + 20, sr.packetCount); w32(dst, off + 24, sr.octetCount);
  for (let i = 0; i < reports.length; i++) writeReportBlock(dst, off + 28 + i * REPORT_BLOCK_LENGTH, reports[i]);
  return n;
}

export function writeReceiverReport(dst: Uint8Array, off: number, ssrc: number, reports: readonly ReportBlockInit[]): number {
  if (reports.length > 31) return -RtpStatus.BAD_VALUE;
  const n = 8 + reports.length * REPORT_BLOCK_LENGTH;
  if (!fits(dst, off, n)) return -RtpStatus.NO_SPACE;
  writeRtcpHeader(dst, off, reports.length, RtcpType.RR, n);
  w32(dst, off + 4, ssrc);
  for (let i = 0; i < reports.length; i++) writeReportBlock(dst, off + 8 + i * REPORT_BLOCK_LENGTH, reports[i]);
  return n;
}
