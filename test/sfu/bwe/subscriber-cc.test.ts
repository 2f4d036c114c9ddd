// SubscriberCongestionControl end to end on a fake clock, on real bytes: a video source
// that follows the target (as the StreamAllocator would) + audio, a LeakyBucketPacer,
// transport-wide seqs assigned at release, a bottleneck link, a TwccRecorder at the
// subscriber whose feedback bytes come back through onTwccFeedback, REMB bytes too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeRemb, RtpStatus } from '../../../src/rtp/index.js';
import { TwccRecorder, SentFlags } from '../../../src/sfu/twcc/index.js';
import { LeakyBucketPacer, PacketKind, QueueDelaySummary } from '../../../src/sfu/pacer/index.js';
import { SubscriberCongestionControl } from '../../../src/sfu/bwe/index.js';

interface Run { targets: number[]; pacer: LeakyBucketPacer; cc: SubscriberCongestionControl; audioMaxDelay: number }

function run(capacity: (t: number) => number, durationMs: number, remb?: (t: number) => number | undefined): Run {
  const pacer = new LeakyBucketPacer({ pacingFactor: 2.5, maxPackets: 512 });
  const cc = new SubscriberCongestionControl({ pacer, bwe: { maxBitrateBps: 3_000_000 } });
  cc.onRtt(40);
  const recorder = new TwccRecorder();
  const sizes = new Int32Array(1 << 16), kinds = new Uint8Array(1 << 16), enqAt = new Float64Array(1 << 16);
  let handle = 0, linkFree = 0, t = 0, audioMaxDelay = 0;
  const inFlight: [number, number][] = [];
  const fbs: [number, Buffer][] = [];
  const fb = Buffer.alloc(16384), rb = Buffer.alloc(64);
  const release = (h: number) => {
    const seq = cc.nextTransportSeq();
    const size = sizes[h];
    cc.onSent(seq, t * 1000, size, kinds[h] === PacketKind.AUDIO ? SentFlags.AUDIO : 0);
    if (kinds[h] === PacketKind.AUDIO) audioMaxDelay = Math.max(audioMaxDelay, t - enqAt[h]);
    const q = Math.max(0, linkFree - t);
    if (q > 400) return; // drop-tail
    linkFree = Math.max(linkFree, t) + (size * 8 * 1000) / capacity(t);
    inFlight.push([linkFree + 20, seq]);
  };
  const enqueue = (kind: number, size: number) => {
    const h = handle++ & 0xffff;
    sizes[h] = size; kinds[h] = kind; enqAt[h] = t;
    pacer.enqueue(kind, h, size, t);
  };
  const targets: number[] = [];
  let target = cc.update(0).targetBitrateBps;
  for (t = 0; t <= durationMs; t++) {
    if (t % 33 === 0) { // a frame of target/30 bytes, split into <= 1200-byte packets
      let bytes = Math.max(1200, Math.min(1_500_000, target) / 8 / 30);
      while (bytes > 0) { enqueue(PacketKind.VIDEO, Math.min(1200, bytes)); bytes -= 1200; }
    }
    if (t % 20 === 0) enqueue(PacketKind.AUDIO, 100);
    pacer.poll(t, release);
    let a = 0;
    while (a < inFlight.length && inFlight[a][0] <= t) { recorder.record(inFlight[a][1], Math.round(inFlight[a][0] * 1000)); a++; }
    inFlight.splice(0, a);
    if (t % 50 === 0) { const n = recorder.buildFeedback(t * 1000, fb, 0, 1, 2); if (n) fbs.push([t + 20, Buffer.from(fb.subarray(0, n))]); }
    const r = remb?.(t);
    if (r !== undefined && t % 1000 === 0) assert.is(cc.onRemb(rb, 0, writeRemb(rb, 0, 1, r, [5]), t), RtpStatus.OK);
    while (fbs.length && fbs[0][0] <= t) {
      const b = fbs.shift()![1];
      for (let p = 0; p < b.length;) { const l = (b.readUInt16BE(p + 2) + 1) * 4; assert.is(cc.onTwccFeedback(b, p, l, t), RtpStatus.OK); p += l; }
    }
    if (t % 25 === 0) { target = cc.update(t).targetBitrateBps; assert.is(pacer.targetRateBps, target); }
    if (t % 100 === 0) targets.push(target);
  }
  return { targets, pacer, cc, audioMaxDelay };
}

test('through the facade: the target follows a 500 kbit/s bottleneck, the pacer follows the target, audio is never held', () => {
  const CAP = 500_000;
  const r = run((t) => (t >= 8000 && t < 20_000 ? CAP : 50_000_000), 30_000);
  const at = (ms: number) => r.targets[ms / 100];
  assert.ok(at(7900) > 1_000_000, `before ${at(7900)}`);
  const conv = r.targets.findIndex((x, i) => i * 100 >= 8000 && x <= 1.2 * CAP) * 100 - 8000;
  assert.ok(conv >= 0 && conv <= 3000, `converged after ${conv} ms`);
  const held = r.targets.slice(130, 200);
  assert.ok(Math.min(...held) >= 0.5 * CAP && Math.max(...held) <= 1.25 * CAP, `${Math.min(...held)}..${Math.max(...held)}`);
  assert.ok(at(30_000) > at(20_000) * 1.3, 'recovers after the cap lifts');
  assert.ok(r.audioMaxDelay <= 1, `audio waited ${r.audioMaxDelay} ms`);
  assert.is(r.pacer.counters.droppedAudio, 0);
  assert.ok(r.cc.counters.feedbacks > 500);
  assert.is(r.cc.counters.badFeedbacks, 0);
  const d = r.pacer.queueDelay(30_000, new QueueDelaySummary(), 10_000);
  console.log(`  facade + pacer, 500 kbit/s bottleneck: target <= 1.2x cap after ${conv} ms; 13-20 s band ${Math.round(Math.min(...held) / 1000)}-${Math.round(Math.max(...held) / 1000)} kbit/s; ` +
    `pacer queue delay (last 10 s) p50 ${d.p50} ms p99 ${d.p99} ms; video drops ${r.pacer.counters.droppedVideo}`);
});

test('through the facade: REMB bytes cap the target and the pacer rate', () => {
  const r = run(() => 50_000_000, 10_000, () => 700_000);
  assert.ok(Math.max(...r.targets.slice(1)) <= 700_000);
  assert.is(r.targets.at(-1), 700_000);
  assert.is(r.cc.counters.rembs, 11); // t = 0, 1000, ..., 10000
  assert.is(r.cc.onTwccFeedback(Buffer.alloc(8), 0, 8, 10_001) !== RtpStatus.OK, true);
  assert.is(r.cc.counters.badFeedbacks, 1);
});

test.run();
