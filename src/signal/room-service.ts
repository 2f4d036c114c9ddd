// The contract between the signaling shim and the media engine.
//
// The shim (src/signal) owns WebSockets, protobuf and tokens; it calls RoomService for
// everything about rooms and media. The engine implements RoomService and talks back
// to each participant through the SignalSink the shim hands it at join. Calls for one
// participant are serialised: the shim never calls RoomService for a participant again
// before the previous call's promise settled, and never after leave().
//
// Errors: a RoomService method may throw (or reject with) RequestRejectedError to send
// the client a RequestResponse with that reason and message; any other error becomes
// RequestResponse UNCLASSIFIED_ERROR. The session stays up either way.
import type {
  AddTrackRequest, Codec, ConnectionQualityInfo, DisconnectReason, ICEServer, ParticipantInfo,
  ParticipantPermission, Room, SessionDescription, SignalTarget, SpeakerInfo, SubscribedQualityUpdate, SubscriptionPermission,
  TrackInfo, UpdateSubscription, UpdateTrackSettings, UpdateVideoLayers,
  SubscriptionPermissionUpdate, SyncState, UpdateLocalAudioTrack, UpdateLocalVideoTrack, UpdateParticipantMetadata,
} from './messages.js';

/** RTCIceCandidateInit, as the client JSON-encodes it in TrickleRequest.candidateInit. */
export interface IceCandidateInit {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

/** Client facts from the /rtc query string (LiveKit's names: sdk, version, protocol, os, browser). */
export interface ClientInfo {
  sdk?: string;
  version?: string;
  protocol?: number;
  os?: string;
  browser?: string;
}

export interface JoinRequest {
  room: string;
  identity: string;
  name: string;
  metadata: string;
  attributes: Record<string, string>;
  /** The token's grant as a ParticipantPermission (defaults applied). */
  permission: ParticipantPermission;
  /** The token's `kind` claim ('agent': may publish transcriptions). */
  kind?: string;
  /** ?auto_subscribe (default true): subscribe to every published track automatically. */
  autoSubscribe: boolean;
  /** ?adaptive_stream (default false). */
  adaptiveStream: boolean;
  client: ClientInfo;
  /** /rtc/v1: one peer connection carries publish and subscribe; the client always offers. */
  singlePeerConnection?: boolean;
  /** Where the engine sends this participant's events, until leave() or sink.close(). */
  signal: SignalSink;
}

export interface JoinResult {
  /** At least sid and name. */
  room: Room;
  /** The joining participant; its `sid` keys every later call. */
  participant: ParticipantInfo;
  otherParticipants: ParticipantInfo[];
  /** Default: none (ICE-lite server with host candidates). */
  iceServers?: ICEServer[];
  /** Default: permission.canSubscribe (as LiveKit: the subscriber PC is primary). */
  subscriberPrimary?: boolean;
  enabledPublishCodecs?: Codec[];
}

/** Engine -> one participant. The shim turns each call into one SignalResponse. */
export interface SignalSink {
  /** Participants joined, changed (tracks, mute, metadata) or left (state DISCONNECTED) -> `update`. */
  participantUpdate(participants: ParticipantInfo[]): void;
  /** A (re)negotiation offer for the subscriber PeerConnection -> `offer`; the client answers. */
  subscriberOffer(offer: SessionDescription): void;
  /** A server ICE candidate (null: end of candidates) -> `trickle`. ICE-lite may never call it. */
  iceCandidate(target: SignalTarget, candidate: IceCandidateInit | null): void;
  /** The server unpublished one of this participant's tracks -> `track_unpublished`. */
  trackUnpublished(trackSid: string): void;
  /** Server-initiated mute of one of this participant's tracks -> `mute`. */
  trackMuted(trackSid: string, muted: boolean): void;
  /** A subscribed track of this participant got its first subscriber -> `track_subscribed`. */
  trackSubscribed(trackSid: string): void;
  speakersChanged(speakers: SpeakerInfo[]): void;
  roomUpdate(room: Room): void;
  connectionQuality(updates: ConnectionQualityInfo[]): void;
  /** Dynacast: which simulcast qualities of one of this participant's published tracks
   *  subscribers want -> `subscribed_quality_update`; the client pauses the disabled
   *  encodings. Optional so older sinks still compile. */
  subscribedQualityUpdate?(update: SubscribedQualityUpdate): void;
  /** Single peer connection: the client should offer again with this many more recvonly sections -> `media_sections_requirement`. */
  mediaSectionsRequirement?(numAudios: number, numVideos: number): void;
  /** A publisher allowed or disallowed this participant one of its tracks -> `subscription_permission_update`. */
  subscriptionPermissionUpdate?(update: SubscriptionPermissionUpdate): void;
  /** A subscription this participant asked for failed (e.g. no such track) -> `subscription_response`. */
  subscriptionResponse?(trackSid: string, err: number): void;
  /** The server needs the client to rejoin from scratch -> `leave` (RECONNECT), session ended. */
  fullReconnect?(reason: DisconnectReason): void;
  /** The engine removed the participant (kicked, room closed) -> `leave`, socket closed.
   *  The shim does NOT call RoomService.leave afterwards. */
  close(reason: DisconnectReason): void;
}

export interface RoomService {
  /** Find or create the room and add the participant. Called once the token verified. */
  join(req: JoinRequest): Promise<JoinResult>;
  /** The client's publisher offer; resolves to the answer (type 'answer'). */
  publisherOffer(participantSid: string, offer: SessionDescription): Promise<SessionDescription>;
  /** The client's answer to the latest SignalSink.subscriberOffer. */
  subscriberAnswer(participantSid: string, answer: SessionDescription): Promise<void>;
  /** A client ICE candidate for one of its PeerConnections; null = end of candidates. */
  addIceCandidate(participantSid: string, target: SignalTarget, candidate: IceCandidateInit | null): Promise<void>;
  /** The client announces a track it will send; resolves to the TrackInfo (with sid) to publish. */
  addTrack(participantSid: string, req: AddTrackRequest): Promise<TrackInfo>;
  /** Mute or unmute one of the participant's published tracks (sid checked by the shim). */
  muteTrack(participantSid: string, trackSid: string, muted: boolean): Promise<void>;
  updateSubscription(participantSid: string, update: UpdateSubscription): Promise<void>;
  updateTrackSettings(participantSid: string, settings: UpdateTrackSettings): Promise<void>;
  /** Optional: simulcast layer changes. Absent -> UNSUPPORTED_TYPE to the client. */
  updateVideoLayers?(participantSid: string, update: UpdateVideoLayers): Promise<void>;
  /** Optional: who may subscribe to this participant's tracks. Absent -> UNSUPPORTED_TYPE. */
  updateSubscriptionPermission?(participantSid: string, perm: SubscriptionPermission): Promise<void>;
  /** Optional: the participant's own name/metadata/attributes (grant and limits checked by the shim). */
  updateParticipantMetadata?(participantSid: string, update: UpdateParticipantMetadata): Promise<void>;
  /** Optional: new features of a published audio track (sid checked by the shim). */
  updateLocalAudioTrack?(participantSid: string, update: UpdateLocalAudioTrack): Promise<void>;
  /** Optional: new dimensions of a published video track (sid checked by the shim). */
  updateLocalVideoTrack?(participantSid: string, update: UpdateLocalVideoTrack): Promise<void>;
  /** Optional: a resumed client's state (published tracks already checked): disabled tracks and subscriptions. */
  syncState?(participantSid: string, state: SyncState): Promise<void>;
  /** Optional: simulate speaker activity for `seconds` (active now, inactive after). */
  simulateSpeaker?(participantSid: string, seconds: number): Promise<void>;
  /** The participant is gone for good (client leave, grace period over, duplicate identity, shutdown). */
  leave(participantSid: string, reason: DisconnectReason): Promise<void>;
  /** Optional: the WebSocket dropped; the grace period started (media may continue). */
  signalDisconnected?(participantSid: string): void;
  /** Optional: the client reconnected within the grace period. */
  signalResumed?(participantSid: string): void;
}
