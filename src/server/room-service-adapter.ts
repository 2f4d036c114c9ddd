// The RoomService the signaling shim calls (src/signal/room-service.ts), on top of the
// Engine. It keeps, per participant, the shim's SignalSink and what LiveKit clients
// expect around the engine's state: AddTrackRequests announced before the offer (their
// sids name the tracks the offer publishes), participant updates broadcast to the room,
// and the first-subscriber notice to a track's publisher.
import { DisconnectReason, ParticipantState, RequestReason, TrackSource, VideoQuality, type AddTrackRequest, type SessionDescription, type SubscribedQuality, type TrackInfo as LkTrackInfo, type UpdateSubscription, type UpdateTrackSettings } from '../signal/messages.js';
import { RequestRejectedError } from '../signal/errors.js';
import type { IceCandidateInit, JoinRequest, JoinResult, RoomService, SignalSink } from '../signal/room-service.js';
import { randomBytes } from 'node:crypto';
import type { Engine } from '../engine/engine.js';
import { EngineError } from '../engine/errors.js';
import { participantInfo, trackInfo, type AnnouncedTrack as AnnouncedTrackRef, type ParticipantExtras } from './livekit-info.js';
import type { Participant } from '../engine/participant.js';
import type { Room } from '../engine/room.js';
import type { Track } from '../engine/track.js';
import { RoomRecords } from './room-records.js';
import { RoomUpdates } from './room-updates.js';
import { SubscriptionPermissions } from './permissions.js';
import { QualityMonitor } from './quality-monitor.js';
import { AudioTrackFeature, type SubscriptionPermission, type SyncState, type UpdateLocalAudioTrack, type UpdateLocalVideoTrack, type UpdateParticipantMetadata } from '../signal/messages.js';

/** SubscriptionResponse.err when the track does not exist (LiveKit SE_TRACK_NOTFOUND). */
const SE_TRACK_NOTFOUND = 2;

interface Entry extends ParticipantExtras {
  p: Participant;
  sink: SignalSink;
  /** Set when the shim called leave(): no sink.close() afterwards. */
  leaving: boolean;
  subscribedNotified: Set<string>;
  /** Joined on /rtc/v1 (one peer connection). */
  single: boolean;
  /** ?auto_subscribe: the adapter (not the engine) subscribes, so permissions apply first. */
  autoSubscribe: boolean;
  /** Tracks this participant wants (auto or asked for); subscribed while allowed. */
  wanted: Set<string>;
}

export class EngineRoomService implements RoomService {
  readonly engine: Engine;
  readonly #entries = new Map<string, Entry>();
  readonly #wired = new WeakSet<Room>();
  /** Room sids, metadata and CreateRoom settings (room-records.ts). */
  readonly records = new RoomRecords();
  /** Who may subscribe to whose tracks (subscription_permission). */
  readonly permissions = new SubscriptionPermissions();
  /** connection_quality every 5 s, as livekit-server (quality-monitor.ts). */
  readonly quality = new QualityMonitor(() => this.#entries.values());

  /** Coalesced room_update on count changes (room-updates.ts). */
  readonly roomUpdates = new RoomUpdates((room) => {
    const info = this.records.info(room);
    for (const p of room.participants.values()) this.#entries.get(p.sid)?.sink.roomUpdate(info);
  });

  constructor(engine: Engine) { this.engine = engine; }

  async join(req: JoinRequest): Promise<JoinResult> {
    const room = await this.engine.createRoom(req.room);
    this.#wire(room);
    const rec = this.records.ensure(room.name);
    if (rec.maxParticipants && room.participants.size >= rec.maxParticipants) throw new RequestRejectedError(RequestReason.LIMIT_EXCEEDED, `room ${room.name} is full (${rec.maxParticipants} participants)`);
    const autoSubscribe = req.autoSubscribe && req.permission.canSubscribe !== false;
    const single = req.singlePeerConnection === true;
    const subscriberPrimary = !single && req.permission.canSubscribe !== false;
    const p = await room.join({ identity: req.identity, name: req.name, metadata: req.metadata, autoSubscribe: false, subscriberPrimary, singlePeerConnection: single, canPublish: req.permission.canPublish !== false, canPublishData: req.permission.canPublishData !== false, hidden: req.permission.hidden === true, agent: req.kind === 'agent' });
    const e: Entry = { p, sink: req.signal, leaving: false, subscribedNotified: new Set(), joinedAtMs: Date.now(), permission: req.permission, attributes: { ...req.attributes }, announced: new Map(), version: 1, single, autoSubscribe, wanted: new Set() };
    this.#entries.set(p.sid, e);
    this.quality.start();
    p.on('subscriberOffer', (sdp) => e.sink.subscriberOffer({ type: 'offer', sdp }));
    p.on('mediaSectionsRequirement', (a, v) => e.sink.mediaSectionsRequirement?.(a, v));
    p.on('trackSubscribed', (sub) => {
      const t = this.engine.track(sub.trackSid);
      const owner = t && this.#entries.get(t.participant.sid);
      if (owner && !owner.subscribedNotified.has(t.sid)) { owner.subscribedNotified.add(t.sid); owner.sink.trackSubscribed(t.sid); }
    });
    // Dynacast: tell the publisher which of its simulcast layers anyone needs (spatial
    // index = VideoQuality LOW/MEDIUM/HIGH), for the track's codec and the legacy list.
    p.on('subscribedQualityUpdate', (trackSid, _maxSpatial, enabled) => {
      const t = p.tracks.get(trackSid);
      if (!t || !e.sink.subscribedQualityUpdate) return;
      const qualities = dynacastQualities(enabled);
      e.sink.subscribedQualityUpdate({ trackSid, subscribedQualities: qualities, subscribedCodecs: [{ codec: t.info.codec.name.toLowerCase(), qualities }] });
    });
    p.on('left', () => {
      if (!e.leaving) e.sink.close(room.closed ? DisconnectReason.ROOM_CLOSED : DisconnectReason.PARTICIPANT_REMOVED);
    });
    this.#broadcast(room, p, false);
    if (autoSubscribe) for (const o of room.participants.values()) if (o !== p) for (const t of o.tracks.values()) this.#want(e, t);
    const others = [...room.participants.values()].filter((o) => o !== p).flatMap((o) => { const x = this.#entries.get(o.sid); return x ? [participantInfo(o, x)] : []; });
    return {
      room: this.records.info(room),
      participant: participantInfo(p, e),
      otherParticipants: others,
      subscriberPrimary,
    };
  }

  /** For the room API (room-api.ts): the LiveKit-side state of a participant that joined through us. */
  state(sid: string): (ParticipantExtras & { sink: SignalSink }) | undefined { return this.#entries.get(sid); }

  /** Sends a participant's current ParticipantInfo to its whole room, itself included (after an admin change). */
  announce(p: Participant): void {
    this.#broadcast(p.room, p, true);
    void this.#enforcePublishGrant(p);
  }

  /** LiveKit SetPermission: published tracks the (changed) grant no longer allows are unpublished, the publisher told. */
  async #enforcePublishGrant(p: Participant): Promise<void> {
    const e = this.#entries.get(p.sid);
    if (!e) return;
    const sources = e.permission.canPublishSources ?? [];
    for (const t of [...p.tracks.values()]) {
      const source = [...e.announced.values()].find((a) => a.sid === t.sid)?.req.source ?? (t.kind === 'audio' ? TrackSource.MICROPHONE : TrackSource.CAMERA);
      if (e.permission.canPublish === false || (sources.length > 0 && !sources.includes(source))) await this.unpublishTrack(p.sid, t.sid).catch(() => undefined);
    }
  }

  /** Server-initiated unpublish -> track_unpublished to the publisher (livekit-client then drops its sender). */
  async unpublishTrack(participantSid: string, trackSid: string): Promise<void> {
    const e = this.#entry(participantSid);
    const t = e.p.tracks.get(trackSid);
    if (!t) throw new RequestRejectedError(RequestReason.NOT_FOUND, `no published track ${trackSid}`);
    await rejectable(t.unpublish());
    e.sink.trackUnpublished(trackSid);
  }

  /** Wires a room created outside join (CreateRoom) so its later events reach the participants. */
  adopt(room: Room): void { this.#wire(room); }

  #wire(room: Room): void {
    if (this.#wired.has(room)) return;
    this.#wired.add(room);
    const update = (subject: Participant, includeSubject: boolean): void => this.#broadcast(room, subject, includeSubject);
    room.on('participantJoined', () => this.roomUpdates.dirty(room));
    room.on('participantLeft', (p) => {
      this.roomUpdates.dirty(room);
      const x = this.#entries.get(p.sid);
      if (!x) return;
      const info = participantInfo(p, x, ParticipantState.DISCONNECTED);
      for (const o of room.participants.values()) this.#entries.get(o.sid)?.sink.participantUpdate([info]);
      this.#entries.delete(p.sid);
      this.permissions.delete(p.sid);
      this.quality.forget(p.sid);
      if (this.#entries.size === 0) this.quality.stop();
    });
    room.on('trackPublished', (t) => {
      const a = [...(this.#entries.get(t.participant.sid)?.announced.values() ?? [])].find((x) => x.sid === t.sid);
      if (a?.req.muted) t.setMuted(true).catch(() => undefined); // muted before it was published
      update(t.participant, true);
      this.roomUpdates.dirty(room);
      for (const o of room.participants.values()) {
        const x = o === t.participant ? undefined : this.#entries.get(o.sid);
        if (x?.autoSubscribe) this.#want(x, t);
      }
    });
    room.on('trackUnpublished', (t) => { update(t.participant, true); this.roomUpdates.dirty(room); });
    room.on('trackMuted', (t) => update(t.participant, true));
    room.on('closed', () => { this.records.delete(room.name); this.roomUpdates.forget(room); });
    // SpeakerInfo.sid is the participant sid (LiveKit); every participant hears of it.
    room.on('speakersChanged', (speakers) => {
      const list = speakers.map((s) => ({ sid: s.participant, level: s.level, active: s.active }));
      for (const o of room.participants.values()) this.#entries.get(o.sid)?.sink.speakersChanged(list);
    });
  }

  /** Sends the subject's ParticipantInfo to the room (the subject too when includeSubject). */
  #broadcast(room: Room, subject: Participant, includeSubject: boolean): void {
    const x = this.#entries.get(subject.sid);
    if (!x) return;
    x.version++;
    const info = participantInfo(subject, x);
    for (const o of room.participants.values()) {
      if (o === subject && !includeSubject) continue;
      this.#entries.get(o.sid)?.sink.participantUpdate([info]);
    }
  }

  #entry(sid: string): Entry {
    const e = this.#entries.get(sid);
    if (!e) throw new RequestRejectedError(RequestReason.NOT_FOUND, `no participant ${sid}`);
    return e;
  }

  async publisherOffer(participantSid: string, offer: SessionDescription): Promise<SessionDescription> {
    const e = this.#entry(participantSid);
    // With one peer connection a subscribe-only client offers too (to receive); the engine publishes nothing of it.
    if (e.permission.canPublish === false && !e.single) throw new RequestRejectedError(RequestReason.NOT_ALLOWED, 'not allowed to publish');
    if (typeof offer.sdp !== 'string' || !offer.sdp) throw new RequestRejectedError(RequestReason.INVALID_REQUEST, 'offer without sdp');
    const trackSids: Record<string, string> = {};
    for (const [cid, a] of e.announced) trackSids[cid] = a.sid;
    const r = await rejectable(e.p.answerOffer(offer.sdp, { trackSids }));
    const out: SessionDescription = { type: 'answer', sdp: r.sdp };
    if (e.single) out.midToTrackId = r.midToTrackId;
    if (offer.id !== undefined) out.id = offer.id;
    return out;
  }

  async subscriberAnswer(participantSid: string, answer: SessionDescription): Promise<void> {
    const e = this.#entry(participantSid);
    if (typeof answer.sdp !== 'string' || !answer.sdp) throw new RequestRejectedError(RequestReason.INVALID_REQUEST, 'answer without sdp');
    await rejectable(e.p.subscriberAnswer(answer.sdp));
  }

  /**
   * The client resumed within the grace period (after our ReconnectResponse): restart the
   * subscriber's ICE, as livekit-server does (participant.ICERestart): the next subscriber
   * offer has new credentials. livekit-client then restarts the publisher with an
   * iceRestart offer of its own, which publisherOffer answers with new credentials too.
   */
  signalResumed(participantSid: string): void {
    const e = this.#entries.get(participantSid);
    if (!e || e.single) return;
    void e.p.restartSubscriberIce().catch(() => undefined);
  }

  /** ICE-lite: the client's address is learned from its connectivity checks; candidates are not needed. */
  async addIceCandidate(participantSid: string, _target: number, _candidate: IceCandidateInit | null): Promise<void> {
    this.#entry(participantSid);
  }

  async addTrack(participantSid: string, req: AddTrackRequest): Promise<LkTrackInfo> {
    const e = this.#entry(participantSid);
    if (e.permission.canPublish === false) throw new RequestRejectedError(RequestReason.NOT_ALLOWED, 'not allowed to publish');
    const cid = req.cid ?? '';
    if (!cid) throw new RequestRejectedError(RequestReason.INVALID_REQUEST, 'addTrack without cid');
    const have = e.announced.get(cid);
    const sid = have?.sid ?? 'TR_' + randomBytes(9).toString('base64url');
    e.announced.set(cid, { sid, req: { ...req } });
    const published = e.p.tracks.get(sid);
    if (published) return trackInfo(published, req);
    return {
      sid, type: req.type ?? 0, name: req.name ?? '', muted: req.muted ?? false, source: req.source ?? 0, simulcast: false,
      ...(req.width !== undefined ? { width: req.width } : {}), ...(req.height !== undefined ? { height: req.height } : {}),
      ...(req.stream !== undefined ? { stream: req.stream } : {}),
    };
  }

  async muteTrack(participantSid: string, trackSid: string, muted: boolean): Promise<void> {
    const e = this.#entry(participantSid);
    const t = e.p.tracks.get(trackSid);
    if (t) { await rejectable(t.setMuted(muted)); return; }
    const a = [...e.announced.values()].find((x) => x.sid === trackSid);
    if (!a) throw new RequestRejectedError(RequestReason.NOT_FOUND, `no track ${trackSid}`);
    a.req.muted = muted; // applied once published
  }

  async updateSubscription(participantSid: string, update: UpdateSubscription): Promise<void> {
    const e = this.#entry(participantSid);
    if (e.permission.canSubscribe === false) throw new RequestRejectedError(RequestReason.NOT_ALLOWED, 'not allowed to subscribe');
    const sids = new Set(update.trackSids ?? []);
    for (const pt of update.participantTracks ?? []) for (const s of pt.trackSids ?? []) sids.add(s);
    for (const sid of sids) {
      const t = this.engine.track(sid);
      if (update.subscribe === false) { e.wanted.delete(sid); if (e.p.subscriptions.has(sid)) await rejectable(e.p.unsubscribe(sid)); continue; }
      // LiveKit answers a subscription to a missing track with subscription_response, not an error.
      if (!t || t.participant.room !== e.p.room) { e.sink.subscriptionResponse?.(sid, SE_TRACK_NOTFOUND); continue; }
      await this.#want(e, t);
    }
  }

  /** Subscribe `e` to `t` now if the publisher allows it, else remember the wish and say why. */
  async #want(e: Entry, t: Track): Promise<void> {
    e.wanted.add(t.sid);
    if (!this.permissions.allowed(t.participant.sid, t.sid, e.p)) {
      e.sink.subscriptionPermissionUpdate?.({ participantSid: t.participant.sid, trackSid: t.sid, allowed: false });
      return;
    }
    if (!e.p.subscriptions.has(t.sid)) await e.p.subscribe(t.sid).catch(() => undefined);
  }

  /** subscription_permission: enforced at once — revoked subscriptions end, granted wishes start. */
  async updateSubscriptionPermission(participantSid: string, perm: SubscriptionPermission): Promise<void> {
    const e = this.#entry(participantSid);
    const subs = [...e.p.room.participants.values()].filter((o) => o !== e.p);
    const changes = this.permissions.diff(participantSid, perm, [...e.p.tracks.keys()], subs);
    this.permissions.set(participantSid, perm);
    for (const c of changes) {
      const x = this.#entries.get(c.sub.sid);
      if (!x) continue;
      x.sink.subscriptionPermissionUpdate?.({ participantSid, trackSid: c.trackSid, allowed: c.allowed });
      if (!c.allowed && x.p.subscriptions.has(c.trackSid)) await rejectable(x.p.unsubscribe(c.trackSid));
      if (c.allowed && x.wanted.has(c.trackSid)) { const t = this.engine.track(c.trackSid); if (t) await this.#want(x, t); }
    }
  }

  /** update_metadata (grant and limits checked by the shim): empty fields stay, attributes merge ('' deletes). */
  async updateParticipantMetadata(participantSid: string, u: UpdateParticipantMetadata): Promise<void> {
    const e = this.#entry(participantSid);
    if (u.name) e.p.info.name = u.name;
    if (u.metadata) e.p.info.metadata = u.metadata;
    for (const [k, v] of Object.entries(u.attributes ?? {})) { if (v === '') delete e.attributes[k]; else e.attributes[k] = v; }
    this.#broadcast(e.p.room, e.p, true);
  }

  async updateLocalAudioTrack(participantSid: string, u: UpdateLocalAudioTrack): Promise<void> {
    const a = this.#announced(participantSid, u.trackSid);
    const f = u.features ?? [];
    a.audioFeatures = [...f];
    a.req.stereo = f.includes(AudioTrackFeature.TF_STEREO);
    a.req.disableDtx = f.includes(AudioTrackFeature.TF_NO_DTX);
    const e = this.#entry(participantSid);
    this.#broadcast(e.p.room, e.p, true);
  }

  async updateLocalVideoTrack(participantSid: string, u: UpdateLocalVideoTrack): Promise<void> {
    const a = this.#announced(participantSid, u.trackSid);
    if (u.width) a.req.width = u.width;
    if (u.height) a.req.height = u.height;
    const e = this.#entry(participantSid);
    this.#broadcast(e.p.room, e.p, true);
  }

  #announced(participantSid: string, trackSid: string | undefined): AnnouncedTrackRef {
    const a = [...this.#entry(participantSid).announced.values()].find((x) => x.sid === trackSid);
    if (!a) throw new RequestRejectedError(RequestReason.NOT_FOUND, `no track ${trackSid}`);
    return a;
  }

  /** sync_state after a resume (LiveKit onSyncState): disabled tracks first, then the subscription list. */
  async syncState(participantSid: string, s: SyncState): Promise<void> {
    const e = this.#entry(participantSid);
    for (const sid of s.trackSidsDisabled ?? []) await e.p.setSubscriptionPaused(sid, true).catch(() => undefined);
    const sub = s.subscription;
    if (sub && ((sub.trackSids?.length ?? 0) > 0 || (sub.participantTracks?.length ?? 0) > 0)) await this.updateSubscription(participantSid, sub);
  }

  /** simulate speaker_update (LiveKit): active at 0.9 now, inactive after `seconds`, told to the whole room. */
  async simulateSpeaker(participantSid: string, seconds: number): Promise<void> {
    const e = this.#entry(participantSid);
    const room = e.p.room;
    const tell = (active: boolean) => { for (const o of room.participants.values()) this.#entries.get(o.sid)?.sink.speakersChanged([{ sid: participantSid, level: active ? 0.9 : 0, active }]); };
    tell(true);
    setTimeout(() => tell(false), seconds * 1000).unref();
  }

  /**
   * `disabled` pauses/resumes the subscriptions; width/height (the visible size) and
   * quality (LOW/MEDIUM/HIGH -> highest spatial layer) go to the simulcast allocator;
   * fps picks the VP8 temporal layer (the lowest giving at least that rate). priority is not used yet.
   */
  async updateTrackSettings(participantSid: string, settings: UpdateTrackSettings): Promise<void> {
    const e = this.#entry(participantSid);
    const q = settings.quality;
    const prefs = {
      ...(settings.width !== undefined ? { width: settings.width } : {}), ...(settings.height !== undefined ? { height: settings.height } : {}),
      ...(q !== undefined && q !== VideoQuality.OFF ? { maxSpatial: q } : {}),
      ...(settings.fps !== undefined && settings.fps > 0 ? { fps: settings.fps } : {}),
    };
    if (Object.keys(prefs).length) for (const sid of settings.trackSids ?? []) await rejectable(e.p.setSubscriptionPreferences(sid, prefs));
    if (settings.disabled === undefined) return;
    for (const sid of settings.trackSids ?? []) {
      // Not (yet) subscribed: nothing to pause; LiveKit clients send settings early.
      await e.p.setSubscriptionPaused(sid, settings.disabled).catch((err: unknown) => {
        if (!(err instanceof EngineError && err.code === 'track-not-found')) throw err;
      });
    }
  }

  async leave(participantSid: string, _reason: DisconnectReason): Promise<void> {
    const e = this.#entries.get(participantSid);
    if (!e) return;
    e.leaving = true;
    await e.p.leave();
    this.#entries.delete(participantSid);
  }

  /** Tracks the shim can find by sid (tests, admin). */
  track(sid: string): Track | undefined { return this.engine.track(sid); }
}

/** Per-spatial-layer flags -> SubscribedQuality list (LOW, MEDIUM, HIGH; missing layers off). */
export function dynacastQualities(enabled: readonly boolean[]): SubscribedQuality[] {
  return [VideoQuality.LOW, VideoQuality.MEDIUM, VideoQuality.HIGH].map((quality) => ({ quality, enabled: enabled[quality] === true }));
}

/** EngineError -> RequestRejectedError with the matching RequestResponse reason. */
async function rejectable<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
    const reason = err.code === 'participant-not-found' || err.code === 'track-not-found' ? RequestReason.NOT_FOUND
      : err.code === 'unsupported' ? RequestReason.UNSUPPORTED_TYPE
      : err.code === 'bad-sdp' || err.code === 'invalid-state' ? RequestReason.INVALID_REQUEST
      : RequestReason.UNCLASSIFIED_ERROR;
    throw new RequestRejectedError(reason, err.message);
  }
}
