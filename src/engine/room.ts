// A room as the application sees it: its participants and the room-wide events. Lives
// on one media host (worker); every participant of the room shares that host's socket.
import { randomBytes } from 'node:crypto';
import { Emitter } from './emitter.js';
import { EngineError } from './errors.js';
import type { HostChannel } from './channel.js';
import { Participant } from './participant.js';
import type { Track } from './track.js';
import type { SpeakerEntry } from './protocol.js';
import { rawPacket, userPacket, type DataMessage, type SendDataOptions } from './data-message.js';

export type RoomEvents = {
  participantJoined: [p: Participant];
  participantLeft: [p: Participant];
  trackPublished: [t: Track];
  trackUnpublished: [t: Track];
  trackMuted: [t: Track, muted: boolean];
  /** Active speakers changed: current ones loudest first, then those who stopped (active: false). */
  speakersChanged: [speakers: SpeakerEntry[]];
  /** A DataPacket was routed in this room (listening turns the host's data events on). */
  data: [msg: DataMessage];
  closed: [];
};

export interface JoinOptions {
  identity: string;
  name?: string;
  metadata?: string;
  /** Subscribe to every track others publish. Default true. */
  autoSubscribe?: boolean;
  /**
   * LiveKit's subscriber-primary mode: the subscriber transport is offered right at join
   * (with the data m-line, `m=application ... webrtc-datachannel`, in this and every later
   * offer), the server opens `_reliable` and `_lossy` on it, and data to this participant
   * goes there. Without it, data to the participant uses the channels it opened on its
   * publisher transport. Default false.
   */
  subscriberPrimary?: boolean;
  /**
   * LiveKit's single peer connection (/rtc/v1): one transport carries what the client
   * publishes and what it subscribes to. The client always offers; we send on the
   * recvonly sections of its offers, and when short of them the participant emits
   * 'mediaSectionsRequirement' (ask the client for that many more, then it offers).
   * The answer's mid -> track sid map comes from Participant.answerOffer(). Default false.
   */
  singlePeerConnection?: boolean;
  /** May this participant publish (LiveKit grant canPublish)? False: its offers are answered, nothing is published. Default true. */
  canPublish?: boolean;
  /** May this participant send data packets (LiveKit grant canPublishData)? Default true. */
  canPublishData?: boolean;
  /** Hidden (LiveKit grant hidden): its data packets go out without a sender. Default false. */
  hidden?: boolean;
  /** An agent (LiveKit participant kind AGENT): may publish transcriptions. Default false. */
  agent?: boolean;
  /**
   * Test/NAT hook: the ICE candidate our subscriber offers to this participant announce
   * instead of the host's own address (e.g. a loopback impairment proxy in front of the
   * host's port in tests, or a port forward). Media still leaves from the host's socket.
   */
  subscriberCandidate?: { address: string; port: number };
  /** Test/NAT hook, as subscriberCandidate but for the publisher transport's answers. */
  publisherCandidate?: { address: string; port: number };
}

export interface RoomRegistry {
  participantCreated(p: Participant): void;
  roomClosed(r: Room): void;
}

export class Room extends Emitter<RoomEvents> {
  readonly name: string;
  readonly participants = new Map<string, Participant>();
  /** @internal the host this room lives on. */
  readonly channel: HostChannel;
  readonly #registry: RoomRegistry;
  #closed = false;
  #dataEvents: Promise<unknown> | undefined;

  constructor(name: string, channel: HostChannel, registry: RoomRegistry) {
    super();
    this.name = name;
    this.channel = channel;
    this.#registry = registry;
  }

  get closed(): boolean { return this.#closed; }

  /** Adds a participant; then drive its publisher/subscriber signaling. */
  async join(o: JoinOptions): Promise<Participant> {
    if (this.#closed) throw new EngineError('closed', `room ${this.name} is closed`);
    if (typeof o?.identity !== 'string' || !o.identity) throw new EngineError('invalid-state', 'identity is required');
    const sid = 'PA_' + randomBytes(9).toString('base64url');
    const p = new Participant({ sid, identity: o.identity, name: o.name ?? o.identity, metadata: o.metadata ?? '' }, this, this.channel);
    this.participants.set(sid, p);
    this.#registry.participantCreated(p);
    this.channel.participants++;
    try {
      await this.channel.request({ op: 'join', params: { room: this.name, sid, identity: o.identity, name: p.info.name, metadata: p.info.metadata, autoSubscribe: o.autoSubscribe ?? true, subscriberPrimary: o.subscriberPrimary === true, singlePeerConnection: o.singlePeerConnection === true, canPublish: o.canPublish !== false, canPublishData: o.canPublishData !== false, hidden: o.hidden === true, agent: o.agent === true, ...(o.subscriberCandidate ? { subscriberCandidate: { address: o.subscriberCandidate.address, port: o.subscriberCandidate.port } } : {}), ...(o.publisherCandidate ? { publisherCandidate: { address: o.publisherCandidate.address, port: o.publisherCandidate.port } } : {}) } });
    } catch (e) {
      this._participantLeft(sid);
      throw e;
    }
    return p;
  }

  override on<K extends keyof RoomEvents>(event: K, fn: (...args: RoomEvents[K]) => void): this {
    if (event === 'data') this._watchData();
    return super.on(event, fn);
  }

  /** @internal the host reports routed data only once someone listens (it costs a copy per packet). */
  _watchData(): void {
    if (this.#dataEvents || this.#closed) return;
    this.#dataEvents = this.channel.request({ op: 'dataEvents', room: this.name, enabled: true }).catch(() => undefined);
  }

  /**
   * A user DataPacket from the server to everyone in the room (or the destinations
   * named), as LiveKit's RoomService SendData. Resolves to the number of recipients.
   */
  async sendData(data: Uint8Array | string, opts: SendDataOptions = {}): Promise<number> {
    if (this.#closed) throw new EngineError('closed', `room ${this.name} is closed`);
    const { packet, kind } = userPacket(data, opts);
    return this.channel.request<number>({ op: 'sendData', room: this.name, kind, packet });
  }

  /** Any DataPacket (chat, RPC, a stream) built by the embedder; its sender fields are sent as given. */
  async sendDataPacket(packet: Uint8Array, opts: { reliable?: boolean } = {}): Promise<number> {
    if (this.#closed) throw new EngineError('closed', `room ${this.name} is closed`);
    const r = rawPacket(packet, opts.reliable);
    return this.channel.request<number>({ op: 'sendData', room: this.name, kind: r.kind, packet: r.packet });
  }

  /** Idempotent: every participant leaves; the room is forgotten by the engine. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.channel.request({ op: 'closeRoom', room: this.name }).catch(() => undefined);
    for (const sid of [...this.participants.keys()]) this._participantLeft(sid);
    this.#registry.roomClosed(this);
    this.emit('closed');
  }

  /** @internal its media host died: everyone left, the room is gone. */
  _hostDied(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const sid of [...this.participants.keys()]) this._participantLeft(sid);
    this.#registry.roomClosed(this);
    this.emit('closed');
  }

  /** @internal */
  _participantLeft(sid: string): Participant | undefined {
    const p = this.participants.get(sid);
    if (!p) return undefined;
    this.participants.delete(sid);
    this.channel.participants--;
    p._left();
    this.emit('participantLeft', p);
    return p;
  }
}
