// DownTrack: one per subscriber per track. Rewrites each forwarded packet for the
// subscriber's negotiated session — its own SSRC, payload type and header extension ids,
// and sequence numbers / timestamps made continuous by an RtpMunger across mutes and
// source changes — then hands it to the subscriber transport (which copies it into a
// send slot and protects it). Video starts (and restarts after an unmute) on a key frame:
// until one arrives packets are held back and a PLI goes upstream (rate-limited by the
// Receiver). Also writes this stream's RTCP sender report. When the Receiver keeps a
// packet cache, a Retransmitter (retransmitter.ts) records each packet sent and answers
// this subscriber's NACKs from the cache (RTX when negotiated).
import { Codec, codecFromName, writeSdes, type NackView, type RtpView, writeSenderReport, type SdesChunkInit, type SenderReportInit } from '../rtp/index.js';
import { MungeResult, RtpMunger } from './rtp-munger.js';
import { Vp8Munger, fanoutVp8 } from './vp8-munger.js';
import { TemporalFilter } from './temporal-filter.js';
import { ntpFraction, ntpMiddle, ntpSeconds } from './ntp-time.js';
import { Retransmitter } from './retransmitter.js';
import { RedToPrimary } from './red-forward.js';
import type { NackResponderConfig } from './nack/index.js';
import type { TrackSource } from './track-source.js';

/** Where the rewritten packets go (the subscriber's WebRtcTransport fits). */
export interface RtpSink {
  /** `nowMs`: the caller's time (a pacing sink queues with it; a transport may ignore it). */
  sendRtp(buf: Buffer, off: number, len: number, nowMs?: number): boolean;
  sendRtcp(buf: Buffer, off: number, len: number): boolean;
}

export interface DownTrackOptions {
  /** A Receiver, or a SimulcastReceiver (one Receiver per layer, see simulcast-receiver.ts). */
  receiver: TrackSource;
  /** Audio: the subscriber's RED payload type when it negotiated red; absent, RED from the publisher is sent as its primary (plain Opus). */
  redPayloadType?: number;
  transport: RtpSink;
  /** Our SSRC towards this subscriber (unique on its transport). */
  ssrc: number;
  /** The subscriber's payload type for the receiver's codec. */
  payloadType: number;
  /** extMap[publisherId] = subscriberId; 0 (or absent) removes the element. */
  extMap: Uint8Array;
  cname: string;
  /** First sequence number / timestamp sent (random when absent). */
  initialSeq?: number;
  initialTs?: number;
  /** The subscriber's RTX SSRC and payload type (video, when it accepted our RTX offer). */
  rtx?: { ssrc: number; payloadType: number };
  /** NACK answers (rate limits, retries); see NackResponder. */
  nackResponder?: Partial<NackResponderConfig>;
  /** Where retransmissions go (a pacer's RTX class, see SubscriberSender.rtx). Default: `transport`. */
  retransmitTransport?: RtpSink;
}

export interface DownTrackCounters {
  packetsSent: number;
  /** Payload octets, as the SR counts them. */
  octetsSent: number;
  /** Not sent: muted, waiting for a key frame, stale/duplicate, or the transport refused. */
  dropped: number;
  sendFailed: number;
  plisReceived: number;
  firsReceived: number;
  nacksReceived: number;
  /** Retransmissions sent in answer to NACKs (RTX or plain), and how many were RTX. */
  retransmits: number;
  rtxSent: number;
  /** From the subscriber's receiver reports. */
  fractionLost: number;
  cumulativeLost: number;
  jitter: number;
}

// RTCP scratch per thread (SR + SDES).
const scratch = Buffer.allocUnsafe(1500);
const srScratch: SenderReportInit = { ssrc: 0, ntpSeconds: 0, ntpFraction: 0, rtpTimestamp: 0, packetCount: 0, octetCount: 0 };

function rand32(): number { return (Math.random() * 0x100000000) >>> 0; }

export class DownTrack {
  readonly receiver: TrackSource;
  readonly ssrc: number;
  readonly payloadType: number;
  readonly counters: DownTrackCounters = {
    packetsSent: 0, octetsSent: 0, dropped: 0, sendFailed: 0, plisReceived: 0, firsReceived: 0, nacksReceived: 0, retransmits: 0, rtxSent: 0,
    fractionLost: 0, cumulativeLost: 0, jitter: 0,
  };
  readonly munger: RtpMunger;
  /** VP8 picture id / TL0PICIDX / KEYIDX continuity (null for other codecs). */
  readonly vp8: Vp8Munger | null;
  /** VP8 temporal layer selection (null for other codecs); see setMaxTemporal. */
  readonly temporal: TemporalFilter | null;
  /** Loss repair for this subscriber (null when the Receiver keeps no cache). */
  readonly retransmitter: Retransmitter | null;
  readonly #transport: RtpSink;
  readonly #extMap: Uint8Array;
  readonly #clockRate: number;
  readonly #sdes: SdesChunkInit[];
  #muted = false;
  #paused = false;
  #waitingKeyframe: boolean;
  #lastInTs = 0;
  #lastOutTs = 0;
  #lastSentMs = -1;
  #closed = false;
  /** Subscriber's RED PT (-1: not negotiated) and the RED -> primary converter (made on the first RED packet). */
  readonly #redPt: number;
  #redDown: RedToPrimary | null = null;

  constructor(o: DownTrackOptions) {
    this.receiver = o.receiver;
    this.ssrc = o.ssrc >>> 0;
    this.payloadType = o.payloadType;
    this.#redPt = o.redPayloadType ?? -1;
    this.#transport = o.transport;
    this.#extMap = o.extMap;
    this.#clockRate = o.receiver.codec.clockRate;
    this.munger = new RtpMunger(this.#clockRate, o.initialSeq ?? (rand32() & 0x7fff), o.initialTs ?? rand32());
    const isVp8 = codecFromName(o.receiver.codec.name) === Codec.VP8;
    this.vp8 = isVp8 ? new Vp8Munger() : null;
    this.temporal = isVp8 ? new TemporalFilter() : null;
    this.#waitingKeyframe = o.receiver.kind === 'video';
    this.#sdes = [{ ssrc: this.ssrc, cname: o.cname }];
    const cache = o.receiver.cache ?? null;
    this.retransmitter = cache === null ? null : new Retransmitter({
      cache, transport: o.retransmitTransport ?? o.transport, kind: o.receiver.kind, ssrc: this.ssrc, payloadType: this.payloadType, extMap: o.extMap,
      ...(o.rtx ? { rtx: o.rtx } : {}), ...(o.nackResponder ? { responder: o.nackResponder } : {}),
    });
  }

  get muted(): boolean { return this.#muted; }
  get paused(): boolean { return this.#paused; }
  get waitingKeyframe(): boolean { return this.#waitingKeyframe; }
  get closed(): boolean { return this.#closed; }

  /** Joins the receiver's fan-out; video asks for a key frame at once. */
  start(nowMs: number): void {
    if (this.#closed) return;
    this.receiver.addDownTrack(this);
    if (this.#waitingKeyframe) this.receiver.requestKeyframe(nowMs);
  }

  /**
   * One source packet (`v` reset on buf) with its extended seq and original ts (read
   * once by the Receiver); `keyframe` from the Receiver. Rewrites the packet IN PLACE for
   * this subscriber and hands it to the transport, which copies it into a send slot.
   */
  writeRtp(buf: Buffer, v: RtpView, extSeq: number, ts: number, keyframe: boolean, nowMs: number): void {
    if (this.#muted || this.#paused) { this.counters.dropped++; return; }
    let pt = this.payloadType, converted = false;
    if (this.receiver.packetIsRed === true) {
      if (this.#redPt >= 0) pt = this.#redPt;
      else {
        const c = this.#redDown ??= new RedToPrimary();
        if (c.toPrimary(v, pt) === 0) { this.counters.dropped++; return; }
        buf = c.buf; v = c.view; converted = true;
      }
    }
    if (this.#waitingKeyframe) {
      if (!keyframe) {
        this.counters.dropped++;
        this.receiver.requestKeyframe(nowMs);
        return;
      }
      this.#waitingKeyframe = false;
      this.switchSource();
    }
    const m = this.munger;
    const tf = this.temporal;
    if (tf !== null && tf.active && !tf.accept(fanoutVp8, keyframe)) {
      m.skip(extSeq & 0xffff); // no hole in the subscriber's sequence numbers
      this.vp8!.dropPicture(fanoutVp8); // nor in its picture ids
      this.counters.dropped++;
      return;
    }
    if (m.translate(extSeq & 0xffff, ts, nowMs) !== MungeResult.Forward) { this.counters.dropped++; return; }
    const tag = this.vp8 === null ? -1 : this.vp8.munge(buf, fanoutVp8, m.outSeq === m.lastSeq);
    v.setSsrc(this.ssrc);
    v.setSequenceNumber(m.outSeq);
    v.setTimestamp(m.outTs);
    v.setPayloadType(pt);
    if (v.extProfile >= 0) v.rewriteExtensionIds(this.#extMap);
    if (!this.#transport.sendRtp(buf, v.off, v.len, nowMs)) { this.counters.sendFailed++; return; }
    this.counters.packetsSent++;
    this.counters.octetsSent += v.payloadLength;
    // A RED packet sent as its primary is not resent from the cache (which holds the RED form).
    if (this.retransmitter !== null && !converted) this.retransmitter.onSent(m.outSeq, extSeq, m.outTs, v.len, nowMs, tag);
    if (m.outSeq === m.lastSeq) {
      this.#lastInTs = ts;
      this.#lastOutTs = m.outTs;
      this.#lastSentMs = nowMs;
    }
  }

  /**
   * The track is muted for everyone (publisher or server mute). Forwarding resumes when
   * neither muted nor paused: seq/ts re-based, and video waits for a key frame.
   */
  setMuted(muted: boolean, nowMs: number): void {
    if (this.#closed || muted === this.#muted) return;
    const wasOff = this.#muted || this.#paused;
    this.#muted = muted;
    this.#resumeIfOn(wasOff, nowMs);
  }

  /** This subscriber does not want the track for now (e.g. its video is not visible). */
  setPaused(paused: boolean, nowMs: number): void {
    if (this.#closed || paused === this.#paused) return;
    const wasOff = this.#muted || this.#paused;
    this.#paused = paused;
    this.#resumeIfOn(wasOff, nowMs);
  }

  #resumeIfOn(wasOff: boolean, nowMs: number): void {
    if (!wasOff || this.#muted || this.#paused) return;
    this.switchSource();
    if (this.receiver.kind === 'video') {
      this.#waitingKeyframe = true;
      this.receiver.requestKeyframe(nowMs);
    }
  }

  /** The next packet starts a new source (layer switch, resume, new publisher SSRC): seq/ts and codec counters continue. */
  switchSource(): void {
    this.munger.switchSource();
    this.vp8?.switchSource();
    this.temporal?.onSourceSwitch();
  }

  /**
   * Highest VP8 temporal layer to forward (0 = base only, a quarter of the frame rate of an
   * L1T3 stream; 3 or -1 = all). Down at the next picture, up at a layer-sync picture or a
   * key frame: no key frame is requested. Ignored for other codecs (returns false).
   */
  setMaxTemporal(t: number): boolean {
    if (this.temporal === null) return false;
    this.temporal.setTarget(t);
    return true;
  }

  /** The subscriber asked for a key frame (PLI or FIR). */
  onKeyframeRequest(fir: boolean, nowMs: number): void {
    if (fir) this.counters.firsReceived++;
    else this.counters.plisReceived++;
    this.receiver.requestKeyframe(nowMs);
  }

  /** A generic NACK (view reset on it) from the subscriber: resend what the cache still has. */
  onNack(nack: NackView, nowMs: number): void {
    this.counters.nacksReceived++;
    const rt = this.retransmitter;
    if (rt === null || this.#closed) return;
    rt.onNack(nack, nowMs);
    this.counters.retransmits = rt.counters.retransmits;
    this.counters.rtxSent = rt.counters.rtxSent;
  }

  /** A report block about our SSRC; lsr/dlsr give the RTT (0 when absent). */
  onReceiverReport(fractionLost: number, cumulativeLost: number, jitter: number, lsr = 0, dlsr = 0, nowMs = 0): void {
    this.counters.fractionLost = fractionLost;
    this.counters.cumulativeLost = cumulativeLost;
    this.counters.jitter = jitter;
    if (this.retransmitter !== null && lsr !== 0) this.retransmitter.onReportBlock(lsr, dlsr, nowMs);
  }

  /** Round-trip time to this subscriber in ms (0: not measured yet). */
  get rttMs(): number { return this.retransmitter?.rttMs ?? 0; }

  /** The RTP timestamp that corresponds to `nowMs` on this stream's clock. */
  projectTimestamp(nowMs: number): number {
    const rate = this.#clockRate;
    const r = this.receiver;
    if (r.srArrivalMs >= 0) {
      // Through the publisher's own NTP<->RTP mapping: keeps audio and video in sync.
      const srcNow = r.srRtpTs + Math.round(((nowMs - r.srArrivalMs) * rate) / 1000);
      return (srcNow - this.#lastInTs + this.#lastOutTs) >>> 0;
    }
    return (this.#lastOutTs + Math.round(((nowMs - this.#lastSentMs) * rate) / 1000)) >>> 0;
  }

  /**
   * Writes SR + SDES(CNAME) at dst[off] and returns bytes written (0 before the first
   * packet was sent). `wallMs` is the wall clock matching `nowMs`.
   */
  writeSenderReport(dst: Uint8Array, off: number, nowMs: number, wallMs: number): number {
    if (this.#closed || this.#lastSentMs < 0) return 0;
    const sr = srScratch;
    sr.ssrc = this.ssrc;
    sr.ntpSeconds = ntpSeconds(wallMs);
    sr.ntpFraction = ntpFraction(wallMs);
    sr.rtpTimestamp = this.projectTimestamp(nowMs);
    sr.packetCount = this.counters.packetsSent >>> 0;
    sr.octetCount = this.counters.octetsSent >>> 0;
    const a = writeSenderReport(dst, off, sr);
    if (a < 0) return 0;
    if (this.retransmitter !== null) this.retransmitter.onSenderReportSent(ntpMiddle(wallMs), nowMs);
    const b = writeSdes(dst, off + a, this.#sdes);
    return b < 0 ? a : a + b;
  }

  /** Sends this stream's SR now (see writeSenderReport). */
  sendSenderReport(nowMs: number, wallMs: number): boolean {
    const n = this.writeSenderReport(scratch, 0, nowMs, wallMs);
    return n > 0 && this.#transport.sendRtcp(scratch, 0, n);
  }

  /** Idempotent: leaves the receiver's fan-out. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.receiver.removeDownTrack(this);
  }
}
