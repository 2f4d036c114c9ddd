// The StreamAllocator of one subscriber, wired to its simulcast DownTracks: every
// `intervalMs` it feeds the allocator the measured layer bitrates and frame sizes of each
// subscribed simulcast track, the subscriber's requested sizes, and the bandwidth
// estimate; it applies each 'target' decision to the track's Forwarder (the switch then
// happens at the target layer's next key frame) and reports paused/resumed/switches, and
// tells each track's Dynacast which layer this subscriber wants.
//
// The estimate comes from an EstimateSource when one is set (the transport's send-side
// BWE: `onEstimate(cb)`). Without one, LossBasedEstimate is the fallback: the receiver
// reports' loss against what we sent (at > 10 % loss cut to sent x (1 - loss/2), at most
// once per 1.2 s; hold at 2-10 %; grow 1 %/update for 20 s after a loss, 12 % later: it
// finds more room only by trying the next layer, so after a loss it waits long before trying).
import { StreamAllocator, type AllocationEvent, type StreamAllocatorConfig } from './allocation/index.js';
import type { DownTrack } from './down-track.js';
import type { SimulcastReceiver } from './simulcast-receiver.js';
import { ALL_TEMPORAL } from './temporal-filter.js';

/** A bandwidth estimate for one subscriber's downlink (e.g. the TWCC send-side BWE). */
export interface EstimateSource {
  onEstimate(cb: (bps: number, nowMs: number) => void): void;
}

export interface LossBasedEstimateConfig {
  initialBps: number;
  minBps: number;
  maxBps: number;
  /** Growth per update while a loss is recent (< recentLossMs ago), and later. */
  slowGrowth: number;
  fastGrowth: number;
  recentLossMs: number;
  /**
   * After a cut, further cuts wait this long: receiver reports lag (RR interval, queue),
   * so the loss right after a cut still describes the rate before it. Default 1200.
   */
  decreaseHoldMs: number;
  /** Per-packet bytes added to the payload octets (RTP header, SRTP tag, UDP/IP). */
  overheadBytes: number;
}

export const defaultLossBasedEstimateConfig: Readonly<LossBasedEstimateConfig> = Object.freeze({
  initialBps: 5_000_000, minBps: 100_000, maxBps: 20_000_000, slowGrowth: 1.01, fastGrowth: 1.12, recentLossMs: 20_000, decreaseHoldMs: 1200, overheadBytes: 50,
});

/** Loss-based estimate from sent counters and the subscriber's RR cumulative loss. Pure: pass nowMs and totals. */
export class LossBasedEstimate {
  readonly config: Readonly<LossBasedEstimateConfig>;
  estimateBps: number;
  /** Last update's sent rate (bps) and loss fraction. */
  sentBps = 0;
  loss = 0;
  #lastMs = -1;
  #octets = 0;
  #packets = 0;
  #lost = 0;
  #lastLossMs = -Infinity;
  #lastCutMs = -Infinity;

  constructor(config: Partial<LossBasedEstimateConfig> = {}) {
    this.config = Object.freeze({ ...defaultLossBasedEstimateConfig, ...config });
    this.estimateBps = this.config.initialBps;
  }

  /** Totals over the subscriber's DownTracks: payload octets sent, packets sent, cumulative lost (from RRs). */
  update(nowMs: number, octets: number, packets: number, lost: number): number {
    const c = this.config;
    if (this.#lastMs < 0) { this.#lastMs = nowMs; this.#octets = octets; this.#packets = packets; this.#lost = lost; return this.estimateBps; }
    const dt = nowMs - this.#lastMs;
    if (dt <= 0) return this.estimateBps;
    const dp = packets - this.#packets;
    const dl = Math.max(0, lost - this.#lost);
    this.sentBps = ((octets - this.#octets + dp * c.overheadBytes) * 8000) / dt;
    this.#lastMs = nowMs; this.#octets = octets; this.#packets = packets; this.#lost = lost;
    if (dp < 10) return this.estimateBps; // too little sent to judge
    const loss = Math.min(1, dl / dp);
    this.loss = loss;
    let e = this.estimateBps;
    if (loss > 0.1) {
      if (nowMs - this.#lastCutMs >= c.decreaseHoldMs) {
        // GCC's loss rule, from what was actually sent (an estimate far above the sending
        // rate says nothing); the RR loss lags, so not sent x (1 - loss), which undershoots.
        e = Math.min(e, this.sentBps) * (1 - 0.5 * loss);
        this.#lastCutMs = nowMs;
      }
      this.#lastLossMs = nowMs;
    } else if (loss < 0.02) {
      e *= nowMs - this.#lastLossMs < c.recentLossMs ? c.slowGrowth : c.fastGrowth;
    }
    this.estimateBps = Math.min(c.maxBps, Math.max(c.minBps, e));
    return this.estimateBps;
  }
}

interface VideoEntry {
  trackId: string;
  sim: SimulcastReceiver;
  dt: DownTrack;
  maxWidth: number;
  maxHeight: number;
  maxSpatial: number;
  /** The subscriber's own temporal cap (setPreferences maxTemporal; 3: all). */
  maxTemporal: number;
  /** The allocator's temporal choice (3: all) and whether the last allocation offered any. */
  allocTemporal: number;
  temporalOffered: boolean;
  disabled: boolean;
}

export type SubscriberAllocationEvent =
  | { type: 'target'; trackId: string; spatial: number; estimateBps: number }
  | { type: 'paused' | 'resumed'; trackId: string };

export interface SubscriberAllocationOptions {
  /** Used in each track's Dynacast. */
  subscriberId: string;
  intervalMs?: number;
  allocator?: Partial<StreamAllocatorConfig>;
  fallback?: Partial<LossBasedEstimateConfig>;
  onEvent?: (e: SubscriberAllocationEvent, nowMs: number) => void;
}

export class SubscriberAllocation {
  readonly allocator: StreamAllocator;
  readonly fallback: LossBasedEstimate;
  readonly subscriberId: string;
  readonly #videos = new Map<string, VideoEntry>();
  readonly #intervalMs: number;
  readonly #onEvent: SubscriberAllocationOptions['onEvent'];
  #external = NaN;
  #lastMs = -Infinity;
  #audioCount = 0;
  #deficient = false;

  constructor(o: SubscriberAllocationOptions) {
    this.subscriberId = o.subscriberId;
    this.allocator = new StreamAllocator(o.allocator);
    this.fallback = new LossBasedEstimate(o.fallback);
    this.#intervalMs = o.intervalMs ?? 500;
    this.#onEvent = o.onEvent;
  }

  /** Use this estimate instead of the loss-based fallback from now on. */
  setEstimateSource(src: EstimateSource): void {
    src.onEstimate((bps) => this.setExternalEstimate(bps));
  }

  /** The latest external estimate (bps); from then on the fallback is not used. */
  setExternalEstimate(bps: number): void { if (bps >= 0) this.#external = bps; }

  /** 'external' once an EstimateSource reported, else 'loss-fallback'. */
  get estimateKind(): 'external' | 'loss-fallback' { return Number.isNaN(this.#external) ? 'loss-fallback' : 'external'; }
  get estimateBps(): number { return Number.isNaN(this.#external) ? this.fallback.estimateBps : this.#external; }

  /**
   * The last allocation left a track below the layer it wants (the estimate is short):
   * the transport should probe for more (SubscriberSender.maybeProbe).
   */
  get deficient(): boolean { return this.#deficient && this.#videos.size > 0; }

  setAudioCount(n: number): void { this.allocator.setAudioTrackCount(n); this.#audioCount = n; }
  get audioCount(): number { return this.#audioCount; }

  addVideo(trackId: string, sim: SimulcastReceiver, dt: DownTrack): void {
    this.#videos.set(trackId, { trackId, sim, dt, maxWidth: 0, maxHeight: 0, maxSpatial: 2, maxTemporal: ALL_TEMPORAL, allocTemporal: ALL_TEMPORAL, temporalOffered: false, disabled: false });
    this.#lastMs = -Infinity; // allocate at the next tick
  }

  removeVideo(trackId: string): void {
    const v = this.#videos.get(trackId);
    if (!v) return;
    this.#videos.delete(trackId);
    this.allocator.removeTrack(trackId);
    v.sim.dynacast.removeSubscriber(this.subscriberId);
  }

  has(trackId: string): boolean { return this.#videos.has(trackId); }

  /** The subscriber's visible size of a track (0: no limit) and quality cap (0..2), as UpdateTrackSettings gives them. */
  setPreferences(trackId: string, p: { width?: number; height?: number; maxSpatial?: number; maxTemporal?: number; disabled?: boolean }): boolean {
    const v = this.#videos.get(trackId);
    if (!v) return false;
    if (p.maxTemporal !== undefined) {
      v.maxTemporal = p.maxTemporal >= 0 && p.maxTemporal < ALL_TEMPORAL ? Math.floor(p.maxTemporal) : ALL_TEMPORAL;
      v.dt.setMaxTemporal(Math.min(v.maxTemporal, v.allocTemporal));
    }
    if (p.width !== undefined) v.maxWidth = Math.max(0, p.width);
    if (p.height !== undefined) v.maxHeight = Math.max(0, p.height);
    if (p.maxSpatial !== undefined) v.maxSpatial = Math.max(0, Math.min(2, p.maxSpatial));
    if (p.disabled !== undefined) v.disabled = p.disabled;
    this.#lastMs = -Infinity;
    return true;
  }

  /** Call often (every engine tick); works every intervalMs. `downTracks`: all of the subscriber's, for the fallback estimate. */
  tick(nowMs: number, downTracks: Iterable<DownTrack>): void {
    if (nowMs - this.#lastMs < this.#intervalMs) return;
    this.#lastMs = nowMs;
    let octets = 0, packets = 0, lost = 0;
    for (const d of downTracks) { octets += d.counters.octetsSent; packets += d.counters.packetsSent; lost += d.counters.cumulativeLost; }
    this.fallback.update(nowMs, octets, packets, lost);
    if (this.#videos.size === 0) return;
    for (const v of this.#videos.values()) {
      const b = v.sim.layerBitrates(nowMs);
      const widths = [0, 0, 0], heights = [0, 0, 0];
      for (let s = 0; s < 3; s++) { const z = v.sim.layerSize(s); widths[s] = z.width; heights[s] = z.height; }
      // VP8 temporal layers of the lowest spatial layer are offered below it (a quarter or
      // half of its frame rate) so a thin link keeps moving video instead of going over
      // budget on the full low layer; higher spatial layers are offered whole (index t = 2).
      const tl = v.sim.layerTemporalBitrates(0);
      const bitrates = tl ? [[tl[0], tl[1], b[0]!], [0, 0, b[1]!], [0, 0, b[2]!]] : [[b[0]!], [b[1]!], [b[2]!]];
      v.temporalOffered = tl !== undefined;
      this.allocator.setTrack(v.trackId, {
        muted: v.disabled || v.dt.muted || v.dt.paused, maxWidth: v.maxWidth, maxHeight: v.maxHeight, maxSpatial: v.maxSpatial, maxTemporal: tl ? 2 : 0,
        layerWidths: widths, layerHeights: heights, bitrates,
      });
    }
    let est = this.estimateBps;
    if (this.estimateKind === 'loss-fallback') {
      // The loss-based guess never pauses video: it is allowed the lowest layers (+ audio).
      let floor = this.allocator.config.audioBitrateBps * this.#audioCount;
      for (const v of this.#videos.values()) if (!v.disabled) floor += v.sim.layerBitrates(nowMs)[0]! * 1.05;
      if (est < floor) est = floor;
    }
    const r = this.allocator.allocate(nowMs, est);
    this.#deficient = r.deficient;
    for (const e of r.events) this.#apply(e, nowMs, est);
    for (const v of this.#videos.values()) {
      v.sim.dynacast.setWanted(this.subscriberId, this.allocator.wantedSpatial(v.trackId));
      v.sim.tick(nowMs);
    }
  }

  #apply(e: AllocationEvent, nowMs: number, est: number): void {
    const v = this.#videos.get(e.trackId);
    if (!v) return;
    if (e.type === 'target') {
      v.sim.setTargetLayer(v.dt, e.spatial, nowMs);
      // Temporal index 2 (or a stream without temporal layers) means the whole layer.
      v.allocTemporal = v.temporalOffered && e.spatial === 0 && e.temporal >= 0 && e.temporal < 2 ? e.temporal : ALL_TEMPORAL;
      v.dt.setMaxTemporal(Math.min(v.maxTemporal, v.allocTemporal));
      this.#onEvent?.({ type: 'target', trackId: e.trackId, spatial: e.spatial, estimateBps: est }, nowMs);
    } else {
      this.#onEvent?.({ type: e.type, trackId: e.trackId }, nowMs);
    }
  }

  close(): void {
    for (const id of [...this.#videos.keys()]) this.removeVideo(id);
  }
}

