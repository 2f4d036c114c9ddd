// Conversions from engine objects to the LiveKit signal messages (src/signal/messages.ts)
// that the RoomService adapter hands to the shim.
import { ParticipantState, type AudioTrackFeature, TrackSource, TrackType, type AddTrackRequest, type ParticipantInfo as LkParticipantInfo, type ParticipantPermission, type TrackInfo as LkTrackInfo } from '../signal/messages.js';
import type { Participant } from '../engine/participant.js';
import type { Track } from '../engine/track.js';

/** What the client announced with AddTrackRequest, kept until the track is published. */
export interface AnnouncedTrack { sid: string; req: AddTrackRequest; audioFeatures?: AudioTrackFeature[] }

export function mimeType(t: Track): string {
  return `${t.kind}/${t.info.codec.name.toLowerCase() === 'opus' ? 'opus' : t.info.codec.name}`;
}

export function trackInfo(t: Track, announced?: AddTrackRequest): LkTrackInfo {
  const r = announced ?? {};
  const info: LkTrackInfo = {
    sid: t.sid,
    type: t.kind === 'audio' ? TrackType.AUDIO : TrackType.VIDEO,
    name: r.name ?? t.info.name,
    muted: t.muted,
    mid: t.info.mid,
    mimeType: mimeType(t),
    source: r.source ?? (t.kind === 'audio' ? TrackSource.MICROPHONE : TrackSource.CAMERA),
    simulcast: false,
  };
  if (r.width !== undefined) info.width = r.width;
  if (r.height !== undefined) info.height = r.height;
  if (r.stream !== undefined) info.stream = r.stream;
  if (r.disableDtx !== undefined) info.disableDtx = r.disableDtx;
  if (r.stereo !== undefined) info.stereo = r.stereo;
  if (r.disableRed !== undefined) info.disableRed = r.disableRed;
  // E2EE: passed through so subscribers set up their decryptor; the payload stays opaque to us.
  if (r.encryption !== undefined && r.encryption !== 0) info.encryption = r.encryption;
  return info;
}

export interface ParticipantExtras {
  joinedAtMs: number;
  permission: ParticipantPermission;
  attributes: Record<string, string>;
  announced: Map<string, AnnouncedTrack>;
  version: number;
}

export function participantInfo(p: Participant, x: ParticipantExtras, state?: ParticipantState): LkParticipantInfo {
  const tracks = [...p.tracks.values()].map((t) => {
    const a = [...x.announced.values()].find((y) => y.sid === t.sid);
    const info = trackInfo(t, a?.req);
    if (a?.audioFeatures) info.audioFeatures = [...a.audioFeatures];
    return info;
  });
  return {
    sid: p.sid,
    identity: p.identity,
    name: p.info.name,
    metadata: p.info.metadata,
    state: state ?? (p.left ? ParticipantState.DISCONNECTED : tracks.length ? ParticipantState.ACTIVE : ParticipantState.JOINED),
    tracks,
    joinedAt: Math.floor(x.joinedAtMs / 1000),
    joinedAtMs: x.joinedAtMs,
    version: x.version,
    permission: x.permission,
    isPublisher: tracks.length > 0,
    attributes: x.attributes,
  };
}
