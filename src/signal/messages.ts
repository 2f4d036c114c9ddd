// Plain-object shapes of the signal messages in proto/livekit_rtc.proto and
// proto/livekit_models.proto, as protobufjs converts them: camelCase field names,
// int64 as number, enums as numbers, every field optional (proto3: absent = default).
// Field names match @livekit/protocol's generated classes.

export const SignalTarget = { PUBLISHER: 0, SUBSCRIBER: 1 } as const;
export type SignalTarget = (typeof SignalTarget)[keyof typeof SignalTarget];

export const TrackType = { AUDIO: 0, VIDEO: 1, DATA: 2 } as const;
export type TrackType = (typeof TrackType)[keyof typeof TrackType];

export const TrackSource = { UNKNOWN: 0, CAMERA: 1, MICROPHONE: 2, SCREEN_SHARE: 3, SCREEN_SHARE_AUDIO: 4 } as const;
export type TrackSource = (typeof TrackSource)[keyof typeof TrackSource];

/** livekit.Encryption.Type: what a publisher's end-to-end encryption is (the server never reads it). */
export const EncryptionType = { NONE: 0, GCM: 1, CUSTOM: 2 } as const;
export type EncryptionType = (typeof EncryptionType)[keyof typeof EncryptionType];

export const VideoQuality = { LOW: 0, MEDIUM: 1, HIGH: 2, OFF: 3 } as const;
export type VideoQuality = (typeof VideoQuality)[keyof typeof VideoQuality];

export const ConnectionQuality = { POOR: 0, GOOD: 1, EXCELLENT: 2, LOST: 3 } as const;
export type ConnectionQuality = (typeof ConnectionQuality)[keyof typeof ConnectionQuality];

export const ParticipantState = { JOINING: 0, JOINED: 1, ACTIVE: 2, DISCONNECTED: 3 } as const;
export type ParticipantState = (typeof ParticipantState)[keyof typeof ParticipantState];

export const DisconnectReason = {
  UNKNOWN_REASON: 0, CLIENT_INITIATED: 1, DUPLICATE_IDENTITY: 2, SERVER_SHUTDOWN: 3,
  PARTICIPANT_REMOVED: 4, ROOM_DELETED: 5, STATE_MISMATCH: 6, JOIN_FAILURE: 7, MIGRATION: 8,
  SIGNAL_CLOSE: 9, ROOM_CLOSED: 10, USER_UNAVAILABLE: 11, USER_REJECTED: 12,
  SIP_TRUNK_FAILURE: 13, CONNECTION_TIMEOUT: 14, MEDIA_FAILURE: 15, AGENT_ERROR: 16,
} as const;
export type DisconnectReason = (typeof DisconnectReason)[keyof typeof DisconnectReason];

export const LeaveAction = { DISCONNECT: 0, RESUME: 1, RECONNECT: 2 } as const;
export type LeaveAction = (typeof LeaveAction)[keyof typeof LeaveAction];

/** RequestResponse.Reason */
export const RequestReason = {
  OK: 0, NOT_FOUND: 1, NOT_ALLOWED: 2, LIMIT_EXCEEDED: 3, QUEUED: 4, UNSUPPORTED_TYPE: 5,
  UNCLASSIFIED_ERROR: 6, INVALID_HANDLE: 7, INVALID_NAME: 8, DUPLICATE_HANDLE: 9,
  DUPLICATE_NAME: 10, INVALID_REQUEST: 11,
} as const;
export type RequestReason = (typeof RequestReason)[keyof typeof RequestReason];

export interface SessionDescription { type?: string; sdp?: string; id?: number; midToTrackId?: Record<string, string> }
export interface TrickleRequest { candidateInit?: string; target?: SignalTarget; final?: boolean }
export interface VideoLayer { quality?: VideoQuality; width?: number; height?: number; bitrate?: number; ssrc?: number; spatialLayer?: number; rid?: string }
export interface SimulcastCodec { codec?: string; cid?: string; layers?: VideoLayer[] }
export interface AddTrackRequest {
  cid?: string; name?: string; type?: TrackType; width?: number; height?: number; muted?: boolean;
  disableDtx?: boolean; source?: TrackSource; layers?: VideoLayer[]; simulcastCodecs?: SimulcastCodec[];
  sid?: string; stereo?: boolean; disableRed?: boolean; stream?: string; encryption?: EncryptionType;
}
export interface MuteTrackRequest { sid?: string; muted?: boolean }
export interface ParticipantTracks { participantSid?: string; trackSids?: string[] }
export interface UpdateSubscription { trackSids?: string[]; subscribe?: boolean; participantTracks?: ParticipantTracks[] }
export interface UpdateTrackSettings {
  trackSids?: string[]; disabled?: boolean; quality?: VideoQuality; width?: number; height?: number;
  fps?: number; priority?: number;
}
export interface LeaveRequest { canReconnect?: boolean; reason?: DisconnectReason; action?: LeaveAction }
export interface UpdateVideoLayers { trackSid?: string; layers?: VideoLayer[] }
export interface TrackPermission { participantSid?: string; allTracks?: boolean; trackSids?: string[]; participantIdentity?: string }
export interface SubscriptionPermission { allParticipants?: boolean; trackPermissions?: TrackPermission[] }
export interface Ping { timestamp?: number; rtt?: number }
export interface Pong { lastPingTimestamp?: number; timestamp?: number }

/** The oneof cases of SignalRequest that Switchboard understands. */
export type SignalRequestCase =
  | 'offer' | 'answer' | 'trickle' | 'addTrack' | 'mute' | 'subscription' | 'trackSetting'
  | 'leave' | 'updateLayers' | 'subscriptionPermission' | 'ping' | 'pingReq'
  | 'syncState' | 'simulate' | 'updateMetadata' | 'updateAudioTrack' | 'updateVideoTrack';

export const AudioTrackFeature = {
  TF_STEREO: 0, TF_NO_DTX: 1, TF_AUTO_GAIN_CONTROL: 2, TF_ECHO_CANCELLATION: 3,
  TF_NOISE_SUPPRESSION: 4, TF_ENHANCED_NOISE_CANCELLATION: 5, TF_PRECONNECT_BUFFER: 6,
} as const;
export type AudioTrackFeature = (typeof AudioTrackFeature)[keyof typeof AudioTrackFeature];

export interface UpdateParticipantMetadata { metadata?: string; name?: string; attributes?: Record<string, string>; requestId?: number }
export interface UpdateLocalAudioTrack { trackSid?: string; features?: AudioTrackFeature[] }
export interface UpdateLocalVideoTrack { trackSid?: string; width?: number; height?: number }
export interface DataChannelInfo { label?: string; id?: number; target?: SignalTarget }
export interface SyncState {
  answer?: SessionDescription; subscription?: UpdateSubscription; publishTracks?: { cid?: string; track?: TrackInfo }[];
  dataChannels?: DataChannelInfo[]; offer?: SessionDescription; trackSidsDisabled?: string[];
}
/** SimulateScenario's oneof: exactly one is set (`scenario` names it). */
export interface SimulateScenario {
  speakerUpdate?: number; nodeFailure?: boolean; migration?: boolean; serverLeave?: boolean;
  switchCandidateProtocol?: number; subscriberBandwidth?: number; disconnectSignalOnResume?: boolean;
  disconnectSignalOnResumeNoMessages?: boolean; leaveRequestFullReconnect?: boolean;
  scenario?: string;
}
export interface SubscriptionPermissionUpdate { participantSid?: string; trackSid?: string; allowed?: boolean }

export interface SignalRequest {
  offer?: SessionDescription; answer?: SessionDescription; trickle?: TrickleRequest;
  addTrack?: AddTrackRequest; mute?: MuteTrackRequest; subscription?: UpdateSubscription;
  trackSetting?: UpdateTrackSettings; leave?: LeaveRequest; updateLayers?: UpdateVideoLayers;
  subscriptionPermission?: SubscriptionPermission; ping?: number; pingReq?: Ping;
  syncState?: SyncState; simulate?: SimulateScenario; updateMetadata?: UpdateParticipantMetadata;
  updateAudioTrack?: UpdateLocalAudioTrack; updateVideoTrack?: UpdateLocalVideoTrack;
  /** Which oneof case is set (protobufjs virtual oneof); absent when none we know is set. */
  message?: SignalRequestCase;
}

export interface Codec { mime?: string; fmtpLine?: string }
export interface TimedVersion { unixMicro?: number; ticks?: number }
export interface Room {
  sid?: string; name?: string; emptyTimeout?: number; departureTimeout?: number; maxParticipants?: number;
  creationTime?: number; creationTimeMs?: number; turnPassword?: string; enabledCodecs?: Codec[];
  metadata?: string; numParticipants?: number; numPublishers?: number; activeRecording?: boolean;
  version?: TimedVersion;
}
export interface ParticipantPermission {
  canSubscribe?: boolean; canPublish?: boolean; canPublishData?: boolean; canPublishSources?: TrackSource[];
  hidden?: boolean; recorder?: boolean; canUpdateMetadata?: boolean; agent?: boolean;
}
export interface SimulcastCodecInfo { mimeType?: string; mid?: string; cid?: string; layers?: VideoLayer[] }
export interface TrackInfo {
  sid?: string; type?: TrackType; name?: string; muted?: boolean; width?: number; height?: number;
  simulcast?: boolean; disableDtx?: boolean; source?: TrackSource; layers?: VideoLayer[]; mimeType?: string;
  mid?: string; codecs?: SimulcastCodecInfo[]; stereo?: boolean; disableRed?: boolean; stream?: string;
  version?: TimedVersion; audioFeatures?: AudioTrackFeature[]; encryption?: EncryptionType;
}
export interface ParticipantInfo {
  sid?: string; identity?: string; state?: ParticipantState; tracks?: TrackInfo[]; metadata?: string;
  joinedAt?: number; joinedAtMs?: number; name?: string; version?: number; permission?: ParticipantPermission;
  region?: string; isPublisher?: boolean; kind?: number; attributes?: Record<string, string>;
  disconnectReason?: DisconnectReason;
}
export interface ICEServer { urls?: string[]; username?: string; credential?: string }
export interface ServerInfo {
  edition?: number; version?: string; protocol?: number; region?: string; nodeId?: string;
  debugInfo?: string; agentProtocol?: number;
}
export interface ClientConfiguration {
  video?: { hardwareEncoder?: number }; screen?: { hardwareEncoder?: number }; resumeConnection?: number;
  disabledCodecs?: { codecs?: Codec[]; publish?: Codec[] }; forceRelay?: number;
}
export interface JoinResponse {
  room?: Room; participant?: ParticipantInfo; otherParticipants?: ParticipantInfo[]; serverVersion?: string;
  iceServers?: ICEServer[]; subscriberPrimary?: boolean; alternativeUrl?: string;
  clientConfiguration?: ClientConfiguration; serverRegion?: string; pingTimeout?: number;
  pingInterval?: number; serverInfo?: ServerInfo; enabledPublishCodecs?: Codec[];
}
export interface ReconnectResponse {
  iceServers?: ICEServer[]; clientConfiguration?: ClientConfiguration; serverInfo?: ServerInfo; lastMessageSeq?: number;
}
export interface SpeakerInfo { sid?: string; level?: number; active?: boolean }
export interface ConnectionQualityInfo { participantSid?: string; quality?: ConnectionQuality; score?: number }
export interface SubscribedQuality { quality?: VideoQuality; enabled?: boolean }
export interface SubscribedCodec { codec?: string; qualities?: SubscribedQuality[] }
export interface SubscribedQualityUpdate { trackSid?: string; subscribedQualities?: SubscribedQuality[]; subscribedCodecs?: SubscribedCodec[] }
export interface RequestResponse {
  requestId?: number; reason?: RequestReason; message?: string;
  trickle?: TrickleRequest; addTrack?: AddTrackRequest; mute?: MuteTrackRequest;
  updateMetadata?: UpdateParticipantMetadata; updateAudioTrack?: UpdateLocalAudioTrack; updateVideoTrack?: UpdateLocalVideoTrack;
}

export interface SignalResponse {
  join?: JoinResponse; answer?: SessionDescription; offer?: SessionDescription; trickle?: TrickleRequest;
  update?: { participants?: ParticipantInfo[] }; trackPublished?: { cid?: string; track?: TrackInfo };
  leave?: LeaveRequest; mute?: MuteTrackRequest; speakersChanged?: { speakers?: SpeakerInfo[] };
  roomUpdate?: { room?: Room }; connectionQuality?: { updates?: ConnectionQualityInfo[] };
  mediaSectionsRequirement?: { numAudios?: number; numVideos?: number };
  refreshToken?: string; trackUnpublished?: { trackSid?: string }; pong?: number;
  reconnect?: ReconnectResponse; pongResp?: Pong;
  subscriptionResponse?: { trackSid?: string; err?: number }; requestResponse?: RequestResponse;
  trackSubscribed?: { trackSid?: string }; subscribedQualityUpdate?: SubscribedQualityUpdate;
  subscriptionPermissionUpdate?: SubscriptionPermissionUpdate;
}
