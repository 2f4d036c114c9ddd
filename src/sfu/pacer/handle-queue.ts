// A FIFO of (handle, size, enqueue time) in typed arrays; power-of-two ring, no allocation.

export class HandleQueue {
  private readonly h: Int32Array;
  private readonly s: Int32Array;
  private readonly t: Float64Array;
  private readonly mask: number;
  private head = 0;
  length = 0;
  bytes = 0;

  constructor(capacity: number) {
    let cap = 1;
    while (cap < capacity) cap <<= 1;
    this.mask = cap - 1;
    this.h = new Int32Array(cap);
    this.s = new Int32Array(cap);
    this.t = new Float64Array(cap);
  }

  get capacity(): number { return this.mask + 1; }

  /** False when full. */
  push(handle: number, size: number, timeMs: number): boolean {
    if (this.length > this.mask) return false;
    const i = (this.head + this.length) & this.mask;
    this.h[i] = handle; this.s[i] = size; this.t[i] = timeMs;
    this.length++;
    this.bytes += size;
    return true;
  }

  get headHandle(): number { return this.h[this.head]; }
  get headSize(): number { return this.s[this.head]; }
  get headTime(): number { return this.t[this.head]; }

  /** Remove the head (check length first); returns its handle. */
  shift(): number {
    const handle = this.h[this.head];
    this.bytes -= this.s[this.head];
    this.head = (this.head + 1) & this.mask;
    this.length--;
    return handle;
  }
}
