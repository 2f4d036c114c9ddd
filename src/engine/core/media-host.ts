// A media host: one UDP socket (TransportServer) and the rooms placed on it. It runs in
// a worker thread (worker-main.ts) or, with workers: 0, in the caller's thread. It is
// driven only by `handle(request)` and reports through `emit(event)`; all media work
// for its rooms happens here.
import { TransportServer, type WebRtcTransport } from '../../transport/index.js';
import type { Capabilities } from '../../sdp/index.js';
import { engineCapabilities } from './capabilities.js';
import type { DtlsCertificate } from '../../dtls/index.js';
import { EngineError } from '../errors.js';
import type { EngineEvent, ParticipantStats, Request, TransportIceStats } from '../protocol.js';
import type { HostContext } from './context.js';
import { RoomCore, type ParticipantCore } from './room-core.js';
import type { TrackCore } from './track-core.js';
import { nackSkipped } from './nack-stats.js';
import { SimulcastReceiver, temporalForFps } from '../../sfu/index.js';
import type { SubscriberLayers } from './subscriber-layers.js';
import type { PacerMode } from '../../sfu/index.js';

function envPacer(): PacerMode | undefined {
  const v = process.env.SWITCHBOARD_PACER;
  return v === 'leaky-bucket' || v === 'pass-through' ? v : undefined;
}

export interface MediaHostOptions {
  certificate: DtlsCertificate;
  /** Address to bind. Default '127.0.0.1'. */
  host?: string;
  /** UDP port. Default 0 (any). */
  port?: number;
  /**
   * ICE-TCP listener port (RFC 6544 passive candidate on `host`). Default 0 (any free
   * port); false = no ICE-TCP.
   */
  tcpPort?: number | false;
  /** Address written into SDP candidates. Default: `host`. */
  announcedAddress?: string;
  /** Default: src/sdp's defaultCapabilities with NACK for Opus (see capabilities.ts). */
  capabilities?: Capabilities;
  /** Period of the RTCP timer (upstream NACKs, held PLIs; reports go once a second). Default 20 ms. */
  tickMs?: number;
  /**
   * Pacer of subscriber transports. Default: env SWITCHBOARD_PACER, else per transport:
   * 'leaky-bucket' (2.5 x the estimate) when the subscriber negotiated transport-cc (the
   * StreamAllocator follows that estimate and probes for more), 'pass-through' without it.
   */
  pacer?: PacerMode;
  /** TWCC feedback to publishers. Default: true unless env SWITCHBOARD_PUBLISHER_TWCC=off (baseline measurements). */
  publisherTwcc?: boolean;
}

export class MediaHost {
  readonly server: TransportServer;
  readonly rooms = new Map<string, RoomCore>();
  readonly #participants = new Map<string, ParticipantCore>();
  readonly #tracks = new Map<string, TrackCore>();
  readonly #opts: MediaHostOptions;
  readonly #emit: (ev: EngineEvent) => void;
  #ctx: HostContext | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(opts: MediaHostOptions, emit: (ev: EngineEvent) => void) {
    this.#opts = opts;
    this.#emit = emit;
    this.server = new TransportServer({
      certificate: opts.certificate, host: opts.host ?? '127.0.0.1', port: opts.port ?? 0,
      ...(opts.tcpPort === false ? {} : { tcp: { port: opts.tcpPort ?? 0 } }),
    });
  }

  /** Binds the socket; resolves to the UDP port. */
  async start(): Promise<number> {
    const port = await this.server.listen();
    const o = this.#opts;
    this.#ctx = {
      server: this.server,
      fingerprints: [{ ...o.certificate.fingerprint }],
      candidates: [
        { address: o.announcedAddress ?? o.host ?? '127.0.0.1', port },
        // RFC 6544 passive TCP host candidate, priority below UDP (src/sdp/local-transport.ts).
        ...(this.server.tcp ? [{ address: o.announcedAddress ?? o.host ?? '127.0.0.1', port: this.server.tcpPort, protocol: 'tcp' as const }] : []),
      ],
      capabilities: o.capabilities ?? engineCapabilities,
      pacer: o.pacer ?? envPacer(),
      publisherTwcc: o.publisherTwcc ?? process.env.SWITCHBOARD_PUBLISHER_TWCC !== 'off',
      emit: (ev) => { if (!this.#closed) this.#emit(ev); },
      trackSidTaken: (sid) => this.#tracks.has(sid),
    };
    this.#timer = setInterval(() => this.#tick(), o.tickMs ?? 20);
    this.#timer.unref();
    return port;
  }

  #tick(): void {
    const now = performance.now();
    const wall = performance.timeOrigin + now;
    for (const r of this.rooms.values()) r.tick(now, wall);
  }

  #participant(sid: string): ParticipantCore {
    const p = this.#participants.get(sid);
    if (!p) throw new EngineError('participant-not-found', `no participant ${sid}`);
    return p;
  }

  #track(sid: string): TrackCore {
    const t = this.#tracks.get(sid);
    if (!t) throw new EngineError('track-not-found', `no track ${sid}`);
    return t;
  }

  /** The publisher's measured frame rate of a video track (its fastest simulcast layer), 0 unknown. */
  #framesPerSecond(trackSid: string): number {
    const r = this.#tracks.get(trackSid)?.receiver;
    if (!r) return 0;
    if (r instanceof SimulcastReceiver) return Math.max(0, ...r.layers.map((l) => l?.framesPerSecond ?? 0));
    return r.framesPerSecond;
  }

  /** Executes one control request (synchronously; throws EngineError / SdpError). */
  handle(req: Request): unknown {
    if (this.#closed) throw new EngineError('closed', 'media host closed');
    const ctx = this.#ctx;
    if (!ctx) throw new EngineError('invalid-state', 'media host not started');
    switch (req.op) {
      case 'createRoom': {
        if (!this.rooms.has(req.room)) this.rooms.set(req.room, new RoomCore(ctx, req.room, { tracks: this.#tracks, participants: this.#participants }));
        return undefined;
      }
      case 'closeRoom': {
        const r = this.rooms.get(req.room);
        if (r) { this.rooms.delete(req.room); r.close(); }
        return undefined;
      }
      case 'join': {
        const r = this.rooms.get(req.params.room);
        if (!r) throw new EngineError('room-not-found', `no room ${req.params.room}`);
        if (this.#participants.has(req.params.sid)) throw new EngineError('invalid-state', `participant ${req.params.sid} already joined`);
        const part = r.join(req.params);
        // Set before the first subscriber offer (it is made on a later turn).
        if (req.params.subscriberCandidate) part.subscriber.candidateOverride = [{ ...req.params.subscriberCandidate }];
        if (req.params.publisherCandidate) part.publisher.candidateOverride = [{ ...req.params.publisherCandidate }];
        return undefined;
      }
      case 'leave': {
        const p = this.#participants.get(req.participant);
        if (p) p.room.leave(p.sid);
        return undefined;
      }
      case 'publisherOffer': return this.#participant(req.participant).publisher.handleOfferDetailed(req.sdp, req.trackSids);
      case 'subscriberAnswer': return this.#participant(req.participant).subscriber.handleAnswer(req.sdp, performance.now());
      case 'restartSubscriberIce': return this.#participant(req.participant).subscriber.requestIceRestart();
      case 'setTrackMuted': {
        const t = this.#track(req.track);
        if (t.setMuted(req.muted, performance.now())) {
          const p = this.#participant(t.info.participantSid);
          p.room.media.setMuted(t.sid, req.muted);
          ctx.emit({ type: 'trackMuted', room: p.room.name, participant: p.sid, track: t.sid, muted: req.muted });
        }
        return undefined;
      }
      case 'unpublishTrack': {
        const t = this.#track(req.track);
        this.#participant(t.info.participantSid).publisher.unpublishTrack(t.sid);
        return undefined;
      }
      case 'subscribe': {
        const p = this.#participant(req.participant);
        const t = this.#track(req.track);
        if (t.info.participantSid === p.sid) throw new EngineError('invalid-state', 'a participant cannot subscribe to its own track');
        p.subscriber.subscribe(t);
        return undefined;
      }
      case 'setSubscriptionPreferences': {
        const { width, height, maxSpatial, maxTemporal, fps } = req;
        const sub = this.#participant(req.participant).subscriber;
        if (width !== undefined || height !== undefined || maxSpatial !== undefined) {
          sub.layers.setPreferences(req.track, { ...(width !== undefined ? { width } : {}), ...(height !== undefined ? { height } : {}), ...(maxSpatial !== undefined ? { maxSpatial } : {}) });
        }
        const t = maxTemporal ?? (fps !== undefined ? temporalForFps(fps, this.#framesPerSecond(req.track)) : undefined);
        if (t !== undefined) sub.setMaxTemporal(req.track, t);
        return undefined;
      }
      case 'setSubscriptionPaused': {
        if (!this.#participant(req.participant).subscriber.setPaused(req.track, req.paused, performance.now())) throw new EngineError('track-not-found', `not subscribed to ${req.track}`);
        return undefined;
      }
      case 'unsubscribe': this.#participant(req.participant).subscriber.unsubscribe(req.track); return undefined;
      case 'stats': return this.#stats(this.#participant(req.participant));
      case 'sendData': {
        const r = this.rooms.get(req.room);
        if (!r) throw new EngineError('room-not-found', `no room ${req.room}`);
        const packet = Buffer.from(req.packet.buffer, req.packet.byteOffset, req.packet.byteLength);
        const res = r.data.send(packet, req.kind, req.to);
        if ('error' in res) throw new EngineError('invalid-argument', res.error);
        return res.recipients;
      }
      case 'dataEvents': {
        const r = this.rooms.get(req.room);
        if (!r) throw new EngineError('room-not-found', `no room ${req.room}`);
        r.data.hooks = req.enabled
          ? { onRouted: (from, kind, packet) => ctx.emit({ type: 'data', room: r.name, participant: from?.sid ?? '', kind, packet: new Uint8Array(packet) }) }
          : {};
        return undefined;
      }
      case 'setDataPermission': this.#participant(req.participant).data.canPublishData = req.canPublishData; return undefined;
      case 'load': return this.#participants.size;
      case 'close': this.close(); return undefined;
    }
  }

  #stats(p: ParticipantCore): ParticipantStats {
    const pt = p.publisher.transport, st = p.subscriber.transport;
    return {
      publisher: pt ? { state: pt.state, rtpIn: pt.stats.rtpIn, rtcpIn: pt.stats.rtcpIn, rtcpOut: pt.stats.rtcpOut, srtpInDropped: pt.stats.srtpInDropped, bytesIn: pt.stats.bytesIn, bytesOut: pt.stats.bytesOut } : { state: 'none', rtpIn: 0, rtcpIn: 0, rtcpOut: 0, srtpInDropped: 0, bytesIn: 0, bytesOut: 0 },
      subscriber: st ? { state: st.state, rtpOut: st.stats.rtpOut, rtcpIn: st.stats.rtcpIn, rtcpOut: st.stats.rtcpOut, sendDropped: st.stats.sendDropped, bytesIn: st.stats.bytesIn, bytesOut: st.stats.bytesOut } : { state: 'none', rtpOut: 0, rtcpIn: 0, rtcpOut: 0, sendDropped: 0, bytesIn: 0, bytesOut: 0 },
      tracks: [...p.publisher.tracks.values()].map((t) => {
        const c = t.receiver.counters;
        return { sid: t.sid, kind: t.info.kind, packets: c.packets, keyframes: c.keyframes, keyframeRequests: c.keyframeRequests, senderReports: c.senderReports, lost: t.receiver.stats.lost,
          nackedSeqs: c.nackedSeqs, rtxReceived: c.rtxRecovered, duplicates: c.duplicates, jitterMs: t.receiver.stats.jitterMs };
      }),
      downTracks: p.subscriber.downTracks().map((d) => ({
        trackSid: d.receiver.trackId, ssrc: d.ssrc, packetsSent: d.counters.packetsSent, dropped: d.counters.dropped,
        plis: d.counters.plisReceived, firs: d.counters.firsReceived, nacks: d.counters.nacksReceived,
        retransmits: d.counters.retransmits, rtxSent: d.counters.rtxSent, rttMs: d.rttMs, nackSkipped: nackSkipped(d), muted: d.muted, paused: d.paused,
        rrLost: d.counters.cumulativeLost, rrJitterMs: (d.counters.jitter * 1000) / d.receiver.codec.clockRate,
        ...layerStats(p.subscriber.layers.layerOf(d.receiver.trackId)),
        ...(d.temporal ? { temporal: { current: d.temporal.current, target: d.temporal.target, ...d.temporal.counters } } : {}),
      })),
      cc: ccStats(p, performance.now()),
      ice: { ...(pt ? { publisher: iceStats(pt) } : {}), ...(st && st !== pt ? { subscriber: iceStats(st) } : {}) },
      data: { ...p.data.counters },
    };
  }

  get closed(): boolean { return this.#closed; }

  /** Idempotent: closes every room, the timer and the socket. */
  close(): void {
    if (this.#closed) return;
    for (const r of this.rooms.values()) r.close();
    this.#closed = true;
    this.rooms.clear();
    if (this.#timer) clearInterval(this.#timer);
    this.server.close();
  }
}

function iceStats(t: WebRtcTransport): TransportIceStats {
  const a = t.selectedAddress, port = t.selectedPort;
  return { restarts: t.ice.stats.restarts, selectedPairChanges: t.ice.stats.selectedPairChanges, dtlsConnects: t.stats.dtlsConnects, ...(a !== undefined ? { selected: `${a}:${port}` } : {}) };
}

function ccStats(p: ParticipantCore, nowMs: number): NonNullable<ParticipantStats['cc']> {
  const out: NonNullable<ParticipantStats['cc']> = {};
  const s = p.subscriber.sender;
  if (s) {
    const x = s.stats(nowMs);
    out.subscriber = { pacer: x.pacer, twccExtId: x.twccExtId, estimateBps: x.estimateBps, delayBasedBps: x.delayBasedBps, lossBasedBps: x.lossBasedBps, ackedBps: x.ackedBps,
      rembBps: x.rembBps, twccFeedbacks: x.twccFeedbacks, rembs: x.rembs, historySent: x.historySent, queuedPackets: x.queuedPackets, queueDelayP50Ms: x.queueDelayP50Ms,
      queueDelayP99Ms: x.queueDelayP99Ms, queueDelayMaxMs: x.queueDelayMaxMs, released: x.released, dropped: x.dropped, sendFailed: x.sendFailed, extInserted: x.extInserted };
  }
  const t = p.publisher.twcc;
  if (t) out.publisher = { twccExtId: t.extId, recorded: t.counters.recorded, missing: t.counters.missing, feedbacks: t.counters.feedbacks };
  return out;
}

/** Simulcast forwarder state for the stats (nothing for a plain track). */
function layerStats(l: ReturnType<SubscriberLayers['layerOf']>): { layer?: { current: number; target: number; switchesUp: number; switchesDown: number } } {
  return l ? { layer: l } : {};
}
