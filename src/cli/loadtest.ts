// `npm run loadtest -- --rooms R --publishers P --subscribers S --duration 30s --ramp 10/s
//   [--url ws://127.0.0.1:7880 --api-key K --api-secret S | --start-server]`
// Live progress line, summary table, ONE JSON line ({"bench":"loadtest",...}) and an HTML
// chart next to the JSON in bench/loadtest/. See src/client/loadtest/options.ts for flags.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ClientError } from '../client/index.js';
import { LOADTEST_HELP, chartHtml, parseLoadTestArgs, progressLine, runLoadTest, summaryText } from '../client/loadtest/index.js';

async function main(): Promise<number> {
  let o;
  try {
    o = parseLoadTestArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof ClientError) { console.error(`loadtest: ${e.message}`); return 2; }
    throw e;
  }
  if (o.help) { process.stdout.write(LOADTEST_HELP); return 0; }
  const tty = process.stdout.isTTY === true;
  const summary = await runLoadTest(o, {
    log: (l) => console.log(l),
    onSample: (s, total) => {
      const line = progressLine(s, total);
      if (tty) process.stdout.write(`\r\x1b[2K${line}`);
      else console.log(line);
    },
  });
  if (tty) process.stdout.write('\n');
  const text = summaryText(summary);
  console.log('');
  console.log(text);
  const json = JSON.stringify(summary);
  console.log(json);
  if (o.outDir) {
    const dir = resolve(o.outDir);
    mkdirSync(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const base = `loadtest-${summary.config.rooms}rooms-${summary.config.publishers}pub-${summary.config.subscribers}sub-${stamp}`;
    writeFileSync(join(dir, `${base}.json`), json + '\n');
    writeFileSync(join(dir, `${base}.html`), chartHtml(summary, text));
    console.log(`wrote ${join(o.outDir, base)}.json and .html`);
  }
  const ok = summary.participants.failed === 0 && summary.participants.joined > 0;
  return ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
}
