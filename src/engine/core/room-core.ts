// A room inside one media host: its participants, and the auto-subscribe rule (every
// participant that asked for it subscribes to every track the others publish).
import type { JoinParams, ParticipantInfo } from '../protocol.js';
import type { HostContext } from './context.js';
import { PublisherSide } from './publisher.js';
import { SubscriberSide } from './subscriber.js';
import type { TrackCore } from './track-core.js';
import { RoomMedia } from './room-media.js';
import { ParticipantData } from '../data/participant-data.js';
import { RoomData } from '../data/room-data.js';

export interface RoomIndex {
  tracks: Map<string, TrackCore>;
  participants: Map<string, ParticipantCore>;
}

export class ParticipantCore {
  readonly info: ParticipantInfo;
  readonly room: RoomCore;
  readonly autoSubscribe: boolean;
  readonly publisher: PublisherSide;
  readonly subscriber: SubscriberSide;
  /** Its data channels and DataPacket counters (src/engine/data). */
  readonly data: ParticipantData;
  closed = false;

  constructor(ctx: HostContext, room: RoomCore, p: JoinParams) {
    this.info = { sid: p.sid, identity: p.identity, name: p.name ?? p.identity, metadata: p.metadata ?? '' };
    this.room = room;
    this.autoSubscribe = p.autoSubscribe ?? true;
    const sid = p.sid;
    this.data = new ParticipantData({
      sid, identity: p.identity, canPublishData: p.canPublishData !== false, hidden: p.hidden === true, agent: p.agent === true,
      onPacket: (from, kind, msg) => room.data.receive(from, kind, msg),
    });
    this.publisher = new PublisherSide(ctx, sid, {
      dataChannels: (d) => this.data.attachClientEndpoint(d),
      published: (t) => room.trackPublished(this, t),
      unpublished: (t) => room.trackUnpublished(this, t),
      state: (state) => ctx.emit({ type: 'connectionState', participant: sid, pc: 'publisher', state }),
    });
    const single = p.singlePeerConnection === true;
    this.subscriber = new SubscriberSide(ctx, sid, {
      offer: (sdp) => ctx.emit({ type: 'subscriberOffer', participant: sid, sdp }),
      subscribed: (track) => ctx.emit({ type: 'trackSubscribed', participant: sid, track }),
      unsubscribed: (track) => ctx.emit({ type: 'trackUnsubscribed', participant: sid, track }),
      state: (state) => ctx.emit({ type: 'connectionState', participant: sid, pc: 'subscriber', state }),
      mediaSections: (audios, videos) => ctx.emit({ type: 'mediaSectionsRequirement', participant: sid, audios, videos }),
      dataChannels: (d) => this.data.attachSubscriberEndpoint(d),
    }, single ? { answerer: { transport: () => this.publisher.ensureTransport() } } : { primary: p.subscriberPrimary === true });
    if (single) {
      const sub = this.subscriber;
      this.publisher.share({
        prepareAnswer: (offer) => sub.prepareAnswer(offer),
        answered: (n, unsent, nowMs) => sub.answered(n, unsent, nowMs),
        rtcp: sub.rtcp,
        state: (state) => ctx.emit({ type: 'connectionState', participant: sid, pc: 'subscriber', state }),
        get midToTrackId() { return sub.midToTrackId; },
      });
    }
    if (p.canPublish === false) this.publisher.allowPublish = false;
  }

  get sid(): string { return this.info.sid; }

  tick(nowMs: number, wallMs: number): void {
    this.publisher.tick(nowMs);
    this.subscriber.tick(nowMs, wallMs);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.data.close();
    this.subscriber.close();
    this.publisher.close();
  }
}

export class RoomCore {
  readonly name: string;
  readonly participants = new Map<string, ParticipantCore>();
  readonly #ctx: HostContext;
  readonly #index: RoomIndex;
  /** Active speakers and dynacast (room-media.ts). */
  readonly media: RoomMedia;
  /** DataPacket routing (src/engine/data/room-data.ts). */
  readonly data = new RoomData();
  #closed = false;

  constructor(ctx: HostContext, name: string, index: RoomIndex) {
    this.#ctx = ctx;
    this.name = name;
    this.#index = index;
    this.media = new RoomMedia(ctx, name);
  }

  join(p: JoinParams): ParticipantCore {
    const part = new ParticipantCore(this.#ctx, this, p);
    this.participants.set(part.sid, part);
    this.#index.participants.set(part.sid, part);
    this.data.add(part.data);
    this.#ctx.emit({ type: 'participantJoined', room: this.name, participant: { ...part.info } });
    if (part.autoSubscribe) {
      for (const other of this.participants.values()) {
        if (other === part) continue;
        for (const t of other.publisher.tracks.values()) part.subscriber.subscribe(t);
      }
    }
    return part;
  }

  trackPublished(from: ParticipantCore, t: TrackCore): void {
    this.#index.tracks.set(t.sid, t);
    this.media.trackPublished(t, performance.now());
    this.#ctx.emit({ type: 'trackPublished', room: this.name, track: { ...t.info, codec: { ...t.info.codec } } });
    for (const p of this.participants.values()) if (p !== from && p.autoSubscribe && !p.closed) p.subscriber.subscribe(t);
  }

  trackUnpublished(from: ParticipantCore, t: TrackCore): void {
    this.#index.tracks.delete(t.sid);
    this.media.trackUnpublished(t);
    for (const p of this.participants.values()) p.subscriber.unsubscribe(t.sid);
    this.#ctx.emit({ type: 'trackUnpublished', room: this.name, participant: from.sid, track: t.sid });
  }

  leave(sid: string): void {
    const p = this.participants.get(sid);
    if (!p) return;
    p.close();
    this.data.remove(sid);
    this.participants.delete(sid);
    this.#index.participants.delete(sid);
    this.#ctx.emit({ type: 'participantLeft', room: this.name, participant: sid });
  }

  tick(nowMs: number, wallMs: number): void {
    for (const p of this.participants.values()) p.tick(nowMs, wallMs);
    this.media.tick(nowMs);
  }

  get closed(): boolean { return this.#closed; }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const sid of [...this.participants.keys()]) this.leave(sid);
  }
}
