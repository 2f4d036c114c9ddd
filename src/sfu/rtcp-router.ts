// RTCP arriving on a participant's transports, routed by SSRC:
//  - SubscriberRtcp: from a subscriber (its receiver reports and feedback about OUR
//    DownTrack SSRCs): PLI/FIR -> one upstream keyframe request (rate-limited by the
//    Receiver), NACK -> the DownTrack's retransmitter, RR blocks -> loss/jitter/RTT on
//    the DownTrack; TWCC feedback, REMB and report-block loss -> `feedback` (the
//    transport's SubscriberSender: send-side bandwidth estimate).
//  - PublisherRtcp: from a publisher (its SRs about the tracks it sends) -> Receiver,
//    the RR we send back with one block per Receiver, and the Receivers' periodic
//    upstream NACK / keyframe work (tick). Also maps RTX SSRCs to their Receiver.
// RTCP is not the hot path, but nothing here allocates per packet either.
import {
  FirView, NackView, PliView, PsfbFmt, ReportView, RtcpCompoundView, RtcpType, RtpStatus, RtpfbFmt,
  rbCumulativeLost, rbDlsr, rbFractionLost, rbJitter, rbLsr, rbSsrc, writeRtcpHeader,
} from '../rtp/index.js';
import type { DownTrack } from './down-track.js';
import type { Receiver } from './receiver.js';

const compound = new RtcpCompoundView();
const report = new ReportView();
const pli = new PliView();
const fir = new FirView();
const nack = new NackView();

export interface RtcpRouterCounters { packets: number; malformed: number; unknownSsrc: number }

/** Transport-wide feedback from a subscriber: TWCC, REMB, RR loss (SubscriberSender fits). */
export interface TransportFeedbackSink {
  onTwccFeedback(buf: Uint8Array, off: number, len: number, nowMs: number): void;
  onRemb(buf: Uint8Array, off: number, len: number, nowMs: number): void;
  onFractionLost(fractionLost: number, nowMs: number): void;
}

export class SubscriberRtcp {
  readonly #bySsrc = new Map<number, DownTrack>();
  readonly counters: RtcpRouterCounters = { packets: 0, malformed: 0, unknownSsrc: 0 };
  /** Where TWCC / REMB / report-block loss go (the transport's congestion control); null: ignored. */
  feedback: TransportFeedbackSink | null = null;

  add(dt: DownTrack): void { this.#bySsrc.set(dt.ssrc, dt); }
  remove(dt: DownTrack): void { if (this.#bySsrc.get(dt.ssrc) === dt) this.#bySsrc.delete(dt.ssrc); }
  get(ssrc: number): DownTrack | undefined { return this.#bySsrc.get(ssrc >>> 0); }
  get size(): number { return this.#bySsrc.size; }
  values(): IterableIterator<DownTrack> { return this.#bySsrc.values(); }

  handle(buf: Buffer, len: number, nowMs: number): void {
    this.counters.packets++;
    const c = compound;
    if (c.reset(buf, 0, len) !== RtpStatus.OK) { this.counters.malformed++; return; }
    for (let st = c.next(); st === RtpStatus.OK; st = c.next()) {
      const off = c.offset, l = c.length;
      if (c.type === RtcpType.PSFB && c.count === PsfbFmt.PLI) {
        if (pli.reset(buf, off, l) !== RtpStatus.OK) { this.counters.malformed++; continue; }
        const dt = this.#bySsrc.get(pli.mediaSsrc);
        if (dt) dt.onKeyframeRequest(false, nowMs); else this.counters.unknownSsrc++;
      } else if (c.type === RtcpType.PSFB && c.count === PsfbFmt.FIR) {
        if (fir.reset(buf, off, l) !== RtpStatus.OK) { this.counters.malformed++; continue; }
        for (let i = 0; i < fir.entryCount; i++) {
          const dt = this.#bySsrc.get(fir.ssrc(i));
          if (dt) dt.onKeyframeRequest(true, nowMs); else this.counters.unknownSsrc++;
        }
      } else if (c.type === RtcpType.RTPFB && c.count === RtpfbFmt.NACK) {
        if (nack.reset(buf, off, l) !== RtpStatus.OK) { this.counters.malformed++; continue; }
        const dt = this.#bySsrc.get(nack.mediaSsrc);
        if (dt) dt.onNack(nack, nowMs); else this.counters.unknownSsrc++;
      } else if (c.type === RtcpType.RR || c.type === RtcpType.SR) {
        if (report.reset(buf, off, l) !== RtpStatus.OK) { this.counters.malformed++; continue; }
        let worst = -1;
        for (let i = 0; i < report.reportCount; i++) {
          const o = report.blockOffset(i);
          const dt = this.#bySsrc.get(rbSsrc(buf, o));
          if (dt) dt.onReceiverReport(rbFractionLost(buf, o), rbCumulativeLost(buf, o), rbJitter(buf, o), rbLsr(buf, o), rbDlsr(buf, o), nowMs);
          if (dt && rbFractionLost(buf, o) > worst) worst = rbFractionLost(buf, o);
        }
        if (worst >= 0 && this.feedback !== null) this.feedback.onFractionLost(worst, nowMs);
      } else if (c.type === RtcpType.RTPFB && c.count === RtpfbFmt.TWCC) {
        if (this.feedback !== null) this.feedback.onTwccFeedback(buf, off, l, nowMs);
      } else if (c.type === RtcpType.PSFB && c.count === PsfbFmt.AFB) {
        if (this.feedback !== null) this.feedback.onRemb(buf, off, l, nowMs);
      }
    }
  }
}

export class PublisherRtcp {
  readonly #bySsrc = new Map<number, Receiver>();
  readonly #byRtxSsrc = new Map<number, Receiver>();
  readonly counters: RtcpRouterCounters = { packets: 0, malformed: 0, unknownSsrc: 0 };
  /** Our SSRC as the sender of RRs on this transport. */
  readonly rtcpSsrc: number;

  constructor(rtcpSsrc: number) { this.rtcpSsrc = rtcpSsrc >>> 0; }

  add(r: Receiver): void {
    this.#bySsrc.set(r.ssrc, r);
    if (r.rtxSsrc !== 0) this.#byRtxSsrc.set(r.rtxSsrc, r);
  }
  remove(r: Receiver): void {
    if (this.#bySsrc.get(r.ssrc) === r) this.#bySsrc.delete(r.ssrc);
    if (r.rtxSsrc !== 0 && this.#byRtxSsrc.get(r.rtxSsrc) === r) this.#byRtxSsrc.delete(r.rtxSsrc);
  }
  get(ssrc: number): Receiver | undefined { return this.#bySsrc.get(ssrc >>> 0); }
  /** The Receiver whose RTX stream uses `ssrc`. */
  getByRtxSsrc(ssrc: number): Receiver | undefined { return this.#byRtxSsrc.get(ssrc >>> 0); }
  get size(): number { return this.#bySsrc.size; }

  /** Every Receiver's upstream NACKs and held keyframe requests (call every ~20 ms). */
  tick(nowMs: number, rttMs = 0): void {
    for (const r of this.#bySsrc.values()) r.tick(nowMs, rttMs);
  }

  handle(buf: Buffer, len: number, nowMs: number): void {
    this.counters.packets++;
    const c = compound;
    if (c.reset(buf, 0, len) !== RtpStatus.OK) { this.counters.malformed++; return; }
    for (let st = c.next(); st === RtpStatus.OK; st = c.next()) {
      if (c.type !== RtcpType.SR) continue;
      if (report.reset(buf, c.offset, c.length) !== RtpStatus.OK) { this.counters.malformed++; continue; }
      const r = this.#bySsrc.get(report.ssrc);
      if (r) r.onSenderReport(report.ntpMiddle, report.rtpTimestamp, nowMs); else this.counters.unknownSsrc++;
    }
  }

  /** Writes one RR with a block per receiver that has packets (at most 31). Returns bytes, 0 when none. */
  writeReceiverReport(dst: Uint8Array, off: number, nowMs: number): number {
    let n = 0;
    let p = off + 8;
    for (const r of this.#bySsrc.values()) {
      if (n === 31 || r.stats.received === 0 || p + 24 > dst.length) continue;
      p += r.writeReportBlock(dst, p, nowMs);
      n++;
    }
    if (n === 0) return 0;
    writeRtcpHeader(dst, off, n, RtcpType.RR, p - off);
    dst[off + 4] = this.rtcpSsrc >>> 24; dst[off + 5] = this.rtcpSsrc >>> 16; dst[off + 6] = this.rtcpSsrc >>> 8; dst[off + 7] = this.rtcpSsrc;
    return p - off;
  }
}
