// Fuzz the congestion-control path a subscriber's feedback takes: TWCC decode ->
// SendHistory -> SendSideBwe (the target must stay within [min, max] and be finite), and
// the publisher side: what was decoded is recorded again and TwccRecorder's output must
// decode cleanly.
import type { FuzzTarget } from './harness.js';
import { TwccFeedbackView, RtpStatus } from '../../src/rtp/index.js';
import { TwccRecorder, SendHistory, FeedbackResults } from '../../src/sfu/twcc/index.js';
import { SendSideBwe, ProbeEstimator } from '../../src/sfu/bwe/index.js';

const fail = (msg: string): never => { throw new Error(msg); };
const MIN = 50_000, MAX = 5_000_000;

function seeds(): Buffer[] {
  const out: Buffer[] = [];
  const buf = Buffer.alloc(8192);
  const patterns: ((i: number) => number)[] = [
    (i) => 1_000_000 + i * 1000, // steady
    (i) => (i % 5 === 0 ? -1 : 2_000_000 + i * 1500 + (i % 7) * 3000), // loss + jitter (reordered arrivals)
    (i) => (i >= 10 && i < 40 ? -1 : 3_000_000 + i * 800), // long loss run
    (i) => 4_000_000 + i * 2000 + (i > 50 ? (i - 50) * 4000 : 0), // growing delay
  ];
  for (const [k, f] of patterns.entries()) {
    const r = new TwccRecorder({ maxFeedbackBytes: 200 + 300 * k });
    for (let i = 0; i < 120; i++) { const a = f(i); if (a >= 0) r.record((k * 200 + i) & 0xffff, a); }
    const n = r.buildFeedback(9_000_000, buf, 0, 1, 2);
    out.push(Buffer.from(buf.subarray(0, n)));
  }
  return out;
}

const view = new TwccFeedbackView();
const out = new FeedbackResults(65536);
const history = new SendHistory(8192);
const bwe = new SendSideBwe({ minBitrateBps: MIN, maxBitrateBps: MAX });
const recorder = new TwccRecorder();
const probe = new ProbeEstimator();
const rebuilt = Buffer.alloc(256 * 1024);
const check = new TwccFeedbackView();
for (let i = 0; i < 1000; i++) history.onSent(i, i * 1000, 1200, i % 7 === 0 ? 2 : 0); // some flagged PROBE
let nowMs = 0;
let sendSeq = 1000;

const target: FuzzTarget = {
  name: 'sfu twcc feedback -> send history -> bwe, recorder rebuild',
  seeds,
  run(input) {
    nowMs += 50;
    for (let i = 0; i < 4; i++) { history.onSent(sendSeq & 0xffff, nowMs * 1000 + i, 1000, 0); sendSeq++; }
    let p = 0;
    while (p + 4 <= input.length) {
      const l = Math.min(input.length - p, ((input[p + 2] << 8) | input[p + 3]) * 4 + 4);
      if (view.reset(input, p, l) === RtpStatus.OK) {
        const c = history.onFeedback(view, out);
        if (c !== out.count || out.received + out.lost !== c) fail('result counts disagree');
        bwe.onFeedback(out, nowMs);
        if (!probe.inProgress) probe.start(1 + (input[0] & 15));
        if (probe.onFeedback(out) && probe.resultBps > 0) bwe.onProbeResult(probe.resultBps, nowMs);
        view.forEachPacket(recordBack);
      }
      p += l;
    }
    if (input.length >= 4) bwe.onRemb(input.readUInt32BE(0) * 3, nowMs);
    if (input.length >= 1) bwe.onLossReport(input[input.length - 1] / 256, nowMs);
    const t = bwe.estimate(nowMs).targetBitrateBps;
    if (!(t >= MIN && t <= MAX)) fail(`target ${t} outside [${MIN}, ${MAX}]`);
    const n = recorder.buildFeedback(nowMs * 1000, rebuilt, 0, 1, 2);
    for (let q = 0; q < n;) {
      const l = (((rebuilt[q + 2] << 8) | rebuilt[q + 3]) + 1) * 4;
      if (check.reset(rebuilt, q, l) !== RtpStatus.OK) fail(`rebuilt feedback at ${q} does not decode`);
      q += l;
    }
    if (recorder.pending !== 0) fail('recorder left packets pending with room to spare');
  },
};

let arrivalUs = 0;
function recordBack(seq: number, status: number, deltaUs: number): void {
  if (status === 0) return;
  arrivalUs = Math.max(0, arrivalUs + deltaUs);
  recorder.record(seq, arrivalUs);
}

export const targets: FuzzTarget[] = [target];
