// Structured logs: the same record as a terminal line and as one JSON object a line,
// level filtering, ids from child loggers, quoting that keeps one record on one line;
// and a running server's records (--log-format json) for a join, a leave and a Twirp
// call, carrying room, participant, identity and the Twirp code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RoomServiceClient } from 'livekit-server-sdk';
import { Logger } from '../../src/server/logger.js';
import { loadStartConfig, startSwitchboard } from '../../src/server/index.js';
import { createToken, ConfigError } from '../../src/signal/index.js';
import { SignalClient } from '../../src/client/index.js';

const T0 = Date.UTC(2026, 11, 7, 6, 21, 3, 123);

test('text and json renderings, levels, child ids, quoting', () => {
  const out: string[] = [];
  const text = new Logger({ format: 'text', level: 'info', write: (l) => out.push(l), nowMs: () => T0 });
  text.debug('hidden');
  text.child({ room: 'demo' }).info('participant joined', { participant: 'PA_1', identity: 'alice smith', n: 3 });
  text.warn('bad\nthing', { reason: 'a=b' });
  text.line('  Open http://x/?room=demo');
  assert.equal(out, [
    '06:21:03.123 INFO  participant joined room=demo participant=PA_1 identity="alice smith" n=3',
    '06:21:03.123 WARN  bad thing reason="a=b"',
    '  Open http://x/?room=demo',
  ]);
  const js: string[] = [];
  const json = new Logger({ format: 'json', level: 'debug', write: (l) => js.push(l), nowMs: () => T0 });
  json.child({ room: 'demo', level: 'spoofed' }).debug('x', { track: 'TR_1', msg: 'spoofed' });
  json.line('');
  json.line('signal: listening');
  assert.is(js.length, 2, 'blank banner lines dropped in json');
  assert.equal(JSON.parse(js[0]!), { ts: '2026-12-07T06:21:03.123Z', level: 'debug', msg: 'x', room: 'demo', track: 'TR_1' });
  assert.equal(JSON.parse(js[1]!), { ts: '2026-12-07T06:21:03.123Z', level: 'info', msg: 'signal: listening' });
});

test('--log-format / --log-level are checked', () => {
  const secret = 's'.repeat(32);
  assert.is(loadStartConfig({ argv: ['--keys', `K: ${secret}`, '--log-format', 'json', '--log-level', 'debug'], env: {} }).engine.logFormat, 'json');
  assert.throws(() => loadStartConfig({ argv: ['--keys', `K: ${secret}`, '--log-format', 'xml'], env: {} }), (e: unknown) => e instanceof ConfigError && /log-format must be text or json/.test((e as Error).message));
  assert.throws(() => loadStartConfig({ argv: ['--keys', `K: ${secret}`], env: { SWITCHBOARD_LOG_LEVEL: 'loud' } }), (e: unknown) => e instanceof ConfigError && /log-level/.test((e as Error).message));
});

test('a running server logs joins, leaves and Twirp calls as JSON records with ids', async () => {
  const KEY = 'APIlogs', SECRET = 'logs-secret-logs-secret-logs-secret-00';
  const lines: string[] = [];
  const sb = await startSwitchboard({ argv: ['--keys', `${KEY}: ${SECRET}`, '--port', '0', '--workers', '0', '--udp-port', '0', '--log-format', 'json'], env: {}, log: (l) => lines.push(l) });
  try {
    const c = await SignalClient.connect({ url: sb.signal.url, token: await createToken(KEY, SECRET, { identity: 'ann', video: { room: 'logs', roomJoin: true } }), timeoutMs: 5000 });
    const svc = new RoomServiceClient(sb.httpUrl, KEY, SECRET, { failover: false });
    assert.is((await svc.listParticipants('logs')).length, 1);
    await svc.getParticipant('logs', 'nobody').catch(() => undefined);
    const closed = c.waitFor('close', 3000).catch(() => undefined);
    c.leave();
    await closed;
    const end = Date.now() + 3000;
    const recs = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    while (!recs().some((r) => r.msg === 'participant left') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    const all = recs();
    assert.ok(all.every((r) => typeof r.ts === 'string' && typeof r.level === 'string' && typeof r.msg === 'string'), 'every line is a record');
    assert.ok(all.some((r) => /^signal: listening/.test(String(r.msg))), 'banner lines are records too');
    const joined = all.find((r) => r.msg === 'participant joined')!;
    assert.equal([joined.room, joined.identity, joined.level], ['logs', 'ann', 'info']);
    assert.match(String(joined.participant), /^PA_/);
    assert.equal(all.find((r) => r.msg === 'participant left')?.participant, joined.participant);
    assert.ok(all.some((r) => r.msg === 'room started' && r.room === 'logs'));
    const calls = all.filter((r) => r.msg === 'twirp call').map((r) => [r.method, r.code, r.level]);
    assert.equal(calls, [['livekit.RoomService/ListParticipants', 'ok', 'info'], ['livekit.RoomService/GetParticipant', 'not_found', 'warn']]);
  } finally {
    await sb.close();
  }
});

test.run();
