// One direction of an impaired network path, as a pure core driven by a clock the caller
// passes in (the UDP proxy passes performance.now(); tests pass a fake one):
//
//   offer(packet) -> random loss -> bottleneck: token bucket (bits/s) with a bounded FIFO
//                 -> propagation: delay + jitter (order kept), or a reorder extra delay
//                 -> poll() hands out what is due
//
// Like a real bottleneck link, a full queue drops the arriving packet (tail drop), and
// queueing delay grows as the queue fills. Randomness comes from a seeded PRNG, so a run
// with the same seed and the same arrival times makes the same decisions.

export interface LinkSettings {
  /** Random loss, percent 0..100. */
  lossPct: number;
  /** Added one-way delay, ms (0..10 000). */
  delayMs: number;
  /** Uniform extra delay 0..jitterMs per packet; packets keep their order. */
  jitterMs: number;
  /** Chance (percent) that a packet is held back `reorderDelayMs` and overtaken. */
  reorderPct: number;
  reorderDelayMs: number;
  /** Bottleneck rate in bits/s, or null for no limit. */
  rateBps: number | null;
  /** Token bucket depth in bytes (what may pass at line speed after idle). */
  burstBytes: number;
  /** Bottleneck queue limit in bytes; a packet that does not fit is dropped. */
  queueBytes: number;
}

export const defaultLinkSettings: Readonly<LinkSettings> = Object.freeze({
  lossPct: 0, delayMs: 0, jitterMs: 0, reorderPct: 0, reorderDelayMs: 20,
  rateBps: null, burstBytes: 3000, queueBytes: 64 * 1024,
});

/** Packets in the delay line at most; more are dropped (counted as queue drops). */
export const MAX_IN_FLIGHT = 10_000;
const MAX_DELAY_MS = 10_000;

export interface LinkCounters {
  offered: number;
  forwarded: number;
  forwardedBytes: number;
  droppedLoss: number;
  droppedQueue: number;
  reordered: number;
  /** Sum and max of time spent in the bottleneck queue, ms. */
  queuedDelayMsTotal: number;
  queuedDelayMsMax: number;
  /** Bytes waiting in the bottleneck queue now. */
  queueBytesNow: number;
}

interface Waiting { data: Buffer; atMs: number }
interface InFlight { data: Buffer; dueMs: number }

/** xorshift32 -> [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 0x2545f491;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}

export class ImpairedLink {
  readonly settings: LinkSettings;
  readonly counters: LinkCounters = {
    offered: 0, forwarded: 0, forwardedBytes: 0, droppedLoss: 0, droppedQueue: 0, reordered: 0,
    queuedDelayMsTotal: 0, queuedDelayMsMax: 0, queueBytesNow: 0,
  };
  readonly #rnd: () => number;
  readonly #queue: Waiting[] = [];
  #queueHead = 0;
  /** Sorted by dueMs. */
  readonly #flight: InFlight[] = [];
  #tokensBits = 0;
  #refillMs = NaN;
  /** Due time of the last in-order packet (keeps jittered packets in order). */
  #lastDueMs = -Infinity;

  constructor(seed: number, settings: Partial<LinkSettings> = {}) {
    this.#rnd = seededRandom(seed);
    this.settings = { ...defaultLinkSettings };
    this.update(settings);
  }

  /** Change any settings at runtime (validated and clamped). */
  update(s: Partial<LinkSettings>): void {
    const t = this.settings;
    if (s.lossPct !== undefined) t.lossPct = clamp(s.lossPct, 0, 100);
    if (s.delayMs !== undefined) t.delayMs = clamp(s.delayMs, 0, MAX_DELAY_MS);
    if (s.jitterMs !== undefined) t.jitterMs = clamp(s.jitterMs, 0, MAX_DELAY_MS);
    if (s.reorderPct !== undefined) t.reorderPct = clamp(s.reorderPct, 0, 100);
    if (s.reorderDelayMs !== undefined) t.reorderDelayMs = clamp(s.reorderDelayMs, 0, MAX_DELAY_MS);
    if (s.burstBytes !== undefined) t.burstBytes = clamp(s.burstBytes, 1, 1 << 24);
    if (s.queueBytes !== undefined) t.queueBytes = clamp(s.queueBytes, 0, 1 << 26);
    if (s.rateBps !== undefined) {
      if (s.rateBps !== null && !(s.rateBps > 0)) throw new RangeError('netem: rateBps must be > 0 or null');
      if ((t.rateBps === null) !== (s.rateBps === null)) { this.#refillMs = NaN; this.#tokensBits = t.burstBytes * 8; }
      t.rateBps = s.rateBps;
    }
  }

  /** A packet arrives at the link at nowMs. */
  offer(data: Buffer, nowMs: number): void {
    const c = this.counters;
    c.offered++;
    const s = this.settings;
    if (s.lossPct > 0 && this.#rnd() * 100 < s.lossPct) { c.droppedLoss++; return; }
    if (s.rateBps === null && this.#queueLength() === 0) { this.#launch(data, nowMs); return; }
    if (c.queueBytesNow + data.length > s.queueBytes) { c.droppedQueue++; return; }
    this.#queue.push({ data, atMs: nowMs });
    c.queueBytesNow += data.length;
    this.#drain(nowMs);
  }

  /** Hand every packet that is due at nowMs to `deliver`, in delivery order. */
  poll(nowMs: number, deliver: (data: Buffer) => void): void {
    this.#drain(nowMs);
    const f = this.#flight;
    let n = 0;
    while (n < f.length && f[n].dueMs <= nowMs) n++;
    if (n === 0) return;
    const due = f.splice(0, n);
    for (const p of due) {
      this.counters.forwarded++;
      this.counters.forwardedBytes += p.data.length;
      deliver(p.data);
    }
  }

  /** When something next happens (a packet due, or tokens for the queue head); Infinity when idle. */
  nextWakeMs(nowMs: number): number {
    let t = this.#flight.length ? this.#flight[0].dueMs : Infinity;
    if (this.#queueLength() > 0) {
      const rate = this.settings.rateBps;
      if (rate === null) return nowMs;
      this.#refill(nowMs);
      const need = Math.min(this.#queue[this.#queueHead].data.length * 8, this.settings.burstBytes * 8) - this.#tokensBits;
      const at = need <= 0 ? nowMs : nowMs + (need * 1000) / rate;
      if (at < t) t = at;
    }
    return t;
  }

  /** Packets still inside the link (queued or in flight). */
  get pending(): number { return this.#queueLength() + this.#flight.length; }

  /** Forget everything in the link (used on close). */
  clear(): void {
    this.#queue.length = 0;
    this.#queueHead = 0;
    this.#flight.length = 0;
    this.counters.queueBytesNow = 0;
  }

  #queueLength(): number { return this.#queue.length - this.#queueHead; }

  #refill(nowMs: number): void {
    const rate = this.settings.rateBps;
    if (rate === null) return;
    const cap = this.settings.burstBytes * 8;
    if (Number.isNaN(this.#refillMs)) { this.#refillMs = nowMs; this.#tokensBits = cap; return; }
    if (nowMs > this.#refillMs) {
      this.#tokensBits = Math.min(cap, this.#tokensBits + ((nowMs - this.#refillMs) * rate) / 1000);
      this.#refillMs = nowMs;
    }
  }

  /** Move packets from the bottleneck queue onto the wire while tokens allow. */
  #drain(nowMs: number): void {
    const q = this.#queue;
    const c = this.counters;
    this.#refill(nowMs);
    while (this.#queueHead < q.length) {
      const head = q[this.#queueHead];
      const bits = head.data.length * 8;
      if (this.settings.rateBps !== null) {
        // A packet bigger than the bucket could never pass: let it through on a full bucket.
        if (this.#tokensBits < Math.min(bits, this.settings.burstBytes * 8)) break;
        this.#tokensBits -= bits;
      }
      this.#queueHead++;
      c.queueBytesNow -= head.data.length;
      const waited = nowMs - head.atMs;
      c.queuedDelayMsTotal += waited;
      if (waited > c.queuedDelayMsMax) c.queuedDelayMsMax = waited;
      this.#launch(head.data, nowMs);
    }
    if (this.#queueHead > 1024 && this.#queueHead * 2 > q.length) { q.splice(0, this.#queueHead); this.#queueHead = 0; }
    if (this.#queueHead === q.length) { q.length = 0; this.#queueHead = 0; }
  }

  /** Put a packet on the wire: propagation delay, jitter, maybe reordering. */
  #launch(data: Buffer, nowMs: number): void {
    const s = this.settings;
    const f = this.#flight;
    if (f.length >= MAX_IN_FLIGHT) { this.counters.droppedQueue++; return; }
    let due = nowMs + s.delayMs + (s.jitterMs > 0 ? this.#rnd() * s.jitterMs : 0);
    if (s.reorderPct > 0 && this.#rnd() * 100 < s.reorderPct) {
      due += s.reorderDelayMs;
      this.counters.reordered++;
    } else {
      if (due < this.#lastDueMs) due = this.#lastDueMs;
      this.#lastDueMs = due;
    }
    let i = f.length;
    while (i > 0 && f[i - 1].dueMs > due) i--;
    f.splice(i, 0, { data, dueMs: due });
  }
}

function clamp(v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v)) throw new RangeError(`netem: bad value ${v}`);
  return v < lo ? lo : v > hi ? hi : v;
}
