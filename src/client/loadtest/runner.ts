// The load-test runner (main thread): optionally starts Switchboard in this process, signs
// a token per participant, spreads the participants over client worker threads, samples
// once a second (rates, latency, CPU per thread group, RSS), then stops the media, collects
// per-track results and leaves. Bounded in time: ramp + duration + fixed margins.
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { createToken, generateDevKeyPair } from '../../signal/index.js';
import { LATENCY_BINS, histogramPercentile } from '../receive-stats.js';
import type { LoadTestOptions } from './options.js';
import type { FromWorker, ParticipantPlan, WorkerFinal, WorkerInit, WorkerSnapshot } from './protocol.js';
import { otherProcessUsage, processCpuMs, threadCpuMs } from './thread-cpu.js';
import { udpDrops } from './udp-drops.js';
import { summarize, type LoadTestSample, type LoadTestSummary } from './summary.js';

export interface LoadTestHooks {
  /** Once a second. */
  onSample?: (s: LoadTestSample, total: number) => void;
  log?: (line: string) => void;
}

interface RunningServer {
  url: string;
  workers: Worker[];
  ports: number[];
  close(): Promise<void>;
}

async function startServer(o: LoadTestOptions, key: { apiKey: string; apiSecret: string }): Promise<RunningServer> {
  // Imported lazily: a run against an external server does not load the engine.
  const { startSwitchboard } = await import('../../server/index.js');
  const sb = await startSwitchboard({
    argv: ['--keys', `${key.apiKey}: ${key.apiSecret}`, '--port', '0', '--host', '127.0.0.1', '--workers', String(o.serverWorkers), '--udp-port', '0', '--dev=false'],
    env: {}, log: () => undefined,
  });
  return { url: sb.signal.url, workers: sb.engine.workers, ports: sb.engine.ports, close: () => sb.close() };
}

function newClientWorker(init: WorkerInit): Worker {
  const ts = new URL('./worker-main.ts', import.meta.url);
  if (import.meta.url.endsWith('.ts') && existsSync(fileURLToPath(ts))) {
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(ts.href)}); })`
      + `.catch((e) => { console.error('load-test worker failed to start', e); process.exit(1); });`;
    return new Worker(boot, { eval: true, workerData: init });
  }
  return new Worker(new URL('./worker-main.js', import.meta.url), { workerData: init });
}

/** Participants in join order: per room, its publishers then its subscribers. */
export async function planParticipants(o: LoadTestOptions, key: { apiKey: string; apiSecret: string }): Promise<ParticipantPlan[]> {
  const out: ParticipantPlan[] = [];
  let k = 0;
  for (let r = 0; r < o.rooms; r++) {
    const room = `${o.roomPrefix}-${r}`;
    for (let i = 0; i < o.publishers + o.subscribers; i++) {
      const pub = i < o.publishers;
      const identity = `${room}-${pub ? 'pub' : 'sub'}-${pub ? i : i - o.publishers}`;
      const token = await createToken(key.apiKey, key.apiSecret, {
        identity, ttlSec: 3600, video: { room, roomJoin: true, canPublish: pub, canSubscribe: !pub },
      });
      out.push({ identity, room, token, publishTracks: pub ? o.tracks : 0, subscribe: !pub, startAfterMs: Math.round((k * 1000) / o.rampPerSec), seed: (o.seed * 1_000_003 + k) >>> 0 });
      k++;
    }
  }
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runLoadTest(o: LoadTestOptions, hooks: LoadTestHooks = {}): Promise<LoadTestSummary> {
  const log = hooks.log ?? (() => undefined);
  const key = o.startServer ? generateDevKeyPair() : { apiKey: o.apiKey, apiSecret: o.apiSecret };
  const rssBefore = process.memoryUsage().rss;
  const loadStart = loadavg()[0]!;
  const server = o.startServer ? await startServer(o, key) : undefined;
  const url = server?.url ?? o.url;
  const rssServerIdle = process.memoryUsage().rss;
  if (server) log(`server: in-process, ${server.workers.length} media worker thread(s), signal ${url}`);
  const plans = await planParticipants(o, key);
  const n = Math.min(o.clientWorkers, plans.length);
  const slices: ParticipantPlan[][] = Array.from({ length: n }, () => []);
  plans.forEach((p, i) => slices[i % n]!.push(p));
  const workers: Worker[] = [];
  const last: (WorkerSnapshot | undefined)[] = new Array(n).fill(undefined);
  const finals: (WorkerFinal | undefined)[] = new Array(n).fill(undefined);
  const joinMs: number[] = [];
  const firstMediaMs: number[] = [];
  const fatal: string[] = [];
  const exited = new Set<Worker>();
  let clientHeapIdle = 0;
  let ready = 0;
  let speechSource = '';
  try {
    for (let i = 0; i < n; i++) {
      const w = newClientWorker({ index: i, url, participants: slices[i]!, dtx: o.dtx, bitrate: o.bitrate, timeoutMs: o.timeoutMs, rtcp: o.rtcp, ...(o.wavPath ? { wavPath: o.wavPath } : {}) });
      w.on('message', (m: FromWorker) => {
        if (m.type === 'ready') { ready++; speechSource = m.speechSource; clientHeapIdle += m.heapBytes; } else if (m.type === 'snapshot') { last[m.index] = m; joinMs.push(...m.joinMs); firstMediaMs.push(...m.firstMediaMs); } else if (m.type === 'final') { finals[m.index] = m; joinMs.push(...m.snapshot.joinMs); firstMediaMs.push(...m.snapshot.firstMediaMs); last[m.index] = m.snapshot; } else if (m.type === 'fatal') fatal.push(m.message);
      });
      w.on('error', (e) => fatal.push(`client worker ${i}: ${e.message}`));
      w.once('exit', () => exited.add(w));
      workers.push(w);
    }
    const readyBy = performance.now() + 60_000;
    while (ready < n) {
      if (fatal.length) throw new Error(fatal.join('; '));
      if (performance.now() > readyBy) throw new Error('client workers did not start within 60 s');
      await sleep(20);
    }
    const rssIdle = process.memoryUsage().rss;
    log(`clients: ${plans.length} participants on ${n} worker thread(s), speech from ${speechSource}`);
    const rampMs = plans.length ? plans[plans.length - 1]!.startAfterMs : 0;
    const hardStopMs = rampMs + o.timeoutMs * 3 + o.durationMs + 30_000;
    const t0 = performance.now();
    for (const w of workers) w.postMessage({ type: 'start' });
    // Sampling: once a second.
    const samples: LoadTestSample[] = [];
    let prev = { t: t0, sent: 0, recv: 0, expected: 0, lost: 0, clientCpu: 0, proc: processCpuMs(), main: threadCpuMs(), hist: new Array<number>(LATENCY_BINS).fill(0) };
    const elu: (EventLoopUtilization | undefined)[] = (server?.workers ?? []).map((w) => w.performance.eventLoopUtilization());
    const clientElu: EventLoopUtilization[] = workers.map((w) => w.performance.eventLoopUtilization());
    const extPid = !server && o.serverPid ? o.serverPid : 0;
    let extPrev = extPid ? otherProcessUsage(extPid) : undefined;
    let serverPeakRss = extPrev?.rssBytes ?? 0;
    let steadySince = -1;
    // Cumulative counters one second into the steady window: the summary's steady-state
    // latency and loss are the difference to the end (the ramp's handshakes excluded).
    let steadyBase: { hist: number[]; expected: number; lost: number } | undefined;
    let peakRss = process.memoryUsage().rss;
    let peakClientHeap = 0;
    let seq = 0;
    while (true) {
      await sleep(1000 - ((performance.now() - t0) % 1000));
      // Ask every client thread for its counters now, so all cover the same interval.
      seq++;
      for (const w of workers) if (!exited.has(w)) w.postMessage({ type: 'sample', seq });
      const answerBy = performance.now() + 500;
      while (last.some((x, k) => !exited.has(workers[k]!) && (x?.seq ?? -1) < seq) && performance.now() < answerBy) await sleep(2);
      const now = performance.now();
      let sent = 0, recv = 0, expected = 0, lost = 0, clientCpu = 0, joined = 0, failed = 0, subscribed = 0;
      const hist = new Array<number>(LATENCY_BINS).fill(0);
      const errors: Record<string, number> = {};
      for (const s of last) {
        if (!s) continue;
        sent += s.sentPackets; recv += s.recvPackets; expected += s.expected; lost += s.lost; clientCpu += s.cpuMs;
        joined += s.joined; failed += s.failed; subscribed += s.subscribed;
        for (let i = 0; i < LATENCY_BINS; i++) hist[i]! += s.latency[i]!;
        for (const [k, v] of Object.entries(s.errors)) errors[k] = (errors[k] ?? 0) + v;
      }
      const dt = (now - prev.t) / 1000;
      const proc = processCpuMs(), main = threadCpuMs();
      const dHist = hist.map((v, i) => v - prev.hist[i]!);
      const dExp = expected - prev.expected, dLost = lost - prev.lost;
      const serverElu = (server?.workers ?? []).map((w, i) => {
        const cur = w.performance.eventLoopUtilization();
        const d = w.performance.eventLoopUtilization(cur, elu[i]);
        elu[i] = cur;
        return d.utilization * 100;
      });
      const clientWorkerElu = workers.map((w, k) => {
        if (exited.has(w)) return NaN;
        const cur = w.performance.eventLoopUtilization();
        const d = w.performance.eventLoopUtilization(cur, clientElu[k]);
        clientElu[k] = cur;
        return d.utilization * 100;
      });
      const rss = process.memoryUsage().rss;
      const clientHeap = last.reduce((a, x) => a + (x?.heapBytes ?? 0), 0);
      if (clientHeap > peakClientHeap) peakClientHeap = clientHeap;
      if (rss > peakRss) peakRss = rss;
      const clientPct = ((clientCpu - prev.clientCpu) / 1000 / dt) * 100;
      const ext = extPid ? otherProcessUsage(extPid) : undefined;
      const extPct = ext && extPrev ? ((ext.cpuMs - extPrev.cpuMs) / 1000 / dt) * 100 : NaN;
      if (ext) { extPrev = ext; if (ext.rssBytes > serverPeakRss) serverPeakRss = ext.rssBytes; }
      const procPct = ((proc - prev.proc) / 1000 / dt) * 100;
      const mainPct = ((main - prev.main) / 1000 / dt) * 100;
      const s: LoadTestSample = {
        t: Math.round((now - t0) / 100) / 10, joined, failed, subscribed,
        sentPps: (sent - prev.sent) / dt, recvPps: (recv - prev.recv) / dt,
        lossPct: dExp > 0 ? (100 * Math.max(0, dLost)) / dExp : 0,
        latP50: histogramPercentile(dHist, 0.5), latP95: histogramPercentile(dHist, 0.95), latP99: histogramPercentile(dHist, 0.99),
        clientCpuPct: clientPct, mainCpuPct: mainPct,
        // With --server-workers 0 the server's media runs on this (main) thread: count it as server.
        serverCpuPct: server ? Math.max(0, procPct - clientPct - (server.workers.length ? mainPct : 0)) : extPct, serverWorkerElu: serverElu, clientWorkerElu,
        rssMb: rss / 1048576, errors,
      };
      samples.push(s);
      hooks.onSample?.(s, plans.length);
      prev = { t: now, sent, recv, expected, lost, clientCpu, proc, main, hist };
      if (steadySince >= 0 && !steadyBase && now - steadySince >= 1000) steadyBase = { hist, expected, lost };
      if (fatal.length) { log(`fatal: ${fatal.join('; ')}`); break; }
      if (steadySince < 0 && joined + failed >= plans.length) steadySince = now;
      if (steadySince >= 0 && now - steadySince >= o.durationMs) break;
      if (now - t0 > hardStopMs) { log('hard time limit reached'); break; }
    }
    const runMs = performance.now() - t0;
    // Stop the media, let what is in flight arrive, then collect.
    for (const w of workers) w.postMessage({ type: 'stop-media' });
    await sleep(500);
    const serverUdpDrops = server ? udpDrops(server.ports) : NaN;
    for (const w of workers) w.postMessage({ type: 'finish' });
    const finBy = performance.now() + 15_000;
    while (finals.some((f) => !f) && performance.now() < finBy) await sleep(20);
    return summarize({
      options: o, samples, finals: finals.filter((f): f is WorkerFinal => !!f), joinMs, firstMediaMs, participants: plans.length,
      rss: { beforeBytes: rssBefore, serverIdleBytes: rssServerIdle, idleBytes: rssIdle, peakBytes: peakRss, externalServerPeakBytes: serverPeakRss, clientHeapPeakBytes: Math.max(0, peakClientHeap - clientHeapIdle) }, runMs, steady: steadyBase ? { hist: prev.hist.map((v, k) => v - steadyBase!.hist[k]!), expected: prev.expected - steadyBase.expected, lost: prev.lost - steadyBase.lost } : undefined, steadyFromS: steadySince >= 0 ? (steadySince - t0) / 1000 : NaN,
      inProcessServer: !!server, serverWorkers: server?.workers.length ?? 0, clientWorkers: n, speechSource,
      missingWorkers: finals.filter((f) => !f).length, serverUdpDrops, loadAvg: [loadStart, loadavg()[0]!],
    });
  } finally {
    const exitBy = performance.now() + 2000;
    while (exited.size < workers.length && performance.now() < exitBy) await sleep(20);
    await Promise.all(workers.filter((w) => !exited.has(w)).map((w) => w.terminate()));
    await server?.close();
  }
}
