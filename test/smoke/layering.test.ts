// The dependency direction of DESIGN.md, checked on every import in src/: protocol
// folders import nothing above them, the engine never imports signaling or the server,
// and only src/server (and the commands) know both sides.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const SRC = new URL('../../src/', import.meta.url).pathname;

// folder -> folders it may import (besides itself)
const ALLOWED: Record<string, string[]> = {
  crypto: [],
  net: [],
  stun: ['crypto', 'net'],
  dtls: ['crypto'],
  srtp: ['crypto'],
  rtp: [],
  sctp: ['crypto'],
  turn: ['crypto', 'net', 'stun'],
  pcap: ['rtp', 'srtp', 'crypto', 'stun', 'turn'],
  sdp: [],
  transport: ['crypto', 'net', 'stun', 'dtls', 'srtp', 'rtp', 'sctp', 'turn', 'sdp'],
  sfu: ['crypto', 'rtp', 'srtp', 'net'],
  engine: ['crypto', 'net', 'stun', 'dtls', 'srtp', 'rtp', 'sctp', 'turn', 'sdp', 'transport', 'sfu', 'pcap'],
  signal: ['crypto', 'sdp'],
  server: ['*'],
  client: ['crypto', 'net', 'stun', 'dtls', 'srtp', 'rtp', 'sctp', 'turn', 'sdp', 'transport', 'sfu', 'signal', 'pcap', 'engine', 'server'],
  cli: ['*'],
};

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

test('every relative import in src/ follows the layer order', () => {
  const bad: string[] = [];
  let checked = 0;
  for (const file of walk(SRC, [])) {
    const from = relative(SRC, file).split('/')[0]!;
    const allowed = ALLOWED[from];
    assert.ok(allowed, `src/${from} is not in the layer table of this test: add it`);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2]!;
      const target = relative(SRC, resolve(dirname(file), spec)).split('/')[0]!;
      checked++;
      if (target === from || allowed.includes('*') || allowed.includes(target)) continue;
      bad.push(`${relative(SRC, file)} imports src/${target} (${spec})`);
    }
  }
  assert.ok(checked > 100, `only ${checked} imports found: the pattern is broken`);
  assert.equal(bad, [], `layering violations:\n${bad.join('\n')}`);
});

test('the pattern sees static, re-export and dynamic imports', () => {
  const sample = "import { a } from './x.js';\nexport { b } from '../y/z.js';\nconst c = await import('../w.js');";
  const specs = [...sample.matchAll(IMPORT)].map((m) => m[1] ?? m[2]);
  assert.equal(specs, ['./x.js', '../y/z.js', '../w.js']);
});

test.run();
