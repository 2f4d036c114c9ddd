// `npm start`: parses the command line, starts Switchboard (src/server) and shuts it down
// on SIGINT/SIGTERM. Options: `npm start -- --help` (src/server/config.ts).
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../signal/index.js';
import { HELP, startSwitchboard, type Switchboard } from '../server/index.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) { process.stdout.write(HELP); return; }
  let sb: Switchboard;
  try {
    sb = await startSwitchboard({ argv });
  } catch (e) {
    if (e instanceof ConfigError) { console.error(`switchboard: ${e.message}\n(see npm start -- --help)`); process.exit(2); }
    throw e;
  }
  let stopping = false;
  const stop = (sig: string): void => {
    if (stopping) { console.error(`switchboard: ${sig} again, exiting now`); process.exit(1); }
    stopping = true;
    console.log(`switchboard: ${sig}, shutting down`);
    const force = setTimeout(() => { console.error('switchboard: shutdown took over 10 s, exiting'); process.exit(1); }, 10_000);
    force.unref();
    sb.close().then(() => { console.log('switchboard: stopped'); process.exit(0); }, (e) => { console.error(e); process.exit(1); });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => { console.error(e); process.exit(1); });
}
