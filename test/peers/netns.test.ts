// assertInsideNetns reads the per-namespace interface list, not sysfs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotInNetnsError, assertInsideNetns, nonLoopbackInterfaces } from './netns.js';

const HEAD = 'Inter-|   Receive |  Transmit\n face |bytes    packets|bytes    packets\n';
const dir = mkdtempSync(join(tmpdir(), 'sb-netns-'));
const file = (name: string, body: string): string => { const p = join(dir, name); writeFileSync(p, HEAD + body); return p; };

test('lists interfaces other than lo from /proc/net/dev text', () => {
  const p = file('host', '    lo: 1 2\n  eth0: 3 4\n  ifb0: 0 0\n');
  assert.equal(nonLoopbackInterfaces(p), ['eth0', 'ifb0']);
});

test('throws NotInNetnsError naming the interfaces and the fix', () => {
  const p = file('host2', '    lo: 1 2\n  eth0: 3 4\n');
  try {
    assertInsideNetns(p);
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, NotInNetnsError);
    assert.is((e as NotInNetnsError).code, 'ERR_NOT_IN_NETNS');
    assert.match((e as Error).message, /must run inside `unshare -n`/);
    assert.match((e as Error).message, /eth0/);
  }
});

test('the real check matches what this process can see', () => {
  const others = nonLoopbackInterfaces();
  if (others.length) assert.throws(() => assertInsideNetns(), /unshare -n/);
  else assert.is(nonLoopbackInterfaces(file('ns', '    lo: 0 0\n')).length, 0);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
