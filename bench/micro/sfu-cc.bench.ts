// Congestion-control cores per packet / per feedback: TWCC recorder, feedback build,
// send history + estimator, pacer. All steady state, allocation-free (bytes/op 0).
import type { MicroCase } from './case.js';
import { TwccFeedbackView } from '../../src/rtp/index.js';
import { TwccRecorder, SendHistory, FeedbackResults } from '../../src/sfu/twcc/index.js';
import { SendSideBwe } from '../../src/sfu/bwe/index.js';
import { LeakyBucketPacer, PacketKind } from '../../src/sfu/pacer/index.js';

const SINK = new Float64Array(1);

// Recorder: 100 packets 1 ms apart per call, seq wrapping naturally.
const rec = new TwccRecorder();
const rec2 = new TwccRecorder();
// Loop state in a typed array: a module-level `let` holding a large number would box it.
const st = new Float64Array(10); // 0 recSeq, 1 recT, 2 base, 3 ref, 4 sendUs, 5 nowMs, 6 pacerNow, 7 handle, 8/9 rec2 seq/time
st[1] = 1_000_000; st[3] = 1; st[9] = 1_000_000;
const fbBuf = Buffer.alloc(32 * 1024);

// Send side: one 128-packet feedback per call (500 µs apart = one 64 ms reference unit),
// patched in place: base seq += 128, reference time += 1.
const N = 128;
const tpl = (() => {
  const r = new TwccRecorder();
  for (let i = 0; i < N; i++) if (i % 17 !== 5) r.record(i, 64_000 + i * 500 + (i % 3) * 250);
  const n = r.buildFeedback(0, fbBuf, 0, 1, 2);
  return Buffer.from(fbBuf.subarray(0, n));
})();
const history = new SendHistory(8192);
const results = new FeedbackResults(1024);
const bwe = new SendSideBwe();
const view = new TwccFeedbackView();

// Pacer: 100 packets per call (80 video, 12 RTX, 8 audio), released by 100 ms of polls.
const pacer = new LeakyBucketPacer({ pacingFactor: 2.5 });
pacer.setRate(10_000_000);
const release = (h: number) => { SINK[0] += h; };

export const cases: MicroCase[] = [
  {
    name: 'twcc recorder.record x100 packets (divide by 100)',
    fn: () => {
      for (let i = 0; i < 100; i++) rec.record(st[0]++ & 0xffff, (st[1] += 1000));
      if (rec.pending > 8000) rec.buildFeedback(st[1], fbBuf, 0, 1, 2);
    },
  },
  {
    name: 'twcc record x100 + buildFeedback (one 100-packet feedback)',
    fn: () => {
      for (let i = 0; i < 100; i++) if (i % 13 !== 7) rec2.record(st[8]++ & 0xffff, (st[9] += 1000 + (i % 4) * 300)); else st[8]++;
      SINK[0] += rec2.buildFeedback(st[9], fbBuf, 0, 1, 2);
    },
  },
  {
    name: 'send history.onSent x128 + onFeedback(128) + bwe.onFeedback + estimate',
    fn: () => {
      const base = st[2], ref = st[3];
      for (let i = 0; i < N; i++) history.onSent((base + i) & 0xffff, (st[4] += 500), 1200, 0);
      tpl[12] = (base >>> 8) & 0xff; tpl[13] = base & 0xff;
      tpl[16] = (ref >>> 16) & 0xff; tpl[17] = (ref >>> 8) & 0xff; tpl[18] = ref & 0xff;
      view.reset(tpl, 0, tpl.length);
      history.onFeedback(view, results);
      bwe.onFeedback(results, (st[5] += 64));
      SINK[0] += bwe.estimate(st[5]).targetBitrateBps;
      st[2] = (base + N) & 0xffff; st[3] = (ref + 1) & 0xffffff;
    },
  },
  {
    name: 'pacer enqueue+poll x100 packets (divide by 100)',
    fn: () => {
      for (let i = 0; i < 100; i++) {
        const k = i % 12 === 0 ? PacketKind.AUDIO : i % 8 === 1 ? PacketKind.RTX : PacketKind.VIDEO;
        pacer.enqueue(k, st[7]++ & 0x3fffffff, k === PacketKind.AUDIO ? 100 : 1200, st[6]);
        if (i % 10 === 9) pacer.poll((st[6] += 1), release);
      }
      pacer.poll((st[6] += 100), release);
    },
    baseline: {
      name: 'array-of-objects priority queues (push/shift, no bucket)',
      fn: () => {
        for (let i = 0; i < 100; i++) {
          const k = i % 12 === 0 ? 0 : i % 8 === 1 ? 1 : 2;
          naive[k].push({ handle: st[7]++, size: k === 0 ? 100 : 1200, at: st[6] });
          if (i % 10 === 9) naivePoll();
        }
        naivePoll();
      },
    },
  },
];

const naive: { handle: number; size: number; at: number }[][] = [[], [], []];
function naivePoll(): void {
  for (const q of naive) while (q.length) SINK[0] += q.shift()!.handle;
}
