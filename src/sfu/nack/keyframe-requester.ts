// Keyframe request coalescing, one per Receiver (upstream side). Many subscribers may
// send PLI/FIR for the same layer within a few ms (a layer switch, a burst of loss);
// the publisher should get at most one request per layer per interval:
//
//   request(layer, now): interval elapsed since the last upstream request -> true (send)
//                        otherwise -> false, and the request is remembered (pending)
//   tick(now):           bit mask of layers whose pending request is now due
//   onKeyframe(layer):   a keyframe arrived: pending requests for it are satisfied
//
// FIR (RFC 5104 §4.3.1) carries an 8-bit command sequence number that the sender bumps
// for each NEW request and keeps for a repeat; firSeq(layer) gives the value to put in
// the FIR this requester just allowed. FirSeqTracker is the receiving end of that rule
// (one per DownTrack): a FIR with the same seq as the last one is a repeat.
import { checkInt, checkNum } from '../buffer/errors.js';

export interface KeyframeRequesterConfig {
  /** Minimum gap between two upstream requests for one layer. Default 500 ms. */
  minIntervalMs: number;
  /** Number of layers (simulcast spatial layers / SSRCs). Default 4, at most 31. */
  layers: number;
}

export const defaultKeyframeRequesterConfig: Readonly<KeyframeRequesterConfig> = Object.freeze({ minIntervalMs: 500, layers: 4 });

export class KeyframeRequester {
  readonly config: Readonly<KeyframeRequesterConfig>;
  /** Requests received / sent upstream / absorbed (counters). */
  requests = 0;
  sent = 0;
  suppressed = 0;
  readonly #lastSent: Float64Array;
  readonly #pending: Uint8Array;
  readonly #firSeq: Uint8Array;

  constructor(config: Partial<KeyframeRequesterConfig> = {}) {
    const c = { ...defaultKeyframeRequesterConfig, ...config };
    checkNum('minIntervalMs', c.minIntervalMs, 0);
    checkInt('layers', c.layers, 1, 31);
    this.config = Object.freeze(c);
    this.#lastSent = new Float64Array(c.layers).fill(-Infinity);
    this.#pending = new Uint8Array(c.layers);
    this.#firSeq = new Uint8Array(c.layers);
  }

  /** A subscriber asked for a keyframe of `layer`. True: send one PLI/FIR upstream now. */
  request(layer: number, nowMs: number): boolean {
    if (layer < 0 || layer >= this.config.layers) return false;
    this.requests++;
    if (nowMs - this.#lastSent[layer] >= this.config.minIntervalMs) { this.#send(layer, nowMs); return true; }
    this.#pending[layer] = 1;
    this.suppressed++;
    return false;
  }

  /**
   * Layers whose suppressed request is due now, as a bit mask (bit i = layer i); each is
   * counted as sent. Call from the periodic timer; 0 when none.
   */
  tick(nowMs: number): number {
    let mask = 0;
    for (let l = 0; l < this.config.layers; l++) {
      if (this.#pending[l] && nowMs - this.#lastSent[l] >= this.config.minIntervalMs) { this.#send(l, nowMs); mask |= 1 << l; }
    }
    return mask;
  }

  /** A keyframe of `layer` arrived from the publisher: requests made before it are answered. */
  onKeyframe(layer: number): void {
    if (layer >= 0 && layer < this.config.layers) this.#pending[layer] = 0;
  }

  /** True when a request for `layer` is waiting for the interval to pass. */
  isPending(layer: number): boolean { return layer >= 0 && layer < this.config.layers && this.#pending[layer] === 1; }

  /** FIR command sequence number for the request just sent for `layer` (8 bits). */
  firSeq(layer: number): number { return this.#firSeq[layer]; }

  #send(layer: number, nowMs: number): void {
    this.#lastSent[layer] = nowMs;
    this.#pending[layer] = 0;
    this.#firSeq[layer] = (this.#firSeq[layer] + 1) & 0xff;
    this.sent++;
  }
}

/** Receiving end of FIR sequence numbers, one per (subscriber, media SSRC). */
export class FirSeqTracker {
  #last = -1;
  /** True for a new FIR command; false for a repeat of the last one (same seq nr). */
  accept(seqNr: number): boolean {
    seqNr &= 0xff;
    if (seqNr === this.#last) return false;
    this.#last = seqNr;
    return true;
  }
  reset(): void { this.#last = -1; }
}
