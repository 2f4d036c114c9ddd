// SubscriberAllocation: StreamAllocator decisions reach the simulcast Forwarder; the
// loss-based fallback estimate cuts to the delivered rate under heavy loss and grows
// back slowly after a loss, faster later; an external estimate replaces it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RtpView, writeRtpPacket } from '../../src/rtp/index.js';
import { DownTrack, LossBasedEstimate, Receiver, SimulcastReceiver, SubscriberAllocation, type SubscriberAllocationEvent } from '../../src/sfu/index.js';
import { FakeTransport } from './fake-transport.js';

const codec = { name: 'VP8', clockRate: 90000, payloadType: 96 };
/** A layer Receiver as the engine makes it (no packet cache: layer RTX is not mapped). */
function layerOptions(ssrc: number, up: FakeTransport, rtcpSsrc: number): ConstructorParameters<typeof Receiver>[0] {
  const o = { trackId: 'TR_v', kind: 'video' as const, ssrc, codec, upstream: up, rtcpSsrc, nack: false };
  return o;
}
const view = new RtpView();
const buf = Buffer.alloc(1500);

test('LossBasedEstimate: > 10 % loss cuts to sent x (1 - loss/2); < 2 % grows slowly after a loss, faster 20 s later', () => {
  const e = new LossBasedEstimate({ initialBps: 5_000_000 });
  e.update(0, 0, 0, 0);
  // 500 ms: 120 packets of 1000 B sent (~2 Mbps with overhead), 96 lost.
  e.update(500, 120_000, 120, 96);
  const delivered = e.sentBps * 0.6;
  assert.ok(Math.abs(e.sentBps - (120_000 + 120 * 50) * 16) < 1);
  assert.ok(Math.abs(e.estimateBps - delivered) < 1, `${e.estimateBps} vs ${delivered}`);
  const cut = e.estimateBps;
  e.update(1000, 170_000, 220, 96); // no loss
  assert.ok(Math.abs(e.estimateBps / cut - 1.01) < 1e-9, 'slow growth right after a loss');
  let t = 1000, oct = 170_000, pk = 220;
  while (t < 20_500) { t += 500; oct += 50_000; pk += 100; e.update(t, oct, pk, 96); }
  const before = e.estimateBps;
  t += 500; oct += 50_000; pk += 100; e.update(t, oct, pk, 96);
  assert.ok(Math.abs(e.estimateBps / before - 1.12) < 1e-9, 'fast growth once the loss is 20 s old');
  const held = e.estimateBps;
  const e2 = new LossBasedEstimate({ initialBps: 5_000_000 });
  e2.update(0, 0, 0, 0);
  e2.update(500, 120_000, 120, 96);
  const first = e2.estimateBps;
  e2.update(1000, 150_000, 200, 150); // 67 % loss 500 ms later: still the old rate's loss, no second cut
  assert.is(e2.estimateBps, first);
  e2.update(1750, 180_000, 280, 200); // 62 % after the hold: cut again
  assert.ok(e2.estimateBps < first);
  t += 500; oct += 50_000; pk += 100; e.update(t, oct, pk, 101); // 5 %: hold
  assert.is(e.estimateBps, held);
  t += 500; e.update(t, oct + 500, pk + 5, 101); // too few packets to judge
  assert.is(e.estimateBps, held);
});

function simWithLayers(): { sim: SimulcastReceiver; feed: (s: number, i: number, key: boolean, now: number) => void } {
  const up = new FakeTransport();
  const sim = new SimulcastReceiver({ trackId: 'TR_v', codec, rids: ['q', 'h', 'f'], factory: (_s, _r, ssrc) => new Receiver(layerOptions(ssrc, up, 1)) });
  for (let s = 0; s < 3; s++) sim.addLayer(['q', 'h', 'f'][s]!, 0x100 * (s + 1));
  const feed = (s: number, i: number, key: boolean, now: number): void => {
    // Layer s sends (s+1)^2 x 150 B per frame: f ~ 9x q.
    const size = 150 * (s + 1) * (s + 1);
    const payload = new Uint8Array(size);
    payload.set(key ? [0x90, 0x80, 0x80, i & 0xff, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a] : [0x90, 0x80, 0x80, i & 0xff, 0x11]);
    const n = writeRtpPacket(buf, 0, { payloadType: 96, sequenceNumber: i, timestamp: i * 3000, ssrc: 0x100 * (s + 1) }, payload);
    view.reset(buf, 0, n);
    sim.layers[s]!.onRtp(buf, view, now);
  };
  return { sim, feed };
}

test('allocation: a low estimate targets the low layer, a high one the high layer; the forwarder follows at key frames', () => {
  const { sim, feed } = simWithLayers();
  const out = new FakeTransport();
  const dt = new DownTrack({ receiver: sim, transport: out, ssrc: 9, payloadType: 96, extMap: new Uint8Array(256), cname: 'c' });
  dt.start(0);
  const events: SubscriberAllocationEvent[] = [];
  const a = new SubscriberAllocation({ subscriberId: 'PA_1', onEvent: (e) => events.push(e), allocator: { upgradeHoldMs: 1000, allowPause: true } });
  a.addVideo('TR_v', sim, dt);
  a.setExternalEstimate(100_000);
  assert.is(a.estimateKind, 'external');
  let i = 0;
  const run = (untilMs: number, keyEvery: number): void => {
    for (; i * 33 < untilMs; i++) {
      for (let s = 0; s < 3; s++) feed(s, i, i % keyEvery === 0, i * 33);
      a.tick(i * 33, [dt]);
    }
  };
  run(2000, 30);
  const b = sim.layerBitrates(2000);
  assert.ok(b[0]! > 30_000 && b[0]! < 100_000 && b[2]! > 300_000, `bitrates ${[...b]}`);
  assert.is(sim.forwarderOf(dt)!.current, 0, 'low layer under 100 kbps (h needs ~150)');
  a.setExternalEstimate(10_000_000);
  run(5000, 30);
  assert.is(sim.forwarderOf(dt)!.current, 2, 'high layer with room');
  const targets = events.filter((e) => e.type === 'target').map((e) => (e.type === 'target' ? e.spatial : -9));
  assert.is(targets[targets.length - 1], 2);
  assert.is(sim.dynacast.update(5000), null, 'dynacast: all layers still wanted');
  a.setExternalEstimate(20_000);
  run(6000, 30);
  assert.ok(events.some((e) => e.type === 'paused'), 'no room even for the low layer: paused');
  assert.is(sim.forwarderOf(dt)!.current, -1);
  a.setPreferences('TR_v', { maxSpatial: 0 });
  a.setExternalEstimate(10_000_000);
  run(8000, 30);
  assert.ok(events.some((e) => e.type === 'resumed'));
  assert.is(sim.forwarderOf(dt)!.current, 0, 'quality cap LOW');
  assert.is(a.allocator.wantedSpatial('TR_v'), 0);
  a.close();
  assert.is(sim.dynacast.update(20_000), null, 'layers are turned off only after a quiet delay');
  assert.is(sim.dynacast.update(26_000)?.maxSpatial, -1, 'no subscriber wants the track any more');
});

test('VP8 temporal layers of the low layer: a budget below the full low layer gets a quarter or half of its frames instead of pausing', () => {
  const up = new FakeTransport();
  const sim = new SimulcastReceiver({ trackId: 'TR_v', codec, rids: ['q', 'h', 'f'], factory: (_s, _r, ssrc) => new Receiver(layerOptions(ssrc, up, 1)) });
  for (let s = 0; s < 3; s++) sim.addLayer(['q', 'h', 'f'][s]!, 0x100 * (s + 1));
  const TIDS = [0, 2, 1, 2];
  const feed = (s: number, i: number, now: number): void => {
    const key = i % 60 === 0, tid = key ? 0 : TIDS[i % 4]!;
    const size = 150 * (s + 1) * (s + 1);
    const payload = new Uint8Array(size);
    // X, then I|L|T: 15-bit picture id, TL0PICIDX, TID (Y set on TID > 0 frames: upswitch points).
    payload.set([0x90, 0xe0, 0x80, i & 0xff, (i >> 2) & 0xff, (tid << 6) | (tid > 0 ? 0x20 : 0), key ? 0x10 : 0x11, 0x02, 0x00, 0x9d, 0x01, 0x2a]);
    const n = writeRtpPacket(buf, 0, { payloadType: 96, sequenceNumber: i, timestamp: i * 3000, ssrc: 0x100 * (s + 1), marker: true }, payload);
    view.reset(buf, 0, n);
    sim.layers[s]!.onRtp(buf, view, now);
  };
  const out = new FakeTransport();
  const dt = new DownTrack({ receiver: sim, transport: out, ssrc: 9, payloadType: 96, extMap: new Uint8Array(256), cname: 'c' });
  dt.start(0);
  const events: SubscriberAllocationEvent[] = [];
  const a = new SubscriberAllocation({ subscriberId: 'PA_1', onEvent: (e) => events.push(e), allocator: { upgradeHoldMs: 1000, allowPause: true } });
  a.addVideo('TR_v', sim, dt);
  a.setExternalEstimate(5_000_000);
  let i = 0;
  const run = (untilMs: number): void => { for (; i * 33 < untilMs; i++) { for (let s = 0; s < 3; s++) feed(s, i, i * 33); a.tick(i * 33, [dt]); } };
  run(3000);
  const tl = sim.layerTemporalBitrates(0)!;
  const full = sim.layerBitrates(3000)[0]!;
  assert.ok(tl && tl[0] > 0 && tl[0] < tl[1] && tl[1] < full, `TL0 ${tl?.[0]} < TL0-1 ${tl?.[1]} < all ${full}`);
  assert.ok(tl[0] > full * 0.2 && tl[0] < full * 0.3, 'a quarter of the frames');
  assert.is(sim.forwarderOf(dt)!.current, 2);
  assert.is(dt.temporal!.target, 3, 'a whole high layer: every temporal layer');
  // Room for the low layer's base only (audio none): q at TL0, not paused.
  a.setExternalEstimate(Math.round(tl[0] * 1.1));
  run(7000);
  assert.is(sim.forwarderOf(dt)!.current, 0);
  assert.is(dt.temporal!.target, 0, `temporal target ${dt.temporal!.target}`);
  assert.not.ok(events.some((e) => e.type === 'paused'), 'never paused while the base of the low layer fits');
  const sentAt = out.rtp.length;
  run(9000);
  const sentTl0 = out.rtp.length - sentAt;
  assert.ok(sentTl0 > 10 && sentTl0 < 20, `about a quarter of 60 frames forwarded: ${sentTl0}`);
  // The subscriber's own cap holds even with room for more.
  a.setPreferences('TR_v', { maxTemporal: 1 });
  a.setExternalEstimate(5_000_000);
  run(13000);
  assert.is(sim.forwarderOf(dt)!.current, 2);
  assert.is(dt.temporal!.target, 1, 'min(subscriber cap, allocation)');
  a.setPreferences('TR_v', { maxTemporal: 3 });
  assert.is(dt.temporal!.target, 3);
  a.close();
});

test.run();
