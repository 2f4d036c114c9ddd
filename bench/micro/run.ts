// `npm run bench:micro [-- filter]`: median ns/op of each case and its same-run
// baseline, bytes allocated per op, a table and one JSON line.
import { Bench } from 'tinybench';
import { loadCases } from './cases.js';
import { bytesPerCall } from './alloc.js';

const filter = process.argv[2];
const cases = (await loadCases()).filter((c) => !filter || c.name.includes(filter));
const time = Number(process.env.BENCH_TIME_MS ?? 400);

async function medianNs(name: string, fn: () => void, async = false): Promise<number> {
  const bench = new Bench({ time, warmupTime: 100 });
  bench.add(name, fn, async ? { async: true } : {});
  await bench.run();
  const r = bench.tasks[0].result as unknown as { latency?: { p50?: number }; p50?: number; state?: string };
  const ms = r.latency?.p50 ?? r.p50;
  if (ms === undefined) throw new Error(`tinybench gave no median for ${name}`);
  return ms * 1e6;
}

const results: { name: string; ns: number; baseline?: string; baseline_ns?: number; ratio?: number; bytes_per_op: number }[] = [];
for (const c of cases) {
  const ns = await medianNs(c.name, c.fn, c.async);
  const bytes = c.async ? NaN : bytesPerCall(c.fn);
  const row: (typeof results)[number] = { name: c.name, ns: Math.round(ns), bytes_per_op: Math.round(bytes * 10) / 10 };
  if (c.baseline) {
    row.baseline = c.baseline.name;
    row.baseline_ns = Math.round(await medianNs(c.baseline.name, c.baseline.fn, c.baseline.async));
    row.ratio = Math.round((ns / row.baseline_ns) * 100) / 100;
  }
  results.push(row);
  process.stderr.write(`  ${c.name}: ${row.ns} ns\n`);
}
console.table(results.map((r) => ({ case: r.name, 'median ns': r.ns, 'bytes/op': r.bytes_per_op, baseline: r.baseline ?? '', 'baseline ns': r.baseline_ns ?? '', ratio: r.ratio ?? '' })));
console.log(JSON.stringify({ bench: 'micro', node: process.version, date: new Date().toISOString(), results }));
