// A deterministic network + clock for association tests: packets and timers are events on
// one virtual timeline, a seeded PRNG decides loss, reordering and delay. Microtasks run
// between events (the association batches sends in a microtask).
import { SctpAssociation } from '../../src/sctp/association.js';
import type { SctpOptions } from '../../src/sctp/options.js';

export class Sim {
  now = 0;
  private events: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;
  private s: number;
  constructor(seed = 1) { this.s = seed >>> 0 || 1; }
  random(): number { this.s ^= this.s << 13; this.s >>>= 0; this.s ^= this.s >>> 17; this.s ^= this.s << 5; this.s >>>= 0; return this.s / 0x100000000; }
  at(t: number, fn: () => void): void {
    const e = { at: Math.max(t, this.now), seq: this.seq++, fn };
    // Sorted insert from the end (events are mostly appended in time order).
    let i = this.events.length;
    while (i > 0 && (this.events[i - 1].at > e.at || (this.events[i - 1].at === e.at && this.events[i - 1].seq > e.seq))) i--;
    this.events.splice(i, 0, e);
  }
  /** Runs events until done() or the virtual time limit; returns whether done() became true. */
  async run(done: () => boolean, limitMs = 60_000): Promise<boolean> {
    for (let n = 0; n < 5_000_000; n++) {
      await null;
      if (done()) return true;
      const e = this.events.shift();
      if (!e || e.at > limitMs) return done();
      this.now = e.at;
      e.fn();
    }
    return done();
  }
}

export interface LinkOptions { loss?: number; delayMs?: number; jitterMs?: number; drop?: (pkt: Buffer, fromA: boolean) => boolean }

/** Two associations joined by a simulated path. */
export function pair(sim: Sim, link: LinkOptions = {}, a: Partial<SctpOptions> = {}, b: Partial<SctpOptions> = {}) {
  const delay = link.delayMs ?? 10;
  const mk = (opts: Partial<SctpOptions>, peer: () => SctpAssociation, fromA: boolean) => {
    const self: SctpAssociation = new SctpAssociation({
      now: () => sim.now,
      schedule: (d) => sim.at(d, () => self.poll(sim.now)),
      output: (buf, len) => {
        const pkt = Buffer.from(buf.subarray(0, len));
        if (link.drop?.(pkt, fromA)) return;
        if (link.loss && sim.random() < link.loss) return;
        sim.at(sim.now + delay + (link.jitterMs ? sim.random() * link.jitterMs : 0), () => peer().handlePacket(pkt));
      },
      ...opts,
    });
    return self;
  };
  const A: SctpAssociation = mk(a, () => B, true);
  const B: SctpAssociation = mk(b, () => A, false);
  return { a: A, b: B };
}
