// Layer selection for one subscriber: its SubscriberAllocation (StreamAllocator +
// Forwarders of its simulcast DownTracks + each track's Dynacast wish), the estimate that
// drives it (the subscriber transport's send-side estimate when the SubscriberSender
// reports one, else the loss-based fallback), and the engine events that report it:
// 'subscriptionLayer' with change 'target' (the allocator's decision), 'switched' (the
// forwarder switched at a key frame), 'paused'/'resumed' (no room for the track).
//
// SWITCHBOARD_ALLOCATOR_ESTIMATE=loss ignores the transport's estimate and allocates by
// the loss-based fallback. A send-side (TWCC) estimate cannot rise much above what is
// being sent (GCC caps it near 1.5x the acknowledged rate), so while the allocator is
// short of it (`wantsProbe`) the subscriber transport sends probe clusters (recent video
// packets re-sent as RTX, `probeSource`); the loss-based estimate instead climbs by
// trying the next layer. Default: the transport's estimate.
import { SimulcastReceiver, SubscriberAllocation, type DownTrack, type PacketSink, type ProbeSource, type SubscriberAllocationEvent } from '../../sfu/index.js';
import type { HostContext } from './context.js';
import type { TrackCore } from './track-core.js';

export interface LayerPreferences {
  /** Visible size, px (0: no limit). */
  width?: number;
  height?: number;
  /** Highest spatial layer wanted (0 low .. 2 high). */
  maxSpatial?: number;
}

interface Entry { sim: SimulcastReceiver; dt: DownTrack; lastCurrent: number }

export class SubscriberLayers {
  readonly allocation: SubscriberAllocation;
  readonly #ctx: HostContext;
  readonly #participant: string;
  readonly #videos = new Map<string, Entry>();
  readonly #audio = new Set<string>();
  /** Preferences given before the DownTrack existed. */
  readonly #early = new Map<string, LayerPreferences>();
  readonly #lossOnly = process.env.SWITCHBOARD_ALLOCATOR_ESTIMATE === 'loss';
  /**
   * Probe packets for the subscriber transport: recent packets of a subscribed simulcast
   * track re-sent as RTX (0 bytes when no track negotiated RTX: then no probing).
   */
  readonly probeSource: ProbeSource = { sendProbe: (sink: PacketSink, back: number): number => {
    for (const e of this.#videos.values()) {
      const rt = e.dt.retransmitter;
      if (rt === null || rt.rtxPayloadType < 0 || e.dt.paused) continue;
      return rt.sendProbe(sink, back);
    }
    return 0;
  } };

  constructor(ctx: HostContext, participantSid: string) {
    this.#ctx = ctx;
    this.#participant = participantSid;
    this.allocation = new SubscriberAllocation({ subscriberId: participantSid, onEvent: (e, nowMs) => this.#emit(e, nowMs) });
  }

  /** The subscriber transport's estimate (bps), when its BWE has one. */
  onEstimate(bps: number): void { if (!this.#lossOnly) this.allocation.setExternalEstimate(bps); }

  attach(track: TrackCore, dt: DownTrack): void {
    if (track.info.kind === 'audio') { this.#audio.add(track.sid); this.allocation.setAudioCount(this.#audio.size); return; }
    if (!(track.receiver instanceof SimulcastReceiver)) return;
    this.#videos.set(track.sid, { sim: track.receiver, dt, lastCurrent: -1 });
    this.allocation.addVideo(track.sid, track.receiver, dt);
    const p = this.#early.get(track.sid);
    if (p) { this.#early.delete(track.sid); this.allocation.setPreferences(track.sid, p); }
  }

  detach(trackSid: string): void {
    if (this.#audio.delete(trackSid)) this.allocation.setAudioCount(this.#audio.size);
    this.#videos.delete(trackSid);
    this.#early.delete(trackSid);
    this.allocation.removeVideo(trackSid);
  }

  /** Requested size / quality of a subscribed video track. False when the track is not a simulcast subscription (yet: kept for later). */
  setPreferences(trackSid: string, p: LayerPreferences): boolean {
    if (this.allocation.setPreferences(trackSid, p)) return true;
    this.#early.set(trackSid, { ...this.#early.get(trackSid), ...p });
    return false;
  }

  /** Current/target layer of a subscribed simulcast track (undefined: none). */
  layerOf(trackSid: string): { current: number; target: number; switchesUp: number; switchesDown: number } | undefined {
    const e = this.#videos.get(trackSid);
    const f = e?.sim.forwarderOf(e.dt);
    return f ? { current: f.current, target: f.target, switchesUp: f.counters.switchesUp, switchesDown: f.counters.switchesDown } : undefined;
  }

  /** The allocator wants more than the transport's estimate allows: probe (not with the loss-only estimate). */
  get wantsProbe(): boolean { return !this.#lossOnly && this.allocation.deficient; }

  tick(nowMs: number, downTracks: Iterable<DownTrack>): void {
    if (this.#videos.size === 0) return;
    this.allocation.tick(nowMs, downTracks);
    for (const [sid, e] of this.#videos) {
      const f = e.sim.forwarderOf(e.dt);
      if (!f || f.current === e.lastCurrent) continue;
      e.lastCurrent = f.current;
      if (f.current < 0) continue;
      this.#ctx.emit({ type: 'subscriptionLayer', participant: this.#participant, track: sid, change: 'switched', spatial: f.current,
        estimateBps: Math.round(this.allocation.estimateBps), estimate: this.allocation.estimateKind, atMs: wall(f.lastSwitchMs) });
    }
  }

  #emit(e: SubscriberAllocationEvent, nowMs: number): void {
    const est = Math.round(this.allocation.estimateBps);
    this.#ctx.emit({ type: 'subscriptionLayer', participant: this.#participant, track: e.trackId, change: e.type,
      spatial: e.type === 'target' ? e.spatial : -1, estimateBps: est, estimate: this.allocation.estimateKind, atMs: wall(nowMs) });
  }

  close(): void {
    this.allocation.close();
    this.#videos.clear();
  }
}

/** Epoch ms of a performance.now() reading (workers have their own time origin). */
function wall(nowMs: number): number { return Math.round(performance.timeOrigin + nowMs); }
