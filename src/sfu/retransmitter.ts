// Retransmitter: the send side of loss repair for one DownTrack. It remembers which
// source packet each outgoing sequence number carried (Sequencer), answers the
// subscriber's NACKs (NackResponder: age, per-packet retry spacing, token bucket), and
// rebuilds each chosen packet from the Receiver's PacketCache with the same rewrite the
// original got (SSRC, seq, ts, PT, header extension ids), then sends it as RTX (RFC 4588:
// the subscriber's negotiated RTX SSRC/PT, our own RTX sequence) or, without RTX, as a
// plain copy of the original. It also measures RTT from the subscriber's receiver
// reports (LSR/DLSR echo of our last SR, RFC 3550 §6.4.1).
//
// No allocation per packet or per NACK: scratch arrays and the send buffer are made once.
import { RtpStatus, RtpView, type NackView } from '../rtp/index.js';
import { NackResponder, Sequencer, wrapRtxInPlace, type NackResponderConfig } from './nack/index.js';
import type { PacketCache } from './buffer/index.js';
import { Vp8Descriptor } from '../rtp/index.js';
import { applyVp8Tag } from './vp8-munger.js';

/** Where retransmissions go (the subscriber's transport). */
export interface RetransmitSink {
  sendRtp(buf: Buffer, off: number, len: number): boolean;
}

const vp8 = new Vp8Descriptor();
/** The cache holds the publisher's packet: put back the VP8 fields this subscriber saw. */
function rewriteCodecFields(buf: Buffer, v: RtpView, tag: number): void {
  if (tag >= 0 && vp8.parse(buf, v.payloadOffset, v.payloadLength) === RtpStatus.OK) applyVp8Tag(buf, vp8, tag);
}

export interface RetransmitterOptions {
  cache: PacketCache;
  transport: RetransmitSink;
  kind: 'audio' | 'video';
  ssrc: number;
  payloadType: number;
  extMap: Uint8Array;
  /** The subscriber's RTX SSRC / payload type, when RTX was negotiated. */
  rtx?: { ssrc: number; payloadType: number };
  responder?: Partial<NackResponderConfig>;
}

export interface RetransmitterCounters {
  /** Sequence numbers asked for in subscriber NACKs. */
  nackedSeqs: number;
  /** Retransmissions sent (RTX or plain) and how many of those were RTX. */
  retransmits: number;
  rtxSent: number;
  /** Chosen by the responder but gone from the cache, or the transport refused. */
  cacheMiss: number;
  sendFailed: number;
  /** Probe packets sent (sendProbe). */
  probes: number;
}

// Per thread: the lost list of one NACK (a NACK packet of 1500 bytes has < 6000 seqs,
// capped here), the chosen Sequencer slots, and the buffer a retransmission is built in
// (2 spare bytes in front for the RTX OSN, then a whole cache slot).
const MAX_LOST = 1024;
const lost = new Uint16Array(MAX_LOST);
const slots = new Int32Array(MAX_LOST);
const out = Buffer.allocUnsafe(2 + 0xffff);
const view = new RtpView();

export class Retransmitter {
  readonly sequencer: Sequencer;
  readonly responder: NackResponder;
  readonly counters: RetransmitterCounters = { nackedSeqs: 0, retransmits: 0, rtxSent: 0, cacheMiss: 0, sendFailed: 0, probes: 0 };
  readonly rtxSsrc: number;
  readonly rtxPayloadType: number;
  /** Round-trip time to the subscriber (ms), 0 until a receiver report echoed our SR. */
  rttMs = 0;
  readonly #cache: PacketCache;
  readonly #transport: RetransmitSink;
  readonly #ssrc: number;
  readonly #pt: number;
  readonly #extMap: Uint8Array;
  #rtxSeq = (Math.random() * 0x8000) | 0;
  #srMiddle = -1;
  #srSentMs = 0;

  constructor(o: RetransmitterOptions) {
    this.sequencer = new Sequencer(o.kind === 'video' ? 2048 : 512);
    this.responder = new NackResponder(this.sequencer, o.responder);
    this.#cache = o.cache;
    this.#transport = o.transport;
    this.#ssrc = o.ssrc >>> 0;
    this.#pt = o.payloadType;
    this.#extMap = o.extMap;
    this.rtxSsrc = o.rtx ? o.rtx.ssrc >>> 0 : 0;
    this.rtxPayloadType = o.rtx ? o.rtx.payloadType : -1;
  }

  /** One packet went out: outgoing seq/ts, the source's extended seq, its size. */
  onSent(outSeq: number, srcExtSeq: number, outTs: number, bytes: number, nowMs: number, codecTag = -1): void {
    this.sequencer.push(outSeq, srcExtSeq, outTs, bytes, nowMs, codecTag);
  }

  /** A subscriber NACK for our SSRC (view reset on it). Returns retransmissions sent. */
  onNack(nack: NackView, nowMs: number): number {
    const k = nack.fillLost(lost);
    this.counters.nackedSeqs += k;
    const n = this.responder.respond(lost, k, nowMs, this.rttMs, slots);
    let sent = 0;
    for (let i = 0; i < n; i++) if (this.#resend(slots[i]!)) sent++;
    return sent;
  }

  /**
   * A probe packet (bandwidth probing): the packet `back` behind the newest sent, re-sent
   * as RTX through `sink` (the SubscriberSender's probe sink). Not counted as a NACK answer
   * and not marked retransmitted. Returns the bytes sent, 0 when there is nothing to send
   * (no RTX negotiated, not in the sequencer or the cache).
   */
  sendProbe(sink: RetransmitSink, back: number): number {
    if (this.rtxPayloadType < 0) return 0;
    const sq = this.sequencer;
    const hi = sq.highest;
    if (hi < 0 || back < 0 || back >= sq.size) return 0;
    const slot = sq.lookup((hi - back) & 0xffff);
    if (slot < 0) return 0;
    const len = this.#cache.copyTo(sq.srcExtSeq(slot), out, 2);
    if (len <= 0) return 0;
    const v = view;
    if (v.reset(out, 2, len) !== RtpStatus.OK) return 0;
    v.setSsrc(this.#ssrc);
    v.setSequenceNumber(sq.outSeq(slot));
    v.setTimestamp(sq.outTs(slot));
    v.setPayloadType(this.#pt);
    if (v.extProfile >= 0) v.rewriteExtensionIds(this.#extMap);
    rewriteCodecFields(out, v, sq.codecTag(slot));
    // Never a key frame packet: a receiver that already assembled (and freed) that frame
    // takes a lone copy as a new key frame and restarts its reference state from it.
    if (sq.codecTag(slot) >= 0 && vp8.keyframe) return 0;
    const rl = wrapRtxInPlace(out, 2, v.len, this.rtxSsrc, this.rtxPayloadType, this.#rtxSeq);
    if (rl <= 0) return 0;
    this.#rtxSeq = (this.#rtxSeq + 1) & 0xffff;
    if (!sink.sendRtp(out, 0, rl)) return 0;
    this.counters.probes++;
    return rl;
  }

  #resend(slot: number): boolean {
    const sq = this.sequencer;
    const len = this.#cache.copyTo(sq.srcExtSeq(slot), out, 2);
    if (len <= 0) { this.counters.cacheMiss++; return false; }
    const v = view;
    if (v.reset(out, 2, len) !== RtpStatus.OK) { this.counters.cacheMiss++; return false; }
    v.setSsrc(this.#ssrc);
    v.setSequenceNumber(sq.outSeq(slot));
    v.setTimestamp(sq.outTs(slot));
    v.setPayloadType(this.#pt);
    if (v.extProfile >= 0) v.rewriteExtensionIds(this.#extMap);
    rewriteCodecFields(out, v, sq.codecTag(slot));
    let ok: boolean;
    if (this.rtxPayloadType >= 0) {
      const rl = wrapRtxInPlace(out, 2, v.len, this.rtxSsrc, this.rtxPayloadType, this.#rtxSeq);
      if (rl <= 0) { this.counters.sendFailed++; return false; }
      this.#rtxSeq = (this.#rtxSeq + 1) & 0xffff;
      ok = this.#transport.sendRtp(out, 0, rl);
      if (ok) this.counters.rtxSent++;
    } else {
      ok = this.#transport.sendRtp(out, 2, v.len);
    }
    if (!ok) { this.counters.sendFailed++; return false; }
    this.counters.retransmits++;
    return true;
  }

  /** Our SR for this stream went out with these NTP middle 32 bits at nowMs. */
  onSenderReportSent(ntpMiddle: number, nowMs: number): void {
    this.#srMiddle = ntpMiddle >>> 0;
    this.#srSentMs = nowMs;
  }

  /** A report block about our SSRC: RTT = now - (time of the SR it echoes) - DLSR. */
  onReportBlock(lsr: number, dlsr: number, nowMs: number): void {
    if (lsr === 0 || (lsr >>> 0) !== this.#srMiddle) return;
    const rtt = nowMs - this.#srSentMs - (dlsr * 1000) / 65536;
    if (rtt >= 0 && rtt < 10_000) this.rttMs = this.rttMs === 0 ? rtt : this.rttMs * 0.875 + rtt * 0.125;
  }
}
