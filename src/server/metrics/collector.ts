// Prometheus metrics of a running Switchboard (prom-client), read at scrape time, never
// on the media path: room/participant/track gauges from the engine's main-thread view;
// packet, byte, loss, NACK and PLI counters summed from every participant's stats (one
// request per participant to its media worker per scrape, at most twice a second); event
// loop utilisation of the main thread and of each media worker; prom-client's default
// process metrics (CPU, memory, GC durations, event loop lag).
//
// Counters survive participants leaving: the last counts seen of a participant that is
// gone are kept in a retired total (what it did between the last scrape and its leave is
// not counted). Names follow livekit-server's where it has one (livekit_*).
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Engine } from '../../engine/engine.js';
import type { ParticipantStats } from '../../engine/protocol.js';
import type { WebhookStats } from '../webhooks/notifier.js';
import type { TurnStats } from '../../turn/index.js';

/** The counters taken from ParticipantStats. */
export interface MediaTotals {
  rtpIn: number; rtpOut: number; rtcpIn: number; rtcpOut: number; bytesIn: number; bytesOut: number;
  lost: number; nacksIn: number; nacksOut: number; plisIn: number; firsIn: number; keyframeRequestsOut: number;
  srtpInDropped: number; sendDropped: number;
}
const ZERO = (): MediaTotals => ({ rtpIn: 0, rtpOut: 0, rtcpIn: 0, rtcpOut: 0, bytesIn: 0, bytesOut: 0, lost: 0, nacksIn: 0, nacksOut: 0, plisIn: 0, firsIn: 0, keyframeRequestsOut: 0, srtpInDropped: 0, sendDropped: 0 });

export function mediaTotals(s: ParticipantStats): MediaTotals {
  const t = ZERO();
  t.rtpIn = s.publisher.rtpIn; t.rtpOut = s.subscriber.rtpOut;
  t.rtcpIn = s.publisher.rtcpIn + s.subscriber.rtcpIn; t.rtcpOut = s.publisher.rtcpOut + s.subscriber.rtcpOut;
  t.bytesIn = (s.publisher.bytesIn ?? 0) + (s.subscriber.bytesIn ?? 0); t.bytesOut = (s.publisher.bytesOut ?? 0) + (s.subscriber.bytesOut ?? 0);
  t.srtpInDropped = s.publisher.srtpInDropped; t.sendDropped = s.subscriber.sendDropped;
  for (const x of s.tracks) { t.lost += Math.max(0, x.lost); t.nacksOut += x.nackedSeqs; t.keyframeRequestsOut += x.keyframeRequests; }
  for (const d of s.downTracks) { t.nacksIn += d.nacks; t.plisIn += d.plis; t.firsIn += d.firs; }
  return t;
}

function add(a: MediaTotals, b: MediaTotals): void {
  for (const k of Object.keys(a) as (keyof MediaTotals)[]) a[k] += b[k];
}

const TURN_COUNTS = [
  'allocationsCreated', 'allocationsExpired', 'allocationsDeleted', 'requests', 'authFailures', 'staleNonces', 'forbiddenPeers',
  'quotaRejections', 'malformed', 'droppedNoPermission', 'droppedForbidden', 'droppedTooBig', 'droppedBackpressure',
  'relayBindFailures', 'tcpConnections', 'tcpFramingErrors', 'tlsConnections', 'tlsHandshakeFailures',
] as const satisfies readonly (keyof TurnStats)[];

export interface MetricsSources {
  engine: Engine;
  webhooks?: () => WebhookStats | undefined;
  /** The embedded TURN server's counters (asked once per refresh; null when off). */
  turn?: () => Promise<TurnStats | null>;
  /** The TURN worker thread, for the per-thread load gauges (thread="turn"). */
  turnWorker?: () => import('node:worker_threads').Worker | undefined;
}

export class MetricsCollector {
  readonly registry = new Registry();
  readonly #src: MetricsSources;
  readonly #last = new Map<string, MediaTotals>();
  readonly #retired = ZERO();
  readonly #reported = ZERO();
  readonly #counters: Record<keyof MediaTotals, { c: Counter; labels: Record<string, string> }>;
  readonly #elu = new Map<string, EventLoopUtilization>();
  readonly #twirp: Counter;
  #turn: TurnStats | null = null;
  #refreshing: Promise<void> | undefined;
  #lastRefreshMs = 0;

  constructor(src: MetricsSources) {
    this.#src = src;
    const reg = this.registry;
    collectDefaultMetrics({ register: reg });
    const engine = src.engine;
    const rooms = () => [...engine.rooms.values()].filter((r) => !r.closed);
    new Gauge({ name: 'livekit_room_total', help: 'Open rooms', registers: [reg], collect() { this.set(rooms().length); } });
    new Gauge({ name: 'livekit_participant_total', help: 'Participants in open rooms', registers: [reg], collect() { this.set(rooms().reduce((n, r) => n + r.participants.size, 0)); } });
    new Gauge({
      name: 'livekit_track_published_total', help: 'Published tracks', labelNames: ['kind'], registers: [reg],
      collect() {
        const n = { audio: 0, video: 0 };
        for (const r of rooms()) for (const p of r.participants.values()) for (const t of p.tracks.values()) n[t.kind]++;
        this.set({ kind: 'audio' }, n.audio);
        this.set({ kind: 'video' }, n.video);
      },
    });
    const packets = new Counter({ name: 'livekit_packet_total', help: 'SRTP/SRTCP packets', labelNames: ['direction', 'type'], registers: [reg] });
    const bytes = new Counter({ name: 'livekit_packet_bytes', help: 'SRTP/SRTCP bytes on the wire', labelNames: ['direction'], registers: [reg] });
    const lost = new Counter({ name: 'livekit_packet_loss_total', help: 'Packets lost from publishers (sequence gaps)', registers: [reg] });
    const nacks = new Counter({ name: 'livekit_nack_total', help: 'NACKed packets: incoming from subscribers, outgoing to publishers', labelNames: ['direction'], registers: [reg] });
    const plis = new Counter({ name: 'livekit_pli_total', help: 'PLIs from subscribers (incoming), keyframe requests to publishers (outgoing)', labelNames: ['direction'], registers: [reg] });
    const firs = new Counter({ name: 'livekit_fir_total', help: 'FIRs from subscribers', labelNames: ['direction'], registers: [reg] });
    const dropped = new Counter({ name: 'switchboard_packet_dropped_total', help: 'Packets dropped: SRTP unprotect failures in, send queue/protect failures out', labelNames: ['direction'], registers: [reg] });
    this.#counters = {
      rtpIn: { c: packets, labels: { direction: 'incoming', type: 'rtp' } }, rtpOut: { c: packets, labels: { direction: 'outgoing', type: 'rtp' } },
      rtcpIn: { c: packets, labels: { direction: 'incoming', type: 'rtcp' } }, rtcpOut: { c: packets, labels: { direction: 'outgoing', type: 'rtcp' } },
      bytesIn: { c: bytes, labels: { direction: 'incoming' } }, bytesOut: { c: bytes, labels: { direction: 'outgoing' } },
      lost: { c: lost, labels: {} },
      nacksIn: { c: nacks, labels: { direction: 'incoming' } }, nacksOut: { c: nacks, labels: { direction: 'outgoing' } },
      plisIn: { c: plis, labels: { direction: 'incoming' } }, keyframeRequestsOut: { c: plis, labels: { direction: 'outgoing' } },
      firsIn: { c: firs, labels: { direction: 'incoming' } },
      srtpInDropped: { c: dropped, labels: { direction: 'incoming' } }, sendDropped: { c: dropped, labels: { direction: 'outgoing' } },
    };
    for (const { c, labels } of Object.values(this.#counters)) c.inc(labels, 0); // present from the first scrape
    const elu = this.#elu;
    const threads = (): [string, import('node:worker_threads').Worker][] => {
      const t = src.turnWorker?.();
      return [...engine.workers.map((w, i): [string, import('node:worker_threads').Worker] => [`worker-${i}`, w]), ...(t ? [['turn', t] as [string, import('node:worker_threads').Worker]] : [])];
    };
    new Gauge({
      name: 'switchboard_event_loop_utilization', help: 'Event loop utilisation since the previous scrape (0..1); thread = main, worker-N or turn', labelNames: ['thread'], registers: [reg],
      collect() {
        const read = (thread: string, now: EventLoopUtilization, diff: (a: EventLoopUtilization, b: EventLoopUtilization) => EventLoopUtilization) => {
          const prev = elu.get(thread);
          elu.set(thread, now);
          this.set({ thread }, prev ? diff(now, prev).utilization : now.utilization);
        };
        read('main', performance.eventLoopUtilization(), (a, b) => performance.eventLoopUtilization(a, b));
        threads().forEach(([name, w]) => {
          try { read(name, w.performance.eventLoopUtilization(), (a, b) => w.performance.eventLoopUtilization(a, b)); } catch { /* worker exited */ }
        });
      },
    });
    const busyMs = new Map<string, number>();
    new Counter({
      name: 'switchboard_thread_busy_seconds_total', help: 'Time the event loop of each thread was busy (not idle): per-worker CPU load', labelNames: ['thread'], registers: [reg],
      collect() {
        const read = (thread: string, activeMs: number) => {
          const d = activeMs - (busyMs.get(thread) ?? 0);
          busyMs.set(thread, activeMs);
          this.inc({ thread }, Math.max(0, d) / 1000);
        };
        read('main', performance.eventLoopUtilization().active);
        threads().forEach(([name, w]) => { try { read(name, w.performance.eventLoopUtilization().active); } catch { /* worker exited */ } });
      },
    });
    this.#twirp = new Counter({ name: 'switchboard_twirp_requests_total', help: 'Twirp calls by method and Twirp code (ok on success)', labelNames: ['method', 'code'], registers: [reg] });
    const hooks = src.webhooks;
    new Gauge({
      name: 'switchboard_webhook_events', help: 'Webhook events since start by outcome (queued, delivered, failed, dropped, retries)', labelNames: ['outcome'], registers: [reg],
      collect() { const s = hooks?.(); if (s) for (const [k, v] of Object.entries(s)) this.set({ outcome: k }, v); },
    });
    // TURN (embedded server, src/turn): read from the snapshot the last refresh took.
    const turn = (): TurnStats | null => this.#turn;
    new Gauge({ name: 'switchboard_turn_allocations', help: 'Active TURN allocations', registers: [reg], collect() { const t = turn(); if (t) this.set(t.allocationsActive); } });
    new Gauge({
      name: 'switchboard_turn_relayed_packets', help: 'Packets the TURN relays carried since start: to_peers (client -> media server), from_peers', labelNames: ['direction'], registers: [reg],
      collect() { const t = turn(); if (t) { this.set({ direction: 'to_peers' }, t.packetsToPeers); this.set({ direction: 'from_peers' }, t.packetsFromPeers); } },
    });
    new Gauge({
      name: 'switchboard_turn_relayed_bytes', help: 'Bytes the TURN relays carried since start', labelNames: ['direction'], registers: [reg],
      collect() { const t = turn(); if (t) { this.set({ direction: 'to_peers' }, t.bytesToPeers); this.set({ direction: 'from_peers' }, t.bytesFromPeers); } },
    });
    new Gauge({
      name: 'switchboard_turn_events', help: 'TURN counts since start (allocations created/expired, auth failures, forbidden peers, quota, malformed input, drops, TCP connections)', labelNames: ['what'], registers: [reg],
      collect() {
        const t = turn();
        if (!t) return;
        for (const k of TURN_COUNTS) this.set({ what: k }, t[k]);
      },
    });
  }

  /** Counts one finished Twirp call (SignalServerDeps.onTwirpCall). */
  twirpCall(path: string, code: string): void {
    this.#twirp.inc({ method: path.replace(/^\/twirp\//, '').slice(0, 80), code });
  }

  /** Reads every participant's stats (at most twice a second) and advances the counters. */
  refresh(nowMs = Date.now()): Promise<void> {
    if (this.#refreshing) return this.#refreshing;
    if (nowMs - this.#lastRefreshMs < 500) return Promise.resolve();
    this.#lastRefreshMs = nowMs;
    this.#refreshing = this.#refresh().finally(() => { this.#refreshing = undefined; });
    return this.#refreshing;
  }

  async #refresh(): Promise<void> {
    const parts = [...this.#src.engine.rooms.values()].flatMap((r) => [...r.participants.values()]);
    const seen = new Set<string>();
    const turn = this.#src.turn?.().then((t) => { this.#turn = t; }, () => undefined);
    await Promise.all(parts.map(async (p) => {
      seen.add(p.sid);
      try { this.#last.set(p.sid, mediaTotals(await p.stats())); } catch { /* left meanwhile: keep its last counts */ }
    }));
    await turn;
    for (const [sid, t] of this.#last) if (!seen.has(sid)) { add(this.#retired, t); this.#last.delete(sid); }
    const total = ZERO();
    add(total, this.#retired);
    for (const t of this.#last.values()) add(total, t);
    for (const k of Object.keys(total) as (keyof MediaTotals)[]) {
      const d = total[k] - this.#reported[k];
      if (d > 0) { this.#counters[k].c.inc(this.#counters[k].labels, d); this.#reported[k] = total[k]; }
    }
  }

  /** The exposition text (refreshes first). */
  async metrics(): Promise<string> {
    await this.refresh();
    return this.registry.metrics();
  }
}
