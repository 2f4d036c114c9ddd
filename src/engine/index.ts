// src/engine: the embeddable API — Engine, Room, Participant, Track, Subscription —
// over media hosts in worker threads (or in this thread with workers: 0).
export { Engine, type EngineOptions, type EngineEvents } from './engine.js';
export { Room, type RoomEvents, type JoinOptions } from './room.js';
export { Participant, type ParticipantEvents, type SubscriptionLayerEvent } from './participant.js';
export { Track, Subscription, type TrackEvents, type SubscriptionEvents, type SubscriptionState } from './track.js';
export type { DataMessage, SendDataOptions } from './data-message.js';
export type { DataKind } from './data/data-packet.js';
export { Emitter, type EventMap } from './emitter.js';
export { EngineError, type EngineErrorCode } from './errors.js';
export type { TrackInfo, ParticipantInfo, ParticipantStats, ConnectionState, PcKind, MediaKind, EngineEvent, SimulcastEvent, SpeakerEntry } from './protocol.js';
export { MediaHost, type MediaHostOptions } from './core/media-host.js';
