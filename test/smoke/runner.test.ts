import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';

// The summary line the README promises comes from scripts/run-tests.mjs; check it
// reports a failing file as failed and refuses an empty run.
test('test runner fails on zero tests', () => {
  const r = spawnSync(process.execPath, ['scripts/run-tests.mjs', 'no-such-test-file-pattern'], { encoding: 'utf8' });
  assert.is(r.status, 1);
  assert.match(r.stdout, /0 passed, 1 failed/);
});

test('npm start -- --help prints the options and exits 0', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/start.ts', '--help'], { encoding: 'utf8', timeout: 30_000 });
  assert.is(r.status, 0);
  assert.match(r.stdout, /--udp-port/);
  assert.match(r.stdout, /--keys/);
});

test.run();
