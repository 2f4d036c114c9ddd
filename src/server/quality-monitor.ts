// Sends connection_quality the way livekit-server's room connectionQualityWorker does:
// every 5 s, score each participant's streams (published: upstream loss + jitter;
// subscribed: the subscriber's receiver reports — loss, jitter — and RTT), and when any
// participant is new or changed quality, tell each participant about itself and about
// the participants it subscribes to. Runs on the main thread from engine stats (one
// stats call per participant per 5 s), never on the media path.
import type { ConnectionQualityInfo } from '../signal/messages.js';
import type { SignalSink } from '../signal/room-service.js';
import type { Participant } from '../engine/participant.js';
import { CQ_UPDATE_INTERVAL_MS, packetLossWeight, participantQuality, StreamScorer } from './connection-quality.js';

export interface MonitoredParticipant { p: Participant; sink: SignalSink }

interface Totals { packets: number; lost: number; rtcp: number }
interface State { scorers: Map<string, StreamScorer>; totals: Map<string, Totals>; last?: ConnectionQualityInfo }

export class QualityMonitor {
  readonly #list: () => Iterable<MonitoredParticipant>;
  readonly #state = new Map<string, State>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #busy = false;

  constructor(list: () => Iterable<MonitoredParticipant>, readonly intervalMs = CQ_UPDATE_INTERVAL_MS) { this.#list = list; }

  /** Starts the periodic ticks (idempotent; the timer does not keep the process alive). */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => { void this.tick(); }, this.intervalMs);
    this.#timer.unref?.();
  }

  stop(): void { if (this.#timer) clearInterval(this.#timer); this.#timer = undefined; }

  forget(sid: string): void { this.#state.delete(sid); }

  /** One round: score everyone, send updates if anything changed. Exposed for tests. */
  async tick(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const all = [...this.#list()].filter((m) => !m.p.left);
      const now = new Map<string, ConnectionQualityInfo>();
      for (const m of all) {
        const info = await this.#score(m.p).catch(() => undefined);
        if (info) now.set(m.p.sid, info);
      }
      let changed = false;
      for (const [sid, info] of now) {
        const st = this.#state.get(sid)!;
        if (!st.last || st.last.quality !== info.quality) changed = true;
        st.last = info;
      }
      if (!changed) return;
      for (const m of all) {
        const updates: ConnectionQualityInfo[] = [];
        const self = now.get(m.p.sid);
        if (self) updates.push(self);
        const pubs = new Set<string>();
        for (const trackSid of m.p.subscriptions.keys()) {
          const owner = publisherOf(m.p, trackSid);
          if (owner && owner !== m.p) pubs.add(owner.sid);
        }
        for (const sid of pubs) { const i = now.get(sid); if (i) updates.push(i); }
        if (updates.length) m.sink.connectionQuality(updates);
      }
    } finally {
      this.#busy = false;
    }
  }

  async #score(p: Participant): Promise<ConnectionQualityInfo | undefined> {
    const s = await p.stats();
    if (!s.tracks.length && !s.downTracks.length) return undefined; // not ACTIVE in LiveKit's sense
    let st = this.#state.get(p.sid);
    if (!st) { st = { scorers: new Map(), totals: new Map() }; this.#state.set(p.sid, st); }
    const scores: number[] = [];
    const window = (key: string, t: Totals): { packets: number; lost: number; rtcpSeen: boolean } => {
      const prev = st!.totals.get(key) ?? { packets: 0, lost: 0, rtcp: 0 };
      st!.totals.set(key, t);
      return { packets: Math.max(0, t.packets - prev.packets), lost: Math.max(0, t.lost - prev.lost), rtcpSeen: t.rtcp > prev.rtcp };
    };
    const scorer = (key: string, kind: 'audio' | 'video', rtt: boolean): StreamScorer => {
      let sc = st!.scorers.get(key);
      if (!sc) { sc = new StreamScorer(packetLossWeight(kind), rtt, true); st!.scorers.set(key, sc); }
      return sc;
    };
    for (const t of s.tracks) {
      // Upstream: RTT is not measurable without RTCP-XR (LiveKit leaves it out too).
      const w = window(`up:${t.sid}`, { packets: t.packets, lost: t.lost, rtcp: s.publisher.rtcpIn });
      const muted = p.tracks.get(t.sid)?.muted ?? false;
      scores.push(scorer(`up:${t.sid}`, t.kind, false).update({ ...w, rttMs: 0, jitterMs: t.jitterMs ?? 0 }, muted));
    }
    for (const d of s.downTracks) {
      const w = window(`down:${d.trackSid}`, { packets: d.packetsSent, lost: d.rrLost ?? 0, rtcp: s.subscriber.rtcpIn });
      const kind = publisherOf(p, d.trackSid)?.tracks.get(d.trackSid)?.kind ?? 'audio';
      scores.push(scorer(`down:${d.trackSid}`, kind, true).update({ ...w, rttMs: d.rttMs, jitterMs: d.rrJitterMs ?? 0 }, d.muted || d.paused));
    }
    const q = participantQuality(scores);
    return { participantSid: p.sid, quality: q.quality, score: q.score };
  }
}

/** The participant of `p`'s room that publishes `trackSid`. */
function publisherOf(p: Participant, trackSid: string): Participant | undefined {
  for (const o of p.room.participants.values()) if (o.tracks.has(trackSid)) return o;
  return undefined;
}
