// Send-side sequencer, one per DownTrack: for each OUTGOING (munged) 16-bit sequence
// number, which SOURCE packet it carried (extended seq in the Receiver's PacketCache),
// the outgoing timestamp, its size, when it was sent and how often it was retransmitted.
// A subscriber's NACK speaks the subscriber's sequence space; this maps it back.
//
//   slot = outSeq & (size - 1)     (size divides 2^16, so the index survives the wrap)
//   valid when the slot's stored outSeq matches and outSeq is within `size` of the
//   newest pushed (older slots were reused)
//
// Fixed ring of typed arrays, allocated once (LiveKit's sequencer without per-entry
// structs). Pure core: times come from the caller.
import { checkPow2 } from '../buffer/errors.js';

export class Sequencer {
  readonly size: number;
  readonly #mask: number;
  readonly #outSeq: Int32Array; // -1 = empty
  readonly #srcExt: Float64Array;
  readonly #outTs: Float64Array;
  readonly #sentMs: Float64Array;
  readonly #lastRtxMs: Float64Array;
  readonly #rtxCount: Uint8Array;
  readonly #bytes: Uint16Array;
  readonly #codecTag: Int32Array; // codec descriptor values written (VP8: see vp8-munger.ts), -1 none
  #started = false;
  #highest = 0; // newest outSeq pushed (16-bit)

  /** `size`: a power of two up to 32768 (default 2048 for video, 512 is enough for audio). */
  constructor(size = 2048) {
    this.size = checkPow2('size', size, 16, 0x8000);
    this.#mask = size - 1;
    this.#outSeq = new Int32Array(size).fill(-1);
    this.#srcExt = new Float64Array(size);
    this.#outTs = new Float64Array(size);
    this.#sentMs = new Float64Array(size);
    this.#lastRtxMs = new Float64Array(size);
    this.#rtxCount = new Uint8Array(size);
    this.#bytes = new Uint16Array(size);
    this.#codecTag = new Int32Array(size).fill(-1);
  }

  /**
   * Record one packet sent downstream: its outgoing seq and timestamp, the source
   * packet's extended seq (-1 for padding/probes that have no source) and its size;
   * `codecTag`: the codec descriptor values it was sent with (a retransmission writes them again).
   */
  push(outSeq: number, srcExtSeq: number, outTs: number, bytes: number, nowMs: number, codecTag = -1): void {
    outSeq &= 0xffff;
    if (!this.#started) { this.#started = true; this.#highest = outSeq; }
    else {
      const d = (outSeq - this.#highest) & 0xffff;
      if (d !== 0 && d < 0x8000) {
        // Moving forward: slots skipped over (sequence numbers never sent) are cleared so a
        // NACK for them cannot hit an entry from a full ring ago.
        if (d > 1) {
          const clear = d - 1 < this.size ? d - 1 : this.size;
          for (let j = 1; j <= clear; j++) this.#outSeq[(this.#highest + j) & this.#mask] = -1;
        }
        this.#highest = outSeq;
      } else if (d !== 0 && 0x10000 - d >= this.size) return; // older than the ring: drop
    }
    const i = outSeq & this.#mask;
    this.#outSeq[i] = outSeq;
    this.#srcExt[i] = srcExtSeq;
    this.#outTs[i] = outTs >>> 0;
    this.#sentMs[i] = nowMs;
    this.#lastRtxMs[i] = -Infinity;
    this.#rtxCount[i] = 0;
    this.#bytes[i] = bytes > 0xffff ? 0xffff : bytes;
    this.#codecTag[i] = codecTag;
  }

  /** Slot of outgoing `outSeq`, or -1 when it was never sent or fell out of the ring. */
  lookup(outSeq: number): number {
    if (!this.#started) return -1;
    outSeq &= 0xffff;
    const back = (this.#highest - outSeq) & 0xffff;
    if (back >= this.size) return -1;
    const i = outSeq & this.#mask;
    return this.#outSeq[i] === outSeq ? i : -1;
  }

  // Per-slot fields (slot from lookup).
  outSeq(slot: number): number { return this.#outSeq[slot]; }
  srcExtSeq(slot: number): number { return this.#srcExt[slot]; }
  outTs(slot: number): number { return this.#outTs[slot]; }
  sentMs(slot: number): number { return this.#sentMs[slot]; }
  lastRtxMs(slot: number): number { return this.#lastRtxMs[slot]; }
  rtxCount(slot: number): number { return this.#rtxCount[slot]; }
  bytes(slot: number): number { return this.#bytes[slot]; }
  codecTag(slot: number): number { return this.#codecTag[slot]; }

  /**
   * `outSeq` actually left at nowMs (a pacer held it after push()): NACK ages count from
   * here. Returns false when the sequencer does not know it.
   */
  setSentMs(outSeq: number, nowMs: number): boolean {
    const slot = this.lookup(outSeq);
    if (slot < 0) return false;
    this.#sentMs[slot] = nowMs;
    return true;
  }

  /** Note a retransmission of `slot` at nowMs. */
  markRetransmitted(slot: number, nowMs: number): void {
    this.#lastRtxMs[slot] = nowMs;
    if (this.#rtxCount[slot] < 255) this.#rtxCount[slot]++;
  }

  /** Newest outgoing sequence number pushed (-1 before the first). */
  get highest(): number { return this.#started ? this.#highest : -1; }

  reset(): void { this.#outSeq.fill(-1); this.#started = false; this.#highest = 0; }
}
