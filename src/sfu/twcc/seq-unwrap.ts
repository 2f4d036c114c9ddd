// 16-bit sequence numbers widened to a monotonic integer (exact in a double up to 2^53).
// The first seq seen maps to itself + 2^20 (so a packet reordered before the first one
// still gets a non-negative number); later ones move by the shortest signed distance.

const START = 1 << 20;

export class SeqUnwrapper {
  /** Highest extended seq seen; -1 before the first. */
  highest = -1;

  /** Extended value of `seq16` (does not change state). */
  peek(seq16: number): number {
    if (this.highest < 0) return START + (seq16 & 0xffff);
    const d = (((seq16 - this.highest) & 0xffff) ^ 0x8000) - 0x8000; // signed 16-bit distance
    return this.highest + d;
  }

  /** Extended value of `seq16`, raising `highest` when it is newer. */
  unwrap(seq16: number): number {
    const e = this.peek(seq16);
    if (e > this.highest) this.highest = e;
    return e;
  }

  reset(): void { this.highest = -1; }
}
