// Temporal layer preferences through the engine API (Participant.setSubscriptionPreferences
// maxTemporal / fps): validated, applied to the subscription's DownTrack, shown in stats.
// The media effect is in test/sfu/temporal-layers.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine, EngineError } from '../../src/engine/index.js';
import { temporalForFps } from '../../src/sfu/index.js';
import { chromiumOffer, fakeAnswer } from './fake-client.js';

test('fps maps to the lowest L1T3 layer that gives it (30 fps assumed until measured)', () => {
  assert.equal([7, 8, 15, 16, 29, 30, 60, 0, -1].map((f) => temporalForFps(f, 30)), [0, 0, 1, 1, 3, 3, 3, 3, 3], "within 10 % counts");
  assert.equal([3, 4, 8, 12].map((f) => temporalForFps(f, 15)), [0, 0, 1, 3]);
  assert.is(temporalForFps(8, 0), 0);
});

test('maxTemporal / fps: bad values rejected and nothing changes; good ones reach the DownTrack', async () => {
  const engine = await Engine.create({ workers: 0 });
  try {
    const room = await engine.createRoom('r');
    const sub = await room.join({ identity: 'sub' });
    const pub = await room.join({ identity: 'pub' });
    await pub.publisherOffer(chromiumOffer());
    const [offer] = await sub.wait('subscriberOffer', 2000);
    await sub.subscriberAnswer(fakeAnswer(offer));
    const video = [...pub.tracks.values()].find((t) => t.kind === 'video')!;
    assert.ok(video, 'a video track');
    const temporal = async () => (await sub.stats()).downTracks.find((d) => d.trackSid === video.sid)?.temporal;
    assert.equal(await temporal(), { current: 3, target: 3, dropped: 0, switchesUp: 0, switchesDown: 0 }, 'all layers by default');
    for (const bad of [{ maxTemporal: 4 }, { maxTemporal: -1 }, { maxTemporal: 1.5 }, { fps: Number.NaN }, { fps: -3 }]) {
      const e = await sub.setSubscriptionPreferences(video.sid, bad).then(() => undefined, (x: unknown) => x);
      assert.ok(e instanceof EngineError && e.code === 'invalid-argument', `${JSON.stringify(bad)} rejected: ${String(e)}`);
      assert.match((e as Error).message, /maxTemporal|fps/);
    }
    assert.is((await temporal())?.target, 3, 'unchanged by the rejected calls');
    await sub.setSubscriptionPreferences(video.sid, { maxTemporal: 0 });
    assert.is((await temporal())?.target, 0);
    await sub.setSubscriptionPreferences(video.sid, { fps: 15 });
    assert.is((await temporal())?.target, 1, 'half of the assumed 30 fps');
    await sub.setSubscriptionPreferences(video.sid, { fps: 30 });
    assert.is((await temporal())?.target, 3);
  } finally {
    await engine.close();
  }
});

test.run();
