// Receive-side TSN bookkeeping (RFC 9260 §6.2): the cumulative TSN, which TSNs beyond it
// arrived (a fixed bitmap ring, so a peer cannot grow it), and the duplicates to report.
// Builds the SACK's gap-ack blocks straight into preallocated arrays.
import { tsnAdd, tsnDiff } from './serial.js';

/** TSNs further than this beyond the cumulative TSN are refused (bitmap size). */
export const TSN_WINDOW = 16384;
const MAX_DUPS = 32;

export class TsnTracker {
  cumulative = 0;
  /** Highest TSN seen, as an offset from `cumulative` (0 = nothing beyond it). */
  highestOffset = 0;
  readonly gaps = new Uint16Array(2 * 128);
  gapCount = 0;
  readonly dups = new Uint32Array(MAX_DUPS);
  dupCount = 0;
  private readonly bits = new Uint8Array(TSN_WINDOW >> 3);

  reset(peerInitialTsn: number): void {
    this.cumulative = tsnAdd(peerInitialTsn, -1);
    this.highestOffset = 0;
    this.bits.fill(0);
    this.dupCount = 0;
    this.gapCount = 0;
  }

  /** 1 new, 0 duplicate (recorded for the SACK), -1 outside the window. */
  classify(tsn: number): number {
    const d = tsnDiff(tsn, this.cumulative);
    if (d <= 0 || (d < TSN_WINDOW && this.has(tsn))) {
      if (this.dupCount < MAX_DUPS) this.dups[this.dupCount++] = tsn;
      return 0;
    }
    return d >= TSN_WINDOW ? -1 : 1;
  }

  /** Records a TSN classified as new; advances the cumulative TSN over the run it completes. */
  mark(tsn: number): void {
    const d = tsnDiff(tsn, this.cumulative);
    this.set(tsn, true);
    if (d > this.highestOffset) this.highestOffset = d;
    this.advance();
  }

  /** FORWARD TSN (RFC 3758 §3.6): everything up to `tsn` counts as received. */
  forwardTo(tsn: number): void {
    let d = tsnDiff(tsn, this.cumulative);
    if (d <= 0) return;
    if (d >= TSN_WINDOW) {
      // Jumping the whole window: nothing recorded survives.
      this.bits.fill(0);
      this.cumulative = tsn >>> 0;
      this.highestOffset = 0;
      return;
    }
    while (d-- > 0) {
      this.cumulative = tsnAdd(this.cumulative, 1);
      this.set(this.cumulative, false);
      this.highestOffset = this.highestOffset > 0 ? this.highestOffset - 1 : 0;
    }
    this.advance();
  }

  get hasGaps(): boolean { return this.highestOffset > 0; }

  /** Fills gaps[]/gapCount from the bitmap (blocks of received TSNs beyond the cumulative). */
  buildGaps(): void {
    let n = 0;
    let start = 0;
    for (let off = 1; off <= this.highestOffset; off++) {
      const got = this.has(tsnAdd(this.cumulative, off));
      if (got && !start) start = off;
      if ((!got || off === this.highestOffset) && start) {
        if (n === 128) break; // the rest is reported in a later SACK
        this.gaps[2 * n] = start;
        this.gaps[2 * n + 1] = got ? off : off - 1;
        n++;
        start = 0;
      }
    }
    this.gapCount = n;
  }

  clearDups(): void { this.dupCount = 0; }

  private advance(): void {
    while (this.highestOffset > 0) {
      const next = tsnAdd(this.cumulative, 1);
      if (!this.has(next)) break;
      this.set(next, false);
      this.cumulative = next;
      this.highestOffset--;
    }
  }

  private has(tsn: number): boolean { const i = tsn % TSN_WINDOW; return (this.bits[i >> 3] & (1 << (i & 7))) !== 0; }
  private set(tsn: number, v: boolean): void {
    const i = tsn % TSN_WINDOW;
    if (v) this.bits[i >> 3] |= 1 << (i & 7); else this.bits[i >> 3] &= ~(1 << (i & 7));
  }
}
