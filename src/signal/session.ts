// One participant's signal session: validates each SignalRequest frame against the
// grant and the negotiation state, relays it to RoomService (serialised, in order), and
// turns SignalSink calls into SignalResponse frames. It outlives one WebSocket: the
// server detaches it when the socket drops and re-attaches it on reconnect; responses
// produced meanwhile are buffered (bounded).
import { RequestRejectedError } from './errors.js';
import {
  DisconnectReason, LeaveAction, RequestReason, TrackType, TrackSource,
  type ConnectionQualityInfo, type ParticipantInfo, type ParticipantPermission, type ReconnectResponse, type Room,
  type SessionDescription, type SignalRequest, type SignalResponse, type SignalTarget, type SpeakerInfo,
  type JoinResponse, type RequestResponse, type SubscribedQualityUpdate, type SubscriptionPermissionUpdate,
} from './messages.js';
import { decodeSignalRequest, encodeSignalResponse } from './proto.js';
import type { IceCandidateInit, RoomService, SignalSink } from './room-service.js';
import { checkSessionDescription, parseCandidateInit } from './validate.js';
import { handleSessionRequest, type RequestContext } from './session-requests.js';

/** The socket under a session. `send` gets one encoded SignalResponse. */
export interface SessionTransport {
  send(frame: Uint8Array): void;
  close(code: number, reason: string): void;
}

export interface SignalSessionParams {
  service: RoomService;
  permission: ParticipantPermission;
  maxMessageBytes: number;
  nowMs: () => number;
  /** Responses kept while no socket is attached (default 512); beyond it, `overflowed`. */
  maxBuffered?: number;
  /** Called once when the session ends (the server drops it from its directory). */
  onEnd?: (session: SignalSession, reason: DisconnectReason) => void;
}

export interface EndOptions {
  /** Call RoomService.leave (false when the engine itself closed the participant). */
  notifyService: boolean;
  /** Send a `leave` response first (with this action / canReconnect). */
  sendLeave?: { action: LeaveAction; canReconnect: boolean };
}

export class SignalSession implements SignalSink {
  readonly #p: SignalSessionParams;
  #sid = '';
  #transport: SessionTransport | undefined;
  #ready = false; // the join/reconnect response is first in #out
  #out: Uint8Array[] = [];
  #chain: Promise<void> = Promise.resolve();
  #ended = false;
  #publisherOffers = 0;
  #subscriberOffersSent = 0;
  #awaitingAnswer = false;
  #pendingCids = new Set<string>();
  #published = new Set<string>();
  /** simulate disconnect_signal_on_resume[_no_messages]: until when, and before any message? */
  #resumeDisconnect: { untilMs: number; beforeMessages: boolean } | undefined;
  #ctx: RequestContext | undefined;
  /** Responses dropped while detached (buffer full): the client state is stale. */
  overflowed = false;
  /** Counters, for tests and logs. */
  readonly stats = { requests: 0, rejected: 0 };

  constructor(params: SignalSessionParams) {
    this.#p = params;
  }

  get sid(): string { return this.#sid; }
  get ended(): boolean { return this.#ended; }
  get attached(): boolean { return this.#transport !== undefined; }
  /** Promise that settles when every request received so far has been handled. */
  idle(): Promise<void> { return this.#chain; }

  /** The engine accepted the join: queue the `join` response first. */
  joined(sid: string, join: JoinResponse): void {
    this.#sid = sid;
    this.#out.unshift(encodeSignalResponse({ join }));
    this.#ready = true;
    this.#flush();
  }

  attach(t: SessionTransport): void {
    this.#transport = t;
    this.#flush();
  }

  /** Re-attach after a reconnect: `reconnect` goes first, then what was buffered. */
  resume(t: SessionTransport, reconnect: ReconnectResponse): void {
    const sim = this.#resumeDisconnect;
    this.#resumeDisconnect = undefined;
    if (sim && this.#p.nowMs() <= sim.untilMs && sim.beforeMessages) { t.close(1000, 'simulated signal disconnect on resume'); return; }
    this.#out.unshift(encodeSignalResponse({ reconnect }));
    this.attach(t);
    if (sim && this.#p.nowMs() <= sim.untilMs) { this.#transport = undefined; t.close(1000, 'simulated signal disconnect on resume'); }
  }

  detach(): void {
    this.#transport = undefined;
  }

  /** End the session (idempotent). Pending requests not yet started are skipped. */
  end(reason: DisconnectReason, opts: EndOptions): void {
    if (this.#ended) return;
    if (opts.sendLeave) this.#send({ leave: { canReconnect: opts.sendLeave.canReconnect, reason, action: opts.sendLeave.action } });
    this.#ended = true;
    const t = this.#transport;
    this.#transport = undefined;
    t?.close(1000, `left: ${reason}`);
    if (opts.notifyService && this.#sid) {
      const sid = this.#sid;
      this.#chain = this.#chain.then(() => this.#p.service.leave(sid, reason)).catch(() => undefined);
    }
    this.#p.onEnd?.(this, reason);
  }

  /** A publisher offer that did not come as a frame (/rtc/v1: inside the join request). */
  offer(offer: SessionDescription): void {
    if (this.#ended) return;
    this.stats.requests++;
    this.#dispatch({ message: 'offer', offer });
  }

  /** One WebSocket frame from the client. Never throws. */
  handleFrame(data: Uint8Array, isBinary: boolean): void {
    if (this.#ended) return;
    this.stats.requests++;
    if (!isBinary) return this.#reject(RequestReason.INVALID_REQUEST, 'text frames are not supported: send SignalRequest as binary protobuf');
    if (data.length > this.#p.maxMessageBytes) return this.#reject(RequestReason.LIMIT_EXCEEDED, `message of ${data.length} bytes exceeds the limit of ${this.#p.maxMessageBytes}`);
    const d = decodeSignalRequest(data);
    if (!d.ok) return this.#reject(RequestReason.INVALID_REQUEST, d.reason);
    try {
      this.#dispatch(d.value);
    } catch (e) {
      this.#reject(RequestReason.UNCLASSIFIED_ERROR, `request failed: ${(e as Error)?.message ?? e}`);
    }
  }

  #dispatch(req: SignalRequest): void {
    const svc = this.#p.service;
    const sid = this.#sid;
    const perm = this.#p.permission;
    switch (req.message) {
      case 'offer': {
        const bad = checkSessionDescription(req.offer, 'offer');
        if (bad) return this.#reject(RequestReason.INVALID_REQUEST, bad);
        this.#publisherOffers++;
        const offer = req.offer!;
        return this.#run('offer', async () => {
          const answer = await svc.publisherOffer(sid, offer);
          this.#send({ answer: { ...answer, id: answer.id ?? offer.id } });
        });
      }
      case 'answer': {
        const bad = checkSessionDescription(req.answer, 'answer');
        if (bad) return this.#reject(RequestReason.INVALID_REQUEST, bad);
        if (!this.#awaitingAnswer) return this.#reject(RequestReason.INVALID_REQUEST, 'answer without a pending subscriber offer');
        this.#awaitingAnswer = false;
        const answer = req.answer!;
        return this.#run('answer', () => svc.subscriberAnswer(sid, answer));
      }
      case 'trickle': {
        const tr = req.trickle!;
        const echo = { trickle: tr };
        const target = (tr.target ?? 0) as number;
        if (target !== 0 && target !== 1) return this.#reject(RequestReason.INVALID_REQUEST, `trickle target ${target} is neither PUBLISHER nor SUBSCRIBER`, echo);
        if (target === 0 && this.#publisherOffers === 0) return this.#reject(RequestReason.INVALID_REQUEST, 'publisher trickle before any publisher offer', echo);
        if (target === 1 && this.#subscriberOffersSent === 0) return this.#reject(RequestReason.INVALID_REQUEST, 'subscriber trickle before any subscriber offer', echo);
        const c = parseCandidateInit(tr.candidateInit, tr.final ?? false);
        if (!c.ok) return this.#reject(RequestReason.INVALID_REQUEST, c.reason, echo);
        return this.#run('trickle', () => svc.addIceCandidate(sid, target as SignalTarget, c.candidate), echo);
      }
      case 'addTrack': {
        const at = req.addTrack!;
        const echo = { addTrack: at };
        if (!perm.canPublish) return this.#reject(RequestReason.NOT_ALLOWED, 'add_track: the token does not grant canPublish', echo);
        const source = at.source ?? TrackSource.UNKNOWN;
        const allowed = perm.canPublishSources ?? [];
        if (allowed.length && !allowed.includes(source)) return this.#reject(RequestReason.NOT_ALLOWED, `add_track: source ${source} is not in the token's canPublishSources`, echo);
        if (!at.cid) return this.#reject(RequestReason.INVALID_REQUEST, 'add_track has no cid', echo);
        const type = at.type ?? TrackType.AUDIO;
        if (type !== TrackType.AUDIO && type !== TrackType.VIDEO) return this.#reject(RequestReason.INVALID_REQUEST, `add_track type ${type} is not AUDIO or VIDEO`, echo);
        if (this.#pendingCids.has(at.cid)) return this.#reject(RequestReason.INVALID_REQUEST, `add_track cid ${at.cid} is already pending`, echo);
        const cid = at.cid;
        this.#pendingCids.add(cid);
        return this.#run('add_track', async () => {
          try {
            const track = await svc.addTrack(sid, at);
            if (!track.sid) throw new Error('the engine returned a track without sid');
            this.#published.add(track.sid);
            this.#send({ trackPublished: { cid, track } });
          } finally {
            this.#pendingCids.delete(cid);
          }
        }, echo);
      }
      case 'mute': {
        const m = req.mute!;
        if (!m.sid || !this.#published.has(m.sid)) return this.#reject(RequestReason.NOT_FOUND, `mute: no published track ${JSON.stringify(m.sid ?? '')}`, { mute: m });
        return this.#run('mute', () => svc.muteTrack(sid, m.sid!, m.muted ?? false), { mute: m });
      }
      case 'subscription':
        if (!perm.canSubscribe) return this.#reject(RequestReason.NOT_ALLOWED, 'subscription: the token does not grant canSubscribe');
        return this.#run('subscription', () => svc.updateSubscription(sid, req.subscription!));
      case 'trackSetting':
        if (!perm.canSubscribe) return this.#reject(RequestReason.NOT_ALLOWED, 'track_setting: the token does not grant canSubscribe');
        return this.#run('track_setting', () => svc.updateTrackSettings(sid, req.trackSetting!));
      case 'updateLayers': {
        const u = req.updateLayers!;
        if (!u.trackSid || !this.#published.has(u.trackSid)) return this.#reject(RequestReason.NOT_FOUND, `update_layers: no published track ${JSON.stringify(u.trackSid ?? '')}`);
        if (!svc.updateVideoLayers) return this.#reject(RequestReason.UNSUPPORTED_TYPE, 'update_layers is not supported by this server');
        return this.#run('update_layers', () => svc.updateVideoLayers!(sid, u));
      }
      case 'subscriptionPermission':
        if (!svc.updateSubscriptionPermission) return this.#reject(RequestReason.UNSUPPORTED_TYPE, 'subscription_permission is not supported by this server');
        return this.#run('subscription_permission', () => svc.updateSubscriptionPermission!(sid, req.subscriptionPermission!));
      case 'leave':
        return this.end(DisconnectReason.CLIENT_INITIATED, { notifyService: true });
      case 'ping':
        return this.#send({ pong: this.#p.nowMs() });
      case 'pingReq':
        return this.#send({ pongResp: { lastPingTimestamp: req.pingReq!.timestamp ?? 0, timestamp: this.#p.nowMs() } });
      default:
        if (handleSessionRequest(req, this.#context())) return;
        return this.#reject(RequestReason.UNSUPPORTED_TYPE, 'unknown or empty SignalRequest (no message case this server handles)');
    }
  }

  #context(): RequestContext {
    const sidOf = (): string => this.#sid;
    return (this.#ctx ??= {
      service: this.#p.service, permission: this.#p.permission, published: this.#published,
      get sid() { return sidOf(); },
      nowMs: () => this.#p.nowMs(),
      run: (l, fn, echo) => this.#run(l, fn, echo),
      reject: (r, m, echo) => this.#reject(r, m, echo),
      send: (res) => this.#send(res),
      leave: (reason, action) => this.end(reason, { notifyService: true, sendLeave: { action, canReconnect: action !== LeaveAction.DISCONNECT } }),
      drop: (reason) => this.end(reason, { notifyService: true }),
      armResumeDisconnect: (untilMs, beforeMessages) => { this.#resumeDisconnect = { untilMs, beforeMessages }; },
    });
  }

  /** Run one RoomService call after the previous ones; failures become RequestResponse. */
  #run(label: string, fn: () => Promise<void>, echo?: Partial<RequestResponse>): void {
    this.#chain = this.#chain.then(async () => {
      if (this.#ended) return;
      try {
        await fn();
      } catch (e) {
        if (this.#ended) return;
        if (e instanceof RequestRejectedError) this.#reject(e.reason as RequestResponse['reason'] & number, `${label}: ${e.message}`, echo);
        else this.#reject(RequestReason.UNCLASSIFIED_ERROR, `${label} failed: ${(e as Error)?.message ?? e}`, echo);
      }
    });
  }

  #reject(reason: number, message: string, echo?: Partial<RequestResponse>): void {
    this.stats.rejected++;
    this.#send({ requestResponse: { reason: reason as RequestResponse['reason'], message, ...echo } });
  }

  #send(res: SignalResponse): void {
    if (this.#ended) return;
    let frame: Uint8Array;
    try {
      frame = encodeSignalResponse(res);
    } catch {
      return; // an engine-supplied value protobufjs cannot encode; nothing sane to send
    }
    if (this.#transport && this.#ready && this.#out.length === 0) {
      this.#transport.send(frame);
      return;
    }
    this.#out.push(frame);
    if (this.#out.length > (this.#p.maxBuffered ?? 512)) {
      this.#out.shift();
      this.overflowed = true;
    }
    this.#flush();
  }

  #flush(): void {
    if (!this.#transport || !this.#ready) return;
    const out = this.#out;
    this.#out = [];
    for (const f of out) this.#transport.send(f);
  }

  // --- SignalSink: engine -> this participant ---
  participantUpdate(participants: ParticipantInfo[]): void { this.#send({ update: { participants } }); }
  subscriberOffer(offer: SessionDescription): void {
    if (this.#ended) return;
    this.#subscriberOffersSent++;
    this.#awaitingAnswer = true;
    this.#send({ offer });
  }
  iceCandidate(target: SignalTarget, candidate: IceCandidateInit | null): void {
    this.#send({ trickle: { candidateInit: candidate ? JSON.stringify(candidate) : '', target, final: candidate === null } });
  }
  trackUnpublished(trackSid: string): void {
    this.#published.delete(trackSid);
    this.#send({ trackUnpublished: { trackSid } });
  }
  trackMuted(trackSid: string, muted: boolean): void { this.#send({ mute: { sid: trackSid, muted } }); }
  trackSubscribed(trackSid: string): void { this.#send({ trackSubscribed: { trackSid } }); }
  speakersChanged(speakers: SpeakerInfo[]): void { this.#send({ speakersChanged: { speakers } }); }
  roomUpdate(room: Room): void { this.#send({ roomUpdate: { room } }); }
  connectionQuality(updates: ConnectionQualityInfo[]): void { this.#send({ connectionQuality: { updates } }); }
  subscribedQualityUpdate(update: SubscribedQualityUpdate): void { this.#send({ subscribedQualityUpdate: update }); }
  subscriptionPermissionUpdate(update: SubscriptionPermissionUpdate): void { this.#send({ subscriptionPermissionUpdate: update }); }
  subscriptionResponse(trackSid: string, err: number): void { this.#send({ subscriptionResponse: { trackSid, err } }); }
  fullReconnect(reason: DisconnectReason): void {
    this.end(reason, { notifyService: false, sendLeave: { action: LeaveAction.RECONNECT, canReconnect: true } });
  }
  mediaSectionsRequirement(numAudios: number, numVideos: number): void { this.#send({ mediaSectionsRequirement: { numAudios, numVideos } }); }
  /** Not part of SignalSink: the server's token refresher. */
  refreshToken(token: string): void { this.#send({ refreshToken: token }); }
  close(reason: DisconnectReason): void {
    this.end(reason, { notifyService: false, sendLeave: { action: LeaveAction.DISCONNECT, canReconnect: false } });
  }
}
