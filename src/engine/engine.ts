// Engine: the embeddable media server. It owns a DTLS certificate and N media hosts —
// worker threads, each with its own UDP socket (DESIGN.md "Threads"), or one host in
// this thread with `workers: 0` — and places each room on the least-loaded host. This
// thread keeps only control: SDP in and out, and events. No global state: several
// engines can live in one process.
import { availableParallelism } from 'node:os';
import { generateCertificate, type DtlsCertificate } from '../dtls/index.js';
import type { Capabilities } from '../sdp/index.js';
import { LocalChannel, WorkerChannel, type HostChannel, type HostSettings } from './channel.js';
import { Emitter } from './emitter.js';
import { EngineError } from './errors.js';
import type { Participant } from './participant.js';
import type { EngineEvent } from './protocol.js';
import { toDataMessage } from './data-message.js';
import { Room, type RoomRegistry } from './room.js';
import { Track } from './track.js';

export interface EngineOptions {
  /** Media worker threads, each with its own UDP socket. 0 = media in this thread. Default: the number of cores. */
  workers?: number;
  /** Address the sockets bind. Default '127.0.0.1'. */
  host?: string;
  /** First UDP port (worker i binds port + i). Default 0: any free port per host. */
  port?: number;
  /**
   * First ICE-TCP port (RFC 6544 passive candidates; worker i listens on tcpPort + i).
   * Default 0: any free port per host. false: UDP only.
   */
  tcpPort?: number | false;
  /** Address announced in SDP candidates. Default: `host`. */
  announcedAddress?: string;
  /** DTLS certificate. Default: a fresh ECDSA P-256 one. */
  certificate?: DtlsCertificate;
  /** Codecs and header extensions offered/accepted. Default: src/sdp defaultCapabilities. */
  capabilities?: Capabilities;
}

export type EngineEvents = {
  roomCreated: [room: Room];
  roomClosed: [room: Room];
  /** A media worker died; its rooms were closed (their participants left). */
  workerDied: [error: EngineError, port: number];
};

export class Engine extends Emitter<EngineEvents> {
  readonly certificate: DtlsCertificate;
  readonly rooms = new Map<string, Room>();
  readonly #hosts: HostChannel[];
  readonly #participants = new Map<string, Participant>();
  readonly #tracks = new Map<string, Track>();
  readonly #registry: RoomRegistry;
  #closed = false;

  private constructor(certificate: DtlsCertificate, hosts: HostChannel[]) {
    super();
    this.certificate = certificate;
    this.#hosts = hosts;
    for (const h of hosts) h.onDied = (err) => this.#hostDied(h, err);
    this.#registry = {
      participantCreated: (p) => this.#participants.set(p.sid, p),
      roomClosed: (r) => { if (this.rooms.get(r.name) === r) { this.rooms.delete(r.name); this.emit('roomClosed', r); } },
    };
  }

  /** Starts the media hosts (binding their sockets). */
  static async create(opts: EngineOptions = {}): Promise<Engine> {
    const certificate = opts.certificate ?? generateCertificate();
    const n = opts.workers ?? availableParallelism();
    if (!Number.isInteger(n) || n < 0 || n > 256) throw new EngineError('invalid-state', `workers must be an integer 0..256, got ${n}`);
    const base: Omit<HostSettings, 'port'> = { certificate, host: opts.host ?? '127.0.0.1', ...(opts.announcedAddress ? { announcedAddress: opts.announcedAddress } : {}), ...(opts.capabilities ? { capabilities: opts.capabilities } : {}) };
    const port = (i: number): number => (opts.port ? opts.port + i : 0);
    const tcpPort = (i: number): number | false => (opts.tcpPort === false ? false : opts.tcpPort ? opts.tcpPort + i : 0);
    const hosts: HostChannel[] = [];
    let engine: Engine | undefined;
    const onEvent = (ev: EngineEvent): void => { if (engine) engine.#onEvent(ev); };
    try {
      if (n === 0) hosts.push(await LocalChannel.start({ ...base, port: port(0), tcpPort: tcpPort(0) }, onEvent));
      else for (const h of await Promise.all(Array.from({ length: n }, (_, i) => WorkerChannel.start({ ...base, port: port(i), tcpPort: tcpPort(i) }, onEvent)))) hosts.push(h);
    } catch (e) {
      await Promise.all(hosts.map((h) => h.close()));
      throw e;
    }
    engine = new Engine(certificate, hosts);
    return engine;
  }

  /** UDP port of each media host. */
  get ports(): number[] { return this.#hosts.map((h) => h.port); }
  /** ICE-TCP ports per host (0 where ICE-TCP is off). */
  get tcpPorts(): number[] { return this.#hosts.map((h) => h.tcpPort); }
  get workerCount(): number { return this.#hosts.filter((h) => h instanceof WorkerChannel).length; }
  /** @internal for tests: the worker threads. */
  get workers(): import('node:worker_threads').Worker[] { return this.#hosts.flatMap((h) => (h instanceof WorkerChannel ? [h.worker] : [])); }

  room(name: string): Room | undefined { return this.rooms.get(name); }
  participant(sid: string): Participant | undefined { return this.#participants.get(sid); }
  track(sid: string): Track | undefined { return this.#tracks.get(sid); }

  /** Returns the room, creating it on the least-loaded host. */
  async createRoom(name: string): Promise<Room> {
    if (this.#closed) throw new EngineError('closed', 'engine closed');
    const have = this.rooms.get(name);
    if (have) return have;
    const alive = this.#hosts.filter((h) => h.alive);
    if (!alive.length) throw new EngineError('worker-died', 'no media host is alive');
    let host = alive[0]!;
    const roomsOn = (h: HostChannel): number => [...this.rooms.values()].filter((r) => r.channel === h).length;
    for (const h of alive) if (h.participants < host.participants || (h.participants === host.participants && roomsOn(h) < roomsOn(host))) host = h;
    const room = new Room(name, host, this.#registry);
    this.rooms.set(name, room);
    await host.request({ op: 'createRoom', room: name });
    this.emit('roomCreated', room);
    return room;
  }

  #hostDied(h: HostChannel, err: EngineError): void {
    for (const r of [...this.rooms.values()]) if (r.channel === h) r._hostDied();
    for (const [sid, p] of this.#participants) if (p.room.channel === h) this.#participants.delete(sid);
    for (const [sid, t] of this.#tracks) if (t.participant.room.channel === h) { this.#tracks.delete(sid); t._unpublish(); }
    this.emit('workerDied', err, h.port);
  }

  #onEvent(ev: EngineEvent): void {
    switch (ev.type) {
      case 'participantJoined': {
        const p = this.#participants.get(ev.participant.sid);
        if (p) p.room.emit('participantJoined', p);
        return;
      }
      case 'participantLeft': {
        const p = this.#participants.get(ev.participant);
        this.#participants.delete(ev.participant);
        p?.room._participantLeft(ev.participant);
        return;
      }
      case 'trackPublished': {
        const p = this.#participants.get(ev.track.participantSid);
        if (!p) return;
        const t = new Track(ev.track, p, p.room.channel);
        this.#tracks.set(t.sid, t);
        p.tracks.set(t.sid, t);
        p.emit('trackPublished', t);
        p.room.emit('trackPublished', t);
        return;
      }
      case 'trackUnpublished': {
        const t = this.#tracks.get(ev.track);
        if (!t) return;
        this.#tracks.delete(ev.track);
        t.participant.tracks.delete(ev.track);
        for (const other of t.participant.room.participants.values()) other._subscriptionClosed(ev.track);
        t._unpublish();
        t.participant.emit('trackUnpublished', t);
        t.participant.room.emit('trackUnpublished', t);
        return;
      }
      case 'trackMuted': {
        const t = this.#tracks.get(ev.track);
        if (!t) return;
        t._setMuted(ev.muted);
        t.participant.room.emit('trackMuted', t, ev.muted);
        return;
      }
      case 'subscriberOffer': {
        const p = this.#participants.get(ev.participant);
        if (!p) return;
        p.pendingSubscriberOffer = ev.sdp;
        p.emit('subscriberOffer', ev.sdp);
        return;
      }
      case 'mediaSectionsRequirement': this.#participants.get(ev.participant)?.emit('mediaSectionsRequirement', ev.audios, ev.videos); return;
      case 'subscriptionLayer': {
        const { type: _t, participant, ...rest } = ev;
        this.#participants.get(participant)?.emit('subscriptionLayer', rest);
        return;
      }
      case 'subscribedQualityUpdate': this.#participants.get(ev.participant)?.emit('subscribedQualityUpdate', ev.track, ev.maxSpatial, ev.enabled); return;
      case 'speakersChanged': this.rooms.get(ev.room)?.emit('speakersChanged', ev.speakers); return;
      case 'trackSubscribed': this.#participants.get(ev.participant)?._subscriptionActive(ev.track); return;
      case 'trackUnsubscribed': this.#participants.get(ev.participant)?._subscriptionClosed(ev.track); return;
      case 'data': {
        const room = this.rooms.get(ev.room);
        if (!room) return;
        const from = ev.participant ? this.#participants.get(ev.participant) : undefined;
        const msg = toDataMessage(ev.packet, ev.kind, from);
        from?.emit('data', msg);
        room.emit('data', msg);
        return;
      }
      case 'connectionState': {
        const p = this.#participants.get(ev.participant);
        if (!p) return;
        p.connectionStates[ev.pc] = ev.state;
        p.emit('connectionState', ev.pc, ev.state);
        return;
      }
    }
  }

  get closed(): boolean { return this.#closed; }

  /** Idempotent: closes every room and host; worker threads exit, sockets close. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const r of [...this.rooms.values()]) await r.close();
    await Promise.all(this.#hosts.map((h) => h.close()));
    this.removeAllListeners();
  }
}
