// SubscriberSender: the way out of one subscriber transport, between its DownTracks and
// the socket (DESIGN.md: "-> Pacer (per subscriber transport) -> SRTP protect -> send").
//
//   DownTrack / Retransmitter --sinkFor(kind).sendRtp(buf, off, len, nowMs)-->
//     a slot of this transport's preallocated slab is the packet's handle
//     -> pacer.enqueue(kind, handle, size)        audio | RTX | video priority classes
//     -> pacer releases now (sent straight from the caller's buffer: no copy), or the
//        packet waits: only then is it copied into its slot, released by a 1 ms poll timer
//     -> our transport-wide seq written into the subscriber's TWCC extension (release
//        order = seq order), SendHistory.onSent(seq, time, size), transport.sendRtp
//        (SRTP-protects a copy into a send-queue slot), the slab slot is free again.
//
// Feedback from the subscriber (routed by SubscriberRtcp): TWCC -> SendHistory ->
// SendSideBwe; REMB -> cap; RR fraction lost -> loss input while no TWCC came. tick()
// (every ~20 ms) updates the estimate, sets the pacer's rate and reports a changed
// target through `onEstimate(bps)` (the StreamAllocator's input).
//
// Probing (maybeProbe, when the allocator is short of the estimate): a ProbeController
// allows a cluster (rate limit, back-off); recent packets re-sent as RTX go through
// `probeSink`, straight to release (skipping the pacer's queue) flagged PROBE | RTX,
// spaced at ~2.5x the target; the feedback's ProbeEstimator result raises the estimate.
//
// No allocation per packet: slots are Buffers cut from one slab at construction; the
// release callback and the per-kind sinks are made once.
import { RtpStatus, RtpView, writeRtpWithExtension } from '../rtp/index.js';
import { ProbeController, SubscriberCongestionControl, type BweEstimate, type ProbeControllerConfig, type SubscriberCcOptions } from './bwe/index.js';
import { LeakyBucketPacer, PacketKind, PassThroughPacer, QueueDelaySummary, type Pacer, type PacerConfig } from './pacer/index.js';
import { SentFlags } from './twcc/index.js';
import { byteCopier } from './buffer/index.js';

/** The transport under the sender (WebRtcTransport fits). */
export interface PacketSink {
  sendRtp(buf: Buffer, off: number, len: number): boolean;
  sendRtcp(buf: Buffer, off: number, len: number): boolean;
}

/** What DownTracks and Retransmitters send through: one object per packet kind, made once. */
export interface KindSink extends PacketSink {
  /** `nowMs` from the caller's datagram batch; the sender's clock when absent. */
  sendRtp(buf: Buffer, off: number, len: number, nowMs?: number): boolean;
}

export type PacerMode = 'leaky-bucket' | 'pass-through';

/**
 * What probe packets are made of (e.g. a video DownTrack's Retransmitter: recent packets
 * re-sent as RTX): send the packet `back` behind the newest through `sink`; bytes sent or 0.
 */
export interface ProbeSource {
  sendProbe(sink: PacketSink, back: number): number;
}

/** A packet (its SSRC and RTP seq) that waited in the pacer left at nowMs. */
export type LateReleaseListener = (ssrc: number, seq: number, nowMs: number) => void;

/** Target bitrate (bps) of the transport when it changed, at `nowMs`; `e` is a reused object (read it now). */
export type EstimateListener = (bps: number, nowMs: number, e: BweEstimate) => void;

export interface SubscriberSenderOptions {
  transport: PacketSink;
  /** The subscriber's transport-wide-cc extension id; 0 (default): not negotiated (no seq written, no TWCC). */
  twccExtId?: number;
  /** Default 'leaky-bucket' when TWCC is negotiated, else 'pass-through' (no estimate to pace at). */
  pacer?: PacerMode;
  /** Default: the pacer's defaults with maxPackets = slots - 1 and drainWithinMs 1000. */
  pacerConfig?: Partial<PacerConfig>;
  /** Estimator / history options (the pacer is wired here). */
  cc?: Omit<SubscriberCcOptions, 'pacer'>;
  /** Slab slots (packets queued at most, +1). Default 1025 (the pacer's default queue bound + 1). */
  slots?: number;
  /** A first estimate listener (see onEstimate()). */
  onEstimate?: EstimateListener;
  /** Clock (ms) for timer-driven polls and callers that pass no time. Default performance.now. */
  now?: () => number;
  /** Poll the pacer from a 1 ms timer while packets wait. Default true; tests drive poll() by hand. */
  timer?: boolean;
  /** When and how fast to probe (see maybeProbe()). */
  probe?: Partial<ProbeControllerConfig>;
}

export interface SubscriberSenderCounters {
  /** Packets handed in, per kind. */
  audio: number;
  video: number;
  rtx: number;
  /** Released to the transport, and how many of those the transport refused. */
  released: number;
  sendFailed: number;
  /** Dropped: the pacer's queue was full (oldest video first), or the packet was too big / malformed. */
  dropped: number;
  tooBig: number;
  /** Packets that lacked the TWCC element and got one inserted (copied through the builder). */
  extInserted: number;
  /** Packets that had to wait, so were copied into the slab (the others left from the caller's buffer). */
  queuedCopies: number;
  /** target changes reported through onEstimate. */
  estimates: number;
  /** Probe packets sent (through `probeSink`, flagged PROBE, never paced). */
  probes: number;
}

export const SLOT_BYTES = 1500;
const SEQ_ZERO = new Uint8Array(2);
const EMPTY = Buffer.alloc(0);
/** Internal kind of the probe sink: an RTX packet that skips the pacer's queue. */
const PROBE_KIND = 3;
/** A probe cluster ends after this long even when not all its packets went out. */
const PROBE_MAX_SPAN_MS = 500;
/** Packets looked at (newest backwards) for one probe packet before giving up. */
const PROBE_TRIES = 8;

class Sink implements KindSink {
  constructor(private readonly s: SubscriberSender, private readonly kind: number) {}
  sendRtp(buf: Buffer, off: number, len: number, nowMs?: number): boolean { return this.s.send(this.kind, buf, off, len, nowMs ?? this.s.clock()); }
  sendRtcp(buf: Buffer, off: number, len: number): boolean { return this.s.transport.sendRtcp(buf, off, len); }
}

export class SubscriberSender {
  readonly transport: PacketSink;
  readonly cc: SubscriberCongestionControl;
  readonly pacer: Pacer;
  readonly pacerMode: PacerMode;
  readonly twccExtId: number;
  readonly counters: SubscriberSenderCounters = { audio: 0, video: 0, rtx: 0, released: 0, sendFailed: 0, dropped: 0, tooBig: 0, extInserted: 0, queuedCopies: 0, estimates: 0, probes: 0 };
  readonly audio: KindSink;
  readonly video: KindSink;
  readonly rtx: KindSink;
  /** Probe packets go here: released at once (our transport-wide seq, SentFlags.PROBE | RTX). */
  readonly probeSink: KindSink;
  readonly probe: ProbeController;
  readonly clock: () => number;
  readonly #listeners: EstimateListener[] = [];
  readonly #slots: Buffer[] = [];
  readonly #len: Int32Array;
  readonly #seqOff: Int32Array; // offset of the TWCC value in the slot, -1: none
  readonly #kind: Uint8Array;
  readonly #flags: Uint8Array; // SentFlags of the slot's packet
  readonly #free: Int32Array; // stack of free handles
  #freeTop: number;
  readonly #view = new RtpView();
  readonly #srcView = new RtpView();
  // [release time ms, last reported target bps]: doubles in a typed array never box.
  readonly #t = new Float64Array(2);
  readonly #releaseFn = (h: number): void => this.#release(h);
  readonly #freeFn = (h: number): void => this.#freeSlot(h);
  readonly #useTimer: boolean;
  // The packet being handed in, while its bytes are still only in the caller's buffer.
  #pending = -1;
  #pendingBuf: Buffer = EMPTY;
  #pendingOff = 0;
  #timer: NodeJS.Timeout | undefined;
  #timerArmed = false;
  #closed = false;
  #congested = false;
  #lateRelease: LateReleaseListener | null = null;
  // The running probe cluster.
  #probeSource: ProbeSource | null = null;
  #probeLeft = 0;
  #probeSent = 0;
  #probeBack = 0;
  #probeRateBps = 0;
  #probeNextMs = 0;
  #probeEndMs = 0;
  #probeTimer: NodeJS.Timeout | undefined;
  readonly #probeTimerFn = (): void => { if (!this.#closed) this.#probeStep(this.clock()); };

  constructor(o: SubscriberSenderOptions) {
    this.transport = o.transport;
    this.twccExtId = o.twccExtId ?? 0;
    this.pacerMode = o.pacer ?? (this.twccExtId > 0 ? 'leaky-bucket' : 'pass-through');
    const n = o.slots ?? 1025;
    // drainWithinMs: an estimate that lags (start value, slow growth) must not hold video
    // back for long: the rate rises so the queue empties within a second (libwebrtc: 2 s).
    const pc: Partial<PacerConfig> = { maxPackets: n - 1, drainWithinMs: 1000, ...o.pacerConfig };
    this.pacer = this.pacerMode === 'leaky-bucket' ? new LeakyBucketPacer(pc) : new PassThroughPacer(pc);
    this.cc = new SubscriberCongestionControl({ ...o.cc, pacer: this.pacer });
    this.clock = o.now ?? (() => performance.now());
    if (o.onEstimate) this.#listeners.push(o.onEstimate);
    this.#useTimer = o.timer ?? true;
    const slab = Buffer.allocUnsafeSlow(n * SLOT_BYTES);
    for (let i = 0; i < n; i++) this.#slots.push(slab.subarray(i * SLOT_BYTES, (i + 1) * SLOT_BYTES));
    this.#len = new Int32Array(n);
    this.#seqOff = new Int32Array(n);
    this.#kind = new Uint8Array(n);
    this.#flags = new Uint8Array(n);
    this.#free = new Int32Array(n);
    for (let i = 0; i < n; i++) this.#free[i] = n - 1 - i;
    this.#freeTop = n;
    this.#t[1] = -1;
    this.audio = new Sink(this, PacketKind.AUDIO);
    this.video = new Sink(this, PacketKind.VIDEO);
    this.rtx = new Sink(this, PacketKind.RTX);
    this.probeSink = new Sink(this, PROBE_KIND);
    this.probe = new ProbeController(o.probe);
  }

  /**
   * Listen to the estimate (the StreamAllocator's input; fits allocator-glue's EstimateSource):
   * called from tick() whenever the target bitrate changed.
   */
  onEstimate(cb: EstimateListener): void { this.#listeners.push(cb); }

  /**
   * Told about each media packet that waited in the pacer, when it leaves (so the
   * DownTrack's Sequencer can date it from its real send time: NACK age). One listener.
   */
  onLateRelease(cb: LateReleaseListener | null): void { this.#lateRelease = cb; }

  /** The sink for a DownTrack of this kind (its retransmissions use `rtx`). */
  sinkFor(kind: 'audio' | 'video'): KindSink { return kind === 'audio' ? this.audio : this.video; }

  /** Slots in use (queued in the pacer). */
  get queued(): number { return this.#slots.length - this.#freeTop; }

  /** The last target reported (bps), -1 before the first tick. */
  get estimateBps(): number { return this.#t[1]; }

  /**
   * One munged RTP packet of `kind` (PacketKind): copied into a slot and queued; goes out
   * now if the pacer lets it. Returns false when dropped at once.
   */
  send(kind: number, buf: Buffer, off: number, len: number, nowMs: number): boolean {
    if (this.#closed) return false;
    if (kind === PacketKind.AUDIO) this.counters.audio++; else if (kind === PacketKind.RTX) this.counters.rtx++; else if (kind === PROBE_KIND) this.counters.probes++; else this.counters.video++;
    if (len > SLOT_BYTES || len < 12 || this.#freeTop === 0) { this.counters.tooBig++; this.counters.dropped++; return false; }
    const h = this.#free[--this.#freeTop];
    let n = len;
    let rel = -1; // offset of the TWCC value from the packet start
    let lazy = true; // bytes still only in the caller's buffer
    const id = this.twccExtId;
    if (id > 0) {
      const sv = this.#srcView;
      if (sv.reset(buf, off, len) === RtpStatus.OK) {
        const p = sv.findExtension(id);
        if (p >= 0 && sv.extValueLength === 2) rel = p - off;
        else {
          // No 2-byte TWCC element (the publisher sent none): copy with one inserted (rare path).
          const slot = this.#slots[h];
          const w = writeRtpWithExtension(sv, id, SEQ_ZERO, 0, 2, slot, 0);
          const v = this.#view;
          if (w > 0 && v.reset(slot, 0, w) === RtpStatus.OK && v.findExtension(id) >= 0) { n = w; rel = v.extValueOffset; lazy = false; this.counters.extInserted++; }
        }
      }
    }
    this.#len[h] = n;
    this.#seqOff[h] = rel;
    this.#kind[h] = kind === PROBE_KIND ? PacketKind.RTX : kind;
    this.#flags[h] = kind === PacketKind.AUDIO ? SentFlags.AUDIO : kind === PacketKind.RTX ? SentFlags.RTX : kind === PROBE_KIND ? SentFlags.RTX | SentFlags.PROBE : SentFlags.NONE;
    if (lazy) { this.#pending = h; this.#pendingBuf = buf; this.#pendingOff = off; }
    if (kind === PROBE_KIND) { this.#t[0] = nowMs; this.#release(h); this.#pending = -1; return true; }
    const dropped = this.pacer.enqueue(kind, h, n, nowMs);
    if (dropped >= 0) {
      this.#freeSlot(dropped);
      this.counters.dropped++;
      if (dropped === h) { this.#pending = -1; return false; }
    }
    this.poll(nowMs);
    // Still queued: only now copy it into its slot (most packets leave at once, uncopied).
    if (this.#pending === h) { byteCopier.copy(buf, off, this.#slots[h], 0, len); this.#pending = -1; this.counters.queuedCopies++; }
    return true;
  }

  /** Release what the pacer lets go now; arms the poll timer while packets wait. */
  poll(nowMs: number): number {
    if (this.#probeSource !== null) this.#probeStep(nowMs);
    this.#t[0] = nowMs;
    const p = this.pacer;
    const n = p.poll(nowMs, this.#releaseFn);
    if (p.queuedPackets > 0 && this.#useTimer && !this.#closed) this.#armTimer();
    return n;
  }

  #armTimer(): void {
    if (this.#timerArmed) return;
    this.#timerArmed = true;
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => { this.#timerArmed = false; if (!this.#closed) this.poll(this.clock()); }, 1);
      this.#timer.unref();
    } else this.#timer.refresh();
  }

  #release(h: number): void {
    let slot = this.#slots[h];
    let base = 0;
    if (h === this.#pending) { slot = this.#pendingBuf; base = this.#pendingOff; this.#pending = -1; }
    else if (this.#lateRelease !== null && this.#kind[h] !== PacketKind.RTX) this.#lateRelease(slot.readUInt32BE(8), (slot[2] << 8) | slot[3], this.#t[0]);
    const len = this.#len[h];
    const rel = this.#seqOff[h];
    if (rel >= 0) {
      const so = base + rel;
      const cc = this.cc;
      const seq = cc.nextTransportSeq();
      slot[so] = seq >>> 8; slot[so + 1] = seq;
      cc.onSent(seq, this.#t[0] * 1000, len, this.#flags[h]);
    }
    this.counters.released++;
    if (!this.transport.sendRtp(slot, base, len)) this.counters.sendFailed++;
    this.#freeSlot(h);
  }

  #freeSlot(h: number): void { this.#free[this.#freeTop++] = h; }

  // ---- feedback from the subscriber (SubscriberRtcp) ----

  /** RTPFB FMT 15 at buf[off, off+len). */
  onTwccFeedback(buf: Uint8Array, off: number, len: number, nowMs: number): void {
    const cc = this.cc;
    const was = cc.probe.inProgress;
    cc.onTwccFeedback(buf, off, len, nowMs);
    if (was && !cc.probe.inProgress) this.probe.onResult(cc.probe.resultBps);
  }
  /** PSFB FMT 15 (REMB) at buf[off, off+len). */
  onRemb(buf: Uint8Array, off: number, len: number, nowMs: number): void { this.cc.onRemb(buf, off, len, nowMs); }
  /** A report block's fraction lost (0..255): the loss input while no TWCC feedback came. */
  onFractionLost(fractionLost: number, nowMs: number): void {
    if (this.cc.counters.feedbacks === 0) this.cc.onLossReport(fractionLost / 256, nowMs);
  }
  onRtt(rttMs: number): void { this.cc.onRtt(rttMs); }

  /** Periodic (~20 ms): estimate -> pacer rate and onEstimate; releases what waited. Returns the target (bps). */
  tick(nowMs: number): number {
    if (this.#closed) return 0;
    const e = this.cc.update(nowMs);
    const bps = e.targetBitrateBps;
    this.#congested = e.congested;
    if (bps !== this.#t[1]) {
      this.#t[1] = bps;
      this.counters.estimates++;
      const ls = this.#listeners;
      for (let i = 0; i < ls.length; i++) ls[i]!(bps, nowMs, e);
    }
    if (this.pacer.queuedPackets > 0) this.poll(nowMs);
    return bps;
  }

  // ---- probing ----

  /**
   * Call when the allocator has run (every allocation interval): when `deficient` (a layer
   * it wants does not fit the estimate), the transport has TWCC, the estimate is not
   * congested and the ProbeController allows one, starts a probe cluster: `source`'s
   * packets at ~2.5x the target through `probeSink`, spaced by a timer (or by poll()).
   * The ProbeEstimator's result raises the estimate. Returns true when a cluster started.
   */
  maybeProbe(nowMs: number, deficient: boolean, source: ProbeSource | null): boolean {
    if (this.#closed || this.twccExtId === 0 || source === null || this.#probeSource !== null || this.#t[1] <= 0) return false;
    const rate = this.probe.next(nowMs, deficient, this.#congested, this.#t[1]);
    if (rate <= 0) return false;
    const n = this.probe.config.packets;
    this.cc.startProbe(n);
    this.#probeSource = source;
    this.#probeLeft = n;
    this.#probeSent = 0;
    this.#probeBack = 0;
    this.#probeRateBps = rate;
    this.#probeNextMs = nowMs;
    this.#probeEndMs = nowMs + PROBE_MAX_SPAN_MS;
    this.#probeStep(nowMs);
    return true;
  }

  /** A probe cluster is being sent. */
  get probing(): boolean { return this.#probeSource !== null; }

  #probeStep(nowMs: number): void {
    const src = this.#probeSource;
    if (src === null) return;
    while (this.#probeLeft > 0 && nowMs >= this.#probeNextMs && nowMs < this.#probeEndMs) {
      let bytes = 0;
      for (let i = 0; i < PROBE_TRIES && bytes === 0; i++) bytes = src.sendProbe(this.probeSink, this.#probeBack++);
      if (bytes === 0) { this.#probeLeft = 0; break; }
      this.#probeLeft--;
      this.#probeSent++;
      this.#probeNextMs += (bytes * 8000) / this.#probeRateBps;
    }
    if (this.#probeLeft > 0 && nowMs < this.#probeEndMs) {
      if (this.#useTimer) {
        if (this.#probeTimer !== undefined) clearTimeout(this.#probeTimer);
        this.#probeTimer = setTimeout(this.#probeTimerFn, Math.max(1, Math.round(this.#probeNextMs - nowMs)));
        this.#probeTimer.unref();
      }
      return;
    }
    // Done (all sent, nothing left to send, or out of time).
    this.#probeSource = null;
    if (this.#probeSent < this.probe.config.packets) {
      if (this.#probeSent < 2) { this.cc.probe.setExpected(0); this.probe.abort(); }
      else this.cc.probe.setExpected(this.#probeSent);
    }
  }

  /** Queue delay percentiles (ms) over the last `windowMs`. */
  queueDelay(nowMs: number, windowMs = 10_000): QueueDelaySummary { return this.pacer.queueDelay(nowMs, new QueueDelaySummary(), windowMs); }

  /** A plain summary for stats (not the packet path). */
  stats(nowMs: number): SubscriberSenderStats {
    const e = this.cc.bwe.estimate(nowMs);
    const q = this.queueDelay(nowMs);
    return {
      pacer: this.pacerMode, twccExtId: this.twccExtId, estimateBps: e.targetBitrateBps, delayBasedBps: e.delayBasedBps, lossBasedBps: e.lossBasedBps,
      ackedBps: e.ackedBitrateBps, rembBps: e.rembBps, twccFeedbacks: this.cc.counters.feedbacks, rembs: this.cc.counters.rembs,
      historySent: this.cc.history.counters.sent, queuedPackets: this.pacer.queuedPackets, queueDelayP50Ms: q.p50, queueDelayP99Ms: q.p99, queueDelayMaxMs: q.max,
      ...this.counters,
    };
  }

  get closed(): boolean { return this.#closed; }

  /** Idempotent: drops what is queued, stops the timer. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.pacer.clear(this.#freeFn);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#probeTimer !== undefined) clearTimeout(this.#probeTimer);
    this.#probeSource = null;
  }
}

export interface SubscriberSenderStats extends SubscriberSenderCounters {
  pacer: PacerMode;
  twccExtId: number;
  estimateBps: number;
  delayBasedBps: number;
  lossBasedBps: number;
  ackedBps: number;
  rembBps: number;
  twccFeedbacks: number;
  rembs: number;
  historySent: number;
  queuedPackets: number;
  queueDelayP50Ms: number;
  queueDelayP99Ms: number;
  queueDelayMaxMs: number;
}
