// Same-run baselines at the same fan-out, rate and fixture:
//  - dgram: a bare forwarder in a worker thread (dgram-forwarder-worker.mjs), plain RTP
//  - mediasoup: the C++ worker (scripts/mediasoup/fanout.mjs --srtp), SRTP both legs,
//    when a built worker binary exists on this machine; skipped with a note otherwise.
import { Worker } from 'node:worker_threads';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { SrtpContext, SrtpProfile } from '../../src/srtp/index.js';
import type { Fixture } from './fixture.js';
import { PlainSender } from './plain-sender.js';
import { Sink } from './sinks.js';
import { Histogram, latencyOf, myThreadCpuMs, processCpuMsOf, round, sleep, type Latency } from './stats.js';

export interface BaselineConfig { fixture: Fixture; subscribers: number; rate: number; durationMs: number; warmupMs: number }

export interface BaselineResult {
  name: 'dgram' | 'mediasoup';
  ppsIn: number;
  ppsOut: number;
  cpuCores: number;
  ppsOutPerCore: number;
  loadCpuCores: number;
  lossPct: number;
  latencyMs: Latency | undefined;
  note?: string;
}

const ABS_ID = 5;

async function measure(sender: PlainSender, sinks: Sink[], rate: number, cpu: () => Promise<number>, c: BaselineConfig): Promise<Omit<BaselineResult, 'name'>> {
  sender.start(performance.now(), rate);
  const pace = setInterval(() => sender.poll(performance.now()), 1);
  try {
    await sleep(c.warmupMs);
    const snap = async () => {
      const h = new Histogram();
      let recv = 0;
      for (const s of sinks) { recv += s.stats.packets; h.add(s.stats.latency); }
      return { t: performance.now(), cpu: await cpu(), load: myThreadCpuMs(), sent: sender.sent, recv, h };
    };
    const a = await snap();
    await sleep(c.durationMs);
    const b = await snap();
    clearInterval(pace);
    await sleep(200);
    const sec = (b.t - a.t) / 1000;
    const cores = (b.cpu - a.cpu) / 1000 / sec;
    const ppsOut = (b.recv - a.recv) / sec;
    let lost = 0, expected = 0;
    for (const s of sinks) { lost += s.stats.lost; expected += s.stats.expected; }
    const lat = b.h.minus(a.h);
    return {
      ppsIn: round((b.sent - a.sent) / sec), ppsOut: round(ppsOut), cpuCores: round(cores, 3), ppsOutPerCore: round(ppsOut / Math.max(1e-9, cores)),
      loadCpuCores: round((b.load - a.load) / 1000 / sec, 3), lossPct: round(expected ? (100 * lost) / expected : 0, 4),
      latencyMs: lat.count > 0 ? latencyOf(lat) : undefined,
    };
  } finally {
    clearInterval(pace);
  }
}

export async function runDgramBaseline(c: BaselineConfig): Promise<BaselineResult> {
  const sinks = Array.from({ length: c.subscribers }, () => new Sink(ABS_ID));
  const ports = await Promise.all(sinks.map((s) => s.bind()));
  const w = new Worker(new URL('./dgram-forwarder-worker.mjs', import.meta.url), { workerData: { sinks: ports } });
  const port = await new Promise<number>((res, rej) => { w.once('message', (m: { port: number }) => res(m.port)); w.once('error', rej); });
  const sender = new PlainSender(c.fixture, port, 0x12345678, ABS_ID);
  try {
    const cpu = (): Promise<number> => new Promise((res) => { w.once('message', (m: { cpuMs: number }) => res(m.cpuMs)); w.postMessage('stats'); });
    return { name: 'dgram', ...(await measure(sender, sinks, c.rate, cpu, c)) };
  } finally {
    sender.close();
    for (const s of sinks) s.close();
    await w.terminate();
  }
}

export const MEDIASOUP_DIR = process.env.MEDIASOUP_DIR ?? '/opt/mediasoup-peer';
/** The shared mediasoup fan-out script, in `shared/` beside the repository (or MEDIASOUP_FANOUT). */
export const FANOUT = process.env.MEDIASOUP_FANOUT ?? fileURLToPath(new URL('../../../shared/scripts/mediasoup/fanout.mjs', import.meta.url));
export function mediasoupWorkerBin(): string | undefined {
  const cands = [process.env.MEDIASOUP_WORKER_BIN, `${MEDIASOUP_DIR}/node_modules/mediasoup/worker/out/Release/mediasoup-worker`];
  return cands.find((p): p is string => !!p && existsSync(p));
}

export async function runMediasoupBaseline(c: BaselineConfig): Promise<BaselineResult | { name: 'mediasoup'; skipped: string }> {
  const bin = mediasoupWorkerBin();
  if (!bin || !existsSync(FANOUT)) return { name: 'mediasoup', skipped: `no mediasoup worker binary (run bash ../shared/scripts/mediasoup/build.sh ${MEDIASOUP_DIR} from beside the repository)` };
  // Sinks below the kernel's ephemeral range (32768+), where nothing binds by chance;
  // probe a free run of ports first (mediasoup only learns the base).
  const sinks: Sink[] = [];
  let sinkBase = 0;
  for (let attempt = 0; attempt < 20 && !sinkBase; attempt++) {
    const base = 30000 + Math.floor(Math.random() * (2700 - c.subscribers));
    try {
      for (let i = 0; i < c.subscribers; i++) { const s = new Sink(0); sinks.push(s); await s.bind(base + i); }
      sinkBase = base;
    } catch {
      for (const s of sinks.splice(0)) s.close();
    }
  }
  if (!sinkBase) return { name: 'mediasoup', skipped: 'no free run of sink ports in 30000-32767' };
  const ssrc = 22222222;
  const child = spawn(process.execPath, [FANOUT, String(c.subscribers), '--srtp', `--sink-base=${sinkBase}`, `--ssrc=${ssrc}`], {
    env: { ...process.env, MEDIASOUP_DIR, MEDIASOUP_WORKER_BIN: bin }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  let sender: PlainSender | undefined;
  try {
    const line = await new Promise<string>((res, rej) => {
      const rl = createInterface({ input: child.stdout });
      const timer = setTimeout(() => rej(new Error(`fanout.mjs printed nothing in 60 s: ${stderr}`)), 60_000);
      rl.once('line', (l) => { clearTimeout(timer); res(l); });
      child.once('exit', (code) => rej(new Error(`fanout.mjs exited ${code}: ${stderr}`)));
    });
    const info = JSON.parse(line) as { workerPid: number; rtpPort: number; srtpKey: string; mediasoupVersion: string; sinks: { port: number; key: string }[] };
    const keyOf = (b64: string): SrtpContext => { const raw = Buffer.from(b64, 'base64'); return new SrtpContext(SrtpProfile.AES128_CM_HMAC_SHA1_80, raw.subarray(0, 16), raw.subarray(16, 30)); };
    sinks[0]!.srtp = keyOf(info.sinks[0]!.key);
    sender = new PlainSender(c.fixture, info.rtpPort, ssrc, 0, keyOf(info.srtpKey));
    const cpu = async (): Promise<number> => processCpuMsOf(info.workerPid);
    const r = await measure(sender, sinks, c.rate, cpu, c);
    if (sinks[0]!.decryptFailed > 0 || sinks[0]!.decrypted === 0) throw new Error(`mediasoup sink 0: ${sinks[0]!.decrypted} decrypted, ${sinks[0]!.decryptFailed} failed`);
    return { name: 'mediasoup', ...r, note: `mediasoup ${info.mediasoupVersion} SRTP, worker CPU from /proc/<pid>/stat (10 ms ticks); no latency (it drops the unnegotiated abs-capture-time)` };
  } finally {
    sender?.close();
    for (const s of sinks) s.close();
    child.kill('SIGTERM');
    await new Promise((r) => { if (child.exitCode !== null) r(undefined); else { child.once('exit', r); setTimeout(r, 5000).unref(); } });
  }
}
