// The short fuzz run inside `npm test`: a few seconds over every target.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fuzz } from './harness.js';
import { loadTargets } from './targets.js';

const targets = await loadTargets();

test('there are fuzz targets', () => {
  assert.ok(targets.length > 0, 'no fuzz targets registered in test/fuzz/targets.ts');
});

for (const t of targets) {
  test(`fuzz ${t.name}: 20,000 mutated inputs never throw or hang`, () => {
    // A generous per-input limit: CI machines are loaded; a real hang blows through it.
    const r = fuzz(t, 20_000, 7, 2_000_000);
    assert.is(r.failures, 0, r.firstFailure ? `${r.firstFailure.error}\ninput ${r.firstFailure.input}` : '');
  });
}

test.run();
