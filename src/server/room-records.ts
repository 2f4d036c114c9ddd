// What LiveKit reports about a room beyond the engine's state: its sid, creation time,
// metadata and the CreateRoom settings (empty/departure timeouts, max participants).
// Kept by room name for as long as the engine room lives.
import { randomBytes } from 'node:crypto';
import type { Room as LkRoom } from '../signal/messages.js';
import type { Room } from '../engine/room.js';

/** LiveKit's defaults: an unused room closes after 5 min, an emptied one after 20 s. */
export const DEFAULT_EMPTY_TIMEOUT_SEC = 300;
export const DEFAULT_DEPARTURE_TIMEOUT_SEC = 20;

export interface RoomRecord {
  sid: string;
  creationTimeMs: number;
  metadata: string;
  emptyTimeoutSec: number;
  departureTimeoutSec: number;
  /** 0 = no limit. */
  maxParticipants: number;
}

export class RoomRecords {
  readonly #byName = new Map<string, RoomRecord>();
  readonly #now: () => number;

  constructor(nowMs: () => number = Date.now) { this.#now = nowMs; }

  /** The record of `name`, created (with `init` applied) when there is none. */
  ensure(name: string, init: Partial<Omit<RoomRecord, 'sid' | 'creationTimeMs'>> = {}): RoomRecord {
    let r = this.#byName.get(name);
    if (!r) {
      r = {
        sid: 'RM_' + randomBytes(9).toString('base64url'), creationTimeMs: this.#now(), metadata: '',
        emptyTimeoutSec: DEFAULT_EMPTY_TIMEOUT_SEC, departureTimeoutSec: DEFAULT_DEPARTURE_TIMEOUT_SEC, maxParticipants: 0,
      };
      for (const [k, v] of Object.entries(init)) if (v !== undefined) (r as unknown as Record<string, unknown>)[k] = v;
      this.#byName.set(name, r);
    }
    return r;
  }

  /** CreateRoom's settings for a room it just created (overwrites what join defaulted). */
  configure(name: string, init: Partial<Omit<RoomRecord, 'sid' | 'creationTimeMs'>>): RoomRecord {
    const r = this.ensure(name);
    for (const [k, v] of Object.entries(init)) if (v !== undefined) (r as unknown as Record<string, unknown>)[k] = v;
    return r;
  }

  get(name: string): RoomRecord | undefined { return this.#byName.get(name); }
  delete(name: string): void { this.#byName.delete(name); }

  /** LiveKit's Room message for an engine room. */
  info(room: Room): LkRoom {
    const r = this.ensure(room.name);
    let publishers = 0;
    for (const p of room.participants.values()) if (p.tracks.size) publishers++;
    return {
      sid: r.sid, name: room.name, emptyTimeout: r.emptyTimeoutSec, departureTimeout: r.departureTimeoutSec, maxParticipants: r.maxParticipants,
      creationTime: Math.floor(r.creationTimeMs / 1000), creationTimeMs: r.creationTimeMs, metadata: r.metadata,
      numParticipants: room.participants.size, numPublishers: publishers,
    };
  }
}
