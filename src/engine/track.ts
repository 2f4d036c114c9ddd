// API objects for media: a published Track, and a Subscription (one participant
// receiving one track). Their state mirrors the media host's events.
import { Emitter } from './emitter.js';
import type { MediaKind, TrackInfo } from './protocol.js';
import type { Participant } from './participant.js';
import type { HostChannel } from './channel.js';

export type TrackEvents = {
  muted: [muted: boolean];
  unpublished: [];
};

export class Track extends Emitter<TrackEvents> {
  readonly info: TrackInfo;
  readonly participant: Participant;
  readonly #channel: HostChannel;
  #unpublished = false;

  constructor(info: TrackInfo, participant: Participant, channel: HostChannel) {
    super();
    this.info = info;
    this.participant = participant;
    this.#channel = channel;
  }

  get sid(): string { return this.info.sid; }
  get kind(): MediaKind { return this.info.kind; }
  get muted(): boolean { return this.info.muted; }
  get unpublished(): boolean { return this.#unpublished; }

  /** Server-side mute: subscribers stop receiving; unmute resumes with continuous seq numbers. */
  setMuted(muted: boolean): Promise<void> {
    return this.#channel.request({ op: 'setTrackMuted', track: this.sid, muted });
  }

  /** Server-side unpublish: the track leaves the room (subscribers renegotiate); re-offers of the same stream are ignored. */
  unpublish(): Promise<void> {
    return this.#channel.request({ op: 'unpublishTrack', track: this.sid });
  }

  /** @internal */
  _setMuted(m: boolean): void {
    if (this.info.muted === m) return;
    this.info.muted = m;
    this.emit('muted', m);
  }

  /** @internal */
  _unpublish(): void {
    if (this.#unpublished) return;
    this.#unpublished = true;
    this.emit('unpublished');
  }
}

export type SubscriptionState = 'pending' | 'active' | 'closed';
export type SubscriptionEvents = { active: []; closed: [] };

export class Subscription extends Emitter<SubscriptionEvents> {
  readonly trackSid: string;
  readonly subscriber: Participant;
  /** Set by Participant.setSubscriptionPaused. */
  paused = false;
  #state: SubscriptionState = 'pending';

  constructor(trackSid: string, subscriber: Participant) {
    super();
    this.trackSid = trackSid;
    this.subscriber = subscriber;
  }

  get state(): SubscriptionState { return this.#state; }

  /** @internal */
  _set(s: SubscriptionState): void {
    if (this.#state === s || this.#state === 'closed') return;
    this.#state = s;
    this.emit(s === 'active' ? 'active' : 'closed');
  }
}
