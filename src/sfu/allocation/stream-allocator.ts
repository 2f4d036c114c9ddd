// StreamAllocator: one per subscriber. Given the bandwidth estimate for the subscriber's
// downlink, it picks the layer each subscribed video track should forward (or pauses it).
//
//   budget = estimate - audioTracks x audioBitrateBps          (audio comes off the top)
//   down   = cooperative(budget)                               (what fits now)
//   up     = cooperative(budget / (1 + upgradeMargin))         (what fits with headroom)
//   per track: below `down`?  -> go down at once
//              `up` higher?   -> go up once that has held for upgradeHoldMs
//              otherwise      -> stay
// Staying at or under `down` for every track keeps the total within the budget; upgrades
// that would break it are undone. A track whose constraints changed (new, unmuted,
// bigger requested size, layers appeared) skips the hold once, so new video starts fast.
//
// Pure core: no timers. Call `allocate(nowMs, estimateBps)` on every estimate update AND
// periodically (e.g. every 500 ms) so held upgrades can complete.
import { distributeCooperative, highestLayer, type CooperativeTrack } from './cooperative.js';
import {
  LAYER_COUNT, MAX_SPATIAL_LAYERS, MAX_TEMPORAL_LAYERS, NO_LAYER, layerIndex, spatialOf, temporalOf,
} from './layers.js';
import { AllocationConfigError } from './errors.js';

export interface StreamAllocatorConfig {
  /** Reserved per subscribed audio track, bps. Default 48 000 (Opus ~32k + RED/headers). */
  audioBitrateBps: number;
  /** Headroom an upgrade needs over the layers' bitrates (0.15 = 15 %). Default 0.15. */
  upgradeMargin: number;
  /** How long an upgrade must stay possible before it is taken, ms. Default 1500. */
  upgradeHoldMs: number;
  /**
   * May a track get no layer when even its lowest does not fit (LiveKit allow_pause)?
   * Default false, as livekit-server: the lowest layer is forwarded over budget.
   */
  allowPause: boolean;
}

export const defaultStreamAllocatorConfig: Readonly<StreamAllocatorConfig> = Object.freeze({
  audioBitrateBps: 48_000,
  upgradeMargin: 0.15,
  upgradeHoldMs: 1500,
  allowPause: false,
});

/** A subscribed video track as the subscriber and the publisher describe it. */
export interface AllocatorTrackSpec {
  /** Higher goes first. Default 1. */
  priority?: number;
  /** Publisher muted, or the subscriber disabled/paused the track: no layer, no "paused" event. */
  muted?: boolean;
  /** Subscriber's requested (visible) size, px; 0 or absent = no limit. Layers larger than this are never chosen. */
  maxWidth?: number;
  maxHeight?: number;
  /** Explicit caps (e.g. a quality setting); default 2. */
  maxSpatial?: number;
  maxTemporal?: number;
  /** Width/height of each spatial layer (index = spatial); missing or 0 = unknown (fits any size). */
  layerWidths?: readonly number[];
  layerHeights?: readonly number[];
  /** Measured bitrate of forwarding layer [spatial][temporal], bps (temporal layers cumulative); 0/missing = not available. */
  bitrates: readonly (readonly number[])[];
}

/** A track's allocation state: 'off' (muted / wants nothing), 'paused' (no room), 'active'. */
export type AllocationState = 'off' | 'paused' | 'active';

export interface TrackAllocation {
  readonly trackId: string;
  /** Target layer, or -1 / -1 when not forwarding. */
  readonly spatial: number;
  readonly temporal: number;
  readonly state: AllocationState;
  /** Bitrate of the target layer, bps (0 when not forwarding). */
  readonly bitrateBps: number;
  /** Highest spatial layer the subscriber wants of this track (-1: none) — the dynacast input. */
  readonly wantedSpatial: number;
}

export type AllocationEvent =
  | { type: 'paused'; trackId: string }
  | { type: 'resumed'; trackId: string }
  | { type: 'target'; trackId: string; spatial: number; temporal: number };

export interface AllocationResult {
  /** Every track, highest priority first. */
  tracks: TrackAllocation[];
  /**
   * Changes since the previous allocate(), in track order: 'target' for each new layer;
   * 'paused' when a wanted track gets no layer for lack of bandwidth; 'resumed' when it
   * stops being paused (it got a layer again, or it became 'off': muted / unwanted).
   */
  events: AllocationEvent[];
  /** Sum of the chosen video layers, bps. */
  videoBps: number;
  /** Reserved for audio, bps. */
  audioBps: number;
  /** True when some track is below the best layer it could use (a reason to probe for more bandwidth). */
  deficient: boolean;
}

class TrackState implements CooperativeTrack {
  readonly bitrates = new Float64Array(LAYER_COUNT);
  maxLayer = NO_LAYER;
  priority = 1;
  muted = false;
  wantedSpatial = NO_LAYER;
  current = NO_LAYER;
  state: AllocationState = 'off';
  /** When `up` first exceeded `current` (NaN: not pending). */
  upSinceMs = NaN;
  /** Skip the upgrade hold at the next allocate (constraints changed). */
  fresh = true;
  constructor(readonly trackId: string, readonly order: number) {}
}

export class StreamAllocator {
  readonly config: Readonly<StreamAllocatorConfig>;
  readonly #tracks = new Map<string, TrackState>();
  #sorted: TrackState[] = [];
  #audioTracks = 0;
  #nextOrder = 0;
  #down = new Int32Array(0);
  #up = new Int32Array(0);
  #next = new Int32Array(0);

  constructor(config: Partial<StreamAllocatorConfig> = {}) {
    const c = { ...defaultStreamAllocatorConfig, ...config };
    if (!(c.audioBitrateBps >= 0) || !(c.upgradeMargin >= 0) || !(c.upgradeHoldMs >= 0)) {
      throw new AllocationConfigError('stream allocator: audioBitrateBps, upgradeMargin and upgradeHoldMs must be >= 0');
    }
    this.config = Object.freeze(c);
  }

  /** Number of subscribed audio tracks (each reserves audioBitrateBps). */
  setAudioTrackCount(n: number): void { this.#audioTracks = Math.max(0, n | 0); }

  /** Add or update a subscribed video track. Call again when any input changes. */
  setTrack(trackId: string, spec: AllocatorTrackSpec): void {
    let t = this.#tracks.get(trackId);
    if (!t) {
      t = new TrackState(trackId, this.#nextOrder++);
      this.#tracks.set(trackId, t);
    }
    const oldMax = t.maxLayer, oldMuted = t.muted;
    t.priority = spec.priority ?? 1;
    t.muted = spec.muted === true;
    const maxS = clampCap(spec.maxSpatial, MAX_SPATIAL_LAYERS), maxT = clampCap(spec.maxTemporal, MAX_TEMPORAL_LAYERS);
    // Wanted: the largest spatial layer not bigger than the requested size (layer 0 when
    // none is). From sizes alone, not from what arrives now: dynacast may have stopped a
    // layer, and this is what asks for it back.
    let wantS = 0;
    for (let s = 1; s <= maxS; s++) if (fits(spec, s)) wantS = s;
    // Allowed: available layers up to wantS; if none, the lowest available one.
    let capS = -1;
    for (let s = 0; s <= wantS; s++) if (hasLayer(spec.bitrates, s)) capS = s;
    if (capS < 0) for (let s = wantS + 1; s < MAX_SPATIAL_LAYERS && capS < 0; s++) if (hasLayer(spec.bitrates, s)) capS = s;
    t.bitrates.fill(0);
    for (let s = 0; s <= capS; s++) {
      for (let tl = 0; tl <= maxT; tl++) {
        const b = spec.bitrates[s]?.[tl] ?? 0;
        t.bitrates[layerIndex(s, tl)] = b > 0 ? b : 0;
      }
    }
    t.maxLayer = t.muted ? NO_LAYER : highestLayer({ bitrates: t.bitrates, maxLayer: LAYER_COUNT - 1 });
    t.wantedSpatial = t.muted ? NO_LAYER : wantS;
    if (t.maxLayer > oldMax || (oldMuted && !t.muted)) t.fresh = true;
    this.#sort();
  }

  removeTrack(trackId: string): void {
    if (this.#tracks.delete(trackId)) this.#sort();
  }

  /** The layer a track wants at most (-1: none) — feed this to the publisher's Dynacast. */
  wantedSpatial(trackId: string): number {
    return this.#tracks.get(trackId)?.wantedSpatial ?? NO_LAYER;
  }

  /** Re-run the allocation for a new (or the same) estimate. */
  allocate(nowMs: number, estimateBps: number): AllocationResult {
    const c = this.config;
    const ts = this.#sorted;
    const n = ts.length;
    const audioBps = this.#audioTracks * c.audioBitrateBps;
    // No estimate yet may be passed as Infinity (everything fits); NaN or < 0 counts as 0.
    const budget = estimateBps > audioBps ? estimateBps - audioBps : 0;
    const down = this.#down, up = this.#up, next = this.#next;
    distributeCooperative(ts, budget, down, c.allowPause);
    distributeCooperative(ts, budget / (1 + c.upgradeMargin), up, c.allowPause);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const t = ts[i];
      const cur = t.current;
      let v = cur;
      if (cur >= 0 && t.bitrates[cur] <= 0) {
        v = down[i]; // the layer is gone or no longer allowed: move now, to what fits
        t.upSinceMs = NaN;
      } else if (down[i] < cur) {
        v = down[i];
        t.upSinceMs = NaN;
      } else if (up[i] > cur) {
        if (t.fresh) v = up[i];
        else if (Number.isNaN(t.upSinceMs)) t.upSinceMs = nowMs;
        else if (nowMs - t.upSinceMs >= c.upgradeHoldMs) v = up[i];
      } else {
        t.upSinceMs = NaN;
      }
      next[i] = v;
      total += v >= 0 ? t.bitrates[v] : 0;
    }
    if (total > budget) {
      // Upgrades taken together overshoot: undo them (staying put fits, see the top).
      total = 0;
      for (let i = 0; i < n; i++) {
        const t = ts[i];
        if (next[i] > down[i]) next[i] = t.current >= 0 && t.current <= down[i] && t.bitrates[t.current] > 0 ? t.current : down[i];
        total += next[i] >= 0 ? t.bitrates[next[i]] : 0;
      }
    }
    const tracks: TrackAllocation[] = [];
    const events: AllocationEvent[] = [];
    let deficient = false;
    for (let i = 0; i < n; i++) {
      const t = ts[i];
      const v = next[i];
      if (v !== t.current) { events.push({ type: 'target', trackId: t.trackId, spatial: spatialOf(v), temporal: temporalOf(v) }); t.upSinceMs = NaN; }
      const state: AllocationState = t.maxLayer < 0 ? 'off' : v < 0 ? 'paused' : 'active';
      if (state === 'paused' && t.state !== 'paused') events.push({ type: 'paused', trackId: t.trackId });
      if (state !== 'paused' && t.state === 'paused') events.push({ type: 'resumed', trackId: t.trackId });
      t.current = v;
      t.state = state;
      t.fresh = false;
      if (v < t.maxLayer) deficient = true;
      tracks.push({ trackId: t.trackId, spatial: spatialOf(v), temporal: temporalOf(v), state, bitrateBps: v >= 0 ? t.bitrates[v] : 0, wantedSpatial: t.wantedSpatial });
    }
    return { tracks, events, videoBps: total, audioBps, deficient };
  }

  #sort(): void {
    this.#sorted = [...this.#tracks.values()].sort((a, b) => b.priority - a.priority || a.order - b.order);
    const n = this.#sorted.length;
    if (this.#down.length < n) { this.#down = new Int32Array(n * 2); this.#up = new Int32Array(n * 2); this.#next = new Int32Array(n * 2); }
  }
}

function clampCap(v: number | undefined, count: number): number {
  if (v === undefined || !(v >= 0)) return count - 1;
  return Math.min(count - 1, Math.floor(v));
}

function hasLayer(bitrates: readonly (readonly number[])[], s: number): boolean {
  const row = bitrates[s];
  if (!row) return false;
  for (let t = 0; t < MAX_TEMPORAL_LAYERS; t++) if ((row[t] ?? 0) > 0) return true;
  return false;
}

function fits(spec: AllocatorTrackSpec, s: number): boolean {
  const w = spec.layerWidths?.[s] ?? 0, h = spec.layerHeights?.[s] ?? 0;
  const mw = spec.maxWidth ?? 0, mh = spec.maxHeight ?? 0;
  return (mw <= 0 || w <= mw) && (mh <= 0 || h <= mh);
}
