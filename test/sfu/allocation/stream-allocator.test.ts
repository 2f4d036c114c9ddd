import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StreamAllocator, AllocationConfigError, layerIndex, type AllocatorTrackSpec, type AllocationResult } from '../../../src/sfu/allocation/index.js';

// A typical 3-layer simulcast publisher (temporal bitrates cumulative per spatial layer).
const BITRATES = [
  [60_000, 90_000, 120_000], // 320x180
  [250_000, 380_000, 500_000], // 640x360
  [900_000, 1_300_000, 1_700_000], // 1280x720
];
const video = (extra: Partial<AllocatorTrackSpec> = {}): AllocatorTrackSpec => ({
  layerWidths: [320, 640, 1280], layerHeights: [180, 360, 720], bitrates: BITRATES, ...extra,
});
const AUDIO = 48_000;
const layerOf = (r: AllocationResult, id: string) => {
  const t = r.tracks.find((x) => x.trackId === id)!;
  return t.spatial < 0 ? 'paused' : `s${t.spatial}t${t.temporal}`;
};
/** The highest layer whose bitrate fits `budget` (single track, all layers monotone). */
function oracle(budget: number): string {
  let best = 'paused';
  for (let s = 0; s < 3; s++) for (let t = 0; t < 3; t++) if (BITRATES[s][t] <= budget) best = `s${s}t${t}`;
  return best;
}

test('bandwidth sweep 50 kbit/s .. 5 Mbit/s: the best layer that fits with headroom, never decreasing', () => {
  const seen: string[] = [];
  for (let bps = 50_000; bps <= 5_000_000; bps += 25_000) {
    const a = new StreamAllocator({ allowPause: true });
    a.setAudioTrackCount(1);
    a.setTrack('v', video());
    const r = a.allocate(0, bps);
    const got = layerOf(r, 'v');
    assert.is(got, oracle((bps - AUDIO) / 1.15), `at ${bps} bps`);
    assert.ok(r.videoBps + r.audioBps <= bps, `over budget at ${bps}`);
    seen.push(got);
  }
  assert.is(seen[0], 'paused'); // 50 kbit/s: audio only
  assert.is(seen[seen.length - 1], 's2t2');
  const order = (l: string) => (l === 'paused' ? -1 : layerIndex(Number(l[1]), Number(l[3])));
  for (let i = 1; i < seen.length; i++) assert.ok(order(seen[i]) >= order(seen[i - 1]), `${seen[i - 1]} -> ${seen[i]}`);
  assert.equal([...new Set(seen)], ['paused', 's0t0', 's0t1', 's0t2', 's1t0', 's1t1', 's1t2', 's2t0', 's2t1', 's2t2']);
});

test('audio is reserved first, per audio track', () => {
  const a = new StreamAllocator({ allowPause: true });
  a.setAudioTrackCount(3);
  a.setTrack('v', video());
  let r = a.allocate(0, 3 * AUDIO + 59_000);
  assert.is(r.audioBps, 3 * AUDIO);
  assert.is(layerOf(r, 'v'), 'paused');
  assert.equal(r.events, [{ type: 'paused', trackId: 'v' }]);
  const b = new StreamAllocator({ allowPause: true });
  b.setAudioTrackCount(3);
  b.setTrack('v', video());
  r = b.allocate(0, 3 * AUDIO + 60_000 * 1.15);
  assert.is(layerOf(r, 'v'), 's0t0');
  // With no audio the same estimate buys more video: 213 kbit/s / 1.15 = 185 kbit/s.
  const c = new StreamAllocator({ allowPause: true });
  c.setTrack('v', video());
  assert.is(layerOf(c.allocate(0, 3 * AUDIO + 60_000 * 1.15), 'v'), 's0t2');
});

test('default (LiveKit allow_pause false): a track keeps its lowest layer over budget, never a paused event', () => {
  const a = new StreamAllocator();
  a.setTrack('A', video({ priority: 2 }));
  a.setTrack('B', video());
  for (const est of [0, 20_000, 80_000, 150_000]) {
    const r = a.allocate(est, est);
    assert.is(layerOf(r, 'A'), 's0t0', `A at ${est}`);
    assert.is(layerOf(r, 'B'), 's0t0', `B at ${est}`);
    assert.not.ok(r.events.some((e) => e.type === 'paused'), `no pause at ${est}`);
  }
  const on = new StreamAllocator({ allowPause: true });
  on.setTrack('A', video());
  assert.is(layerOf(on.allocate(0, 20_000), 'A'), 'paused', 'the same dip pauses with allowPause');
});

test('cooperative: everyone gets the lowest layer before anyone is upgraded; priority goes first', () => {
  const mk = () => {
    const a = new StreamAllocator({ upgradeMargin: 0, allowPause: true });
    a.setTrack('A', video({ priority: 1 }));
    a.setTrack('B', video({ priority: 2 }));
    return a;
  };
  let r = mk().allocate(0, 160_000);
  assert.equal(r.tracks.map((t) => t.trackId), ['B', 'A']);
  assert.is(layerOf(r, 'B'), 's0t1');
  assert.is(layerOf(r, 'A'), 's0t0');
  r = mk().allocate(0, 130_000);
  assert.is(layerOf(r, 'B'), 's0t0');
  assert.is(layerOf(r, 'A'), 's0t0');
  // Room for one minimum only: the higher priority track plays, the other is paused.
  r = mk().allocate(0, 90_000);
  assert.is(layerOf(r, 'B'), 's0t1');
  assert.is(layerOf(r, 'A'), 'paused');
  assert.ok(r.events.some((e) => e.type === 'paused' && e.trackId === 'A'));
  // Plenty: both at the top.
  r = mk().allocate(0, 5_000_000);
  assert.is(layerOf(r, 'B'), 's2t2');
  assert.is(layerOf(r, 'A'), 's2t2');
  // 2 Mbit/s: both climb s1 together, then B takes s2t0 first.
  r = mk().allocate(0, 1_500_000);
  assert.is(layerOf(r, 'B'), 's2t0');
  assert.is(layerOf(r, 'A'), 's1t2');
});

test('a cheap track after an unaffordable one still gets video', () => {
  const a = new StreamAllocator({ upgradeMargin: 0, allowPause: true });
  a.setTrack('big', { priority: 2, bitrates: [[500_000]] }); // a screen share with one layer
  a.setTrack('small', video({ priority: 1 }));
  const r = a.allocate(0, 200_000);
  assert.is(layerOf(r, 'big'), 'paused');
  assert.is(layerOf(r, 'small'), 's0t2');
});

test('requested size is never exceeded; wantedSpatial follows it, not what arrives', () => {
  const a = new StreamAllocator({ allowPause: true });
  a.setTrack('v', video({ maxWidth: 640, maxHeight: 360 }));
  let r = a.allocate(0, 5_000_000);
  assert.is(layerOf(r, 'v'), 's1t2');
  assert.is(r.tracks[0].wantedSpatial, 1);
  assert.not.ok(r.deficient);
  a.setTrack('v', video({ maxWidth: 200, maxHeight: 100 })); // smaller than every layer: the smallest
  r = a.allocate(10, 5_000_000);
  assert.is(layerOf(r, 'v'), 's0t2');
  a.setTrack('v', video({ maxSpatial: 2, maxTemporal: 0 }));
  r = a.allocate(20, 5_000_000);
  assert.is(layerOf(r, 'v'), 's2t0');
  // Dynacast stopped s2 (no bitrate): still wanted, so the publisher is asked for it back.
  a.setTrack('v', video({ bitrates: [BITRATES[0], BITRATES[1], [0, 0, 0]] }));
  r = a.allocate(30, 5_000_000);
  assert.is(layerOf(r, 'v'), 's1t2');
  assert.is(a.wantedSpatial('v'), 2);
  // Muted: off, wants nothing, no 'paused' event.
  a.setTrack('v', video({ muted: true }));
  r = a.allocate(40, 5_000_000);
  assert.is(r.tracks[0].state, 'off');
  assert.is(a.wantedSpatial('v'), -1);
  assert.not.ok(r.events.some((e) => e.type === 'paused'));
});

test('downgrade at once, upgrade only after the hold time', () => {
  const a = new StreamAllocator({ upgradeHoldMs: 1500, allowPause: true });
  a.setTrack('v', video());
  assert.is(layerOf(a.allocate(0, 400_000), 'v'), 's1t0');
  // Estimate jumps; allocate every 100 ms.
  let upAt = -1;
  for (let t = 100; t <= 5000; t += 100) {
    const r = a.allocate(t, 5_000_000);
    if (upAt < 0 && layerOf(r, 'v') !== 's1t0') { upAt = t; assert.is(layerOf(r, 'v'), 's2t2'); }
  }
  assert.is(upAt, 1600); // first seen at 100 ms, held 1500 ms
  // A drop takes effect in the same call.
  const r = a.allocate(5100, 300_000);
  assert.is(layerOf(r, 'v'), 's1t0');
  assert.equal(r.events, [{ type: 'target', trackId: 'v', spatial: 1, temporal: 0 }]);
  // A one-second spike does not upgrade.
  for (let t = 5200; t <= 6200; t += 100) assert.is(layerOf(a.allocate(t, 5_000_000), 'v'), 's1t0');
  for (let t = 6300; t <= 9000; t += 100) assert.is(layerOf(a.allocate(t, 300_000), 'v'), 's1t0');
});

test('an estimate wobbling around a layer boundary does not flap (and would without hysteresis)', () => {
  const changes = (cfg: { upgradeMargin: number; upgradeHoldMs: number }) => {
    const a = new StreamAllocator(cfg);
    a.setTrack('v', video());
    let n = 0;
    for (let t = 0; t < 60_000; t += 250) {
      const est = Math.floor(t / 500) % 2 === 0 ? 1_280_000 : 1_400_000; // s2t1 (1.3M) fits only half the time
      const r = a.allocate(t, est);
      if (t >= 2000) n += r.events.filter((e) => e.type === 'target').length;
    }
    return n;
  };
  assert.is(changes({ upgradeMargin: 0.15, upgradeHoldMs: 1500 }), 0);
  assert.ok(changes({ upgradeMargin: 0, upgradeHoldMs: 0 }) > 50, 'the no-hysteresis control should flap');
});

test('paused for bandwidth, then resumed after the estimate recovers and holds', () => {
  const a = new StreamAllocator({ allowPause: true });
  a.setAudioTrackCount(1);
  a.setTrack('v', video());
  let r = a.allocate(0, 1_000_000);
  assert.is(r.tracks[0].state, 'active');
  r = a.allocate(100, 80_000);
  assert.is(r.tracks[0].state, 'paused');
  assert.ok(r.events.some((e) => e.type === 'paused'));
  const resumed: number[] = [];
  for (let t = 200; t < 4000; t += 100) {
    r = a.allocate(t, 1_000_000);
    if (r.events.some((e) => e.type === 'resumed')) resumed.push(t);
  }
  assert.equal(resumed, [1700]);
  assert.is(r.tracks[0].state, 'active');
});

test('random workloads never exceed the budget and respect every cap', () => {
  let s = 12345;
  const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
  for (let round = 0; round < 40; round++) {
    const a = new StreamAllocator({ upgradeHoldMs: Math.floor(rnd() * 3000), allowPause: true });
    const audio = Math.floor(rnd() * 4);
    a.setAudioTrackCount(audio);
    const specs = new Map<string, AllocatorTrackSpec>();
    let now = 0;
    for (let step = 0; step < 200; step++) {
      if (step % 20 === 0) {
        const id = `t${Math.floor(rnd() * 5)}`;
        const spec = video({ priority: Math.floor(rnd() * 3), maxSpatial: Math.floor(rnd() * 3), maxTemporal: Math.floor(rnd() * 3),
          maxWidth: [0, 320, 640, 1000][Math.floor(rnd() * 4)], maxHeight: 0, muted: rnd() < 0.1,
          bitrates: BITRATES.map((row) => row.map((b) => (rnd() < 0.1 ? 0 : Math.round(b * (0.7 + rnd() * 0.6))))) });
        specs.set(id, spec);
        a.setTrack(id, spec);
      }
      now += 50 + Math.floor(rnd() * 500);
      const est = Math.floor(rnd() * 4_000_000);
      const r = a.allocate(now, est);
      assert.ok(r.videoBps <= Math.max(0, est - audio * AUDIO) + 1e-6, `over budget: ${r.videoBps} > ${est} - audio`);
      for (const t of r.tracks) {
        const spec = specs.get(t.trackId)!;
        if (t.spatial < 0) continue;
        assert.not.ok(spec.muted, 'muted track forwarded');
        assert.ok(spec.bitrates[t.spatial][t.temporal] > 0, 'unavailable layer chosen');
        assert.ok(t.temporal <= spec.maxTemporal!, 'temporal cap');
        const fitsAny = [0, 1, 2].some((x) => x <= spec.maxSpatial! && spec.bitrates[x].some((b) => b > 0) && (!spec.maxWidth || spec.layerWidths![x] <= spec.maxWidth));
        if (fitsAny) {
          assert.ok(t.spatial <= spec.maxSpatial!, 'spatial cap');
          if (spec.maxWidth) assert.ok(spec.layerWidths![t.spatial] <= spec.maxWidth, 'size cap');
        }
      }
    }
  }
});

test('no estimate yet (Infinity) gives the best allowed layers; NaN or negative counts as nothing', () => {
  const a = new StreamAllocator({ allowPause: true });
  a.setAudioTrackCount(2);
  a.setTrack('v', video({ maxWidth: 640 }));
  let r = a.allocate(0, Infinity);
  assert.is(layerOf(r, 'v'), 's1t2');
  assert.is(r.videoBps, 500_000);
  r = a.allocate(10, NaN);
  assert.is(layerOf(r, 'v'), 'paused');
  r = a.allocate(20, -5);
  assert.is(layerOf(r, 'v'), 'paused');
  assert.is(r.videoBps, 0);
});

test('a paused track that gets muted reports resumed (no longer paused) and state off', () => {
  const a = new StreamAllocator({ allowPause: true });
  a.setTrack('v', video());
  assert.is(a.allocate(0, 10_000).tracks[0].state, 'paused');
  a.setTrack('v', video({ muted: true }));
  const r = a.allocate(10, 10_000);
  assert.equal(r.events, [{ type: 'resumed', trackId: 'v' }]);
  assert.is(r.tracks[0].state, 'off');
  assert.not.ok(r.deficient);
});

test('bad config is refused', () => {
  assert.throws(() => new StreamAllocator({ upgradeMargin: -1 }), /upgradeMargin/);
  try { new StreamAllocator({ upgradeHoldMs: NaN }); assert.unreachable(); } catch (e) {
    assert.instance(e, AllocationConfigError);
    assert.is((e as AllocationConfigError).code, 'ALLOCATION_BAD_CONFIG');
  }
});

test.run();
