// The control protocol between the engine API (main thread) and a media host (a worker
// thread, or the same thread when workers: 0). Plain structured-clonable data only:
// requests carry an id and get exactly one reply; events flow host -> API.
// Media never crosses: RTP/RTCP stay inside the host that owns the sockets.
import type { SerializedError } from './errors.js';
import type { DataCounters } from './data/participant-data.js';

import type { DataKind } from './data/data-packet.js';
export type { DataKind };
export type MediaKind = 'audio' | 'video';
export type PcKind = 'publisher' | 'subscriber';
export type ConnectionState = 'new' | 'checking' | 'connected' | 'failed' | 'closed';

export interface TrackInfo {
  sid: string;
  participantSid: string;
  kind: MediaKind;
  /** The publisher's mid for this track. */
  mid: string;
  /** The publisher's msid track id, when announced. */
  name: string;
  ssrc: number;
  codec: { name: string; clockRate: number; channels?: number; payloadType: number };
  muted: boolean;
}

export interface ParticipantInfo {
  sid: string;
  identity: string;
  name: string;
  metadata: string;
}

export interface JoinParams {
  room: string;
  sid: string;
  identity: string;
  name?: string;
  metadata?: string;
  /** Subscribe to every track published in the room. Default true. */
  autoSubscribe?: boolean;
  /** See JoinOptions.subscriberPrimary. */
  subscriberPrimary?: boolean;
  /** See JoinOptions.singlePeerConnection. */
  singlePeerConnection?: boolean;
  /** See JoinOptions.canPublish. */
  canPublish?: boolean;
  /** See JoinOptions.canPublishData. */
  canPublishData?: boolean;
  /** See JoinOptions.hidden. */
  hidden?: boolean;
  /** See JoinOptions.agent. */
  agent?: boolean;
  /**
   * Test/NAT hook: the ICE candidate our subscriber offers to this participant announce
   * instead of the host's own address (e.g. a loopback impairment proxy in front of the
   * host's port in tests, or a port forward). Media still leaves from the host's socket.
   */
  subscriberCandidate?: { address: string; port: number };
  /** Test/NAT hook, as subscriberCandidate but for the publisher transport's answers. */
  publisherCandidate?: { address: string; port: number };
}

/** ICE and DTLS of one transport: restarts, selected-pair switches, the selected remote address, DTLS handshakes done. */
export interface TransportIceStats { restarts: number; selectedPairChanges: number; selected?: string; dtlsConnects: number }

/** Counters for tests and monitoring. */
export interface ParticipantStats {
  /** Per transport (absent before it exists); single peer connection: only publisher. */
  ice?: { publisher?: TransportIceStats; subscriber?: TransportIceStats };
  /** bytesIn/bytesOut: SRTP/SRTCP bytes on the wire, both directions of that transport. */
  publisher: { state: ConnectionState | 'none'; rtpIn: number; rtcpIn: number; rtcpOut: number; srtpInDropped: number; bytesIn: number; bytesOut: number };
  subscriber: { state: ConnectionState | 'none'; rtpOut: number; rtcpIn: number; rtcpOut: number; sendDropped: number; bytesIn: number; bytesOut: number };
  tracks: { sid: string; kind: MediaKind; packets: number; keyframes: number; keyframeRequests: number; senderReports: number; lost: number;
    /** Sequence numbers NACKed to the publisher; originals recovered from its RTX; packets received twice (not forwarded again). */
    nackedSeqs: number; rtxReceived: number; duplicates: number;
    /** Interarrival jitter of the publisher's stream, ms (RFC 3550 A.8). */
    jitterMs?: number }[];
  downTracks: { trackSid: string; ssrc: number; packetsSent: number; dropped: number; plis: number; firs: number; nacks: number;
    /** Retransmissions sent in answer to this subscriber's NACKs (RTX or plain), how many were RTX, RTT from its RRs (0: unknown). */
    retransmits: number; rtxSent: number; rttMs: number;
    /** NACKed packets not resent, by reason (see NackResponder / Retransmitter counters). */
    nackSkipped: { notFound: number; tooOld: number; exhausted: number; tooSoon: number; rateLimited: number; cacheMiss: number };
    muted: boolean; paused: boolean;
    /** From the subscriber's last receiver report: cumulative lost and interarrival jitter (ms). */
    rrLost?: number; rrJitterMs?: number;
    /** Simulcast: the spatial layer forwarded (-1: none), the allocator's target, switches taken. */
    layer?: { current: number; target: number; switchesUp: number; switchesDown: number };
    /** VP8 temporal layer selection: highest TID forwarded now / wanted (3: all), packets dropped for it. */
    temporal?: { current: number; target: number; dropped: number; switchesUp: number; switchesDown: number } }[];
  /** DataPackets from and to this participant (src/engine/data ParticipantData counters). */
  data?: DataCounters;
  /** Congestion control of the transports (src/sfu SubscriberSender / PublisherTwcc), when they exist. */
  cc?: {
    subscriber?: { pacer: string; twccExtId: number; estimateBps: number; delayBasedBps: number; lossBasedBps: number; ackedBps: number; rembBps: number;
      twccFeedbacks: number; rembs: number; historySent: number; queuedPackets: number; queueDelayP50Ms: number; queueDelayP99Ms: number; queueDelayMaxMs: number;
      released: number; dropped: number; sendFailed: number; extInserted: number };
    publisher?: { twccExtId: number; recorded: number; missing: number; feedbacks: number };
  };
}

export type Request =
  | { op: 'createRoom'; room: string }
  | { op: 'closeRoom'; room: string }
  | { op: 'join'; params: JoinParams }
  | { op: 'leave'; participant: string }
  | { op: 'publisherOffer'; participant: string; sdp: string; trackSids?: Record<string, string> }
  | { op: 'subscriberAnswer'; participant: string; sdp: string }
  /** Reply: boolean (false: nothing to restart). */
  | { op: 'restartSubscriberIce'; participant: string }
  | { op: 'setTrackMuted'; track: string; muted: boolean }
  | { op: 'unpublishTrack'; track: string }
  | { op: 'subscribe'; participant: string; track: string }
  | { op: 'unsubscribe'; participant: string; track: string }
  | { op: 'setSubscriptionPaused'; participant: string; track: string; paused: boolean }
  | { op: 'setSubscriptionPreferences'; participant: string; track: string; width?: number; height?: number; maxSpatial?: number; maxTemporal?: number; fps?: number }
  | { op: 'stats'; participant: string }
  | { op: 'sendData'; room: string; kind: DataKind; packet: Uint8Array; to?: string }
  | { op: 'dataEvents'; room: string; enabled: boolean }
  | { op: 'setDataPermission'; participant: string; canPublishData: boolean }
  | { op: 'load' }
  | { op: 'close' };

export type EngineEvent =
  | { type: 'participantJoined'; room: string; participant: ParticipantInfo }
  | { type: 'participantLeft'; room: string; participant: string }
  | { type: 'trackPublished'; room: string; track: TrackInfo }
  | { type: 'trackUnpublished'; room: string; participant: string; track: string }
  | { type: 'trackMuted'; room: string; participant: string; track: string; muted: boolean }
  | { type: 'subscriberOffer'; participant: string; sdp: string }
  | { type: 'mediaSectionsRequirement'; participant: string; audios: number; videos: number }
  | { type: 'trackSubscribed'; participant: string; track: string }
  | { type: 'trackUnsubscribed'; participant: string; track: string }
  | { type: 'connectionState'; participant: string; pc: PcKind; state: ConnectionState }
  /** A routed DataPacket as recipients got it (only while the room's data events are on); participant '' = the embedder. */
  | { type: 'data'; room: string; participant: string; kind: DataKind; packet: Uint8Array }
  | SimulcastEvent;

/**
 * Simulcast / allocation / active speaker events (src/engine/core/subscriber-layers.ts,
 * room-media.ts). `atMs` is epoch ms. 'subscriptionLayer': the subscriber's allocator chose
 * a target layer ('target', spatial -1 = none), the forwarder switched at a key frame
 * ('switched'), or the track got no room ('paused') / room again ('resumed'); `estimate`
 * says what drove it ('external': the transport's BWE, 'loss-fallback': RR loss).
 * 'subscribedQualityUpdate' (dynacast): the highest layer any subscriber needs of a
 * publisher's track (EngineRoomService sends it to the publisher as SubscribedQualityUpdate).
 */
export type SimulcastEvent =
  | { type: 'subscriptionLayer'; participant: string; track: string; change: 'target' | 'switched' | 'paused' | 'resumed'; spatial: number; estimateBps: number; estimate: 'external' | 'loss-fallback'; atMs: number }
  | { type: 'subscribedQualityUpdate'; room: string; participant: string; track: string; maxSpatial: number; enabled: boolean[] }
  | { type: 'speakersChanged'; room: string; speakers: SpeakerEntry[] };

/** An active speaker: its participant, the audio track, smoothed level 0..1. */
export interface SpeakerEntry { participant: string; track: string; level: number; active: boolean }

/** Messages on the port: API -> host requests, host -> API replies and events. */
export type ToHost = { id: number; req: Request };
export type FromHost =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: SerializedError }
  | { kind: 'event'; event: EngineEvent }
  | { kind: 'ready'; port: number; tcpPort: number };
