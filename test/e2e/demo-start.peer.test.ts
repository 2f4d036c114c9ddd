// `npm start` as a user runs it: the command's defaults (127.0.0.1:7880, UDP from 7882,
// dev mode, the demo page), --help, a clean exit 0 on SIGTERM and SIGINT, and the
// settings loader (flags > env > config file > defaults, dev mode only without keys).
// A peer test because it binds the fixed default ports: inside `unshare -n` they are free.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { assertInsideNetns } from '../peers/netns.js';
import { REPO_ROOT, sleep } from '../peers/paths.js';
import { loadStartConfig, PUBLIC_DIR } from '../../src/server/index.js';
import { ConfigError } from '../../src/signal/index.js';

assertInsideNetns();

const ENTRY = ['--import', 'tsx', 'src/cli/start.ts'];

/** Starts the command; resolves when it printed the demo URL (bounded). */
async function startCommand(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; out: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [...ENTRY, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  for (let i = 0; i < 200 && !/Open http/.test(out) && child.exitCode === null; i++) await sleep(100);
  if (!/Open http/.test(out)) { child.kill('SIGKILL'); throw new Error(`npm start did not come up: ${out}`); }
  return { child, out: () => out, exited };
}

async function stopAndWait(c: { child: ChildProcess; exited: Promise<number | null> }, sig: NodeJS.Signals): Promise<number | null> {
  c.child.kill(sig);
  const t = setTimeout(() => c.child.kill('SIGKILL'), 15_000);
  const code = await c.exited;
  clearTimeout(t);
  return code;
}

test('npm start with no options: dev mode on 127.0.0.1:7880, demo page, token endpoint; SIGTERM exits 0', async () => {
  const c = await startCommand([]);
  try {
    const out = c.out();
    assert.match(out, /engine: \d+ worker threads?, UDP 127\.0\.0\.1:7882/);
    assert.match(out, /DEV MODE — API key devkey, secret secret/);
    assert.match(out, /Open http:\/\/127\.0\.0\.1:7880\/\?room=demo/);
    const page = await fetch('http://127.0.0.1:7880/?room=demo');
    assert.is(page.status, 200);
    assert.match(await page.text(), /<script type="module" src="\/app.js">/);
    for (const f of ['/app.js', '/signal.js', '/stats.js', '/style.css', '/lib/protobuf.min.js', '/proto/livekit_models.proto']) {
      assert.is((await fetch(`http://127.0.0.1:7880${f}`)).status, 200, f);
    }
    const tok = await fetch('http://127.0.0.1:7880/token?room=demo&identity=alice');
    assert.is(tok.status, 200);
    const { token } = await tok.json() as { token: string };
    assert.is((await fetch(`http://127.0.0.1:7880/rtc/validate?access_token=${token}`)).status, 200);
  } finally {
    const code = await stopAndWait(c, 'SIGTERM');
    assert.is(code, 0, c.out());
    assert.match(c.out(), /SIGTERM, shutting down[\s\S]*stopped/);
  }
});

test('flags move the ports and the worker count; SIGINT exits 0', async () => {
  const c = await startCommand(['--port', '7990', '--udp-port=7992', '--workers', '1']);
  try {
    assert.match(c.out(), /engine: 1 worker thread, UDP 127\.0\.0\.1:7992, ICE-TCP 127\.0\.0\.1:7991\n/);
    assert.match(c.out(), /Open http:\/\/127\.0\.0\.1:7990\/\?room=demo/);
  } finally {
    assert.is(await stopAndWait(c, 'SIGINT'), 0, c.out());
  }
});

test('--help prints the options; a bad option exits 2 with the reason', () => {
  const help = spawnSync(process.execPath, [...ENTRY, '--help'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  assert.is(help.status, 0);
  for (const f of ['--port', '--keys', '--dev', '--workers', '--udp-port', '--announced-ip', '--config']) assert.ok(help.stdout.includes(f), f);
  const bad = spawnSync(process.execPath, [...ENTRY, '--workers', 'many'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /--workers must be a non-negative integer, got "many"/);
});

test('loadStartConfig: defaults, then file < env < flags, engine keys beside signal keys', () => {
  const d = loadStartConfig({ argv: [], env: {} });
  assert.equal(d.engine, { workers: availableParallelism(), udpPort: 7882, udpHost: '127.0.0.1' });
  assert.is(d.signal.dev, true, 'dev mode without keys');
  assert.is(d.signal.port, 7880);
  assert.is(d.signal.staticDir, PUBLIC_DIR);
  const file = JSON.stringify({ port: 9000, workers: 3, udpPort: 10000, announcedIp: '192.0.2.1' });
  const c = loadStartConfig({ argv: ['--config', 'sb.json', '--workers=2'], env: { SWITCHBOARD_UDP_PORT: '11000', SWITCHBOARD_PORT: '9001' }, readFile: () => file });
  assert.equal(c.engine, { workers: 2, udpPort: 11000, udpHost: '127.0.0.1', announcedIp: '192.0.2.1' });
  assert.is(c.signal.port, 9001);
  assert.is(c.signal.dev, true);
});

test('loadStartConfig: API keys mean production mode unless --dev; bad values name the setting', () => {
  const secret = 's'.repeat(32);
  const prod = loadStartConfig({ argv: ['--keys', `APIk: ${secret}`], env: {} });
  assert.is(prod.signal.dev, false);
  assert.equal(prod.signal.apiKeys, { APIk: secret });
  assert.is(loadStartConfig({ argv: ['--keys', `APIk: ${secret}`, '--dev'], env: {} }).signal.dev, true);
  assert.throws(() => loadStartConfig({ argv: ['--dev=false'], env: {} }), (e: unknown) => e instanceof ConfigError && /no API keys/.test((e as Error).message));
  assert.throws(() => loadStartConfig({ argv: ['--udp-port', '70000'], env: {} }), /--udp-port must be/);
  assert.throws(() => loadStartConfig({ argv: ['--announced-ip'], env: {} }), /--announced-ip needs a value/);
  assert.throws(() => loadStartConfig({ argv: ['--bogus'], env: {} }), /unknown option --bogus/);
  assert.throws(() => loadStartConfig({ argv: [], env: { SWITCHBOARD_WORKERS: '-1' } }), /SWITCHBOARD_WORKERS must be/);
  assert.throws(() => loadStartConfig({ argv: ['--workers', '300'], env: {} }), /workers must be 0\.\.256/);
  assert.throws(() => loadStartConfig({ argv: ['--udp-host', '0.0.0.0'], env: {} }), /needs --announced-ip/);
  assert.is(loadStartConfig({ argv: ['--udp-host', '0.0.0.0', '--announced-ip', '192.0.2.7'], env: {} }).engine.announcedIp, '192.0.2.7');
});

test.run();
