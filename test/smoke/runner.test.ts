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

test('npm start prints help and exits 0 until the server lands', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/start.ts'], { encoding: 'utf8' });
  assert.is(r.status, 0);
  assert.match(r.stdout, /Switchboard/);
});

test.run();
