// Room events -> structured log records (logger.ts), with the ids that locate them:
// room, participant (sid), identity, track (sid), kind. Main thread, engine room events.
import type { Engine } from '../engine/engine.js';
import type { Room } from '../engine/room.js';
import type { Logger } from './logger.js';

export function wireRoomLogs(engine: Engine, logger: Logger): void {
  engine.on('roomCreated', (room: Room) => {
    const log = logger.child({ room: room.name });
    log.info('room started');
    room.on('participantJoined', (p) => log.info('participant joined', { participant: p.sid, identity: p.identity }));
    room.on('participantLeft', (p) => log.info('participant left', { participant: p.sid, identity: p.identity }));
    room.on('trackPublished', (t) => log.info('track published', { participant: t.participant.sid, identity: t.participant.identity, track: t.sid, kind: t.kind, codec: t.info.codec.name }));
    room.on('trackUnpublished', (t) => log.info('track unpublished', { participant: t.participant.sid, identity: t.participant.identity, track: t.sid, kind: t.kind }));
    room.on('trackMuted', (t, muted) => log.debug(muted ? 'track muted' : 'track unmuted', { participant: t.participant.sid, track: t.sid }));
    room.on('closed', () => log.info('room finished'));
  });
  engine.on('workerDied', (err, port) => logger.error('media worker died; its rooms were closed', { port, error: err.message }));
}
