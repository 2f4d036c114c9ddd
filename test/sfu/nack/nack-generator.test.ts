import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NackGenerator, NackPacket, defaultNackGeneratorConfig } from '../../../src/sfu/nack/index.js';
import { SeqUnwrapper } from '../../../src/sfu/buffer/index.js';
import { NackView, RtpStatus } from '../../../src/rtp/index.js';

const out = Buffer.alloc(1500);
const view = new NackView();
const lost = new Uint16Array(1024);

/** The sequence numbers in the NACK tick wrote (or [] when none). */
function tick(g: NackGenerator, now: number, rtt: number): number[] {
  const n = g.tick(now, rtt, out, 0, 0x11111111, 0x22222222);
  if (n === 0) return [];
  assert.is(view.reset(out, 0, n), RtpStatus.OK);
  assert.is(view.senderSsrc, 0x11111111);
  assert.is(view.mediaSsrc, 0x22222222);
  return Array.from(lost.subarray(0, view.fillLost(lost)));
}

test('first NACK only after the reorder delay: max(10 ms, 0.1 RTT)', () => {
  const g = new NackGenerator();
  g.onPacket(100, 0);
  assert.is(g.onPacket(103, 0), NackPacket.NEW);
  assert.is(g.missing, 2);
  assert.equal(tick(g, 9, 50), []); // delay = max(10, 5) = 10
  assert.equal(tick(g, 10, 50), [101, 102]);
  const h = new NackGenerator();
  h.onPacket(1, 0); h.onPacket(3, 0);
  assert.equal(tick(h, 29, 300), []); // delay = 0.1 * 300 = 30
  assert.equal(tick(h, 30, 300), [2]);
});

test('retries every RTT (clamped 20..400 ms), at most maxTries, then given up', () => {
  const g = new NackGenerator({ maxTries: 3, maxAgeMs: 10_000 });
  g.onPacket(10, 0); g.onPacket(12, 0);
  assert.equal(tick(g, 10, 100), [11]);
  assert.equal(tick(g, 109, 100), []);
  assert.equal(tick(g, 110, 100), [11]);
  assert.equal(tick(g, 210, 100), [11]);
  assert.is(g.nacksSent, 3);
  assert.equal(tick(g, 309, 100), []); // tries used up; still waiting for the last one
  assert.is(g.missing, 1);
  assert.equal(tick(g, 310, 100), []);
  assert.is(g.missing, 0);
  assert.is(g.givenUp, 1);
  // Clamp: a 1 ms RTT retries every 20 ms, a 2 s RTT every 400 ms.
  const f = new NackGenerator();
  f.onPacket(0, 0); f.onPacket(2, 0);
  assert.equal(tick(f, 10, 1), [1]);
  assert.equal(tick(f, 29, 1), []);
  assert.equal(tick(f, 30, 1), [1]);
  const s = new NackGenerator({ maxAgeMs: 5000 });
  s.onPacket(0, 0); s.onPacket(2, 0);
  assert.equal(tick(s, 200, 2000), [1]);
  assert.equal(tick(s, 599, 2000), []);
  assert.equal(tick(s, 600, 2000), [1]);
});

test('gives up after maxAgeMs', () => {
  const g = new NackGenerator({ maxAgeMs: 1000 });
  g.onPacket(0, 0); g.onPacket(2, 0);
  assert.equal(tick(g, 40, 400), [1]); // reorder delay 0.1 * 400
  assert.equal(tick(g, 440, 400), [1]);
  assert.equal(tick(g, 840, 400), [1]);
  assert.equal(tick(g, 1001, 400), []);
  assert.is(g.missing, 0);
  assert.is(g.givenUp, 1);
});

test('a late or retransmitted packet clears its entry; duplicates are OLD', () => {
  const g = new NackGenerator();
  g.onPacket(1000, 0);
  g.onPacket(1005, 0);
  assert.is(g.onPacket(1002, 1), NackPacket.RECOVERED);
  assert.is(g.onPacket(1002, 1), NackPacket.OLD);
  assert.is(g.onPacket(1005, 1), NackPacket.OLD);
  assert.ok(!g.isMissing(1002) && g.isMissing(1001) && g.isMissing(1004));
  assert.equal(tick(g, 20, 100), [1001, 1003, 1004]);
  assert.is(g.onPacket(1004, 25), NackPacket.RECOVERED);
  assert.equal(tick(g, 120, 100), [1001, 1003]);
  assert.is(g.recovered, 2);
});

test('NACK across the 16-bit wrap uses the wire sequence numbers', () => {
  const g = new NackGenerator();
  const u = new SeqUnwrapper();
  for (const s of [65533, 65534, 1, 3]) g.onPacket(u.unwrap(s), 0);
  assert.equal(tick(g, 10, 100), [65535, 0, 2]);
});

test('burst cap: a gap larger than maxMissing resets and raises the keyframe flag once', () => {
  const g = new NackGenerator({ maxMissing: 64 });
  g.onPacket(0, 0); g.onPacket(3, 0);
  assert.is(g.missing, 2);
  assert.is(g.onPacket(3 + 65 + 1, 0), NackPacket.BURST);
  assert.is(g.missing, 0);
  assert.ok(g.keyframeNeeded);
  assert.ok(g.takeKeyframeRequest());
  assert.not.ok(g.takeKeyframeRequest());
  assert.equal(tick(g, 100, 100), []);
  // A gap of exactly maxMissing is still NACKed; one more gap that overflows evicts the oldest.
  g.onPacket(69 + 65, 0);
  assert.is(g.missing, 64);
  g.onPacket(69 + 65 + 3, 0);
  assert.is(g.missing, 64);
  assert.is(g.evicted, 2);
  assert.not.ok(g.isMissing(70) || g.isMissing(71));
  assert.ok(g.isMissing(72) && g.isMissing(136));
  assert.not.ok(g.keyframeNeeded);
});

test('a small caller buffer gets as many entries as fit; the rest stay due', () => {
  const g = new NackGenerator();
  g.onPacket(0, 0);
  g.onPacket(200, 0); // 199 missing -> 13 FCI entries of 16 + 1 bit
  const small = Buffer.alloc(12 + 4 * 3);
  const n = g.tick(10, 100, small, 0, 1, 2);
  assert.ok(n > 0 && n <= small.length);
  assert.ok(g.lastCount > 0 && g.lastCount < 199);
  view.reset(small, 0, n);
  const first = view.fillLost(lost);
  assert.is(first, g.lastCount);
  const rest = tick(g, 11, 100);
  assert.is(rest.length, 199 - first);
  assert.is(rest[0], first + 1);
});

test('memory is bounded: a long lossy stream never tracks more than maxMissing', () => {
  const g = new NackGenerator({ maxMissing: 32 });
  let max = 0, now = 0;
  for (let e = 0; e < 20_000; e++) {
    if (e % 3 !== 0) g.onPacket(e, now);
    now += 1;
    if (e % 20 === 0) tick(g, now, 50);
    max = Math.max(max, g.missing);
  }
  assert.ok(max <= 32);
  assert.ok(g.evicted > 0); // 1 in 3 lost fills 32 entries in ~96 packets, before any ages out
  assert.is(defaultNackGeneratorConfig.maxMissing, 256);
});

test.run();
