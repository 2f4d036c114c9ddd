// One load-test client thread: its share of the synthetic participants on one
// ClientNetwork, joined on the ramp schedule, with a cumulative snapshot posted every
// second. 'stop-media' stops the publishers; 'finish' posts per-track results, leaves and
// ends the thread.
import { parentPort, workerData } from 'node:worker_threads';
import { ClientNetwork } from '../client-network.js';
import { errorKind } from '../errors.js';
import { LATENCY_BINS } from '../receive-stats.js';
import { encodeSpeech } from '../speech.js';
import { SyntheticParticipant } from '../synthetic-participant.js';
import type { FromWorker, ParticipantPlan, PublishedTrackResult, ReceivedTrackResult, ToWorker, WorkerInit, WorkerSnapshot } from './protocol.js';
import { threadCpuMs, threadId } from './thread-cpu.js';
import { udpDrops } from './udp-drops.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const post = (m: FromWorker): void => port.postMessage(m);

const tid = threadId();
const speech = encodeSpeech({ bitrate: init.bitrate, ...(init.wavPath ? { wavPath: init.wavPath } : {}) });
const network = new ClientNetwork();
const live: { plan: ParticipantPlan; p: SyntheticParticipant; mediaReported: boolean }[] = [];
const errors: Record<string, number> = {};
let joined = 0, failed = 0;
let newJoinMs: number[] = [];
const timers: NodeJS.Timeout[] = [];
let finished = false;

function heapBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function count(kind: string): void { errors[kind] = (errors[kind] ?? 0) + 1; }

async function join(plan: ParticipantPlan): Promise<void> {
  if (finished) return;
  const p = new SyntheticParticipant({
    network, url: init.url, token: plan.token, publishTracks: plan.publishTracks, speech, subscribe: plan.subscribe,
    dtx: init.dtx, seed: plan.seed, timeoutMs: init.timeoutMs, rtcp: init.rtcp,
  });
  live.push({ plan, p, mediaReported: false });
  try {
    await p.start();
    joined++;
    newJoinMs.push(p.joinMs);
  } catch (e) {
    failed++;
    count(`join:${errorKind(e)}`);
    p.close();
  }
}

function snapshot(seq: number): WorkerSnapshot {
  let sentPackets = 0, sentBytes = 0, recvPackets = 0, recvBytes = 0, expected = 0, lost = 0, subscribed = 0;
  const latency = new Array<number>(LATENCY_BINS).fill(0);
  const errs: Record<string, number> = { ...errors };
  for (const { p } of live) {
    for (const t of p.published) { sentPackets += t.sender.stats.packets; sentBytes += t.sender.stats.bytes; }
    if (p.subscriber?.state === 'connected') subscribed++;
    for (const r of p.received.values()) {
      recvPackets += r.packets; recvBytes += r.bytes; expected += r.expected; lost += r.lost;
      const h = r.latency;
      for (let i = 0; i < LATENCY_BINS; i++) if (h[i]) latency[i]! += h[i]!;
    }
    for (const [k, v] of p.errors) errs[k] = (errs[k] ?? 0) + v;
    if (p.unknownSsrc) errs['unknown-ssrc-packets'] = (errs['unknown-ssrc-packets'] ?? 0) + p.unknownSsrc;
  }
  const joinMs = newJoinMs;
  newJoinMs = [];
  const firstMediaMs: number[] = [];
  for (const x of live) {
    if (!x.mediaReported && x.p.firstMediaMs === x.p.firstMediaMs) { x.mediaReported = true; firstMediaMs.push(x.p.firstMediaMs); }
  }
  return {
    type: 'snapshot', index: init.index, seq, sentPackets, sentBytes, recvPackets, recvBytes, expected, lost, latency,
    joined, failed, subscribed, joinMs, firstMediaMs, errors: errs, cpuMs: threadCpuMs(), tid, sockets: network.socketCount,
    udpDrops: seq === 0 ? udpDrops(network.ports) : 0, heapBytes: heapBytes(),
  };
}

function final(): void {
  const published: PublishedTrackResult[] = [];
  const received: ReceivedTrackResult[] = [];
  for (const { plan, p } of live) {
    for (const t of p.published) {
      published.push({ sid: t.sid, room: plan.room, identity: plan.identity, packets: t.sender.stats.packets, bytes: t.sender.stats.bytes, dtxSkipped: t.sender.stats.skippedDtx, dropped: t.sender.stats.dropped });
    }
    for (const r of p.received.values()) {
      const sparse: number[] = [];
      for (let i = 0; i < LATENCY_BINS; i++) if (r.latency[i]) sparse.push(i, r.latency[i]!);
      received.push({
        trackSid: r.trackSid, subscriber: plan.identity, packets: r.packets, bytes: r.bytes, expected: r.expected, lost: r.lost,
        jitterMs: r.jitterMs, latencyCount: r.latencyCount, latencySumMs: r.latencySumMs, latencyMaxMs: r.latencyMaxMs, latency: sparse,
      });
    }
  }
  post({ type: 'final', index: init.index, published, received, snapshot: snapshot(0) });
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'start') {
    for (const plan of init.participants) timers.push(setTimeout(() => void join(plan), plan.startAfterMs));
  } else if (m.type === 'sample') {
    post(snapshot(m.seq));
  } else if (m.type === 'stop-media') {
    for (const { p } of live) for (const t of p.published) { t.sender.stop(); network.removeSender(t.sender); }
  } else if (m.type === 'finish') {
    finished = true;
    for (const t of timers) clearTimeout(t);
    final();
    for (const { p } of live) p.close();
    network.close();
    // Let the leave frames and DTLS close_notify go out, then end the thread.
    setTimeout(() => port.close(), 300);
  }
});

post({ type: 'ready', index: init.index, speechSource: speech.source, frames: speech.count, heapBytes: heapBytes() });
