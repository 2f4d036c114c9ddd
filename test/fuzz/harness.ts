// A mutation fuzzer for our parsers. Each target gives valid seed inputs and a `run`
// that feeds one input to the parser the way the packet handler would. A target
// "fails" when run throws (parsers must return a status, not throw), or when one input
// takes longer than the hang limit. Deterministic: a seeded PRNG picks the mutations.

export interface FuzzTarget {
  name: string;
  seeds(): Buffer[];
  /** Parse one input. Must not throw for any input. */
  run(input: Buffer): void;
}

export interface FuzzResult {
  name: string;
  inputs: number;
  failures: number;
  firstFailure?: { input: string; error: string };
  ms: number;
  slowestUs: number;
}

/** xorshift32: fast, deterministic, good enough to pick mutations. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x40, 0x20, 0x10];

export function mutate(seed: Buffer, rnd: () => number, scratch: Buffer): Buffer {
  let len = seed.length;
  seed.copy(scratch, 0, 0, len);
  const ops = 1 + (rnd() % 4);
  for (let k = 0; k < ops; k++) {
    const op = rnd() % 9;
    const at = len ? rnd() % len : 0;
    switch (op) {
      case 0: if (len) scratch[at] ^= 1 << (rnd() % 8); break;
      case 1: if (len) scratch[at] = rnd() & 0xff; break;
      case 2: if (len) scratch[at] = INTERESTING[rnd() % INTERESTING.length]; break;
      case 3: len = rnd() % (len + 1); break; // truncate
      case 4: { // insert random bytes
        const n = 1 + (rnd() % 16);
        if (len + n <= scratch.length) {
          scratch.copy(scratch, at + n, at, len);
          for (let i = 0; i < n; i++) scratch[at + i] = rnd() & 0xff;
          len += n;
        }
        break;
      }
      case 5: { // 16-bit length-like field set to an extreme
        if (len >= 2) { const v = [0, 1, 0xffff, len, len + 1, len - 1][rnd() % 6] & 0xffff; scratch.writeUInt16BE(v, at > len - 2 ? len - 2 : at); }
        break;
      }
      case 6: { // duplicate a chunk
        const n = Math.min(1 + (rnd() % 32), len - at);
        if (len + n <= scratch.length) { scratch.copy(scratch, at + n, at, len); len += n; }
        break;
      }
      case 7: if (len > 1) { const b = rnd() % len; const t = scratch[at]; scratch[at] = scratch[b]; scratch[b] = t; } break;
      default: if (len) scratch.fill(rnd() & 0xff, at, Math.min(len, at + 1 + (rnd() % 8)));
    }
  }
  return scratch.subarray(0, len);
}

export function fuzz(target: FuzzTarget, inputs: number, seed = 1, hangUs = 50_000): FuzzResult {
  const rnd = prng(seed);
  const seeds = target.seeds();
  if (!seeds.length) throw new Error(`fuzz target ${target.name} has no seeds`);
  const maxLen = Math.max(...seeds.map((s) => s.length)) + 1024;
  const scratch = Buffer.alloc(maxLen);
  const res: FuzzResult = { name: target.name, inputs: 0, failures: 0, ms: 0, slowestUs: 0 };
  const t0 = performance.now();
  for (let i = 0; i < inputs; i++) {
    const s = seeds[rnd() % seeds.length];
    // Every 16th input is a seed as-is or pure noise, to keep both ends covered.
    let input: Buffer;
    if (i % 16 === 0) input = s;
    else if (i % 16 === 1) { const n = rnd() % maxLen; for (let j = 0; j < n; j++) scratch[j] = rnd() & 0xff; input = scratch.subarray(0, n); }
    else input = mutate(s, rnd, scratch);
    const a = performance.now();
    try {
      target.run(input);
    } catch (e) {
      res.failures++;
      if (!res.firstFailure) res.firstFailure = { input: input.toString('hex'), error: String((e as Error)?.stack ?? e) };
    }
    const us = (performance.now() - a) * 1000;
    if (us > res.slowestUs) res.slowestUs = us;
    res.inputs++;
  }
  res.ms = performance.now() - t0;
  if (res.slowestUs > hangUs && !res.failures) {
    res.failures = 1;
    res.firstFailure = { input: '', error: `an input took ${res.slowestUs.toFixed(0)} µs (limit ${hangUs} µs)` };
  }
  return res;
}
