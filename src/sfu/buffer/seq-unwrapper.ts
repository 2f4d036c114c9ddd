// Widen 16-bit RTP sequence numbers and 32-bit RTP timestamps into monotonic extended
// numbers, once, at ingress (LiveKit's ExtPacket idea): nothing downstream sees a wrap.
//
// Each new value is placed at the extended number nearest to the highest one seen so
// far (half-range rule), so reordering across the wrap resolves correctly:
//   65534 -> 0x1fffe, 1 -> 0x20001, 65535 (late) -> 0x1ffff.
// The first value is put one full cycle up (seq + 2^16, ts + 2^32), so a packet that
// was sent before the first one we saw still gets a positive extended number. Extended
// numbers are plain JS numbers (exact to 2^53: ~4.5e15 packets, never reached).
// RTCP's "extended highest sequence number" is `ext - SEQ_CYCLE` (see StreamStats).

/** Offset of the first extended sequence number (one 16-bit cycle). */
export const SEQ_CYCLE = 0x10000;
/** Offset of the first extended timestamp (one 32-bit cycle). */
export const TS_CYCLE = 0x100000000;

export class SeqUnwrapper {
  #started = false;
  #highest = 0;

  /** Highest extended number returned so far (0 before the first packet). */
  get highest(): number { return this.#highest; }
  get started(): boolean { return this.#started; }

  /** Extended number of 16-bit `seq`; advances `highest` when it is newer. */
  unwrap(seq: number): number {
    seq &= 0xffff;
    if (!this.#started) {
      this.#started = true;
      this.#highest = SEQ_CYCLE + seq;
      return this.#highest;
    }
    const h = this.#highest;
    let d = (seq - h) & 0xffff;
    if (d >= 0x8000) d -= 0x10000;
    const ext = h + d;
    if (d > 0) this.#highest = ext;
    return ext;
  }

  /** Extended number `seq` would get, without changing state. */
  peek(seq: number): number {
    seq &= 0xffff;
    if (!this.#started) return SEQ_CYCLE + seq;
    let d = (seq - this.#highest) & 0xffff;
    if (d >= 0x8000) d -= 0x10000;
    return this.#highest + d;
  }

  /** Forget everything (a new source: restart at the next packet). */
  reset(): void { this.#started = false; this.#highest = 0; }
}

export class TsUnwrapper {
  #started = false;
  #highest = 0;

  get highest(): number { return this.#highest; }
  get started(): boolean { return this.#started; }

  /** Extended number of 32-bit timestamp `ts`; advances `highest` when it is newer. */
  unwrap(ts: number): number {
    ts = ts >>> 0;
    if (!this.#started) {
      this.#started = true;
      this.#highest = TS_CYCLE + ts;
      return this.#highest;
    }
    const h = this.#highest;
    // Signed 32-bit difference: `| 0` reduces modulo 2^32 exactly for |x| < 2^53.
    const d = (ts - h) | 0;
    const ext = h + d;
    if (d > 0) this.#highest = ext;
    return ext;
  }

  peek(ts: number): number {
    ts = ts >>> 0;
    if (!this.#started) return TS_CYCLE + ts;
    return this.#highest + ((ts - this.#highest) | 0);
  }

  reset(): void { this.#started = false; this.#highest = 0; }
}
