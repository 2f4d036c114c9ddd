// Rooms close by themselves, as in livekit-server: one nobody joined after its
// empty_timeout (default 5 min), one whose last participant left after its
// departure_timeout (default 20 s). A join in between cancels the close.
import type { Engine } from '../engine/engine.js';
import type { Room } from '../engine/room.js';
import { DEFAULT_DEPARTURE_TIMEOUT_SEC, DEFAULT_EMPTY_TIMEOUT_SEC, type RoomRecords } from './room-records.js';

export interface LifecycleTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(h: unknown): void;
}
const real: LifecycleTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Starts managing every room the engine creates from now on. */
export function manageRoomLifecycle(engine: Engine, records: RoomRecords, timers: LifecycleTimers = real): void {
  engine.on('roomCreated', (room: Room) => {
    let timer: unknown;
    const arm = (which: 'empty' | 'departure'): void => {
      if (timer !== undefined) timers.clearTimeout(timer);
      const rec = records.get(room.name);
      const sec = which === 'empty' ? rec?.emptyTimeoutSec ?? DEFAULT_EMPTY_TIMEOUT_SEC : rec?.departureTimeoutSec ?? DEFAULT_DEPARTURE_TIMEOUT_SEC;
      timer = timers.setTimeout(() => {
        timer = undefined;
        if (!room.closed && room.participants.size === 0) void room.close();
      }, sec * 1000);
    };
    // Deferred: CreateRoom stores its timeouts right after the engine made the room.
    setImmediate(() => { if (!room.closed && room.participants.size === 0) arm('empty'); });
    room.on('participantJoined', () => { if (timer !== undefined) { timers.clearTimeout(timer); timer = undefined; } });
    room.on('participantLeft', () => { if (room.participants.size === 0 && !room.closed) arm('departure'); });
    room.on('closed', () => { if (timer !== undefined) timers.clearTimeout(timer); timer = undefined; });
  });
}
