// Shared measuring helpers: CPU of this thread, latency histograms (log bins from
// src/client) merged over many receivers, percentiles.
import { readFileSync } from 'node:fs';
import { LATENCY_BINS, histogramPercentile } from '../../src/client/index.js';

/** CPU ms of the calling thread (schedstat, ns resolution). */
export function myThreadCpuMs(): number {
  try { return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) / 1e6; } catch { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }
}

/** CPU ms (utime+stime, 10 ms ticks) of a whole process. */
export function processCpuMsOf(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) * 10;
}

export class Histogram {
  readonly bins = new Float64Array(LATENCY_BINS);
  add(h: ArrayLike<number>, sign = 1): void { for (let i = 0; i < LATENCY_BINS; i++) this.bins[i]! += sign * h[i]!; }
  get count(): number { let n = 0; for (const v of this.bins) n += v; return n; }
  p(q: number): number { return this.count > 0 ? histogramPercentile(this.bins, q) : NaN; }
  clone(): Histogram { const h = new Histogram(); h.bins.set(this.bins); return h; }
  minus(o: Histogram): Histogram { const h = this.clone(); h.add(o.bins, -1); return h; }
}

export interface Latency { p50: number; p95: number; p99: number; samples: number }
export function latencyOf(h: Histogram): Latency {
  return { p50: round(h.p(0.5), 3), p95: round(h.p(0.95), 3), p99: round(h.p(0.99), 3), samples: h.count };
}

export function round(x: number, d = 1): number { const k = 10 ** d; return Number.isFinite(x) ? Math.round(x * k) / k : x; }
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Busy CPU time of the whole machine (all processes), ms, from /proc/stat (USER_HZ = 100). */
export function machineBusyMs(): number {
  try {
    const f = readFileSync('/proc/stat', 'latin1').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...
    return (f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!) * 10;
  } catch { return NaN; }
}

/** CPU ms of this whole process (every thread). */
export function processCpuMs(): number { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }
