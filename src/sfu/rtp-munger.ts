// Sequence-number and timestamp translation for one DownTrack. A subscriber must see
// one continuous stream whatever happens upstream: the publisher mutes and unmutes, a
// simulcast layer switch changes the source SSRC, or the publisher reconnects with new
// sequence numbers. The munger keeps an offset per source and re-bases it at each
// switch so output sequence numbers continue from the last one sent and output
// timestamps advance by the wall-clock time that passed.
//
// Pure core: the caller passes the packet's fields and the time; nothing here reads a
// clock or allocates.

export const MungeResult = {
  Forward: 0,
  /** Older than the switch point of the current source: never sent downstream. */
  DropStale: 1,
  /** Duplicate of a packet already translated (same or older than a gap fill). */
  DropDuplicate: 2,
} as const;
export type MungeResult = (typeof MungeResult)[keyof typeof MungeResult];

const SEQ_MOD = 0x10000;
const HALF_SEQ = 0x8000;
const SKIP_RING = 32;

/** Signed distance a - b in 16-bit sequence space. */
export function seqDiff(a: number, b: number): number {
  const d = (a - b) & 0xffff;
  return d >= HALF_SEQ ? d - SEQ_MOD : d;
}

export class RtpMunger {
  /** Output of the last `translate` that returned Forward. */
  outSeq = 0;
  outTs = 0;
  #started = false;
  #rebase = true; // next packet starts a new source
  #seqOffset = 0;
  #tsOffset = 0;
  #highestInSeq = 0;
  #firstInSeq = 0;
  #lastOutSeq = 0;
  #lastOutTs = 0;
  #lastOutMs = 0;
  readonly #clockRate: number;
  // Offset changes made by skip(), newest last: late packets take the offset in force at
  // their sequence number. A ring of SKIP_RING (start seq, offset from there on).
  readonly #skipStart = new Int32Array(SKIP_RING);
  readonly #skipOffset = new Int32Array(SKIP_RING);
  #skipCount = 0; // valid entries (<= SKIP_RING), newest at #skipHead - 1
  #skipHead = 0;
  #baseOffset = 0; // offset before the oldest kept change

  constructor(clockRate: number, initialSeq = 0, initialTs = 0) {
    this.#clockRate = clockRate;
    // Start as if a packet with seq initialSeq-1 had just been sent.
    this.#lastOutSeq = (initialSeq - 1) & 0xffff;
    this.#lastOutTs = initialTs >>> 0;
  }

  /**
   * Call before the first packet of a new source (layer switch, unmute after the
   * publisher restarted, a new publisher SSRC). Continuity is kept on the next packet.
   */
  switchSource(): void {
    this.#rebase = true;
  }

  /**
   * The newest packet `inSeq` is not forwarded (a dropped temporal layer): later packets
   * shift down by one so the subscriber sees no hole. Returns false when `inSeq` is not
   * newer than every packet seen (a late packet: nothing to shift; it is just dropped).
   */
  skip(inSeq: number): boolean {
    if (this.#rebase || !this.#started) return true; // the next rebase places the stream anyway
    const d = seqDiff(inSeq, this.#highestInSeq);
    if (d <= 0) return false;
    this.#highestInSeq = inSeq;
    if (this.#skipCount === SKIP_RING) {
      // Forget the oldest change: its offset becomes the base of what is still kept.
      this.#baseOffset = this.#skipOffset[this.#skipHead]!;
      this.#firstInSeq = this.#skipStart[this.#skipHead]!; // older packets can no longer be placed
    } else if (this.#skipCount++ === 0) this.#baseOffset = this.#seqOffset;
    this.#seqOffset = (this.#seqOffset + 1) & 0xffff;
    this.#skipStart[this.#skipHead] = inSeq;
    this.#skipOffset[this.#skipHead] = this.#seqOffset;
    this.#skipHead = (this.#skipHead + 1) % SKIP_RING;
    return true;
  }

  /** The offset that applied to `inSeq` (older than the newest): before any later skip. */
  #offsetAt(inSeq: number): number {
    let off = this.#seqOffset;
    for (let k = 0, i = this.#skipHead; k < this.#skipCount; k++) {
      i = i === 0 ? SKIP_RING - 1 : i - 1;
      if (seqDiff(inSeq, this.#skipStart[i]!) >= 0) return off;
      off = k + 1 < this.#skipCount ? this.#skipOffset[i === 0 ? SKIP_RING - 1 : i - 1]! : this.#baseOffset;
    }
    return off;
  }

  get lastSeq(): number {
    return this.#lastOutSeq;
  }

  get lastTs(): number {
    return this.#lastOutTs;
  }

  translate(inSeq: number, inTs: number, nowMs: number): MungeResult {
    if (this.#rebase) {
      this.#rebase = false;
      const outSeq = (this.#lastOutSeq + 1) & 0xffff;
      // Advance the timestamp by the wall time since the last packet sent (at least 1
      // tick) so the receiver's jitter buffer sees time pass across the switch.
      let advance = 1;
      if (this.#started) advance = Math.max(1, Math.round(((nowMs - this.#lastOutMs) * this.#clockRate) / 1000));
      const outTs = this.#started ? (this.#lastOutTs + advance) >>> 0 : this.#lastOutTs;
      this.#seqOffset = (inSeq - outSeq) & 0xffff;
      this.#tsOffset = (inTs - outTs) >>> 0;
      this.#highestInSeq = inSeq;
      this.#firstInSeq = inSeq;
      this.#started = true;
      this.#skipCount = 0;
      return this.#emit(inSeq, inTs, nowMs, true);
    }
    const d = seqDiff(inSeq, this.#highestInSeq);
    if (d === 0) return MungeResult.DropDuplicate;
    if (d < 0 && seqDiff(inSeq, this.#firstInSeq) < 0) return MungeResult.DropStale;
    if (d > 0) {
      this.#highestInSeq = inSeq;
      // Keep the stale bound within half the sequence space of the newest packet, so
      // the comparison above stays meaningful on long streams.
      if (seqDiff(inSeq, this.#firstInSeq) > 0x4000) this.#firstInSeq = (inSeq - 0x4000) & 0xffff;
    }
    return this.#emit(inSeq, inTs, nowMs, d > 0);
  }

  #emit(inSeq: number, inTs: number, nowMs: number, newest: boolean): MungeResult {
    const off = newest || this.#skipCount === 0 ? this.#seqOffset : this.#offsetAt(inSeq);
    this.outSeq = (inSeq - off) & 0xffff;
    this.outTs = (inTs - this.#tsOffset) >>> 0;
    if (newest) {
      this.#lastOutSeq = this.outSeq;
      this.#lastOutTs = this.outTs;
      this.#lastOutMs = nowMs;
    }
    return MungeResult.Forward;
  }
}
