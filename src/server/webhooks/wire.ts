// Engine events -> LiveKit webhook events. Runs in the main thread on the engine's
// room events (never per packet): room_started / room_finished, participant_joined /
// participant_left, track_published / track_unpublished, each with LiveKit's Room,
// ParticipantInfo and TrackInfo as the signaling side reports them.
import { ParticipantState } from '../../signal/messages.js';
import type { Engine } from '../../engine/engine.js';
import type { Participant } from '../../engine/participant.js';
import type { Room } from '../../engine/room.js';
import type { Track } from '../../engine/track.js';
import { participantInfo, trackInfo, type ParticipantExtras } from '../livekit-info.js';
import type { EngineRoomService } from '../room-service-adapter.js';
import type { WebhookNotifier } from './notifier.js';

const NO_EXTRAS = (): ParticipantExtras => ({ joinedAtMs: 0, permission: {}, attributes: {}, announced: new Map(), version: 0 });

export function wireWebhooks(engine: Engine, svc: EngineRoomService, notifier: WebhookNotifier): void {
  const pInfo = (p: Participant, state?: ParticipantState) => participantInfo(p, svc.state(p.sid) ?? NO_EXTRAS(), state);
  const tInfo = (t: Track) => trackInfo(t, [...(svc.state(t.participant.sid)?.announced.values() ?? [])].find((a) => a.sid === t.sid)?.req);
  engine.on('roomCreated', (room: Room) => {
    let started = false;
    // room_started goes first, but after CreateRoom stored the room's metadata.
    const start = (): void => {
      if (started) return;
      started = true;
      notifier.notify({ event: 'room_started', room: svc.records.info(room) });
    };
    setImmediate(start);
    room.on('participantJoined', (p) => { start(); notifier.notify({ event: 'participant_joined', room: svc.records.info(room), participant: pInfo(p) }); });
    room.on('participantLeft', (p) => { start(); notifier.notify({ event: 'participant_left', room: svc.records.info(room), participant: pInfo(p, ParticipantState.DISCONNECTED) }); });
    room.on('trackPublished', (t) => { start(); notifier.notify({ event: 'track_published', room: svc.records.info(room), participant: pInfo(t.participant), track: tInfo(t) }); });
    room.on('trackUnpublished', (t) => { start(); notifier.notify({ event: 'track_unpublished', room: svc.records.info(room), participant: pInfo(t.participant), track: tInfo(t) }); });
    room.on('closed', () => { start(); notifier.notify({ event: 'room_finished', room: svc.records.info(room) }); });
  });
}
