// The impairment core on a fake clock: every number here is deterministic.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ImpairedLink } from './link.js';

const pkt = (n: number, tag = 0) => { const b = Buffer.alloc(n); b.writeUInt32BE(tag >>> 0, 0); return b; };
const tagOf = (b: Buffer) => b.readUInt32BE(0);

test('loss: 20 % over 10 000 packets, same seed same pattern, 0 % and 100 % exact', () => {
  const run = (seed: number, pct: number) => {
    const l = new ImpairedLink(seed, { lossPct: pct });
    const got: number[] = [];
    for (let i = 0; i < 10_000; i++) { l.offer(pkt(100, i), i); l.poll(i, (b) => got.push(tagOf(b))); }
    return { got, c: l.counters };
  };
  const a = run(42, 20), b = run(42, 20), c = run(43, 20);
  assert.ok(Math.abs(a.c.droppedLoss - 2000) < 150, `dropped ${a.c.droppedLoss}`);
  assert.is(a.c.forwarded + a.c.droppedLoss, 10_000);
  assert.equal(a.got, b.got);
  assert.not.equal(a.got, c.got);
  assert.is(run(1, 0).got.length, 10_000);
  assert.is(run(1, 100).got.length, 0);
});

test('rate limit: bytes through in 1 s = rate x 1 s + one bucket, within a packet', () => {
  const l = new ImpairedLink(1, { rateBps: 1_000_000, burstBytes: 3000, queueBytes: 1 << 20 });
  for (let i = 0; i < 500; i++) l.offer(pkt(1000, i), 0); // 500 kB offered at once
  let bytes = 0;
  const order: number[] = [];
  for (let t = 0; t <= 1000; t++) l.poll(t, (b) => { bytes += b.length; order.push(tagOf(b)); });
  const want = 1_000_000 / 8 + 3000;
  assert.ok(Math.abs(bytes - want) <= 1000, `forwarded ${bytes}, want ~${want}`);
  assert.equal(order, order.slice().sort((x, y) => x - y)); // FIFO
  assert.is(l.counters.droppedQueue, 0);
  // The last packet out waited ~1 s in the queue.
  assert.ok(l.counters.queuedDelayMsMax >= 990 && l.counters.queuedDelayMsMax <= 1000, String(l.counters.queuedDelayMsMax));
  // nextWakeMs tells the glue when the next packet has tokens: 1000 B at 1 Mbit/s = 8 ms.
  const w = l.nextWakeMs(1000);
  assert.ok(w > 1000 && w <= 1008, String(w));
});

test('rate limit: a full queue drops (tail drop), and lifting the limit flushes the queue', () => {
  const l = new ImpairedLink(1, { rateBps: 100_000, burstBytes: 1000, queueBytes: 10_000 });
  for (let i = 0; i < 100; i++) l.offer(pkt(1000, i), 0);
  // One passes on the initial bucket, ten wait, the rest are dropped.
  assert.is(l.counters.droppedQueue, 89);
  assert.is(l.counters.queueBytesNow, 10_000);
  let n = 0;
  l.poll(0, () => n++);
  assert.is(n, 1);
  l.update({ rateBps: null });
  assert.is(l.nextWakeMs(1), 1);
  l.poll(1, () => n++);
  assert.is(n, 11);
  assert.is(l.pending, 0);
  assert.is(l.counters.queueBytesNow, 0);
});

test('delay + jitter: every packet arrives delay..delay+jitter later, in order', () => {
  const l = new ImpairedLink(7, { delayMs: 50, jitterMs: 10 });
  const sentAt = new Map<number, number>();
  const arrivals: { tag: number; at: number }[] = [];
  for (let t = 0; t < 2000; t++) {
    if (t % 5 === 0) { l.offer(pkt(200, t), t); sentAt.set(t, t); }
    l.poll(t, (b) => arrivals.push({ tag: tagOf(b), at: t }));
  }
  for (let t = 2000; t < 2100; t++) l.poll(t, (b) => arrivals.push({ tag: tagOf(b), at: t }));
  assert.is(arrivals.length, 400);
  let late = 0;
  for (let i = 0; i < arrivals.length; i++) {
    const d = arrivals[i].at - sentAt.get(arrivals[i].tag)!;
    assert.ok(d >= 50 && d <= 61, `delay ${d}`);
    if (d > 55) late++;
    if (i) assert.ok(arrivals[i].tag > arrivals[i - 1].tag, 'reordered without reorder set');
  }
  assert.ok(late > 50, 'jitter had no effect');
});

test('reordering: about the asked share is held back and overtaken', () => {
  const l = new ImpairedLink(3, { reorderPct: 10, reorderDelayMs: 30 });
  const got: number[] = [];
  for (let t = 0; t < 5000; t++) { l.offer(pkt(100, t), t); l.poll(t, (b) => got.push(tagOf(b))); }
  for (let t = 5000; t < 5100; t++) l.poll(t, (b) => got.push(tagOf(b)));
  assert.is(got.length, 5000);
  let inversions = 0;
  for (let i = 1; i < got.length; i++) if (got[i] < got[i - 1]) inversions++;
  assert.ok(Math.abs(l.counters.reordered - 500) < 80, String(l.counters.reordered));
  assert.ok(inversions > 300, `only ${inversions} inversions`);
});

test('settings change at runtime and are validated', () => {
  const l = new ImpairedLink(1);
  let n = 0;
  for (let i = 0; i < 100; i++) { l.offer(pkt(10), i); l.poll(i, () => n++); }
  l.update({ lossPct: 100 });
  for (let i = 100; i < 200; i++) { l.offer(pkt(10), i); l.poll(i, () => n++); }
  assert.is(n, 100);
  assert.throws(() => l.update({ rateBps: 0 }), /rateBps/);
  assert.throws(() => l.update({ delayMs: NaN }), /bad value/);
  l.update({ delayMs: 1e9 });
  assert.is(l.settings.delayMs, 10_000);
});

test.run();
