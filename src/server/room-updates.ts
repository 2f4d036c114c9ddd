// room_update when a room's counts change, as livekit-server does: participant joins and
// leaves (and publications) mark the room dirty, and one RoomUpdate with the new
// num_participants / num_publishers goes to everyone at most every 5 s (its
// roomUpdateInterval); metadata changes are sent at once by the caller.
import type { Room } from '../engine/room.js';

/** livekit-server's roomUpdateInterval. */
export const ROOM_UPDATE_INTERVAL_MS = 5000;

export class RoomUpdates {
  readonly #pending = new Map<Room, NodeJS.Timeout>();
  readonly #send: (room: Room) => void;
  readonly #intervalMs: number;

  constructor(send: (room: Room) => void, intervalMs = ROOM_UPDATE_INTERVAL_MS) {
    this.#send = send;
    this.#intervalMs = intervalMs;
  }

  /** The room's counts changed: one update within the interval (coalesced). */
  dirty(room: Room): void {
    if (this.#pending.has(room) || room.closed) return;
    const t = setTimeout(() => {
      this.#pending.delete(room);
      if (!room.closed) this.#send(room);
    }, this.#intervalMs);
    t.unref();
    this.#pending.set(room, t);
  }

  forget(room: Room): void {
    const t = this.#pending.get(room);
    if (t) clearTimeout(t);
    this.#pending.delete(room);
  }
}
