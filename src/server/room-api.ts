// LiveKit's RoomService (the server API of livekit-server-sdk's RoomServiceClient) on
// the Engine, as Twirp methods for src/signal/twirp/. Grants as livekit-server checks
// them: roomCreate for CreateRoom/DeleteRoom, roomList for ListRooms, roomAdmin for the
// room named in the request for everything else. Every request is checked in full before
// anything changes, so a refused call leaves the rooms as they were.
//
// A token without the grant gets `unauthenticated` (401), as livekit-server's
// twirpAuthError answers; refusals that are not about the token (a participant that may
// not subscribe) are `permission_denied` (403).
import { type ParticipantInfo as LkParticipantInfo, type ParticipantPermission, type TrackInfo as LkTrackInfo } from '../signal/messages.js';
import { TwirpError, type TwirpContext, type TwirpMethod } from '../signal/index.js';
import type { Engine } from '../engine/engine.js';
import { EngineError } from '../engine/errors.js';
import type { Participant } from '../engine/participant.js';
import type { Room } from '../engine/room.js';
import { participantInfo, trackInfo, type ParticipantExtras } from './livekit-info.js';
import type { EngineRoomService } from './room-service-adapter.js';

/** livekit-server's default limits (limit.* in its config). */
export const LIMITS = { roomName: 256, participantName: 256, metadataBytes: 64_000, attributesBytes: 64_000 };

export interface RoomApiOptions {
  /** livekit-server's room.enable_remote_unmute: may MutePublishedTrack unmute? Default false. */
  enableRemoteUnmute?: boolean;
  /** Replaces the SendData handler (an embedder routing data elsewhere). */
  sendData?: TwirpMethod['handle'];
}

type Req = Record<string, unknown>;
const str = (r: Req, k: string): string => (typeof r[k] === 'string' ? (r[k] as string) : '');
const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

function grants(ctx: TwirpContext) { return ctx.token.video; }

function needCreate(ctx: TwirpContext): void {
  if (grants(ctx).roomCreate !== true) throw new TwirpError('unauthenticated', 'permissions denied: token lacks the roomCreate grant');
}
function needList(ctx: TwirpContext): void {
  if (grants(ctx).roomList !== true) throw new TwirpError('unauthenticated', 'permissions denied: token lacks the roomList grant');
}
function needAdmin(ctx: TwirpContext, room: string): void {
  const g = grants(ctx);
  if (g.roomAdmin !== true) throw new TwirpError('unauthenticated', 'permissions denied: token lacks the roomAdmin grant');
  if (g.room !== room) throw new TwirpError('unauthenticated', `permissions denied: token grants roomAdmin for room ${JSON.stringify(g.room ?? '')}, not ${JSON.stringify(room)}`);
}

function checkMetadata(m: string, what = 'metadata'): void {
  if (bytes(m) > LIMITS.metadataBytes) throw new TwirpError('invalid_argument', `${what} is ${bytes(m)} bytes, over the ${LIMITS.metadataBytes}-byte limit`, { limit: String(LIMITS.metadataBytes) });
}

/** An engine promise with EngineError mapped to the Twirp code that names it. */
async function engineCall<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    const code = e.code === 'participant-not-found' || e.code === 'track-not-found' ? 'not_found'
      : e.code === 'invalid-state' ? 'failed_precondition' : e.code === 'unsupported' ? 'unimplemented' : e.code === 'invalid-argument' ? 'invalid_argument' : 'internal';
    throw new TwirpError(code, e.message);
  }
}

const NO_EXTRAS = (): ParticipantExtras => ({ joinedAtMs: 0, permission: {}, attributes: {}, announced: new Map(), version: 0 });

export class RoomApi {
  readonly #engine: Engine;
  readonly #svc: EngineRoomService;
  readonly #o: RoomApiOptions;

  constructor(svc: EngineRoomService, o: RoomApiOptions = {}) {
    this.#svc = svc;
    this.#engine = svc.engine;
    this.#o = o;
  }

  #room(name: string): Room {
    if (!name) throw new TwirpError('invalid_argument', 'no room name');
    const r = this.#engine.room(name);
    if (!r || r.closed) throw new TwirpError('not_found', `requested room ${JSON.stringify(name)} does not exist`);
    return r;
  }

  #participant(room: Room, identity: string): Participant {
    if (!identity) throw new TwirpError('invalid_argument', 'identity cannot be empty');
    for (const p of room.participants.values()) if (p.identity === identity && !p.left) return p;
    throw new TwirpError('not_found', `participant ${JSON.stringify(identity)} does not exist in room ${JSON.stringify(room.name)}`);
  }

  #info(p: Participant): LkParticipantInfo { return participantInfo(p, this.#svc.state(p.sid) ?? NO_EXTRAS()); }

  /** The Twirp method table of livekit.RoomService. */
  methods(): Record<string, TwirpMethod> {
    const m = (input: string, output: string, handle: TwirpMethod['handle']): TwirpMethod => ({ input: `livekit.${input}`, output: `livekit.${output}`, handle });
    return {
      CreateRoom: m('CreateRoomRequest', 'Room', (r, c) => this.createRoom(r, c)),
      ListRooms: m('ListRoomsRequest', 'ListRoomsResponse', async (r, c) => this.listRooms(r, c)),
      DeleteRoom: m('DeleteRoomRequest', 'DeleteRoomResponse', (r, c) => this.deleteRoom(r, c)),
      ListParticipants: m('ListParticipantsRequest', 'ListParticipantsResponse', async (r, c) => {
        const room = str(r, 'room');
        needAdmin(c, room);
        return { participants: [...this.#room(room).participants.values()].filter((p) => !p.left).map((p) => this.#info(p)) };
      }),
      GetParticipant: m('RoomParticipantIdentity', 'ParticipantInfo', async (r, c) => {
        needAdmin(c, str(r, 'room'));
        return this.#info(this.#participant(this.#room(str(r, 'room')), str(r, 'identity'))) as Req;
      }),
      RemoveParticipant: m('RoomParticipantIdentity', 'RemoveParticipantResponse', async (r, c) => {
        needAdmin(c, str(r, 'room'));
        await this.#participant(this.#room(str(r, 'room')), str(r, 'identity')).leave();
        return {};
      }),
      MutePublishedTrack: m('MuteRoomTrackRequest', 'MuteRoomTrackResponse', (r, c) => this.muteTrack(r, c)),
      UpdateParticipant: m('UpdateParticipantRequest', 'ParticipantInfo', (r, c) => this.updateParticipant(r, c)),
      UpdateSubscriptions: m('UpdateSubscriptionsRequest', 'UpdateSubscriptionsResponse', (r, c) => this.updateSubscriptions(r, c)),
      UpdateRoomMetadata: m('UpdateRoomMetadataRequest', 'Room', async (r, c) => {
        const metadata = str(r, 'metadata');
        checkMetadata(metadata);
        needAdmin(c, str(r, 'room'));
        const room = this.#room(str(r, 'room'));
        this.#svc.records.ensure(room.name).metadata = metadata;
        const info = this.#svc.records.info(room);
        for (const p of room.participants.values()) this.#svc.state(p.sid)?.sink.roomUpdate(info);
        return info as Req;
      }),
      SendData: m('SendDataRequest', 'SendDataResponse', (r, c) => this.#o.sendData ? this.#o.sendData(r, c) : this.sendData(r, c)),
    };
  }

  async createRoom(r: Req, c: TwirpContext): Promise<Req> {
    needCreate(c);
    const name = str(r, 'name');
    if (!name) throw new TwirpError('invalid_argument', 'no room name');
    if (name.length > LIMITS.roomName) throw new TwirpError('invalid_argument', `room name length exceeds limits: max length ${LIMITS.roomName}`);
    checkMetadata(str(r, 'metadata'));
    const existed = this.#engine.room(name);
    const room = existed && !existed.closed ? existed : await this.#engine.createRoom(name);
    this.#svc.adopt(room);
    const num = (k: string): number | undefined => (typeof r[k] === 'number' && (r[k] as number) > 0 ? (r[k] as number) : undefined);
    // As livekit-server: CreateRoom on a live room returns it and leaves its settings.
    if (room !== existed) {
      this.#svc.records.configure(name, { metadata: str(r, 'metadata'), emptyTimeoutSec: num('emptyTimeout'), departureTimeoutSec: num('departureTimeout'), maxParticipants: num('maxParticipants') });
    }
    return this.#svc.records.info(room) as Req;
  }

  listRooms(r: Req, c: TwirpContext): Req {
    needList(c);
    const names = Array.isArray(r.names) ? (r.names as string[]) : [];
    const rooms = [...this.#engine.rooms.values()].filter((x) => !x.closed && (!names.length || names.includes(x.name)));
    return { rooms: rooms.map((x) => this.#svc.records.info(x)) };
  }

  async deleteRoom(r: Req, c: TwirpContext): Promise<Req> {
    needCreate(c);
    const room = this.#room(str(r, 'room'));
    await room.close();
    return {};
  }

  async muteTrack(r: Req, c: TwirpContext): Promise<Req> {
    needAdmin(c, str(r, 'room'));
    const p = this.#participant(this.#room(str(r, 'room')), str(r, 'identity'));
    const sid = str(r, 'trackSid');
    const t = p.tracks.get(sid);
    if (!t) throw new TwirpError('not_found', `track ${JSON.stringify(sid)} is not found on participant ${JSON.stringify(p.identity)}`);
    const muted = r.muted === true;
    if (!muted && !this.#o.enableRemoteUnmute) throw new TwirpError('failed_precondition', 'remote unmute not enabled');
    // The publisher is told (LiveKit's MuteTrackRequest) so its client mutes the sender too.
    await engineCall(t.setMuted(muted));
    this.#svc.state(p.sid)?.sink.trackMuted(t.sid, muted);
    const announced = [...(this.#svc.state(p.sid)?.announced.values() ?? [])].find((a) => a.sid === t.sid)?.req;
    const info: LkTrackInfo = trackInfo(t, announced);
    return { track: info };
  }

  async updateParticipant(r: Req, c: TwirpContext): Promise<Req> {
    const name = str(r, 'name');
    const metadata = str(r, 'metadata');
    const attributes = (r.attributes ?? {}) as Record<string, string>;
    if (name.length > LIMITS.participantName) throw new TwirpError('invalid_argument', `name length exceeds limits: max ${LIMITS.participantName}`, { limit: String(LIMITS.participantName) });
    checkMetadata(metadata);
    const attrBytes = Object.entries(attributes).reduce((n, [k, v]) => n + bytes(k) + bytes(v), 0);
    if (attrBytes > LIMITS.attributesBytes) throw new TwirpError('invalid_argument', `attributes are ${attrBytes} bytes, over the ${LIMITS.attributesBytes}-byte limit`, { limit: String(LIMITS.attributesBytes) });
    needAdmin(c, str(r, 'room'));
    const p = this.#participant(this.#room(str(r, 'room')), str(r, 'identity'));
    const x = this.#svc.state(p.sid);
    // proto3: an empty string means "leave as is" (livekit-server does the same).
    if (name) p.info.name = name;
    if (metadata) p.info.metadata = metadata;
    if (x) {
      // LiveKit merges attributes; an empty value deletes the key.
      for (const [k, v] of Object.entries(attributes)) { if (v === '') delete x.attributes[k]; else x.attributes[k] = v; }
      const perm = r.permission as ParticipantPermission | null | undefined;
      if (perm) {
        const revokedSubscribe = x.permission.canSubscribe !== false && perm.canSubscribe === false;
        const dataChanged = (x.permission.canPublishData !== false) !== (perm.canPublishData !== false);
        x.permission = { ...perm };
        if (dataChanged) await engineCall(p.setCanPublishData(perm.canPublishData !== false));
        if (revokedSubscribe) for (const sid of [...p.subscriptions.keys()]) await engineCall(p.unsubscribe(sid));
      }
      this.#svc.announce(p);
    }
    return this.#info(p) as Req;
  }

  /**
   * SendData: a user DataPacket from the server (no sender) to everyone in the room or the
   * identities / sids named, on the reliable or lossy channel; a repeated nonce is dropped
   * (the SDK retries with the same one). As livekit-server, recipients need not exist.
   */
  async sendData(r: Req, c: TwirpContext): Promise<Req> {
    needAdmin(c, str(r, 'room'));
    const room = this.#room(str(r, 'room'));
    const data = r.data instanceof Uint8Array ? r.data : new Uint8Array(0);
    const list = (k: string): string[] => (Array.isArray(r[k]) ? (r[k] as unknown[]).filter((x): x is string => typeof x === 'string' && x !== '') : []);
    const kind = r.kind === 1 || r.kind === 'LOSSY' ? 'lossy' : 'reliable';
    const nonce = r.nonce instanceof Uint8Array && r.nonce.length ? r.nonce : undefined;
    await engineCall(room.sendData(data, {
      reliable: kind === 'reliable', destinationIdentities: list('destinationIdentities'), destinationSids: list('destinationSids'),
      ...(typeof r.topic === 'string' ? { topic: r.topic } : {}), ...(nonce ? { nonce } : {}),
    }));
    return {};
  }

  async updateSubscriptions(r: Req, c: TwirpContext): Promise<Req> {
    needAdmin(c, str(r, 'room'));
    const room = this.#room(str(r, 'room'));
    const p = this.#participant(room, str(r, 'identity'));
    const sids = new Set<string>(Array.isArray(r.trackSids) ? (r.trackSids as string[]) : []);
    for (const pt of (Array.isArray(r.participantTracks) ? r.participantTracks : []) as { trackSids?: string[] }[]) for (const s of pt.trackSids ?? []) sids.add(s);
    const subscribe = r.subscribe === true;
    // Every sid must be a track of another participant of this room before anything changes.
    for (const sid of sids) {
      const t = this.#engine.track(sid);
      if (!t || t.participant.room !== room) throw new TwirpError('not_found', `track ${JSON.stringify(sid)} is not found in room ${JSON.stringify(room.name)}`);
      if (t.participant === p) throw new TwirpError('invalid_argument', `track ${sid} is the participant's own track`);
    }
    if (subscribe && this.#svc.state(p.sid)?.permission.canSubscribe === false) throw new TwirpError('permission_denied', `participant ${p.identity} may not subscribe (canSubscribe false)`);
    for (const sid of sids) await engineCall<unknown>(subscribe ? p.subscribe(sid) : p.unsubscribe(sid));
    return {};
  }
}

