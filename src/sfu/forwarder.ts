// Forwarder: the layer choice of one simulcast DownTrack. It holds the layer being
// forwarded (current) and the layer the StreamAllocator asked for (target), and decides
// for each packet of any layer: drop it, forward it, or switch to its layer and forward
// it. A switch happens only at a key frame of the target layer, so the subscriber's
// decoder can start on it; until one arrives the current layer keeps flowing (no
// freeze). The DownTrack's RtpMunger re-bases sequence numbers and timestamps at the
// switch (the caller calls switchSource() on FwdDecision.Switch).
//
// Pure core: no clock, no allocation.

export const FwdDecision = { Drop: 0, Forward: 1, Switch: 2 } as const;
export type FwdDecision = (typeof FwdDecision)[keyof typeof FwdDecision];

export interface ForwarderCounters {
  /** Layer switches taken (at a key frame), up and down. */
  switchesUp: number;
  switchesDown: number;
  /** Packets of layers that were not forwarded. */
  otherLayer: number;
}

export class Forwarder {
  /** Spatial layer being forwarded, -1: none yet (or paused). */
  current = -1;
  /** Spatial layer wanted, -1: none (paused / off). */
  target: number;
  /** nowMs of the last switch (-1: none). */
  lastSwitchMs = -1;
  readonly counters: ForwarderCounters = { switchesUp: 0, switchesDown: 0, otherLayer: 0 };

  constructor(initialTarget = 0) {
    this.target = initialTarget;
  }

  /** True while a key frame of the target layer is awaited. */
  get switching(): boolean { return this.target >= 0 && this.target !== this.current; }

  /** Sets the target layer; -1 stops forwarding at once. Returns true when it changed. */
  setTarget(spatial: number): boolean {
    if (spatial === this.target) return false;
    this.target = spatial;
    if (spatial < 0) this.current = -1;
    return true;
  }

  /** A packet of spatial layer `layer` (`keyframe`: it starts a key frame). */
  accept(layer: number, keyframe: boolean, nowMs: number): FwdDecision {
    const cur = this.current;
    if (layer === cur) return FwdDecision.Forward;
    if (layer === this.target && keyframe) {
      if (cur >= 0) {
        if (layer > cur) this.counters.switchesUp++;
        else this.counters.switchesDown++;
      }
      this.current = layer;
      this.lastSwitchMs = nowMs;
      return FwdDecision.Switch;
    }
    this.counters.otherLayer++;
    return FwdDecision.Drop;
  }
}
