// `npm run bench -- <name> [options]`: macro benchmarks. (Micro-benchmarks: npm run bench:micro.)
import { replayMain } from './replay/main.js';
import { dataMain } from './data/main.js';

const [name, ...rest] = process.argv.slice(2);
const benches: Record<string, (argv: string[]) => Promise<void>> = { replay: replayMain, data: dataMain };
const run = name ? benches[name] : undefined;
if (!run) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [options] (--help for options)\n`);
  process.exitCode = 2;
} else {
  await run(rest);
  // Client sockets, workers and timers are closed; exit even if a library left a handle.
  setTimeout(() => process.exit(process.exitCode ?? 0), 200).unref();
}
