// One replay run through the engine: P publishers (one room each) replay the fixture to
// S subscribers each, all client transports in this thread. Measures a warm window with
// the stage timers off, then a short window with them on for the per-stage split.
import { Engine } from '../../src/engine/index.js';
import { engineDiagnostics, setStageTimers, type HostDiagnostics, type StageTimes } from '../../src/engine/capture/index.js';
import { BenchNetwork, BenchSubscriber, ReplayPublisher } from './clients.js';
import type { Fixture } from './fixture.js';
import { udpDrops } from '../../src/client/loadtest/udp-drops.js';
import { Histogram, latencyOf, machineBusyMs, myThreadCpuMs, processCpuMs, round, sleep, type Latency } from './stats.js';

export interface RunConfig {
  fixture: Fixture;
  publishers: number;
  subscribers: number;
  /** Packets per second per publisher; 0 = the recorded timing. */
  rate: number;
  durationMs: number;
  warmupMs: number;
  workers: number;
  /** Subscribers decrypt and compare 1 packet in N (1 = every packet; 0 = none). */
  verifyEvery: number;
  /** Length of the extra window with stage timers on (0 = skip). */
  stageMs: number;
  log?: (s: string) => void;
}

export interface WorkerUse { port: number; cpuCores: number; elu: number; heapGrowthMB: number; externalGrowthMB: number; gcMs: number; gcCount: number }

export interface EngineRunResult {
  ppsIn: number;
  ppsOut: number;
  mbpsIn: number;
  mbpsOut: number;
  engineCpuCores: number;
  loadCpuCores: number;
  ppsOutPerCore: number;
  workers: WorkerUse[];
  heapGrowthMB: number;
  gcMs: number;
  rssMB: number;
  lossPct: number;
  lost: number;
  /** Subscribers that received at least one packet, and the fewest packets any one received. */
  subscribersReceiving: number;
  minPacketsPerSubscriber: number;
  reordered: number;
  duplicates: number;
  verified: number;
  payloadMismatch: number;
  engineSendDropped: number;
  /** Kernel receive-buffer drops in the window: at the engine's sockets, at the load side's sockets. */
  udpDropsEngine: number;
  udpDropsLoad: number;
  latencyMs: Latency;
  stages: StageTimes | undefined;
  /** Engine CPU ns per packet out in the (untimed) window, and the part outside the timed stages. */
  cpuNsPerPacketOut: number;
  otherNsPerPacketOut: number;
  setupMs: number;
  /** CPU used on the machine in the window by processes other than this benchmark (noise), cores. */
  otherProcessesCores: number;
}

interface Snap { busy: number; proc: number; dropsEngine: number; dropsLoad: number; t: number; diag: HostDiagnostics[]; loadCpu: number; sent: number; sentBytes: number; recv: number; recvBytes: number; hist: Histogram }

export async function runEngine(c: RunConfig): Promise<EngineRunResult> {
  const log = c.log ?? (() => undefined);
  const t0 = performance.now();
  const engine = await Engine.create({ workers: c.workers });
  const net = new BenchNetwork();
  const pubs: ReplayPublisher[] = [];
  const subs: BenchSubscriber[] = [];
  let pacer: NodeJS.Timeout | undefined;
  try {
    for (let p = 0; p < c.publishers; p++) {
      const room = await engine.createRoom(`replay-${p}`);
      const pub = new ReplayPublisher(c.fixture, net);
      await pub.connect(room, `pub${p}`);
      pubs.push(pub);
      const mine: BenchSubscriber[] = [];
      for (let i = 0; i < c.subscribers; i++) mine.push(new BenchSubscriber(c.fixture, net, c.verifyEvery));
      for (let i = 0; i < mine.length; i += 20) {
        const batch = mine.slice(i, i + 20);
        await Promise.all(batch.map((s, j) => s.connect(room, `sub${p}-${i + j}`)));
        await Promise.all(batch.map((s) => s.ready(60_000)));
      }
      subs.push(...mine);
    }
    const setupMs = performance.now() - t0;
    log(`  connected ${pubs.length} publisher(s) and ${subs.length} subscribers in ${(setupMs / 1000).toFixed(1)} s`);
    const start = performance.now();
    for (const p of pubs) p.start(start, c.rate);
    pacer = setInterval(() => { const now = performance.now(); for (const p of pubs) p.poll(now); }, 1);

    const snap = async (): Promise<Snap> => {
      const diag = await engineDiagnostics(engine);
      const hist = new Histogram();
      let recv = 0, recvBytes = 0;
      for (const s of subs) { recv += s.stats?.packets ?? 0; recvBytes += s.wireBytes; if (s.stats) hist.add(s.stats.latency); }
      return { busy: machineBusyMs(), proc: processCpuMs(), dropsEngine: udpDrops(engine.ports), dropsLoad: udpDrops(net.ports), t: performance.now(), diag, loadCpu: myThreadCpuMs(), sent: pubs.reduce((a, p) => a + p.sent, 0), sentBytes: pubs.reduce((a, p) => a + p.bytes + 10 * p.sent, 0), recv, recvBytes, hist };
    };

    await sleep(c.warmupMs);
    const a = await snap();
    await sleep(c.durationMs);
    const b = await snap();
    let stages: StageTimes | undefined;
    if (c.stageMs > 0) {
      await setStageTimers(engine, true, true);
      await sleep(c.stageMs);
      const d = await engineDiagnostics(engine);
      await setStageTimers(engine, false);
      stages = d[0]?.stages;
    }
    clearInterval(pacer);
    pacer = undefined;
    await sleep(300);

    const sec = (b.t - a.t) / 1000;
    const workers: WorkerUse[] = b.diag.map((d, i) => {
      const e = a.diag[i]!;
      const active = d.elu.active - e.elu.active, idle = d.elu.idle - e.elu.idle;
      return {
        port: d.udpPort, cpuCores: round((d.cpuMs - e.cpuMs) / 1000 / sec, 3), elu: round(active / Math.max(1e-9, active + idle), 3),
        heapGrowthMB: round((d.heapUsed - e.heapUsed) / 1e6, 2), externalGrowthMB: round((d.external - e.external) / 1e6, 2), gcMs: round(d.gcMs - e.gcMs, 1), gcCount: d.gcCount - e.gcCount,
      };
    });
    const engineCpuCores = workers.reduce((x, w) => x + w.cpuCores, 0);
    const engineSent = b.diag.reduce((x, d) => x + d.sendQueue.queued, 0) - a.diag.reduce((x, d) => x + d.sendQueue.queued, 0);
    const ppsOut = (b.recv - a.recv) / sec;
    let lost = 0, expected = 0, reordered = 0, duplicates = 0, verified = 0, mismatch = 0;
    for (const s of subs) {
      lost += s.stats?.lost ?? 0; expected += s.stats?.expected ?? 0; duplicates += s.stats?.duplicates ?? 0;
      reordered += s.reordered; verified += s.decrypted; mismatch += s.payloadMismatch;
    }
    const cpuNsOut = engineSent > 0 ? (engineCpuCores * sec * 1e9) / engineSent : NaN;
    let otherNs = NaN;
    if (stages && stages.packetsOut > 0) {
      const n = stages.nsPerPacket, fan = stages.packetsOut / Math.max(1, stages.packetsIn);
      otherNs = cpuNsOut - (n.decrypt + n.route) / fan - n.rewrite - n.queue - n.encrypt - n.send;
    }
    return {
      ppsIn: round((b.sent - a.sent) / sec), ppsOut: round(ppsOut),
      mbpsIn: round(((b.sentBytes - a.sentBytes) * 8) / sec / 1e6, 3), mbpsOut: round(((b.recvBytes - a.recvBytes) * 8) / sec / 1e6, 3),
      engineCpuCores: round(engineCpuCores, 3), loadCpuCores: round((b.loadCpu - a.loadCpu) / 1000 / sec, 3),
      ppsOutPerCore: round((engineSent / sec) / Math.max(1e-9, engineCpuCores)),
      workers,
      heapGrowthMB: round(workers.reduce((x, w) => x + w.heapGrowthMB, 0), 2), gcMs: round(workers.reduce((x, w) => x + w.gcMs, 0), 1),
      rssMB: round((b.diag[0]?.rss ?? process.memoryUsage.rss()) / 1e6, 1),
      subscribersReceiving: subs.filter((s) => (s.stats?.packets ?? 0) > 0).length,
      minPacketsPerSubscriber: Math.min(...subs.map((s) => s.stats?.packets ?? 0)),
      lossPct: round(expected > 0 ? (100 * lost) / expected : 0, 4), lost, reordered, duplicates, verified, payloadMismatch: mismatch,
      engineSendDropped: b.diag.reduce((x, d) => x + d.sendQueue.dropped, 0) - a.diag.reduce((x, d) => x + d.sendQueue.dropped, 0),
      udpDropsEngine: b.dropsEngine - a.dropsEngine, udpDropsLoad: b.dropsLoad - a.dropsLoad,
      latencyMs: latencyOf(b.hist.minus(a.hist)), stages, setupMs: round(setupMs),
      otherProcessesCores: round(Math.max(0, (b.busy - a.busy) - (b.proc - a.proc)) / 1000 / sec, 2),
      cpuNsPerPacketOut: round(cpuNsOut), otherNsPerPacketOut: round(otherNs),
    };
  } finally {
    if (pacer) clearInterval(pacer);
    net.close();
    await engine.close();
  }
}
