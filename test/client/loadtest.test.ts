// End to end on loopback: the load tester starts Switchboard in this process (engine in a
// media worker, signaling with a generated key pair), joins 1 room x (2 publishers + 2
// subscribers) through real tokens/WebSocket/protobuf, ICE, DTLS and SRTP, and every
// subscriber receives every published track with < 1 % loss. Nothing here is timed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLoadTestArgs, runLoadTest, summaryText, chartHtml } from '../../src/client/loadtest/index.js';

test('1 room, 2 publishers, 2 subscribers, ~5 s through the in-process server', async () => {
  const o = parseLoadTestArgs(['--start-server', '--rooms', '1', '--publishers', '2', '--subscribers', '2', '--duration', '4s', '--ramp', '20/s', '--server-workers', '1', '--client-workers', '1', '--no-out']);
  const s = await runLoadTest(o);
  assert.equal(s.participants, { planned: 4, joined: 4, failed: 0 });
  assert.is(s.totals.publishedTracks, 2);
  assert.is(s.totals.subscriptions, 4, 'each subscriber got both tracks');
  assert.ok(s.totals.recvPackets > 0, 'packets received');
  assert.ok(s.totals.lossPct < 1, `loss ${s.totals.lossPct} %`);
  assert.ok(s.totals.steadyLossPct < 1, `steady loss ${s.totals.steadyLossPct} %`);
  assert.ok(Number.isFinite(s.totals.steadyLatP50) && s.totals.steadyLatP50 <= s.totals.steadyLatP99, 'steady-window latency measured');
  for (const t of s.tracks) {
    assert.is(t.subscribers, 2, `${t.sid} reached both subscribers`);
    assert.ok(t.recvPackets > 0 && t.sentPackets > 0);
    assert.ok(t.recvPackets <= 2 * t.sentPackets, 'no more than sent, per subscriber');
    assert.ok(Number.isFinite(t.latP50) && t.latP50 > 0, 'latency measured through abs-capture-time');
  }
  assert.equal(s.errors, {});
  assert.ok(s.series.length >= 4);
  assert.is(s.bench, 'loadtest');
  const text = summaryText(s);
  assert.match(text, /TOTAL/);
  assert.match(chartHtml(s, text), /<svg/);
  assert.not.throws(() => JSON.parse(JSON.stringify(s)));
});

test('the CLI prints progress, the table and ONE JSON line, and writes the JSON and HTML chart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-loadtest-'));
  try {
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', 'src/cli/loadtest.ts', '--start-server', '--rooms', '1', '--publishers', '1', '--subscribers', '1', '--duration', '2s', '--out', dir],
        { timeout: 60_000, maxBuffer: 8 << 20 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
    });
    const jsonLines = out.split('\n').filter((l) => l.startsWith('{'));
    assert.is(jsonLines.length, 1);
    const j = JSON.parse(jsonLines[0]!);
    assert.is(j.bench, 'loadtest');
    assert.is(j.participants.joined, 2);
    assert.match(out, /t=\d+s joined/);
    assert.match(out, /TOTAL/);
    const files = readdirSync(dir).sort();
    assert.is(files.length, 2);
    assert.ok(files[0]!.endsWith('.html') && files[1]!.endsWith('.json'));
    assert.equal(JSON.parse(readFileSync(join(dir, files[1]!), 'utf8')), j);
    assert.match(readFileSync(join(dir, files[0]!), 'utf8'), /<svg[\s\S]*polyline/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('options: loopback only, bounded duration, keys needed without --start-server', () => {
  assert.throws(() => parseLoadTestArgs(['--url', 'ws://10.0.0.1:7880', '--api-key', 'k', '--api-secret', 's']), /loopback/);
  assert.throws(() => parseLoadTestArgs(['--url', 'ws://127.0.0.1:7880']), /api-key/);
  assert.throws(() => parseLoadTestArgs(['--start-server', '--duration', '11m']), /duration/);
  assert.throws(() => parseLoadTestArgs(['--start-server', '--ramp', 'fast']), /ramp/);
  const o = parseLoadTestArgs(['--url', 'ws://localhost:7880', '--api-key', 'k', '--api-secret', 's', '--duration', '1500ms', '--ramp=5/s']);
  assert.is(o.durationMs, 1500);
  assert.is(o.rampPerSec, 5);
});

test.run();
