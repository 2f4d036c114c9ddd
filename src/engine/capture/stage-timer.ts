// Optional, off-by-default stage timers for one media thread: while enabled, the
// functions that make up the forward path are wrapped (on their prototypes, in this
// thread only) with one performance.now() read before and after. Disabled, the
// originals are back and nothing is measured: no cost on the packet path.
//
//   decrypt  SrtpContext.unprotectRtp                      per packet in
//   route    Receiver.onRtp minus its DownTrack.writeRtp    per packet in
//   rewrite  DownTrack.writeRtp minus the transport.sendRtp  per packet out
//            calls inside it (includes the SubscriberSender: pacer enqueue/release,
//            transport-wide seq); a send the pacer defers is timed as queue/encrypt
//            when its 1 ms poll releases it
//   queue    WebRtcTransport.sendRtp minus protectRtp       per packet out (copy into the send slot)
//   encrypt  SrtpContext.protectRtp                         per packet out
//   send     SendQueue.flush / packets flushed              per packet out (dgram.send)
// Nested stages subtract the inner wrappers' time and their measured overhead.
import { SrtpContext } from '../../srtp/index.js';
import { Receiver, DownTrack } from '../../sfu/index.js';
import { WebRtcTransport } from '../../transport/index.js';
import { SendQueue } from '../../net/index.js';

const DEC = 0, RECV = 1, WRITE = 2, SEND_RTP = 3, ENC = 4, FLUSH = 5, N = 6;
const ms = new Float64Array(N + 1); // slot N: calibration
const calls = new Float64Array(N + 1);
let flushed = 0;
let writeDepth = 0; // > 0 while inside DownTrack.writeRtp
let nestedSendMs = 0, nestedSendCalls = 0; // transport.sendRtp time spent inside writeRtp
// Engine-internal latency: the receive time (the mux's clock read for the datagram, passed
// to Receiver.onRtp) of each packet queued, until the flush that hands it to dgram.send.
const RING = 1 << 14;
const inTimes = new Float64Array(RING);
let ringHead = 0, ringTail = 0;
let currentInMs = NaN;
const LAT_BINS = 256;
const latBins = new Float64Array(LAT_BINS);
const latBin = (us: number): number => Math.min(LAT_BINS - 1, Math.floor(16 * Math.log2(1 + Math.max(0, us))));
const latBinUs = (b: number): number => 2 ** ((b + 1) / 16) - 1;
let overheadMs = 0;
let restore: (() => void)[] = [];

export interface StageTimes {
  enabled: boolean;
  /** Cost of one timed wrapper (two clock reads + a call), ns: subtracted from outer stages. */
  overheadNs: number;
  packetsIn: number;
  packetsOut: number;
  /** ns per packet of each stage (decrypt/route per packet in; the others per packet out). */
  nsPerPacket: { decrypt: number; route: number; rewrite: number; queue: number; encrypt: number; send: number };
  /**
   * Engine-internal latency of forwarded RTP, µs: from the datagram's receive (the mux's
   * clock read, at the start of its handler) to the end of the send-queue flush that
   * handed it to dgram.send. Excludes kernel queues on both sides.
   */
  internalLatencyUs: { p50: number; p95: number; p99: number; samples: number };
  /** Total ms spent in each stage since enable (or the last reset). */
  totalMs: { decrypt: number; route: number; rewrite: number; queue: number; encrypt: number; send: number };
}

type Fn = (this: unknown, a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown) => unknown;

/** A timed wrapper with a fixed arity (no rest-argument array per call). */
function timedWrapper(orig: Fn, slot: number, count?: (self: unknown) => number): Fn {
  return function (this: unknown, a, b, c, d, e, f) {
    if (count !== undefined) flushed += count(this);
    const t0 = performance.now();
    const r = orig.call(this, a, b, c, d, e, f);
    ms[slot]! += performance.now() - t0;
    calls[slot]!++;
    return r;
  };
}

function wrap(target: object, name: string, slot: number, count?: (self: unknown) => number): void {
  const obj = target as Record<string, unknown>;
  const orig = obj[name] as Fn;
  obj[name] = timedWrapper(orig, slot, count);
  restore.push(() => { obj[name] = orig; });
}

/** Extra ms a timed wrapper adds around a call (what an outer stage sees of an inner one). */
function calibrate(): number {
  const bare: Fn = (a) => (a as number) + 1;
  const timed = timedWrapper(bare, N);
  const rounds = 100_000;
  let s = 0;
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    let t0 = performance.now();
    for (let i = 0; i < rounds; i++) s = timed.call(null, s, 0, 0, 0, 0, 0) as number;
    const t = performance.now() - t0;
    t0 = performance.now();
    for (let i = 0; i < rounds; i++) s = bare.call(null, s, 0, 0, 0, 0, 0) as number;
    const b = performance.now() - t0;
    best = Math.min(best, (t - b) / rounds);
  }
  ms[N] = 0; calls[N] = s > 0 ? 0 : 1;
  return Math.max(0, best);
}

export function stageTimersEnabled(): boolean { return restore.length > 0; }

export function enableStageTimers(): void {
  if (restore.length) return;
  resetStageTimers();
  overheadMs = calibrate();
  wrap(SrtpContext.prototype, 'unprotectRtp', DEC);
  wrap(Receiver.prototype, 'onRtp', RECV);
  wrap(DownTrack.prototype, 'writeRtp', WRITE);
  wrap(WebRtcTransport.prototype, 'sendRtp', SEND_RTP);
  // Nesting probes (outside the timed regions): which sendRtp time lies inside a writeRtp.
  {
    const D = DownTrack.prototype as unknown as Record<string, Fn>, W = WebRtcTransport.prototype as unknown as Record<string, Fn>;
    const write = D.writeRtp!, send = W.sendRtp!;
    D.writeRtp = function (this: unknown, a, b, c, d, e, f) { writeDepth++; try { return write.call(this, a, b, c, d, e, f); } finally { writeDepth--; } };
    W.sendRtp = function (this: unknown, a, b, c, d, e, f) {
      if (writeDepth === 0) return send.call(this, a, b, c, d, e, f);
      const m0 = ms[SEND_RTP]!;
      const r = send.call(this, a, b, c, d, e, f);
      nestedSendMs += ms[SEND_RTP]! - m0;
      nestedSendCalls++;
      return r;
    };
    restore.push(() => { D.writeRtp = write; W.sendRtp = send; });
  }
  wrap(SrtpContext.prototype, 'protectRtp', ENC);
  wrap(SendQueue.prototype, 'flush', FLUSH, (q) => (q as SendQueue).pending);
  // Latency probes (outside the timed regions): in-time per forwarded packet, out at flush.
  const R = Receiver.prototype as unknown as Record<string, Fn>, T = WebRtcTransport.prototype as unknown as Record<string, Fn>, Q = SendQueue.prototype as unknown as Record<string, Fn>;
  const onRtp = R.onRtp!, sendRtp = T.sendRtp!, flush = Q.flush!;
  R.onRtp = function (this: unknown, a, b, c, d, e, f) { currentInMs = c as number; const r = onRtp.call(this, a, b, c, d, e, f); currentInMs = NaN; return r; };
  T.sendRtp = function (this: unknown, a, b, c, d, e, f) {
    const r = sendRtp.call(this, a, b, c, d, e, f);
    if (r === true && currentInMs === currentInMs && ringHead - ringTail < RING) inTimes[ringHead++ & (RING - 1)] = currentInMs;
    return r;
  };
  Q.flush = function (this: unknown, a, b, c, d, e, f) {
    const r = flush.call(this, a, b, c, d, e, f);
    const now = performance.now();
    while (ringTail < ringHead) latBins[latBin((now - inTimes[ringTail++ & (RING - 1)]!) * 1000)]!++;
    return r;
  };
  restore.push(() => { R.onRtp = onRtp; T.sendRtp = sendRtp; Q.flush = flush; });
}

export function disableStageTimers(): void {
  for (const r of restore.reverse()) r();
  restore = [];
}

export function resetStageTimers(): void {
  ms.fill(0);
  calls.fill(0);
  flushed = 0;
  nestedSendMs = 0; nestedSendCalls = 0;
  latBins.fill(0);
  ringHead = ringTail = 0;
}

function pct(q: number): number {
  let total = 0;
  for (const v of latBins) total += v;
  if (total === 0) return NaN;
  const want = Math.max(1, Math.ceil(total * q));
  let acc = 0;
  for (let i = 0; i < LAT_BINS; i++) { acc += latBins[i]!; if (acc >= want) return Math.round(latBinUs(i) * 10) / 10; }
  return latBinUs(LAT_BINS - 1);
}

export function stageTimes(): StageTimes {
  const o = overheadMs;
  const per = (totalMs: number, n: number): number => (n > 0 ? (totalMs / n) * 1e6 : 0);
  // Each outer stage contains its inner wrappers' measured time plus their overhead.
  const route = Math.max(0, ms[RECV]! - ms[WRITE]! - calls[WRITE]! * o);
  const rewrite = Math.max(0, ms[WRITE]! - nestedSendMs - nestedSendCalls * 2 * o);
  const queue = Math.max(0, ms[SEND_RTP]! - ms[ENC]! - calls[ENC]! * o);
  const total = { decrypt: ms[DEC]!, route, rewrite, queue, encrypt: ms[ENC]!, send: ms[FLUSH]! };
  const pin = calls[RECV]!, pout = calls[SEND_RTP]!;
  return {
    enabled: stageTimersEnabled(),
    overheadNs: o * 1e6,
    packetsIn: pin,
    packetsOut: pout,
    nsPerPacket: {
      decrypt: per(total.decrypt, calls[DEC]!), route: per(route, pin), rewrite: per(rewrite, calls[WRITE]!),
      queue: per(queue, pout), encrypt: per(total.encrypt, calls[ENC]!), send: per(total.send, flushed),
    },
    totalMs: total,
    internalLatencyUs: { p50: pct(0.5), p95: pct(0.95), p99: pct(0.99), samples: latBins.reduce((x, y) => x + y, 0) },
  };
}
