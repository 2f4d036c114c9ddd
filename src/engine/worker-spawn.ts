// Starts a worker thread on `<name>.js` beside the caller's module, or — when running from
// TypeScript sources under tsx — on a bootstrap that registers tsx's loader inside the
// worker first and then imports `<name>.ts` (Node 20 does not apply `--import tsx` from a
// Worker's execArgv to its entry module). Used for the media workers and the TURN worker.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `base`: the caller's import.meta.url; `name`: the entry module without extension; `label` names it in a start failure. */
export function spawnWorker(base: string, name: string, workerData: unknown, label: string): Worker {
  const ts = new URL(`./${name}.ts`, base);
  if (base.endsWith('.ts') && existsSync(fileURLToPath(ts))) {
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(ts.href)}); })`
      + `.catch((e) => { console.error(${JSON.stringify(`${label} failed to start`)}, e); process.exit(1); });`;
    return new Worker(boot, { eval: true, workerData });
  }
  return new Worker(new URL(`./${name}.js`, base), { workerData });
}
