// Acknowledged bitrate: bytes the receiver reported received over the last `windowMs`
// of (remote) arrival time. A ring of (arrival, size) with a running sum; no allocation.

export class AckedBitrate {
  private readonly t: Float64Array;
  private readonly s: Float64Array;
  private readonly mask: number;
  private head = 0; // next write
  private tail = 0; // oldest kept
  private sum = 0;
  private latest = -Infinity;
  private first = -1;

  constructor(private readonly windowUs: number, capacity = 8192) {
    let cap = 1;
    while (cap < capacity) cap <<= 1;
    this.mask = cap - 1;
    this.t = new Float64Array(cap);
    this.s = new Float64Array(cap);
  }

  /** add() for entry i of feedback results (no double arguments). */
  addResult(r: { readonly arrivalUs: ArrayLike<number>; readonly size: ArrayLike<number> }, i: number): void {
    this.add(r.arrivalUs[i], r.size[i]);
  }

  add(arrivalUs: number, size: number): void {
    if (arrivalUs > this.latest) this.latest = arrivalUs;
    if (this.first < 0) this.first = this.latest;
    if (this.head - this.tail > this.mask) this.evictOne();
    const i = this.head & this.mask;
    this.t[i] = this.latest; this.s[i] = size;
    this.sum += size;
    this.head++;
    const from = this.latest - this.windowUs;
    while (this.tail < this.head && this.t[this.tail & this.mask] <= from) this.evictOne();
  }

  /** Bits per second over the window, or -1 until 100 ms of arrivals were seen (also kept in `lastBps`). */
  bps(): number {
    this.update();
    return this.lastBps;
  }

  /** Value of the last update()/bps(). */
  lastBps = -1;

  update(): void {
    const span = Math.min(this.windowUs, this.latest - this.first);
    this.lastBps = span >= 100_000 ? (this.sum * 8 * 1e6) / span : -1;
  }

  reset(): void { this.head = this.tail = 0; this.sum = 0; this.latest = -Infinity; this.first = -1; }

  private evictOne(): void { this.sum -= this.s[this.tail & this.mask]; this.tail++; }
}
