// `npm run fuzz [-- --inputs N] [--only name]`: runs every fuzz target (1,000,000
// mutated inputs each by default) and prints a table and one JSON line.
import { fuzz } from './harness.js';
import { loadTargets } from './targets.js';

const argv = process.argv.slice(2);
const inputs = Number(argv[argv.indexOf('--inputs') + 1] || 1_000_000) || 1_000_000;
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;

const targets = (await loadTargets()).filter((t) => !only || t.name.includes(only));
const results = [];
let bad = 0;
for (const t of targets) {
  process.stdout.write(`fuzzing ${t.name} with ${inputs} inputs ... `);
  const r = fuzz(t, inputs, 0xc0ffee, 2_000_000);
  results.push(r);
  bad += r.failures;
  console.log(`${r.failures ? 'FAIL' : 'ok'}  ${(r.ms / 1000).toFixed(1)} s, slowest ${r.slowestUs.toFixed(0)} µs`);
  if (r.firstFailure) console.log(`  first failure: ${r.firstFailure.error}\n  input: ${r.firstFailure.input.slice(0, 400)}`);
}
console.table(results.map((r) => ({ target: r.name, inputs: r.inputs, failures: r.failures, seconds: +(r.ms / 1000).toFixed(2), slowest_us: +r.slowestUs.toFixed(0) })));
console.log(JSON.stringify({ bench: 'fuzz', results: results.map(({ firstFailure, ...r }) => r) }));
process.exit(bad ? 1 : 0);
