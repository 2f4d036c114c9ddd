import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Dynacast, StreamAllocator } from '../../../src/sfu/allocation/index.js';

test('starts with every layer on; the max over subscribers decides', () => {
  const d = new Dynacast();
  assert.equal(d.current, { maxSpatial: 2, enabled: [true, true, true] });
  d.setWanted('s1', 2);
  d.setWanted('s2', 0);
  assert.is(d.needed, 2);
  assert.is(d.update(0), null);
});

test('fewer layers only after the need stayed lower for downDelayMs; more at once', () => {
  const d = new Dynacast({ downDelayMs: 5000 });
  d.setWanted('a', 2);
  d.setWanted('b', 0);
  assert.is(d.update(0), null);
  d.removeSubscriber('a');
  assert.is(d.update(1000), null);
  assert.is(d.update(5999), null);
  assert.equal(d.update(6000), { maxSpatial: 0, enabled: [true, false, false] });
  assert.is(d.update(7000), null);
  d.setWanted('c', 1); // someone wants 640x360: on at once
  assert.equal(d.update(7001), { maxSpatial: 1, enabled: [true, true, false] });
});

test('a dip shorter than the delay changes nothing', () => {
  const d = new Dynacast({ downDelayMs: 3000 });
  d.setWanted('a', 2);
  for (let t = 0; t < 20_000; t += 500) {
    d.setWanted('a', Math.floor(t / 2000) % 2 === 0 ? 2 : 1); // 2 s at 1, then back
    assert.is(d.update(t), null, `at ${t}`);
  }
  assert.is(d.current.maxSpatial, 2);
});

test('steps down to the highest need seen during the wait, then further after another wait', () => {
  const d = new Dynacast({ downDelayMs: 1000 });
  d.setWanted('a', 1);
  assert.is(d.update(0), null); // wait starts (2 -> 1)
  d.setWanted('a', 0);
  assert.is(d.update(500), null);
  assert.equal(d.update(1000), { maxSpatial: 1, enabled: [true, true, false] });
  assert.is(d.update(1500), null);
  assert.equal(d.update(2000), { maxSpatial: 0, enabled: [true, false, false] });
});

test('no subscribers: every layer off after the delay; a 2-layer publisher', () => {
  const d = new Dynacast({ layerCount: 2, downDelayMs: 100 });
  assert.equal(d.current.enabled, [true, true]);
  assert.is(d.update(0), null);
  assert.equal(d.update(100), { maxSpatial: -1, enabled: [false, false] });
  d.setWanted('x', 2); // clamped to the layers that exist
  assert.equal(d.update(101), { maxSpatial: 1, enabled: [true, true] });
  assert.throws(() => new Dynacast({ layerCount: 4 }), /layerCount/);
});

test('fed from subscribers\' allocators: requested sizes decide what the publisher encodes', () => {
  const bitrates = [[60_000, 90_000, 120_000], [250_000, 380_000, 500_000], [900_000, 1_300_000, 1_700_000]];
  const spec = { layerWidths: [320, 640, 1280], layerHeights: [180, 360, 720], bitrates };
  const subs = ['s1', 's2', 's3'].map(() => new StreamAllocator());
  subs[0].setTrack('cam', { ...spec, maxWidth: 320, maxHeight: 180 });
  subs[1].setTrack('cam', { ...spec, maxWidth: 640, maxHeight: 360 });
  subs[2].setTrack('cam', { ...spec, muted: true });
  const d = new Dynacast({ downDelayMs: 1000 });
  subs.forEach((a, i) => d.setWanted(`s${i + 1}`, a.wantedSpatial('cam')));
  assert.is(d.update(0), null);
  assert.equal(d.update(1000), { maxSpatial: 1, enabled: [true, true, false] });
  // The 720p layer stops arriving; a subscriber goes full screen: asked for at once.
  subs[2].setTrack('cam', { ...spec, bitrates: [bitrates[0], bitrates[1], [0, 0, 0]] });
  d.setWanted('s3', subs[2].wantedSpatial('cam'));
  assert.equal(d.update(1100), { maxSpatial: 2, enabled: [true, true, true] });
});

test('random wishes: never below what someone wants; goes down only after a full quiet delay', () => {
  let s = 99;
  const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
  const delay = 2000;
  const d = new Dynacast({ downDelayMs: delay });
  const history: { at: number; need: number }[] = [];
  let committed = d.current.maxSpatial;
  for (let now = 0; now < 200_000; now += 100) {
    if (rnd() < 0.1) {
      const id = `s${Math.floor(rnd() * 4)}`;
      if (rnd() < 0.2) d.removeSubscriber(id); else d.setWanted(id, Math.floor(rnd() * 4) - 1);
    }
    history.push({ at: now, need: d.needed });
    const u = d.update(now);
    if (u) {
      assert.ok(u.maxSpatial !== committed, 'update without a change');
      if (u.maxSpatial < committed) {
        // Every need in the last `delay` ms was at most the new value.
        for (const h of history) if (h.at >= now - delay) assert.ok(h.need <= u.maxSpatial, `went down to ${u.maxSpatial} at ${now} though ${h.need} was needed at ${h.at}`);
      }
      committed = u.maxSpatial;
      assert.equal(u.enabled, [0, 1, 2].map((x) => x <= committed));
    }
    assert.ok(committed >= d.needed, `committed ${committed} below need ${d.needed} at ${now}`);
    if (history.length > 100) history.shift();
  }
});

test.run();
