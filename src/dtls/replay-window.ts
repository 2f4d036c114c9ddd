// Anti-replay window for one epoch (RFC 6347 §4.1.2.6): accept a record number once,
// refuse ones older than the 64-record window. Check before decrypting, mark after.
const WINDOW = 64;

export class ReplayWindow {
  #max = -1;
  readonly #seen = new Uint8Array(WINDOW);

  /** true when `seq` is new and inside the window. */
  check(seq: number): boolean {
    if (seq > this.#max) return true;
    if (this.#max - seq >= WINDOW) return false;
    return this.#seen[seq % WINDOW] === 0;
  }

  /** Record `seq` as received (only after it authenticated). */
  mark(seq: number): void {
    if (seq > this.#max) {
      const gap = seq - this.#max;
      if (gap >= WINDOW) this.#seen.fill(0);
      else for (let s = this.#max + 1; s < seq; s++) this.#seen[s % WINDOW] = 0;
      this.#max = seq;
    }
    this.#seen[seq % WINDOW] = 1;
  }

  get highest(): number { return this.#max; }
}
