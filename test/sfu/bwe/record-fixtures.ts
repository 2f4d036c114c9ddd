// Regenerates fixtures/bwe/*.json from the link simulation (run by hand:
// `node --import tsx test/sfu/bwe/record-fixtures.ts`). Each file holds the per-packet
// feedback results a sender saw, so tests can replay the delay pattern open-loop.
import { writeFileSync } from 'node:fs';
import { simulate } from './link-sim.js';

const dir = new URL('../../../fixtures/bwe/', import.meta.url).pathname;

function save(name: string, description: string, opts: Parameters<typeof simulate>[0]) {
  const r = simulate({ ...opts, record: true });
  const feedbacks = r.recorded.map((f) => ({ at: f.at, p: f.p.map((v) => Math.round(v)) }));
  writeFileSync(dir + name, JSON.stringify({ description, durationMs: opts.durationMs, rttMs: 2 * (opts.propagationMs ?? 20), format: 'p = [sendTimeUs, arrivalUs (-1 lost), size] per packet', feedbacks }) + '\n');
  console.log(name, feedbacks.length, 'feedbacks');
}

save('bottleneck-300k.json', 'closed loop, start 1 Mbit/s, 1200-byte packets, 20 ms one way, link unlimited except 300 kbit/s from 2 s to 12 s (400 ms drop-tail queue); 16 s',
  { durationMs: 16000, capacityBps: (t) => (t >= 2000 && t < 12000 ? 300_000 : 50_000_000), bwe: { startBitrateBps: 1_000_000, maxBitrateBps: 2_500_000 } });
save('constant-delay.json', 'closed loop, start 600 kbit/s, unlimited link, 20 ms one way, no loss, no jitter; 8 s',
  { durationMs: 8000, capacityBps: () => 50_000_000, bwe: { maxBitrateBps: 2_500_000 } });
