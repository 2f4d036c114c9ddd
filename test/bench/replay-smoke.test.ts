// The replay rig end to end, small: `npm run bench -- replay` with 1 publisher × 2
// subscribers for ~2 s of the bundled Opus fixture (and the bare dgram baseline). Every
// subscriber receives packets with no loss, every packet is decrypted and matches the
// fixture's payload, and the printed JSON line parses with the documented fields.
// Nothing here asserts on speed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('replay bench: 1×2 on the Opus fixture, no loss, JSON line with the fields', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', 'replay', '--subscribers', '2', '--duration', '2s', '--warmup', '500ms', '--stages', '500ms', '--baselines', 'dgram', '--no-write'],
    { cwd: root, encoding: 'utf8', timeout: 90_000 });
  assert.is(r.status, 0, r.stderr);
  const line = r.stdout.trim().split('\n').find((l) => l.startsWith('{"bench":"replay"'));
  assert.ok(line, `no JSON line in:\n${r.stdout}`);
  const s = JSON.parse(line!);
  assert.is(s.bench, 'replay');
  for (const k of ['cpuModel', 'cores', 'node']) assert.ok(k in s.machine, k);
  assert.is(s.fixture.codec, 'opus');
  assert.is(s.runs.length, 1);
  const run = s.runs[0];
  assert.is(run.publishers, 1);
  assert.is(run.subscribers, 2);
  const e = run.engine;
  for (const k of ['ppsIn', 'ppsOut', 'mbpsIn', 'mbpsOut', 'engineCpuCores', 'loadCpuCores', 'ppsOutPerCore', 'heapGrowthMB', 'gcMs', 'rssMB', 'lossPct', 'reordered', 'udpDropsEngine', 'udpDropsLoad']) {
    assert.type(e[k], 'number', k);
  }
  assert.ok(e.ppsIn > 20 && e.ppsOut > 40, `packets flowed: in ${e.ppsIn} out ${e.ppsOut}`);
  assert.is(e.subscribersReceiving, 2, 'every subscriber received packets');
  assert.ok(e.minPacketsPerSubscriber > 50);
  assert.is(e.lost, 0);
  assert.is(e.lossPct, 0);
  assert.is(e.payloadMismatch, 0);
  assert.ok(e.verified > 100, 'subscribers decrypted and compared packets');
  assert.ok(e.workers.length === 1 && typeof e.workers[0].cpuCores === 'number' && typeof e.workers[0].elu === 'number');
  for (const k of ['p50', 'p95', 'p99']) assert.type(e.latencyMs[k], 'number', k);
  assert.ok(e.latencyMs.samples > 50);
  for (const k of ['decrypt', 'route', 'rewrite', 'queue', 'encrypt', 'send']) assert.type(e.stages.nsPerPacket[k], 'number', k);
  assert.ok(e.stages.packetsIn > 0 && e.stages.packetsOut >= e.stages.packetsIn);
  assert.is(run.dgram.name, 'dgram');
  assert.type(run.dgram.ppsOutPerCore, 'number');
  assert.type(run.ratios.vsDgram, 'number');
  assert.match(r.stdout, /out pps\/core/);
});

test.run();
