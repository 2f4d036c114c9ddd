// The "cooperative" distribution of one subscriber's video budget (after audio), as
// LiveKit's StreamAllocator does it when the channel is constrained:
//   1. in priority order, give every track its lowest available layer while it fits; a
//      track whose minimum does not fit gets it anyway unless pausing is allowed (LiveKit's
//      congestion_control.allow_pause, false by default: a subscriber keeps its low layer
//      through a dip of the estimate instead of freezing) — with pausing allowed it is
//      paused and cheaper tracks after it may still fit;
//   2. then climb the layers together: for each layer (s0t0, s0t1, ..., s2t2) in turn, in
//      priority order, raise every track that is below it, allows it and can afford it.
// So everyone gets video before anyone gets HD, and priority decides who goes first.
import { LAYER_COUNT, NO_LAYER } from './layers.js';

/** What the distribution needs to know about one track. */
export interface CooperativeTrack {
  /** Bitrate (bps) of forwarding each layer index (spatial*3+temporal); <= 0: not available. */
  readonly bitrates: Float64Array;
  /** Highest layer index this track may get (-1: the track wants nothing). */
  readonly maxLayer: number;
}

/**
 * Distribute `budgetBps` over `tracks` (already sorted by priority, highest first). Writes
 * the chosen layer index (or NO_LAYER) per track into `out` and returns the bps used.
 */
export function distributeCooperative(tracks: readonly CooperativeTrack[], budgetBps: number, out: Int32Array, allowPause = false): number {
  let left = budgetBps;
  const n = tracks.length;
  for (let i = 0; i < n; i++) {
    out[i] = NO_LAYER;
    const t = tracks[i];
    const lo = lowestLayer(t);
    if (lo < 0) continue;
    const cost = t.bitrates[lo];
    if (cost <= left) { out[i] = lo; left -= cost; } else if (!allowPause) { out[i] = lo; left = 0; }
  }
  for (let layer = 1; layer < LAYER_COUNT; layer++) {
    for (let i = 0; i < n; i++) {
      const cur = out[i];
      if (cur < 0 || cur >= layer) continue;
      const t = tracks[i];
      if (layer > t.maxLayer) continue;
      const cost = t.bitrates[layer];
      if (cost <= 0) continue;
      const delta = cost - t.bitrates[cur];
      if (delta <= left) { out[i] = layer; left -= delta; }
    }
  }
  return budgetBps - left;
}

/** Lowest available layer index within the track's limit, or -1. */
export function lowestLayer(t: CooperativeTrack): number {
  for (let l = 0; l <= t.maxLayer && l < LAYER_COUNT; l++) if (t.bitrates[l] > 0) return l;
  return NO_LAYER;
}

/** Highest available layer index within the track's limit, or -1. */
export function highestLayer(t: CooperativeTrack): number {
  for (let l = Math.min(t.maxLayer, LAYER_COUNT - 1); l >= 0; l--) if (t.bitrates[l] > 0) return l;
  return NO_LAYER;
}
