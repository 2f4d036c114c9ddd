// The timers of one association as deadlines (ms on the caller's clock), not as timer
// objects: a server with thousands of associations arms one host timer per association
// (or one wheel for all) at `next()`, and calls the association's poll(now) when due.

export const enum Timer { T1 = 0, T2 = 1, T3 = 2, DelayedSack = 3, Heartbeat = 4, Reconfig = 5 }
const COUNT = 6;

export class TimerSet {
  readonly at = new Float64Array(COUNT).fill(Infinity);

  start(t: Timer, deadline: number): void { this.at[t] = deadline; }
  stop(t: Timer): void { this.at[t] = Infinity; }
  running(t: Timer): boolean { return this.at[t] !== Infinity; }
  stopAll(): void { this.at.fill(Infinity); }

  /** Earliest deadline, Infinity when none. */
  next(): number {
    let m = Infinity;
    for (let i = 0; i < COUNT; i++) if (this.at[i] < m) m = this.at[i];
    return m;
  }

  /** Returns the first expired timer (and stops it), or -1. */
  takeExpired(now: number): number {
    for (let i = 0; i < COUNT; i++) {
      if (this.at[i] <= now) { this.at[i] = Infinity; return i; }
    }
    return -1;
  }
}
