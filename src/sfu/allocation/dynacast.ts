// Dynacast: one per published video track. Each subscriber's allocator says the highest
// spatial layer it wants (StreamAllocator.wantedSpatial, from the requested size and
// mute state, -1 for none); the max over all subscribers is the highest layer anyone
// needs, and the publisher can stop encoding every layer above it (the signal LiveKit
// sends as `SubscribedQualityUpdate`). More is needed -> at once (someone is waiting for
// video); less is needed -> only after it has stayed less for `downDelayMs`, so a
// subscriber resizing or reconnecting does not make the publisher's encoder flap.
//
// Pure core: call `setWanted`/`removeSubscriber` when a subscriber's wish changes and
// `update(nowMs)` on a periodic tick (e.g. every 500 ms) and after each change.
import { AllocationConfigError } from './errors.js';

export interface DynacastConfig {
  /** Spatial layers the publisher sends (1..3). Default 3. */
  layerCount: number;
  /** How long a lower need must hold before layers are turned off, ms. Default 5000. */
  downDelayMs: number;
}

export const defaultDynacastConfig: Readonly<DynacastConfig> = Object.freeze({ layerCount: 3, downDelayMs: 5000 });

export interface DynacastUpdate {
  /** Highest spatial layer the publisher should encode; -1: none (no one watches). */
  maxSpatial: number;
  /** Per spatial layer (index = spatial): keep encoding it? */
  enabled: boolean[];
}

export class Dynacast {
  readonly config: Readonly<DynacastConfig>;
  readonly #wanted = new Map<string, number>();
  /** What the publisher was last told (starts with every layer on). */
  #committed: number;
  /** When the need first dropped below #committed (NaN: it has not). */
  #lowerSinceMs = NaN;
  /** The highest need seen while waiting to go down. */
  #pendingMax = -1;

  constructor(config: Partial<DynacastConfig> = {}) {
    const c = { ...defaultDynacastConfig, ...config };
    if (!(c.layerCount >= 1 && c.layerCount <= 3) || !(c.downDelayMs >= 0)) throw new AllocationConfigError('dynacast: layerCount 1..3, downDelayMs >= 0');
    this.config = Object.freeze(c);
    this.#committed = c.layerCount - 1;
  }

  /** A subscriber's highest wanted spatial layer (-1: none, e.g. muted or hidden). */
  setWanted(subscriberId: string, spatial: number): void {
    this.#wanted.set(subscriberId, Math.max(-1, Math.min(this.config.layerCount - 1, Math.floor(spatial))));
  }

  removeSubscriber(subscriberId: string): void {
    this.#wanted.delete(subscriberId);
  }

  /** Highest layer any subscriber wants now (-1 when none). */
  get needed(): number {
    let m = -1;
    for (const v of this.#wanted.values()) if (v > m) m = v;
    return m;
  }

  /** What the publisher was last told to encode, as an update. */
  get current(): DynacastUpdate { return this.#toUpdate(this.#committed); }

  /** Returns the new layer set when it changes, or null. */
  update(nowMs: number): DynacastUpdate | null {
    const need = this.needed;
    if (need >= this.#committed) {
      this.#lowerSinceMs = NaN;
      if (need === this.#committed) return null;
      this.#committed = need;
      return this.#toUpdate(need);
    }
    if (Number.isNaN(this.#lowerSinceMs)) { this.#lowerSinceMs = nowMs; this.#pendingMax = need; }
    else if (need > this.#pendingMax) this.#pendingMax = need;
    if (nowMs - this.#lowerSinceMs < this.config.downDelayMs) return null;
    // Went down and stayed down: drop to the highest need seen meanwhile (it may be higher than now).
    this.#committed = this.#pendingMax;
    this.#lowerSinceMs = NaN;
    if (need < this.#committed) { this.#lowerSinceMs = nowMs; this.#pendingMax = need; }
    return this.#toUpdate(this.#committed);
  }

  #toUpdate(max: number): DynacastUpdate {
    const enabled: boolean[] = [];
    for (let s = 0; s < this.config.layerCount; s++) enabled.push(s <= max);
    return { maxSpatial: max, enabled };
  }
}
