// Temporal layer selection for one VP8 DownTrack. Chromium's VP8 (and simulcast layers)
// carries L1T3: TID 0 every 4th picture, TID 1 between, TID 2 in the rest; a picture of
// layer t only references layers <= t, so dropping every picture above t leaves a stream
// the receiver decodes at a lower frame rate, with no key frame. Going down is possible
// at any picture; going up only at a picture that does not look back past the base layer
// (the layer-sync bit Y, RFC 7741 §4.2) or at a key frame. The caller hides the dropped
// packets (RtpMunger.skip, and the Vp8Munger numbers pictures without gaps).
//
// Pure core: decisions from the descriptor only, no clock, no allocation.
import type { Vp8Source } from './vp8-munger.js';

/** Target meaning "every temporal layer" (VP8 has at most 4: TID 0-3). */
export const ALL_TEMPORAL = 3;

export interface TemporalCounters {
  /** Packets not forwarded because their layer is above the current one. */
  dropped: number;
  switchesUp: number;
  switchesDown: number;
}

export class TemporalFilter {
  /** Highest temporal layer forwarded now. */
  current = ALL_TEMPORAL;
  /** Highest temporal layer wanted. */
  target = ALL_TEMPORAL;
  readonly counters: TemporalCounters = { dropped: 0, switchesUp: 0, switchesDown: 0 };
  // The decision for the picture being forwarded: every packet of a picture shares it.
  #pid = -1;
  #keep = true;

  /** True when something is (or may soon be) filtered: DownTracks skip the filter otherwise. */
  get active(): boolean { return this.current < ALL_TEMPORAL || this.target < ALL_TEMPORAL; }

  /** 0..3; anything else means all layers. Takes effect at the next picture that allows it. */
  setTarget(t: number): void {
    this.target = Number.isInteger(t) && t >= 0 && t < ALL_TEMPORAL ? t : ALL_TEMPORAL;
  }

  /** A new source (spatial switch, resume): the next picture decides afresh. */
  onSourceSwitch(): void { this.#pid = -1; }

  /** Whether to forward the packet described by `src`; `keyframe`: it starts a key frame. */
  accept(src: Vp8Source, keyframe: boolean): boolean {
    const d = src.desc;
    if (!src.valid || d.tidOffset < 0) return true; // no temporal information: all of it
    const pid = src.pictureId;
    if (pid >= 0 && pid === this.#pid) { if (!this.#keep) this.counters.dropped++; return this.#keep; }
    const tid = d.tid;
    if (d.start && d.partitionId === 0) {
      // The first packet of a picture: switch here if the target asks and the picture allows.
      if (this.target < this.current) {
        this.current = this.target;
        this.counters.switchesDown++;
      } else if (this.target > this.current) {
        if (keyframe) { this.current = this.target; this.counters.switchesUp++; }
        else if (d.layerSync && tid > this.current && tid <= this.target) { this.current = tid; this.counters.switchesUp++; }
      }
      this.#pid = pid;
      this.#keep = tid <= this.current;
    }
    const keep = pid >= 0 && pid === this.#pid ? this.#keep : tid <= this.current;
    if (!keep) this.counters.dropped++;
    return keep;
  }
}

/**
 * The temporal layer that gives at least `fps` from a stream at `fullFps` with three
 * temporal layers (L1T3: TL0 a quarter, TL1 half, TL2 all), as LiveKit picks it for a
 * subscriber's requested frame rate. `fullFps` 0 (not measured yet) counts as 30.
 */
export function temporalForFps(fps: number, fullFps: number): number {
  if (!(fps > 0)) return ALL_TEMPORAL;
  const full = fullFps > 0 ? fullFps : 30;
  for (let t = 0; t < 2; t++) if (full / (1 << (2 - t)) >= fps * 0.9) return t;
  return ALL_TEMPORAL;
}
