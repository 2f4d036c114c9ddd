#!/usr/bin/env node
// Installs what the tests need on a fresh Debian machine (real peers and tools from
// Debian's packages), then makes the shared fixtures that are generated rather than
// committed. Idempotent: a second run does nothing but check.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

// command on PATH -> Debian package that provides it
const needed = {
  chromium: 'chromium',
  tshark: 'tshark',
  openssl: 'openssl',
  'espeak-ng': 'espeak-ng',
  sox: 'sox',
  unshare: 'util-linux',
  ip: 'iproute2',
  turnutils_uclient: 'coturn',
  nft: 'nftables', // the ICE-TCP / TURN-TCP tests drop UDP inside their namespace
};

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const missing = Object.entries(needed).filter(([cmd]) => !has(cmd)).map(([, pkg]) => pkg);

if (missing.length) {
  const pkgs = [...new Set(missing)];
  console.log(`[test-setup] installing Debian packages: ${pkgs.join(' ')} (about a minute on a new machine)`);
  if (!has('apt-get')) {
    console.error('[test-setup] apt-get not found: install these packages by hand: ' + pkgs.join(' '));
    process.exit(1);
  }
  const sudo = process.getuid && process.getuid() !== 0 ? ['sudo'] : [];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (argv) => {
    const r = spawnSync(sudo.length ? 'sudo' : argv[0], sudo.length ? argv : argv.slice(1), { stdio: 'inherit', env });
    return r.status === 0;
  };
  if (!run(['apt-get', 'update', '-q']) || !run(['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...pkgs])) {
    console.error(`[test-setup] apt-get install failed for: ${pkgs.join(' ')}; the real-peer tests will fail`);
    process.exit(1);
  }
}

// 16 kHz mono speech for fake microphones and Opus publishers.
const audioDir = join(root, 'fixtures', 'audio');
const speech = join(audioDir, 'speech16k.wav');
if (!existsSync(speech)) {
  mkdirSync(audioDir, { recursive: true });
  const raw = join(audioDir, 'speech-raw.tmp.wav');
  const text = 'Switchboard forwards every packet to every subscriber. This is a sixteen kilohertz speech sample for the tests. One two three four five six seven eight nine ten.';
  let r = spawnSync('espeak-ng', ['-w', raw, text], { stdio: 'inherit' });
  if (r.status === 0) r = spawnSync('sox', [raw, '-r', '16000', '-c', '1', '-b', '16', speech], { stdio: 'inherit' });
  spawnSync('rm', ['-f', raw]);
  if (r.status !== 0) {
    console.error('[test-setup] could not make fixtures/audio/speech16k.wav with espeak-ng and sox');
    process.exit(1);
  }
  console.log('[test-setup] made fixtures/audio/speech16k.wav');
}
// The sendmmsg addon (npm install builds it; a checkout that skipped scripts has none).
// build-native never fails: without it the native-send tests fail and say why.
spawnSync(process.execPath, [join(root, 'scripts', 'build-native.mjs'), '--if-missing'], { stdio: 'inherit' });
console.log('[test-setup] ready');
