import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LeakyBucketPacer, PassThroughPacer, PacketKind, QueueDelaySummary, type Pacer } from '../../../src/sfu/pacer/index.js';
import { lcg } from '../twcc/helpers.js';

/** Collects released handles; sizes looked up by handle. */
function sink() {
  const got: number[] = [];
  return { got, out: (h: number) => { got.push(h); } };
}

test('leaky bucket: bytes released per 100 ms window never exceed rate x factor (+ burst), and match it when backlogged', () => {
  for (const factor of [1, 2.5]) {
    const p = new LeakyBucketPacer({ pacingFactor: factor, maxPackets: 4096 });
    p.setRate(1_000_000);
    const perMs = new Float64Array(3001);
    let h = 0, t = 0;
    const out = (_h: number) => { perMs[t] += 1200; };
    for (t = 0; t <= 3000; t++) {
      if (t < 2000) for (let k = 0; k < 3; k++) p.enqueue(PacketKind.VIDEO, h++, 1200, t); // 3 x 1200 B/ms = 28.8 Mbit/s offered
      p.poll(t, out);
    }
    const rateBytesPerMs = (1_000_000 * factor) / 8000;
    const burst = Math.max(1500, rateBytesPerMs * 10);
    for (let w = 0; w + 100 <= 3000; w += 10) {
      let b = 0;
      for (let i = w; i < w + 100; i++) b += perMs[i];
      assert.ok(b <= rateBytesPerMs * 100 + burst + 1200, `factor ${factor} window at ${w}: ${b} B`);
    }
    const total = perMs.reduce((a, b) => a + b);
    const expect = rateBytesPerMs * 3000;
    assert.ok(Math.abs(total - expect) / expect < 0.02, `factor ${factor}: ${total} vs ${expect}`);
  }
});

test('audio is never queued behind video: it leaves on the next poll even with no budget left', () => {
  const p = new LeakyBucketPacer({ pacingFactor: 1 });
  p.setRate(100_000);
  for (let i = 0; i < 50; i++) p.enqueue(PacketKind.VIDEO, i, 1200, 0);
  const s = sink();
  p.poll(0, s.out); // spends the initial budget
  const first = s.got.length;
  assert.ok(first >= 1 && first < 5);
  p.enqueue(PacketKind.AUDIO, 1000, 100, 1);
  assert.is(p.nextReleaseInMs(1), 0);
  p.poll(1, s.out);
  assert.equal(s.got.slice(first), [1000]);
  // Without bypass audio still goes first once the budget allows.
  const q = new LeakyBucketPacer({ pacingFactor: 1, audioBypass: false });
  q.setRate(100_000);
  for (let i = 0; i < 5; i++) q.enqueue(PacketKind.VIDEO, i, 1200, 0);
  q.enqueue(PacketKind.AUDIO, 99, 100, 0);
  const s2 = sink();
  q.poll(0, s2.out);
  assert.is(s2.got[0], 99);
});

test('retransmissions go before video; FIFO within a kind', () => {
  const p = new LeakyBucketPacer({ pacingFactor: 1 });
  p.setRate(1_000_000);
  const s = sink();
  for (let i = 0; i < 4; i++) p.enqueue(PacketKind.VIDEO, i, 1200, 0);
  p.enqueue(PacketKind.RTX, 100, 1200, 0);
  p.enqueue(PacketKind.RTX, 101, 1200, 0);
  p.enqueue(PacketKind.AUDIO, 200, 100, 0);
  for (let t = 0; t < 200; t++) p.poll(t, s.out);
  assert.equal(s.got, [200, 100, 101, 0, 1, 2, 3]);
});

test('a full queue drops the oldest video first, refuses new video when none is queued, and counts drops', () => {
  const p = new LeakyBucketPacer({ maxPackets: 4 });
  for (let i = 0; i < 3; i++) assert.is(p.enqueue(PacketKind.VIDEO, i, 1000, 0), -1);
  assert.is(p.enqueue(PacketKind.RTX, 10, 1000, 0), -1);
  assert.is(p.enqueue(PacketKind.AUDIO, 20, 100, 0), 0); // oldest video
  assert.is(p.enqueue(PacketKind.VIDEO, 3, 1000, 0), 1);
  assert.is(p.enqueue(PacketKind.AUDIO, 21, 100, 0), 2);
  assert.is(p.enqueue(PacketKind.AUDIO, 22, 100, 0), 3);
  assert.is(p.queuedPackets, 4); // rtx 10, audio 20 21 22
  assert.is(p.enqueue(PacketKind.VIDEO, 4, 1000, 0), 4); // no video to drop: the new one is refused
  assert.is(p.enqueue(PacketKind.AUDIO, 23, 100, 0), 10); // then the oldest retransmission
  assert.is(p.enqueue(PacketKind.AUDIO, 24, 100, 0), 20); // then the oldest audio
  assert.equal([p.counters.droppedVideo, p.counters.droppedRtx, p.counters.droppedAudio], [5, 1, 1]);
  assert.is(p.queuedBytes, 400);
  const s = sink();
  assert.is(p.clear(s.out), 4);
  assert.equal(s.got, [21, 22, 23, 24]);
});

test('nextReleaseInMs says when the budget turns positive again', () => {
  const p = new LeakyBucketPacer({ pacingFactor: 1, burstMs: 0 });
  p.setRate(96_000); // 12 bytes per ms
  for (let i = 0; i < 3; i++) p.enqueue(PacketKind.VIDEO, i, 1200, 0);
  const s = sink();
  assert.is(p.poll(0, s.out), 2); // 1500-byte floor: 1200 then 300 left > 0, -900 after the second
  const wait = p.nextReleaseInMs(0);
  assert.ok(Math.abs(wait - 901 / 12) < 1e-9, `${wait}`);
  assert.is(p.poll(wait - 1, s.out), 0);
  assert.is(p.poll(wait, s.out), 1);
  assert.is(p.nextReleaseInMs(wait), -1);
});

test('queue delay p50/p99 match an independent computation from enqueue/release times', () => {
  // 30 fps video frames of 8 x 1100 B (2.1 Mbit/s) + 50 pps audio, paced at 3 Mbit/s x 1.
  const p = new LeakyBucketPacer({ pacingFactor: 1, maxPackets: 4096 });
  p.setRate(3_000_000);
  const enq = new Map<number, number>();
  const delays: number[] = [];
  let h = 0, t = 0;
  const out = (x: number) => { delays.push(t - enq.get(x)!); };
  const rnd = lcg(5);
  for (t = 0; t < 10_000; t++) {
    if (t % 33 === 0) for (let k = 0; k < 8; k++) { enq.set(h, t); p.enqueue(PacketKind.VIDEO, h++, 1100, t); }
    if (t % 20 === 0) { enq.set(h, t); p.enqueue(PacketKind.AUDIO, h++, 80 + Math.floor(rnd() * 40), t); }
    p.poll(t, out);
  }
  const s = p.queueDelay(t, new QueueDelaySummary(), 10_000);
  const sorted = [...delays].slice(-s.samples).sort((a, b) => a - b);
  assert.is(s.samples, 2048); // the ring keeps the last 2048
  assert.is(s.p50, sorted[Math.floor(0.5 * sorted.length)]);
  assert.is(s.p99, sorted[Math.floor(0.99 * sorted.length)]);
  assert.is(s.max, sorted.at(-1));
  assert.ok(s.p99 > s.p50 && s.p99 < 33, `p99 ${s.p99}`);
  console.log(`  pacer at 70 % load (2.1 of 3 Mbit/s, 8-packet frames at 30 fps): queue delay p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms`);
  // Outside the window there is nothing to report.
  assert.is(p.queueDelay(t + 20_000, new QueueDelaySummary(), 1000).samples, 0);
});

test('pass-through releases everything on poll, in priority order, with the same bounded queue', () => {
  const p: Pacer = new PassThroughPacer({ maxPackets: 3 });
  p.enqueue(PacketKind.VIDEO, 1, 1200, 0);
  p.enqueue(PacketKind.RTX, 2, 1200, 0);
  p.enqueue(PacketKind.VIDEO, 3, 1200, 0);
  assert.is(p.enqueue(PacketKind.AUDIO, 4, 100, 0), 1);
  assert.is(p.nextReleaseInMs(0), 0);
  const s = sink();
  assert.is(p.poll(5, s.out), 3);
  assert.equal(s.got, [4, 2, 3]);
  assert.is(p.nextReleaseInMs(5), -1);
  assert.is(p.queueDelay(5, new QueueDelaySummary()).max, 5);
});

test.run();
