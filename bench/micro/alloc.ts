import { getHeapSpaceStatistics } from 'node:v8';

function newSpaceUsed(): number {
  for (const s of getHeapSpaceStatistics()) if (s.space_name === 'new_space') return s.space_used_size;
  return 0;
}

/**
 * Bytes allocated per call, read from V8's young generation: run `fn` a few thousand
 * times between two reads; if a scavenge ran in between (used size fell), retry with
 * fewer calls. Returns the smallest estimate seen (noise only adds).
 */
export function bytesPerCall(fn: () => void, iterations = 20_000): number {
  for (let i = 0; i < 1000; i++) fn(); // warm up, let the JIT settle
  let best = Infinity;
  let n = iterations;
  for (let attempt = 0; attempt < 8; attempt++) {
    const before = newSpaceUsed();
    for (let i = 0; i < n; i++) fn();
    const after = newSpaceUsed();
    if (after >= before) best = Math.min(best, (after - before) / n);
    else n = Math.max(100, n >> 1);
  }
  return best === Infinity ? NaN : best;
}
