import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AudioLevelObserver, AudioLevelTrack, AudioLevelConfigError } from '../../../src/sfu/audio/index.js';

/** What a track sends in one 20 ms frame: a level (with V bit) or nothing (DTX). */
type Source = (nowMs: number) => { level: number; voice?: boolean } | null;

/**
 * Drive the observer on a fake clock: every 20 ms each track's source is asked for a
 * packet; every `tickMs` the observer ticks. Returns each tick's ranked ids and changed flag.
 */
function simulate(obs: AudioLevelObserver, tracks: [AudioLevelTrack, Source][], fromMs: number, toMs: number, tickMs = 100) {
  const ticks: { at: number; ids: string[]; levels: number[]; changed: boolean }[] = [];
  for (let now = fromMs; now < toMs; now += 20) {
    for (const [t, src] of tracks) {
      const p = src(now);
      if (p) t.observe(p.level, p.voice ?? true);
    }
    if ((now + 20 - fromMs) % tickMs === 0) {
      const u = obs.tick(now + 20);
      ticks.push({ at: now + 20, ids: u.speakers.map((s) => s.trackId), levels: u.speakers.map((s) => s.level), changed: u.changed });
    }
  }
  return ticks;
}
const steady = (level: number): Source => () => ({ level });
const silent: Source = () => null;
const last = <T>(a: T[]) => a[a.length - 1];

test('a loud track becomes the only speaker; a quiet one does not; change is reported once', () => {
  const obs = new AudioLevelObserver();
  const a = obs.addTrack('A', 0), b = obs.addTrack('B', 0);
  const ticks = simulate(obs, [[a, steady(20)], [b, steady(75)]], 0, 3000);
  assert.equal(last(ticks).ids, ['A']);
  assert.is(ticks.filter((t) => t.changed).length, 1);
  const first = ticks.findIndex((t) => t.ids.length > 0);
  assert.ok(ticks[first].changed);
  // Not instantaneous, not slow: with a 600 ms window the ratio reaches 0.4 after ~300 ms.
  assert.ok(ticks[first].at >= 200 && ticks[first].at <= 500, `became speaker at ${ticks[first].at}`);
});

test('the reported level converges to the linear amplitude of a constant level', () => {
  const obs = new AudioLevelObserver();
  const a = obs.addTrack('A', 0);
  const ticks = simulate(obs, [[a, steady(20)]], 0, 5000);
  assert.ok(Math.abs(last(ticks).levels[0] - 0.1) < 0.002, String(last(ticks).levels[0])); // -20 dBov = 0.1
  const obs0 = new AudioLevelObserver();
  const z = obs0.addTrack('Z', 0);
  assert.ok(Math.abs(last(simulate(obs0, [[z, steady(0)]], 0, 5000)).levels[0] - 1) < 0.01);
});

test('ranking follows loudness; a swap is one change, not one per tick', () => {
  const obs = new AudioLevelObserver();
  const a = obs.addTrack('A', 0), b = obs.addTrack('B', 0);
  const t1 = simulate(obs, [[a, steady(10)], [b, steady(30)]], 0, 3000);
  assert.equal(last(t1).ids, ['A', 'B']);
  const t2 = simulate(obs, [[a, steady(30)], [b, steady(10)]], 3000, 6000);
  assert.equal(last(t2).ids, ['B', 'A']);
  assert.is(t2.filter((t) => t.changed).length, 1);
  assert.ok(last(t2).levels[0] > last(t2).levels[1]);
});

test('two people talking at about the same volume do not reorder every tick (rank hysteresis)', () => {
  const run = (rankHysteresis: number) => {
    let s = 7;
    const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
    const obs = new AudioLevelObserver({ rankHysteresis });
    const a = obs.addTrack('A', 0), b = obs.addTrack('B', 0);
    const wobble: Source = () => ({ level: Math.round(25 + (rnd() - 0.5) * 12) });
    const ticks = simulate(obs, [[a, wobble], [b, wobble]], 0, 60_000, 200);
    assert.equal([...last(ticks).ids].sort(), ['A', 'B']);
    return ticks.filter((t) => t.changed).length;
  };
  const plain = run(1), sticky = run(1.25);
  assert.ok(plain > 30, `control without hysteresis changed only ${plain} times`);
  assert.ok(sticky <= 3, `${sticky} changes in a minute`);
});

test('DTX: a track that stops sending is silence and leaves the speakers within about a second', () => {
  const obs = new AudioLevelObserver();
  const a = obs.addTrack('A', 0), b = obs.addTrack('B', 0);
  simulate(obs, [[a, steady(20)], [b, steady(25)]], 0, 3000);
  // A goes quiet with DTX: no packets at all, except a comfort-noise frame every 400 ms.
  const dtx: Source = (now) => (now % 400 === 0 ? { level: 127, voice: false } : null);
  const ticks = simulate(obs, [[a, dtx], [b, steady(25)]], 3000, 6000);
  const gone = ticks.find((t) => !t.ids.includes('A'));
  assert.ok(gone, 'A never left');
  assert.ok(gone!.at - 3000 <= 1200, `A left after ${gone!.at - 3000} ms`);
  assert.ok(gone!.changed);
  assert.equal(last(ticks).ids, ['B']);
  assert.ok(a.level < 0.001, `A level ${a.level}`);
  // And a track that never sent anything never becomes a speaker.
  const c = obs.addTrack('C', 6000);
  simulate(obs, [[c, silent]], 6000, 8000);
  assert.is(c.speaking, false);
  assert.is(c.level, 0);
});

test('speaking with pauses (50% active) stays a speaker; 20% active never starts', () => {
  const obs = new AudioLevelObserver();
  const a = obs.addTrack('A', 0), b = obs.addTrack('B', 0);
  const half: Source = (now) => (Math.floor(now / 200) % 2 === 0 ? { level: 25 } : null);
  const fifth: Source = (now) => (Math.floor(now / 200) % 5 === 0 ? { level: 25 } : null);
  const ticks = simulate(obs, [[a, half], [b, fifth]], 0, 6000);
  const after = ticks.filter((t) => t.at >= 1000);
  assert.ok(after.every((t) => t.ids.includes('A')), 'A dropped out during a pause');
  assert.ok(ticks.every((t) => !t.ids.includes('B')), 'B became a speaker');
});

test('irregular tick intervals give about the same answer', () => {
  const run = (tickMs: number) => {
    const obs = new AudioLevelObserver();
    const a = obs.addTrack('A', 0);
    simulate(obs, [[a, steady(30)]], 0, 2000, tickMs);
    return a.level;
  };
  const l20 = run(20), l500 = run(500), l1000 = run(1000);
  assert.ok(Math.abs(l20 - l500) < 0.001 && Math.abs(l20 - l1000) < 0.001, `${l20} ${l500} ${l1000}`);
});

test('V bit: with requireVoiceBit, loud packets without voice do not count', () => {
  const obs = new AudioLevelObserver({ requireVoiceBit: true });
  const a = obs.addTrack('A', 0), b = obs.addTrack('B', 0);
  const ticks = simulate(obs, [[a, () => ({ level: 10, voice: false })], [b, () => ({ level: 30, voice: true })]], 0, 2000);
  assert.equal(last(ticks).ids, ['B']);
  // observeByte reads V from the top bit: 0x80 | 30.
  const obs2 = new AudioLevelObserver({ requireVoiceBit: true });
  const c = obs2.addTrack('C', 0);
  for (let i = 0; i < 100; i++) c.observeByte(0x80 | 30);
  obs2.tick(2000);
  assert.ok(c.speaking);
  assert.ok(Math.abs(c.activeRatio - (1 - Math.exp(-2000 / 600))) < 1e-9);
});

test('mute silences at once; remove drops the track; maxSpeakers caps the list', () => {
  const obs = new AudioLevelObserver({ maxSpeakers: 2 });
  const tracks = ['A', 'B', 'C'].map((id) => obs.addTrack(id, 0));
  const t1 = simulate(obs, [[tracks[0], steady(10)], [tracks[1], steady(20)], [tracks[2], steady(30)]], 0, 2000);
  assert.equal(last(t1).ids, ['A', 'B']);
  obs.setMuted('A', true);
  let u = obs.tick(2000);
  assert.equal(u.speakers.map((s) => s.trackId), ['B', 'C']);
  assert.ok(u.changed);
  tracks[0].observe(0, true); // packets of a muted track are ignored
  assert.is(tracks[0].activeMs, 0);
  obs.removeTrack('B');
  u = obs.tick(2000);
  assert.equal(u.speakers.map((s) => s.trackId), ['C']);
  assert.ok(u.changed);
  u = obs.tick(2000);
  assert.not.ok(u.changed);
  assert.is(obs.trackCount, 2);
});

test('bad config is refused', () => {
  assert.throws(() => new AudioLevelObserver({ windowMs: 0 }), /windowMs/);
  assert.throws(() => new AudioLevelObserver({ releaseRatio: 0.5, minActiveRatio: 0.4 }), /releaseRatio/);
  assert.throws(() => new AudioLevelObserver({ rankHysteresis: 0.5 }), /rankHysteresis/);
  try { new AudioLevelObserver({ frameMs: -1 }); assert.unreachable(); } catch (e) {
    assert.instance(e, AudioLevelConfigError);
    assert.is((e as AudioLevelConfigError).code, 'AUDIO_LEVEL_BAD_CONFIG');
  }
});

test.run();
