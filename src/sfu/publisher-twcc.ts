// PublisherTwcc: transport-wide congestion control feedback TO one publisher transport.
// Every RTP packet the publisher sends (media and RTX, any track) carries its transport-
// wide sequence number in the negotiated extension; we record it with the arrival time
// (TwccRecorder), and every 50–100 ms send RTPFB FMT 15 feedback (draft-holmer-rmcat-
// transport-wide-cc-extensions-01 §3.1). The publisher's own GCC (Chromium's goog_cc)
// needs this to raise its send bitrate: without it its estimate stays near the start
// value and the camera stays at a low bitrate.
//
//   per packet (after SRTP, view reset on it):  record(v, nowMs)
//   per tick (~20 ms):                           tick(nowMs, sink)
import { RtpView, writeReceiverReport, type ReportBlockInit } from '../rtp/index.js';
import { TwccRecorder, type TwccRecorderConfig } from './twcc/index.js';

export interface RtcpOut {
  sendRtcp(buf: Buffer, off: number, len: number): boolean;
}

export interface PublisherTwccCounters {
  /** Packets that carried the extension / that did not. */
  recorded: number;
  missing: number;
  /** Feedback RTCP packets sent (one datagram may carry several). */
  feedbacks: number;
  sendFailed: number;
}

const NO_BLOCKS: readonly ReportBlockInit[] = [];
const out = Buffer.allocUnsafe(16 * 1024);
const MAX_DATAGRAM = 1200;

export class PublisherTwcc {
  readonly recorder: TwccRecorder;
  readonly counters: PublisherTwccCounters = { recorded: 0, missing: 0, feedbacks: 0, sendFailed: 0 };
  /** The publisher's transport-wide-cc extension id (0: not negotiated; set when known). */
  extId: number;
  /** Our SSRC as the RTCP sender; the media SSRC field names the last source seen. */
  readonly senderSsrc: number;
  #mediaSsrc = 0;
  // Received bytes since the last interval update and its start time: sizes the interval (~5 % of the rate).
  readonly #rate = new Float64Array(2);

  constructor(senderSsrc: number, extId = 0, config: Partial<TwccRecorderConfig> = {}) {
    this.senderSsrc = senderSsrc >>> 0;
    this.extId = extId;
    this.recorder = new TwccRecorder(config);
    this.#rate[1] = -1;
  }

  /** One packet from the publisher (view reset on it). */
  record(v: RtpView, nowMs: number): void {
    const id = this.extId;
    if (id <= 0) return;
    const p = v.findExtension(id);
    if (p < 0 || v.extValueLength !== 2) { this.counters.missing++; return; }
    const b = v.buf;
    this.recorder.record((b[p] << 8) | b[p + 1], nowMs * 1000);
    this.#mediaSsrc = v.ssrc;
    this.#rate[0] += v.len;
    this.counters.recorded++;
  }

  /** Sends due feedback through `sink` (an empty RR first: RFC 3550 §6.1 compound rule). Returns bytes sent. */
  tick(nowMs: number, sink: RtcpOut): number {
    const r = this.recorder;
    const nowUs = nowMs * 1000;
    const rt = this.#rate;
    if (rt[1] < 0) rt[1] = nowMs;
    else if (nowMs - rt[1] >= 1000) { r.setIncomingBitrate((rt[0] * 8 * 1000) / (nowMs - rt[1])); rt[0] = 0; rt[1] = nowMs; }
    if (!r.isDue(nowUs)) return 0;
    const rr = writeReceiverReport(out, 0, this.senderSsrc, NO_BLOCKS);
    const n = r.buildFeedback(nowUs, out, rr, this.senderSsrc, this.#mediaSsrc);
    if (n <= 0) return 0;
    this.counters.feedbacks += r.lastPacketCount;
    if (rr + n <= MAX_DATAGRAM) {
      if (!sink.sendRtcp(out, 0, rr + n)) { this.counters.sendFailed++; return 0; }
      return rr + n;
    }
    // Too big for one datagram: each feedback packet on its own (reduced-size RTCP, RFC 5506).
    let p = rr, sent = 0;
    while (p + 4 <= rr + n) {
      const l = (((out[p + 2] << 8) | out[p + 3]) + 1) * 4;
      if (sink.sendRtcp(out, p, l)) sent += l; else this.counters.sendFailed++;
      p += l;
    }
    return sent;
  }

  /** The publisher's transport restarted (new sequence space). */
  reset(): void { this.recorder.reset(); }
}
