// `npm start` as a user runs it: the command's defaults (127.0.0.1:7880, UDP from 7882,
// dev mode, the demo page), --help, a clean exit 0 on SIGTERM and SIGINT, and the
// settings loader (flags > env > config file > defaults, dev mode only without keys).
// A peer test because it binds the fixed default ports: inside `unshare -n` they are free.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
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
    assert.match(out, /turn: UDP\+TCP 127\.0\.0\.1:3478 \(relay ports any; peers: this server's media sockets; credentials 300 s\)/);
    assert.is(await stunBindingAnswered(3478), true, 'TURN answers a STUN Binding on UDP 3478');
    assert.is(await tcpAccepts(3478), true, 'TURN accepts TCP on 3478');
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
  const c = await startCommand(['--port', '7990', '--udp-port=7992', '--workers', '1', '--turn-port', '7994']);
  try {
    assert.match(c.out(), /engine: 1 worker thread, UDP 127\.0\.0\.1:7992, ICE-TCP 127\.0\.0\.1:7991\n/);
    assert.match(c.out(), /turn: UDP\+TCP 127\.0\.0\.1:7994 /);
    assert.is(await stunBindingAnswered(7994), true);
    assert.match(c.out(), /Open http:\/\/127\.0\.0\.1:7990\/\?room=demo/);
  } finally {
    assert.is(await stopAndWait(c, 'SIGINT'), 0, c.out());
  }
});

test('TURN: a taken default port falls back upward and says so; --no-turn serves none', async () => {
  const squatter = createSocket('udp4');
  await new Promise<void>((r) => squatter.bind(3478, '127.0.0.1', () => r()));
  try {
    const c = await startCommand(['--port', '7995', '--udp-port', '7997', '--workers', '0']);
    try {
      assert.match(c.out(), /turn: port 3478 is taken, trying 3479/);
      assert.match(c.out(), /turn: UDP\+TCP 127\.0\.0\.1:3479 /);
      assert.is(await stunBindingAnswered(3479), true);
    } finally {
      assert.is(await stopAndWait(c, 'SIGTERM'), 0, c.out());
    }
    // An explicit port is not moved: the command fails and names the way out.
    const taken = spawnSync(process.execPath, [...ENTRY, '--port', '7995', '--udp-port', '7997', '--workers', '0', '--turn-port', '3478'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
    assert.is.not(taken.status, 0);
    assert.match(taken.stdout + taken.stderr, /turn: port 3478 \(UDP or TCP\) on 127\.0\.0\.1 is taken: free it, pick another with --turn-port N, or turn TURN off with --no-turn/);
  } finally {
    squatter.close();
  }
  const off = await startCommand(['--port', '7995', '--udp-port', '7997', '--workers', '0', '--no-turn']);
  try {
    assert.not.match(off.out(), /turn:/);
    assert.is(await stunBindingAnswered(3478), false, 'nothing on 3478');
  } finally {
    assert.is(await stopAndWait(off, 'SIGTERM'), 0, off.out());
  }
});

test('--help prints the options; a bad option exits 2 with the reason', () => {
  const help = spawnSync(process.execPath, [...ENTRY, '--help'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  assert.is(help.status, 0);
  for (const f of ['--port', '--keys', '--dev', '--workers', '--udp-port', '--announced-ip', '--config', '--turn-port', '--no-turn', '--turn-relay-range', '--turn-ttl', '--turn-allow-peers']) assert.ok(help.stdout.includes(f), f);
  const bad = spawnSync(process.execPath, [...ENTRY, '--workers', 'many'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /--workers must be a non-negative integer, got "many"/);
});

test('loadStartConfig: defaults, then file < env < flags, engine keys beside signal keys', () => {
  const d = loadStartConfig({ argv: [], env: {} });
  const { turn: dTurn, ...dEngine } = d.engine;
  assert.equal(dEngine, { workers: availableParallelism(), udpPort: 7882, udpHost: '127.0.0.1' });
  assert.equal(dTurn, { enabled: true, udpPort: 3478, tcpPort: 3478, portExplicit: false, relayRangeStart: 0, relayRangeEnd: 0, ttlSeconds: 300, allowPeers: [] }, 'dev mode: TURN on at 3478');
  assert.is(d.signal.dev, true, 'dev mode without keys');
  assert.is(d.signal.port, 7880);
  assert.is(d.signal.staticDir, PUBLIC_DIR);
  const file = JSON.stringify({ port: 9000, workers: 3, udpPort: 10000, announcedIp: '192.0.2.1' });
  const c = loadStartConfig({ argv: ['--config', 'sb.json', '--workers=2'], env: { SWITCHBOARD_UDP_PORT: '11000', SWITCHBOARD_PORT: '9001' }, readFile: () => file });
  const { turn: _t, ...cEngine } = c.engine;
  assert.equal(cEngine, { workers: 2, udpPort: 11000, udpHost: '127.0.0.1', announcedIp: '192.0.2.1' });
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

/** A STUN Binding request to 127.0.0.1:port answered with a Binding success within 2 s. */
async function stunBindingAnswered(port: number): Promise<boolean> {
  const s = createSocket('udp4');
  const req = Buffer.alloc(20);
  req.writeUInt16BE(0x0001, 0); req.writeUInt32BE(0x2112a442, 4); req.write('turnwiretest', 8, 'latin1');
  try {
    return await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 2000);
      s.on('message', (m) => { if (m.length >= 20 && m.readUInt16BE(0) === 0x0101 && m.subarray(8, 20).equals(req.subarray(8, 20))) { clearTimeout(t); resolve(true); } });
      s.on('error', () => { clearTimeout(t); resolve(false); });
      s.send(req, port, '127.0.0.1');
    });
  } finally {
    s.close();
  }
}

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ port, host: '127.0.0.1' }, () => { c.destroy(); resolve(true); });
    c.on('error', () => resolve(false));
  });
}

test.run();
