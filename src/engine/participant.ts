// A participant as the embedding application sees it: two PeerConnections' worth of
// signaling (publisher: the client offers, we answer; subscriber: we offer whenever its
// subscriptions change — listen to 'subscriberOffer' — and the client answers), its
// published tracks and its subscriptions.
import { Emitter } from './emitter.js';
import { EngineError } from './errors.js';
import type { ConnectionState, ParticipantInfo, ParticipantStats, PcKind, SimulcastEvent } from './protocol.js';

/** A subscription's simulcast layer event (see protocol.ts SimulcastEvent). */
export type SubscriptionLayerEvent = Omit<Extract<SimulcastEvent, { type: 'subscriptionLayer' }>, 'type' | 'participant'>;
import type { HostChannel } from './channel.js';
import { Subscription, type Track } from './track.js';
import type { Room } from './room.js';
import { userPacket, type DataMessage, type SendDataOptions } from './data-message.js';

export type ParticipantEvents = {
  /** A new offer for the subscriber PeerConnection; answer with subscriberAnswer(). */
  subscriberOffer: [sdp: string];
  /** Single peer connection: ask the client for this many more recvonly sections and a new offer (LiveKit MediaSectionsRequirement). */
  mediaSectionsRequirement: [audios: number, videos: number];
  connectionState: [pc: PcKind, state: ConnectionState];
  trackPublished: [track: Track];
  trackUnpublished: [track: Track];
  /** A subscription became active (the answer covering it was applied). */
  trackSubscribed: [sub: Subscription];
  trackUnsubscribed: [sub: Subscription];
  /** Simulcast: this subscriber's allocator / forwarder for one of its subscriptions. */
  subscriptionLayer: [e: SubscriptionLayerEvent];
  /** Dynacast: the highest layer any subscriber needs of this participant's track (LiveKit SubscribedQualityUpdate). */
  subscribedQualityUpdate: [track: string, maxSpatial: number, enabled: boolean[]];
  /** A DataPacket this participant sent was routed (listening turns the host's data events on). */
  data: [msg: DataMessage];
  left: [];
};

export class Participant extends Emitter<ParticipantEvents> {
  readonly info: ParticipantInfo;
  readonly room: Room;
  /** Published tracks by sid. */
  readonly tracks = new Map<string, Track>();
  /** Subscriptions by track sid. */
  readonly subscriptions = new Map<string, Subscription>();
  readonly connectionStates: Record<PcKind, ConnectionState> = { publisher: 'new', subscriber: 'new' };
  /** The last subscriber offer not yet answered. */
  pendingSubscriberOffer: string | undefined;
  readonly #channel: HostChannel;
  #left = false;

  constructor(info: ParticipantInfo, room: Room, channel: HostChannel) {
    super();
    this.info = info;
    this.room = room;
    this.#channel = channel;
  }

  get sid(): string { return this.info.sid; }
  get identity(): string { return this.info.identity; }
  get left(): boolean { return this.#left; }

  #check(): void {
    if (this.#left) throw new EngineError('closed', `participant ${this.sid} left`);
  }

  /**
   * The client's publisher offer; resolves to our answer (ICE-lite, a=setup:passive).
   * `trackSids` (msid track id or mid -> sid) names the tracks this offer publishes;
   * others get a generated 'TR_' sid.
   */
  async publisherOffer(sdp: string, opts: { trackSids?: Record<string, string> } = {}): Promise<string> {
    return (await this.answerOffer(sdp, opts)).sdp;
  }

  /** publisherOffer, plus (single peer connection) the mid -> track sid map of what we send. */
  async answerOffer(sdp: string, opts: { trackSids?: Record<string, string> } = {}): Promise<{ sdp: string; midToTrackId: Record<string, string> }> {
    this.#check();
    const r = await this.#channel.request<{ sdp: string; midToTrackId?: Record<string, string> }>({ op: 'publisherOffer', participant: this.sid, sdp, ...(opts.trackSids ? { trackSids: opts.trackSids } : {}) });
    return { sdp: r.sdp, midToTrackId: r.midToTrackId ?? {} };
  }

  /** The client's answer to the latest 'subscriberOffer'. */
  async subscriberAnswer(sdp: string): Promise<void> {
    this.#check();
    this.pendingSubscriberOffer = undefined;
    await this.#channel.request({ op: 'subscriberAnswer', participant: this.sid, sdp });
  }

  /**
   * ICE restart of the subscriber PeerConnection: the next 'subscriberOffer' carries new
   * ICE credentials (what LiveKit sends after a resume); media and DTLS continue. Resolves
   * false when there is nothing to restart (no subscriber transport yet, or one peer
   * connection: there the client restarts with its own offer).
   */
  async restartSubscriberIce(): Promise<boolean> {
    this.#check();
    return this.#channel.request<boolean>({ op: 'restartSubscriberIce', participant: this.sid });
  }

  /** Subscribe to a track (selective subscription); active after the next answer. */
  async subscribe(track: Track | string): Promise<Subscription> {
    this.#check();
    const sid = typeof track === 'string' ? track : track.sid;
    let sub = this.subscriptions.get(sid);
    if (!sub) { sub = new Subscription(sid, this); this.subscriptions.set(sid, sub); }
    await this.#channel.request({ op: 'subscribe', participant: this.sid, track: sid });
    return sub;
  }

  /** Pause or resume one subscription without renegotiating (resume restarts video on a key frame). */
  async setSubscriptionPaused(track: Track | string, paused: boolean): Promise<void> {
    this.#check();
    const sid = typeof track === 'string' ? track : track.sid;
    await this.#channel.request({ op: 'setSubscriptionPaused', participant: this.sid, track: sid, paused });
    const sub = this.subscriptions.get(sid);
    if (sub) sub.paused = paused;
  }

  /**
   * Simulcast: the size this subscriber shows a track at (0: no limit) and the highest
   * layer it wants (0..2); layers larger than that are not forwarded. Kept until the
   * subscription is active when given earlier. VP8 temporal layers: `maxTemporal` (0 base
   * only .. 2; 3 all) or `fps` (the lowest layer giving at least that frame rate) thins the
   * frame rate without a key frame; they apply to an existing subscription.
   */
  async setSubscriptionPreferences(track: Track | string, prefs: { width?: number; height?: number; maxSpatial?: number; maxTemporal?: number; fps?: number }): Promise<void> {
    this.#check();
    const t = prefs.maxTemporal;
    if (t !== undefined && !(Number.isInteger(t) && t >= 0 && t <= 3)) throw new EngineError('invalid-argument', `maxTemporal must be an integer 0..3, got ${String(t)}`);
    if (prefs.fps !== undefined && !(Number.isFinite(prefs.fps) && prefs.fps >= 0)) throw new EngineError('invalid-argument', `fps must be a number >= 0, got ${String(prefs.fps)}`);
    const sid = typeof track === 'string' ? track : track.sid;
    await this.#channel.request({ op: 'setSubscriptionPreferences', participant: this.sid, track: sid, ...prefs });
  }

  async unsubscribe(track: Track | string): Promise<void> {
    this.#check();
    const sid = typeof track === 'string' ? track : track.sid;
    await this.#channel.request({ op: 'unsubscribe', participant: this.sid, track: sid });
    this._subscriptionClosed(sid);
  }

  override on<K extends keyof ParticipantEvents>(event: K, fn: (...args: ParticipantEvents[K]) => void): this {
    if (event === 'data') this.room._watchData();
    return super.on(event, fn);
  }

  /** A user DataPacket from the server to this participant only; resolves true when it was sent or queued. */
  async sendData(data: Uint8Array | string, opts: Omit<SendDataOptions, 'destinationIdentities' | 'destinationSids'> = {}): Promise<boolean> {
    this.#check();
    const { packet, kind } = userPacket(data, opts);
    return (await this.#channel.request<number>({ op: 'sendData', room: this.room.name, kind, packet, to: this.sid })) > 0;
  }

  /** Grant or revoke canPublishData (LiveKit UpdateParticipant permission); takes effect on the next packet. */
  async setCanPublishData(allowed: boolean): Promise<void> {
    this.#check();
    await this.#channel.request({ op: 'setDataPermission', participant: this.sid, canPublishData: allowed });
  }

  /** Transport and per-track counters from the media host. */
  async stats(): Promise<ParticipantStats> {
    this.#check();
    return this.#channel.request<ParticipantStats>({ op: 'stats', participant: this.sid });
  }

  /** Idempotent: closes both transports; the participant's tracks are unpublished. */
  async leave(): Promise<void> {
    if (this.#left) return;
    await this.#channel.request({ op: 'leave', participant: this.sid }).catch(() => undefined);
    this._left();
  }

  close(): Promise<void> { return this.leave(); }

  /** @internal */
  _subscriptionActive(trackSid: string): void {
    let sub = this.subscriptions.get(trackSid);
    if (!sub) { sub = new Subscription(trackSid, this); this.subscriptions.set(trackSid, sub); }
    sub._set('active');
    this.emit('trackSubscribed', sub);
  }

  /** @internal */
  _subscriptionClosed(trackSid: string): void {
    const sub = this.subscriptions.get(trackSid);
    if (!sub) return;
    this.subscriptions.delete(trackSid);
    const wasActive = sub.state === 'active';
    sub._set('closed');
    if (wasActive) this.emit('trackUnsubscribed', sub);
  }

  /** @internal */
  _left(): void {
    if (this.#left) return;
    this.#left = true;
    for (const sid of [...this.subscriptions.keys()]) this._subscriptionClosed(sid);
    this.emit('left');
  }
}
