// `npm run bench -- replay`: replays a recorded RTP fixture through the engine with
// synthetic SRTP publishers and subscribers, and through the same-run baselines.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFixture } from './fixture.js';
import { runEngine } from './engine-run.js';
import { runDgramBaseline, runMediasoupBaseline } from './baselines.js';
import { parseReplayOptions, type ReplayOptions } from './options.js';
import { chartSvg, machine, table, type ReplaySummary, type RunRow } from './report.js';
import { round } from './stats.js';

export async function runReplayBench(o: ReplayOptions, log: (s: string) => void = (s) => process.stderr.write(s + '\n')): Promise<ReplaySummary> {
  const fx = loadFixture(o.fixture);
  const runs: RunRow[] = [];
  for (const subscribers of o.subscribers) {
    for (const spec of o.rates) {
      const rate = spec >= 0 ? spec : Math.max(1, Math.round(-spec / (subscribers * o.publishers)));
      log(`replay: ${o.publishers}×${subscribers} at ${rate ? rate + ' pps' : 'recorded timing'} ...`);
      const engine = await runEngine({ fixture: fx, publishers: o.publishers, subscribers, rate, durationMs: o.durationMs, warmupMs: o.warmupMs, workers: o.workers, verifyEvery: o.verifyEvery, stageMs: o.stageMs, log });
      log(`  engine: ${engine.ppsOut.toFixed(0)} pps out, ${engine.engineCpuCores} cores -> ${engine.ppsOutPerCore.toFixed(0)} pps/core, p99 ${engine.latencyMs.p99} ms`);
      const row: RunRow = { publishers: o.publishers, subscribers, rate, engine, ratios: {} };
      // Baselines fan one input stream out: at P publishers they get P× the per-publisher rate.
      const bc = { fixture: fx, subscribers, rate: rate * o.publishers, durationMs: o.durationMs, warmupMs: o.warmupMs };
      if (o.publishers > 1 && rate === 0) log('  note: baselines replay one stream at recorded timing (not P streams)');
      if (o.baselines.dgram) {
        row.dgram = await runDgramBaseline(bc);
        row.ratios.vsDgram = round(engine.ppsOutPerCore / row.dgram.ppsOutPerCore, 3);
        log(`  dgram: ${row.dgram.ppsOut.toFixed(0)} pps out, ${row.dgram.cpuCores} cores -> ${row.dgram.ppsOutPerCore.toFixed(0)} pps/core`);
      }
      if (o.baselines.mediasoup) {
        const m = await runMediasoupBaseline(bc);
        row.mediasoup = m;
        if ('ppsOutPerCore' in m) {
          row.ratios.vsMediasoup = round(engine.ppsOutPerCore / m.ppsOutPerCore, 3);
          log(`  mediasoup: ${m.ppsOut.toFixed(0)} pps out, ${m.cpuCores} cores -> ${m.ppsOutPerCore.toFixed(0)} pps/core`);
        } else log(`  mediasoup baseline skipped: ${m.skipped}`);
      }
      runs.push(row);
    }
  }
  return {
    bench: 'replay', date: new Date().toISOString(), machine: machine(),
    fixture: { path: o.fixture, codec: fx.codec, packets: fx.packets.length, durationS: round(fx.durationUs / 1e6, 3), pps: round(fx.pps, 2) },
    config: { durationMs: o.durationMs, warmupMs: o.warmupMs, workers: o.workers, verifyEvery: o.verifyEvery, stageMs: o.stageMs },
    goal: { ppsOutPerCore: 150_000, vsDgram: 0.55, p99MsAtHalfLoad: 2 },
    runs,
  };
}

export async function replayMain(argv: string[]): Promise<void> {
  let o: ReplayOptions;
  try { o = parseReplayOptions(argv); } catch (e) { process.stderr.write(`${(e as Error).message}\n`); process.exitCode = 2; return; }
  const s = await runReplayBench(o);
  process.stdout.write(table(s) + '\n');
  process.stdout.write(JSON.stringify(s) + '\n');
  if (o.write) {
    mkdirSync(o.out, { recursive: true });
    const base = join(o.out, `replay-${s.date.replace(/[:.]/g, '-')}`);
    writeFileSync(`${base}.json`, JSON.stringify(s) + '\n');
    writeFileSync(`${base}.svg`, chartSvg(s));
    process.stderr.write(`wrote ${base}.json and ${base}.svg\n`);
  }
}
