// What a media thread reports about itself for benchmarks and monitoring: its CPU time
// (Linux schedstat, ns), event-loop utilisation, heap, GC pauses (PerformanceObserver
// 'gc', started on first use), the socket's counters and, when enabled, stage timers.
import { readFileSync, readlinkSync } from 'node:fs';
import { PerformanceObserver, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { threadId } from 'node:worker_threads';
import type { MediaHost } from '../core/media-host.js';
import { stageTimes, type StageTimes } from './stage-timer.js';

export interface ThreadDiagnostics {
  /** Node's worker threadId (0 = main) and the Linux thread id. */
  threadId: number;
  tid: number;
  /** CPU time of this thread, ms (schedstat: ns resolution; else process CPU). */
  cpuMs: number;
  /** performance.eventLoopUtilization() of this thread (cumulative). */
  elu: EventLoopUtilization;
  heapUsed: number;
  heapTotal: number;
  /** Off-heap memory of this isolate (Buffers' backing stores are in arrayBuffers). */
  external: number;
  arrayBuffers: number;
  /** GC events and their total duration since the observer started. */
  gcCount: number;
  gcMs: number;
  rss: number;
  /** performance.now() of this thread when sampled, and the wall clock. */
  nowMs: number;
  wallMs: number;
}

export interface HostDiagnostics extends ThreadDiagnostics {
  udpPort: number;
  /** recvBackend: 'native' (recvmmsg) or 'dgram'. */
  mux: { recvBackend: 'native' | 'dgram'; received: number; rtp: number; rtcp: number; unknownAddress: number; handlerErrors: number };
  /** backend: 'native' (sendmmsg) or 'dgram'; blocked: flushes stopped by a full socket buffer. */
  sendQueue: { backend: 'native' | 'dgram'; queued: number; sent: number; dropped: number; sendErrors: number; blocked: number };
  transports: number;
  stages: StageTimes;
}

let gcCount = 0;
let gcMs = 0;
let observer: PerformanceObserver | undefined;

function startGcObserver(): void {
  if (observer) return;
  observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) { gcCount++; gcMs += e.duration; }
  });
  observer.observe({ entryTypes: ['gc'] });
}

let tidCache = -1;
function linuxTid(): number {
  if (tidCache >= 0) return tidCache;
  try { tidCache = Number(readlinkSync('/proc/thread-self').split('/').pop()); } catch { tidCache = 0; }
  return tidCache;
}

/** CPU ms of the calling thread. */
export function threadCpuMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) / 1e6;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
}

export function threadDiagnostics(): ThreadDiagnostics {
  startGcObserver();
  const h = getHeapStatistics();
  const m = process.memoryUsage();
  const nowMs = performance.now();
  return {
    threadId, tid: linuxTid(), cpuMs: threadCpuMs(), elu: performance.eventLoopUtilization(),
    heapUsed: h.used_heap_size, heapTotal: h.total_heap_size, external: m.external, arrayBuffers: m.arrayBuffers, gcCount, gcMs,
    rss: m.rss, nowMs, wallMs: performance.timeOrigin + nowMs,
  };
}

export function hostDiagnostics(host: MediaHost): HostDiagnostics {
  const m = host.server.mux, q = m.sendQueue.stats;
  return {
    ...threadDiagnostics(),
    udpPort: host.server.port,
    mux: { recvBackend: m.recvBackend, received: m.stats.received, rtp: m.stats.rtp, rtcp: m.stats.rtcp, unknownAddress: m.stats.unknownAddress, handlerErrors: m.stats.handlerErrors },
    sendQueue: { backend: m.sendBackend, queued: q.queued, sent: q.sent, dropped: q.dropped, sendErrors: q.sendErrors, blocked: q.blocked },
    transports: host.server.transportCount,
    stages: stageTimes(),
  };
}

/** Starts the GC observer now so that later deltas cover the whole run. */
export function startDiagnostics(): void { startGcObserver(); }
