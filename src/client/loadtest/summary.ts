// Turns the workers' per-track results and the once-a-second samples into the load-test
// summary: per published track and in total — packets, bitrate, loss, jitter, one-way
// latency percentiles — join times, errors by kind, CPU per thread group and RSS.
import { availableParallelism } from 'node:os';
import { LATENCY_BINS, histogramPercentile } from '../receive-stats.js';
import type { LoadTestOptions } from './options.js';
import type { WorkerFinal } from './protocol.js';

export interface LoadTestSample {
  /** Seconds since start. */
  t: number;
  joined: number;
  failed: number;
  subscribed: number;
  sentPps: number;
  recvPps: number;
  lossPct: number;
  latP50: number;
  latP95: number;
  latP99: number;
  /** CPU of the client threads, % of one core. */
  clientCpuPct: number;
  mainCpuPct: number;
  /** In-process server: process CPU minus client and main threads, % of one core (NaN otherwise). */
  serverCpuPct: number;
  /** Event-loop utilisation of each server media worker, %. */
  serverWorkerElu: number[];
  /**
   * Event-loop utilisation of each client thread, %. Near 100 % the clients read packets
   * late, and the measured latency includes their own queueing.
   */
  clientWorkerElu: number[];
  rssMb: number;
  errors: Record<string, number>;
}

export interface TrackSummary {
  sid: string;
  room: string;
  publisher: string;
  sentPackets: number;
  sentKbps: number;
  subscribers: number;
  recvPackets: number;
  lossPct: number;
  jitterMs: number;
  latP50: number;
  latP95: number;
  latP99: number;
  latMax: number;
}

export interface LoadTestSummary {
  bench: 'loadtest';
  config: { rooms: number; publishers: number; subscribers: number; tracks: number; durationS: number; rampPerSec: number; dtx: boolean; bitrate: number; inProcessServer: boolean; serverWorkers: number; clientWorkers: number; speech: string };
  participants: { planned: number; joined: number; failed: number };
  /** Join: token to joined + published + publisher transport connected. */
  joinMs: { p50: number; p95: number; max: number };
  /** Subscribers: start to the first media packet received. */
  firstMediaMs: { p50: number; p95: number; max: number; count: number };
  totals: {
    publishedTracks: number; subscriptions: number;
    sentPackets: number; recvPackets: number; expected: number; lost: number; lossPct: number;
    /** Averages over the steady window (after the last join). */
    steadySentPps: number; steadyRecvPps: number; steadyRecvKbps: number;
    jitterMsMean: number; jitterMsMax: number;
    /** Whole run, ramp included. */
    latP50: number; latP95: number; latP99: number; latMax: number;
    /** Steady window only (from 1 s after the last join to the end). */
    steadyLatP50: number; steadyLatP95: number; steadyLatP99: number; steadyLossPct: number;
  };
  /**
   * % of one core, steady window. clientUsPerPacket: client CPU per packet sent or received;
   * serverUsPerPacketOut: server CPU per packet forwarded to a subscriber.
   */
  cpu: { clientPct: number; serverPct: number; mainPct: number; serverWorkerEluPct: number[]; clientWorkerEluPct: number[]; clientUsPerPacket: number; serverUsPerPacketOut: number };
  /** perParticipantKb: (peak - idle with server and client threads started) / joined participants. */
  rss: {
    beforeMb: number; serverIdleMb: number; idleMb: number; peakMb: number; perParticipantKb: number; externalServerPeakMb: number | null;
    /** Growth of V8 heap + ArrayBuffers of the client threads (peak - idle), per joined participant: the client side alone. */
    clientHeapPerParticipantKb: number;
  };
  errors: Record<string, number>;
  /** Datagrams the kernel dropped because a socket's receive buffer was full (a stalled thread). */
  udpDrops: { server: number | null; clients: number };
  runS: number;
  host: { cores: number; loadAvgStart: number; loadAvgEnd: number };
  tracks: TrackSummary[];
  series: { t: number; sentPps: number; recvPps: number; latP50: number; latP95: number; latP99: number; lossPct: number; clientCpuPct: number; serverCpuPct: number; clientElu: number[]; serverElu: number[]; rssMb: number }[];
}

export interface SummarizeInput {
  options: LoadTestOptions;
  samples: LoadTestSample[];
  finals: WorkerFinal[];
  joinMs: number[];
  firstMediaMs: number[];
  participants: number;
  /** Before the server, with the idle server, with idle client workers too, and the peak. */
  rss: { beforeBytes: number; serverIdleBytes: number; idleBytes: number; peakBytes: number; externalServerPeakBytes: number; clientHeapPeakBytes: number };
  runMs: number;
  steadyFromS: number;
  /** Latency histogram and loss counters of the steady window (from 1 s after the last join). */
  steady: { hist: number[]; expected: number; lost: number } | undefined;
  inProcessServer: boolean;
  serverWorkers: number;
  clientWorkers: number;
  speechSource: string;
  missingWorkers: number;
  /** 1-minute load average at the start and end (other work on the host skews every number). */
  loadAvg: [number, number];
  /** Kernel drops at the in-process server's sockets (NaN when external). */
  serverUdpDrops: number;
}

function pct(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))]!;
}
const r2 = (x: number): number => (Number.isFinite(x) ? Math.round(x * 100) / 100 : x);
const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

export function summarize(i: SummarizeInput): LoadTestSummary {
  const o = i.options;
  const bySid = new Map<string, { pub?: WorkerFinal['published'][number]; recv: WorkerFinal['received'] }>();
  const totalHist = new Array<number>(LATENCY_BINS).fill(0);
  let sentPackets = 0, recvPackets = 0, expected = 0, lost = 0, latMax = 0;
  const jitters: number[] = [];
  let joined = 0, failed = 0;
  const errors: Record<string, number> = {};
  for (const f of i.finals) {
    joined += f.snapshot.joined;
    failed += f.snapshot.failed;
    for (const [k, v] of Object.entries(f.snapshot.errors)) errors[k] = (errors[k] ?? 0) + v;
    for (const p of f.published) {
      sentPackets += p.packets;
      const e = bySid.get(p.sid) ?? { recv: [] };
      e.pub = p;
      bySid.set(p.sid, e);
    }
    for (const r of f.received) {
      recvPackets += r.packets; expected += r.expected; lost += r.lost;
      if (r.packets > 0) jitters.push(r.jitterMs);
      if (r.latencyMaxMs > latMax) latMax = r.latencyMaxMs;
      for (let k = 0; k < r.latency.length; k += 2) totalHist[r.latency[k]!]! += r.latency[k + 1]!;
      const e = bySid.get(r.trackSid) ?? { recv: [] };
      e.recv.push(r);
      bySid.set(r.trackSid, e);
    }
  }
  if (i.missingWorkers) errors['client-worker-no-result'] = i.missingWorkers;
  const tracks: TrackSummary[] = [];
  for (const [sid, e] of bySid) {
    const h = new Array<number>(LATENCY_BINS).fill(0);
    let rp = 0, ex = 0, lo = 0, mx = 0;
    for (const r of e.recv) {
      rp += r.packets; ex += r.expected; lo += r.lost; if (r.latencyMaxMs > mx) mx = r.latencyMaxMs;
      for (let k = 0; k < r.latency.length; k += 2) h[r.latency[k]!]! += r.latency[k + 1]!;
    }
    const p = e.pub;
    const frames = p ? p.packets + p.dtxSkipped + p.dropped : 0;
    tracks.push({
      sid, room: p?.room ?? '', publisher: p?.identity ?? '',
      sentPackets: p?.packets ?? 0, sentKbps: r2(frames ? (p!.bytes * 8) / (frames * 0.02) / 1000 : 0),
      subscribers: e.recv.length, recvPackets: rp, lossPct: r2(ex ? (100 * lo) / ex : 0),
      jitterMs: r2(mean(e.recv.filter((r) => r.packets > 0).map((r) => r.jitterMs))),
      latP50: r2(histogramPercentile(h, 0.5)), latP95: r2(histogramPercentile(h, 0.95)), latP99: r2(histogramPercentile(h, 0.99)), latMax: r2(mx),
    });
  }
  tracks.sort((a, b) => a.room.localeCompare(b.room) || a.publisher.localeCompare(b.publisher) || a.sid.localeCompare(b.sid));
  const steady = i.samples.filter((s) => Number.isFinite(i.steadyFromS) && s.t > i.steadyFromS + 1);
  const sorted = [...i.joinMs].sort((a, b) => a - b);
  const media = [...i.firstMediaMs].sort((a, b) => a - b);
  const subscriptions = i.finals.reduce((a, f) => a + f.received.length, 0);
  const steadyRecvPps = mean(steady.map((s) => s.recvPps));
  const avgPayload = recvPackets ? i.finals.reduce((a, f) => a + f.received.reduce((b, r) => b + r.bytes, 0), 0) / recvPackets : 0;
  const participantsUp = Math.max(1, joined);
  const clientPct = mean(steady.map((s) => s.clientCpuPct));
  const serverPct = mean(steady.map((s) => s.serverCpuPct));
  const steadySentPps = mean(steady.map((s) => s.sentPps));
  return {
    bench: 'loadtest',
    config: {
      rooms: o.rooms, publishers: o.publishers, subscribers: o.subscribers, tracks: o.tracks, durationS: o.durationMs / 1000, rampPerSec: o.rampPerSec,
      dtx: o.dtx, bitrate: o.bitrate, inProcessServer: i.inProcessServer, serverWorkers: i.serverWorkers, clientWorkers: i.clientWorkers, speech: i.speechSource,
    },
    participants: { planned: i.participants, joined, failed },
    joinMs: { p50: r2(pct(sorted, 0.5)), p95: r2(pct(sorted, 0.95)), max: r2(sorted[sorted.length - 1] ?? NaN) },
    firstMediaMs: { p50: r2(pct(media, 0.5)), p95: r2(pct(media, 0.95)), max: r2(media[media.length - 1] ?? NaN), count: media.length },
    totals: {
      publishedTracks: [...bySid.values()].filter((e) => e.pub).length, subscriptions,
      sentPackets, recvPackets, expected, lost, lossPct: expected ? Math.round((1e4 * lost) / expected) / 1e4 * 100 : 0,
      steadySentPps: r2(mean(steady.map((s) => s.sentPps))), steadyRecvPps: r2(mean(steady.map((s) => s.recvPps))),
      steadyRecvKbps: r2((steadyRecvPps * avgPayload * 8) / 1000),
      jitterMsMean: r2(mean(jitters)), jitterMsMax: r2(jitters.length ? Math.max(...jitters) : NaN),
      latP50: r2(histogramPercentile(totalHist, 0.5)), latP95: r2(histogramPercentile(totalHist, 0.95)), latP99: r2(histogramPercentile(totalHist, 0.99)), latMax: r2(latMax),
      steadyLatP50: r2(i.steady ? histogramPercentile(i.steady.hist, 0.5) : NaN), steadyLatP95: r2(i.steady ? histogramPercentile(i.steady.hist, 0.95) : NaN),
      steadyLatP99: r2(i.steady ? histogramPercentile(i.steady.hist, 0.99) : NaN),
      steadyLossPct: i.steady && i.steady.expected > 0 ? Math.round((1e6 * Math.max(0, i.steady.lost)) / i.steady.expected) / 1e4 : 0,
    },
    cpu: {
      clientPct: r2(clientPct), serverPct: r2(serverPct), mainPct: r2(mean(steady.map((s) => s.mainCpuPct))),
      clientUsPerPacket: r2((clientPct * 1e4) / (steadySentPps + steadyRecvPps)), serverUsPerPacketOut: r2((serverPct * 1e4) / steadyRecvPps),
      serverWorkerEluPct: Array.from({ length: i.serverWorkers }, (_, k) => r2(mean(steady.map((s) => s.serverWorkerElu[k] ?? NaN)))),
      clientWorkerEluPct: Array.from({ length: i.clientWorkers }, (_, k) => r2(mean(steady.map((s) => s.clientWorkerElu[k] ?? NaN)))),
    },
    rss: {
      beforeMb: r2(i.rss.beforeBytes / 1048576), serverIdleMb: r2(i.rss.serverIdleBytes / 1048576), idleMb: r2(i.rss.idleBytes / 1048576), peakMb: r2(i.rss.peakBytes / 1048576),
      perParticipantKb: r2((i.rss.peakBytes - i.rss.idleBytes) / 1024 / participantsUp),
      externalServerPeakMb: i.rss.externalServerPeakBytes ? r2(i.rss.externalServerPeakBytes / 1048576) : null,
      clientHeapPerParticipantKb: r2(i.rss.clientHeapPeakBytes / 1024 / participantsUp),
    },
    errors,
    udpDrops: { server: Number.isFinite(i.serverUdpDrops) ? i.serverUdpDrops : null, clients: i.finals.reduce((a, f) => a + (f.snapshot.udpDrops ?? 0), 0) },
    runS: r2(i.runMs / 1000),
    host: { cores: availableParallelism(), loadAvgStart: r2(i.loadAvg[0]), loadAvgEnd: r2(i.loadAvg[1]) },
    tracks,
    series: i.samples.map((s) => ({ t: s.t, sentPps: r2(s.sentPps), recvPps: r2(s.recvPps), latP50: r2(s.latP50), latP95: r2(s.latP95), latP99: r2(s.latP99), lossPct: r2(s.lossPct), clientCpuPct: r2(s.clientCpuPct), serverCpuPct: r2(s.serverCpuPct), clientElu: s.clientWorkerElu.map(r2), serverElu: s.serverWorkerElu.map(r2), rssMb: r2(s.rssMb) })),
  };
}

const f = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : '-');

/** One progress line (no newline). */
export function progressLine(s: LoadTestSample, total: number): string {
  const errs = Object.values(s.errors).reduce((a, b) => a + b, 0);
  const server = Number.isFinite(s.serverCpuPct) ? ` server ${f(s.serverCpuPct, 0)}%` : '';
  return `t=${f(s.t, 0)}s joined ${s.joined}/${total}${s.failed ? ` (${s.failed} failed)` : ''} | sent ${f(s.sentPps, 0)} pps recv ${f(s.recvPps, 0)} pps | loss ${f(s.lossPct, 2)}% | latency p50 ${f(s.latP50, 2)} p95 ${f(s.latP95, 2)} ms | cpu clients ${f(s.clientCpuPct, 0)}%${server} | rss ${f(s.rssMb, 0)} MB | errors ${errs}`;
}

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]): string => cells.map((x, c) => (c < 3 ? x.padEnd(w[c]!) : x.padStart(w[c]!))).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

/** The end-of-run report (text). At most `maxTracks` per-track rows. */
export function summaryText(s: LoadTestSummary, maxTracks = 30): string {
  const out: string[] = [];
  const c = s.config;
  out.push(`Load test: ${c.rooms} room(s) x (${c.publishers} publishers x ${c.tracks} track(s) + ${c.subscribers} subscribers), ${c.durationS}s steady, ramp ${c.rampPerSec}/s, opus ${c.bitrate / 1000} kbps${c.dtx ? ' DTX' : ''}, speech: ${c.speech}`);
  out.push(`Server: ${c.inProcessServer ? `in-process, ${c.serverWorkers} media worker(s)` : 'external'}; clients: ${c.clientWorkers} worker thread(s); run ${f(s.runS)} s; host: ${s.host.cores} cores, load average ${f(s.host.loadAvgStart, 2)} -> ${f(s.host.loadAvgEnd, 2)}`);
  out.push('');
  const rows = s.tracks.slice(0, maxTracks).map((t) => [t.room, t.publisher, t.sid, String(t.sentPackets), f(t.sentKbps), String(t.subscribers), String(t.recvPackets), f(t.lossPct, 2), f(t.jitterMs, 2), f(t.latP50, 2), f(t.latP95, 2), f(t.latP99, 2)]);
  const T = s.totals;
  rows.push(['TOTAL', '', `${T.publishedTracks} tracks`, String(T.sentPackets), '', String(T.subscriptions), String(T.recvPackets), f(T.lossPct, 3), f(T.jitterMsMean, 2), f(T.latP50, 2), f(T.latP95, 2), f(T.latP99, 2)]);
  out.push(table(['room', 'publisher', 'track', 'sent pkts', 'RTP kbps', 'subs', 'recv pkts', 'loss %', 'jitter ms', 'lat p50', 'p95', 'p99'], rows));
  if (s.tracks.length > maxTracks) out.push(`(${s.tracks.length - maxTracks} more tracks in the JSON)`);
  out.push('');
  out.push(`Participants: ${s.participants.joined}/${s.participants.planned} joined, ${s.participants.failed} failed; join time p50 ${f(s.joinMs.p50, 0)} ms p95 ${f(s.joinMs.p95, 0)} ms max ${f(s.joinMs.max, 0)} ms; first audio at subscribers p50 ${f(s.firstMediaMs.p50, 0)} ms p95 ${f(s.firstMediaMs.p95, 0)} ms (${s.firstMediaMs.count})`);
  out.push(`Steady state: sent ${f(T.steadySentPps, 0)} pps, received ${f(T.steadyRecvPps, 0)} pps (${f(T.steadyRecvKbps / 1000, 2)} Mbit/s payload); loss ${f(T.steadyLossPct, 3)}%; one-way latency p50 ${f(T.steadyLatP50, 2)} p95 ${f(T.steadyLatP95, 2)} p99 ${f(T.steadyLatP99, 2)} ms`);
  out.push(`Whole run (ramp included): loss ${f(T.lossPct, 3)}% (${T.lost}/${T.expected}); jitter mean ${f(T.jitterMsMean, 2)} ms max ${f(T.jitterMsMax, 2)} ms; one-way latency p50 ${f(T.latP50, 2)} p95 ${f(T.latP95, 2)} p99 ${f(T.latP99, 2)} max ${f(T.latMax, 1)} ms`);
  const elu = (s.cpu.serverWorkerEluPct.length ? `; server workers event-loop busy ${s.cpu.serverWorkerEluPct.map((x) => `${f(x, 0)}%`).join(' ')}` : '')
    + `; client threads event-loop busy ${s.cpu.clientWorkerEluPct.map((x) => `${f(x, 0)}%`).join(' ')}`;
  out.push(`CPU (% of one core, steady): clients ${f(s.cpu.clientPct, 0)}%, ${c.inProcessServer ? `server ${f(s.cpu.serverPct, 0)}%` : Number.isFinite(s.cpu.serverPct) ? `external server process ${f(s.cpu.serverPct, 0)}%` : 'server external (not measured: --server-pid)'}, runner main ${f(s.cpu.mainPct, 0)}%${elu}; clients ${f(s.cpu.clientUsPerPacket, 1)} us/packet, server ${f(s.cpu.serverUsPerPacketOut, 1)} us/forwarded packet`);
  out.push(`RSS: ${f(s.rss.beforeMb, 0)} MB before, ${f(s.rss.serverIdleMb, 0)} MB with idle server, ${f(s.rss.idleMb, 0)} MB with idle client threads, peak ${f(s.rss.peakMb, 0)} MB; ${f(s.rss.perParticipantKb, 0)} KB per participant (clients${c.inProcessServer ? ' + server' : ''}), client heap ${f(s.rss.clientHeapPerParticipantKb, 0)} KB per participant${s.rss.externalServerPeakMb !== null ? `; external server peak ${f(s.rss.externalServerPeakMb, 0)} MB` : ''}`);
  out.push(`Kernel UDP receive drops: server ${s.udpDrops.server ?? 'n/a (external)'}, clients ${s.udpDrops.clients}`);
  const errs = Object.entries(s.errors);
  out.push(`Errors: ${errs.length ? errs.map(([k, v]) => `${k}=${v}`).join(', ') : 'none'}`);
  return out.join('\n');
}
