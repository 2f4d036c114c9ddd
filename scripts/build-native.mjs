#!/usr/bin/env node
// Builds the batched-UDP-send addon (src/net/native) with node-gyp, offline: Node's
// headers come from the installed nodejs package. Runs at `npm install` and from
// test-setup. It never fails the install: without the addon the worker sends with
// dgram, so a failed build prints one warning and exits 0.
//   node scripts/build-native.mjs [--if-missing]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'src', 'net', 'native');
const artefact = join(dir, 'build', 'Release', 'udp_send.node');

if (process.argv.includes('--if-missing') && existsSync(artefact)) process.exit(0);

const warn = (why) => {
  console.warn(`[build-native] WARNING: the native UDP send addon was not built (${why}); the server will send with node:dgram`);
  process.exit(0);
};

if (process.platform !== 'linux') warn(`sendmmsg is Linux-only, this is ${process.platform}`);

// npm exports the node-gyp it bundles to lifecycle scripts; outside npm, look beside
// the npm that came with this node, then on PATH (Debian's node-gyp package).
const prefix = dirname(dirname(process.execPath));
const candidates = [
  process.env.npm_config_node_gyp,
  join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].filter((p) => p && existsSync(p));
const gyp = candidates.length ? [process.execPath, candidates[0]] : ['node-gyp'];

// Headers of the running node, so node-gyp never tries to download them.
const args = ['rebuild', `--directory=${dir}`];
const nodedir = process.env.npm_config_nodedir || (existsSync(join(prefix, 'include', 'node', 'common.gypi')) ? prefix : '');
if (nodedir) args.push(`--nodedir=${nodedir}`);

const r = spawnSync(gyp[0], [...gyp.slice(1), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_offline: 'true' } });
if (r.error) warn(`cannot run node-gyp: ${r.error.message}`);
if (r.status !== 0 || !existsSync(artefact)) {
  const log = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').filter((l) => !l.startsWith('gyp info')).slice(-12).join('\n');
  console.warn(log);
  warn(`node-gyp exited with ${r.status}`);
}
console.log(`[build-native] built ${artefact.slice(root.length)}`);
