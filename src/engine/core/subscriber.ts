// The subscriber transport of one participant: we offer whenever its subscriptions
// change, the client answers (we offer actpass; the client answers active, so we stay
// the DTLS server). One negotiation at a time: changes made while an offer is out are
// folded into the next offer once the answer arrived. A DownTrack is made for a
// subscription when an answer confirmed its m-line (payload type and extension ids are
// then known); RTCP from the client is routed to DownTracks by SSRC. Video is offered
// with RTX (its own SSRC in an FID group); NACKs are answered as RTX when the answer kept
// the RTX payload type, as plain retransmissions otherwise.
import { EXT, SubscriberOffers, sectionCodecs, type LocalCandidate, type MediaSection, type NegotiatedMedia, type NegotiatedSession, type SessionDescription, type SubscriberTrack } from '../../sdp/index.js';
import { enableDataSection } from './data-section.js';
import { DownTrack, SubscriberRtcp, SubscriberSender, Receiver } from '../../sfu/index.js';
import type { WebRtcTransport } from '../../transport/index.js';
import type { DataChannelEndpoint } from '../../sctp/index.js';
import { EngineError } from '../errors.js';
import { randomSsrc, type HostContext } from './context.js';
import type { TrackCore } from './track-core.js';
import { SubscriberLayers } from './subscriber-layers.js';
import { RED_OFFER_CODEC, subscriberRedPt } from './red-codecs.js';
import { SendSections, type SendCandidate } from './send-sections.js';

/**
 * Extensions whose value means the same to every receiver; others (mid, rid, abs-send-time)
 * are removed. The TWCC element is kept (moved to the subscriber's id) only to hold OUR
 * transport-wide seq: the SubscriberSender overwrites its value when the pacer releases it.
 */
const FORWARDED_EXTENSIONS = [EXT.audioLevel, EXT.absCaptureTime, EXT.playoutDelay, EXT.videoOrientation, EXT.transportCc];
const REPORT_INTERVAL_MS = 1000;

interface Sub { track: TrackCore; ssrc: number; rtxSsrc?: number; paused?: boolean; maxTemporal?: number; downTrack?: DownTrack }

export interface SubscriberHooks {
  offer(sdp: string): void;
  subscribed(trackSid: string): void;
  unsubscribed(trackSid: string): void;
  state(s: WebRtcTransport['state']): void;
  /** Single peer connection: ask the client to offer again with this many more recvonly sections (0, 0: just offer). */
  mediaSections?(audios: number, videos: number): void;
  /** The subscriber transport's SCTP came up (we open our data channels on it). */
  dataChannels?(d: DataChannelEndpoint): void;
}

export interface SubscriberOptions {
  /** LiveKit subscriber-primary: offer at join with the data m-line. */
  primary?: boolean;
  /**
   * Single peer connection (/rtc/v1): no transport or offers of our own; we send on
   * sections of the client's offers to the publisher transport (`transport` gives it).
   */
  answerer?: { transport(): WebRtcTransport };
}

export class SubscriberSide {
  transport: WebRtcTransport | undefined;
  /** Pacer + TWCC + send-side estimate of the transport; made at the first answer (TWCC ext id known). */
  sender: SubscriberSender | undefined;
  /** The StreamAllocator's input: the transport's target bitrate (bps) whenever it changes (set once by the owner). */
  onEstimate: ((bps: number, nowMs: number) => void) | undefined;
  readonly rtcp = new SubscriberRtcp();
  /** Candidates our offers announce instead of the host's (JoinParams.subscriberCandidate). */
  candidateOverride: LocalCandidate[] | undefined;
  /** Simulcast layer selection (StreamAllocator, Forwarders, dynacast wishes). */
  readonly layers: SubscriberLayers;
  readonly #subs = new Map<string, Sub>();
  readonly #ssrcs = new Set<number>();
  readonly #offers: SubscriberOffers;
  readonly #ctx: HostContext;
  readonly #hooks: SubscriberHooks;
  readonly #cname: string;
  /** Offer the data m-line (LiveKit subscriber-primary: the server's data channels live here). */
  readonly dataChannel: boolean;
  #offerOut = false;
  #dirty = false;
  #scheduled: NodeJS.Immediate | undefined;
  /** The next offer restarts ICE (new local credentials): LiveKit's subscriber restart on resume. */
  #iceRestart = false;
  #lastReportMs = 0;
  #closed = false;
  /** Single peer connection state (answerer mode). */
  readonly #answerer: SubscriberOptions['answerer'];
  readonly #sections = new SendSections();
  #offersSeen = 0;
  #asked = false;
  readonly #requested = { audio: 0, video: 0 };

  constructor(ctx: HostContext, participantSid: string, hooks: SubscriberHooks, opts: SubscriberOptions = {}) {
    this.#ctx = ctx;
    this.#hooks = hooks;
    this.#cname = participantSid;
    this.#offers = new SubscriberOffers({ capabilities: ctx.capabilities });
    this.layers = new SubscriberLayers(ctx, participantSid);
    this.onEstimate = (bps) => this.layers.onEstimate(bps);
    this.#answerer = opts.answerer;
    this.dataChannel = opts.primary === true && !opts.answerer && ctx.capabilities.dataChannels;
    // Subscriber-primary (LiveKit): the first offer goes out at join, with only the data
    // m-line when nothing is subscribed yet, so data flows before any track exists.
    if (this.dataChannel) this.#schedule();
  }

  has(trackSid: string): boolean { return this.#subs.has(trackSid); }
  /** Single peer connection: mid -> track sid of what we send (SessionDescription.mid_to_track_id). */
  get midToTrackId(): Record<string, string> { return this.#sections.mapping; }
  get trackSids(): string[] { return [...this.#subs.keys()]; }
  downTracks(): DownTrack[] { return [...this.#subs.values()].flatMap((s) => (s.downTrack ? [s.downTrack] : [])); }

  /** Pause/resume one subscription (LiveKit UpdateTrackSettings.disabled). False when not subscribed. */
  setPaused(trackSid: string, paused: boolean, nowMs: number): boolean {
    const s = this.#subs.get(trackSid);
    if (!s) return false;
    s.paused = paused;
    s.downTrack?.setPaused(paused, nowMs);
    return true;
  }

  /** Highest VP8 temporal layer forwarded for one subscription (3: all). False when not subscribed. */
  setMaxTemporal(trackSid: string, t: number): boolean {
    const s = this.#subs.get(trackSid);
    if (!s) return false;
    s.maxTemporal = t;
    // Simulcast: the allocator combines it with its own temporal choice.
    if (!this.layers.allocation.setPreferences(trackSid, { maxTemporal: t })) s.downTrack?.setMaxTemporal(t);
    return true;
  }

  /** The subscription's DownTrack (undefined before its negotiation). */
  downTrackOf(trackSid: string): DownTrack | undefined { return this.#subs.get(trackSid)?.downTrack; }

  subscribe(track: TrackCore): void {
    if (this.#closed || this.#subs.has(track.sid)) return;
    const ssrc = randomSsrc(this.#ssrcs);
    this.#ssrcs.add(ssrc);
    const sub: Sub = { track, ssrc };
    if (track.info.kind === 'video') { sub.rtxSsrc = randomSsrc(this.#ssrcs); this.#ssrcs.add(sub.rtxSsrc); }
    this.#subs.set(track.sid, sub);
    this.#schedule();
  }

  unsubscribe(trackSid: string): void {
    const s = this.#subs.get(trackSid);
    if (!s) return;
    this.#subs.delete(trackSid);
    this.#ssrcs.delete(s.ssrc);
    if (s.rtxSsrc !== undefined) this.#ssrcs.delete(s.rtxSsrc);
    this.#detach(s);
    this.#sections.release(trackSid);
    if (!this.#closed) this.#schedule();
  }

  #detach(s: Sub): void {
    if (!s.downTrack) return;
    this.rtcp.remove(s.downTrack);
    this.layers.detach(s.track.sid);
    s.track.detach(s.downTrack);
    s.downTrack = undefined;
    this.#hooks.unsubscribed(s.track.sid);
  }

  /**
   * ICE restart of the subscriber transport (LiveKit does it after a signal resume): the
   * next offer carries new ice-ufrag/pwd; DTLS/SRTP and the subscriptions stay. With an
   * offer already out it is the one after that answer. False when there is nothing to
   * restart: no transport yet, or single peer connection (the client offers there).
   */
  requestIceRestart(): boolean {
    if (this.#closed || this.#answerer || !this.transport || this.transport.closed) return false;
    this.#iceRestart = true;
    this.#schedule();
    return true;
  }

  #schedule(): void {
    this.#dirty = true;
    if (this.#offerOut || this.#scheduled) return;
    // Coalesce the changes of this turn (a publisher's audio + video) into one offer.
    this.#scheduled = setImmediate(() => { this.#scheduled = undefined; if (this.#answerer) this.#askForOffer(); else this.#negotiate(); });
  }

  #ensureTransport(): WebRtcTransport {
    if (this.transport) return this.transport;
    const t = this.#ctx.server.createTransport({ dtlsRole: 'server' });
    t.events.onRtcp = (buf, len, nowMs) => this.rtcp.handle(buf, len, nowMs);
    t.events.onStateChange = (s) => this.#hooks.state(s);
    this.transport = t;
    return t;
  }

  #trackOf(s: Sub): SubscriberTrack {
    const c = s.track.codec;
    const codec = { name: c.name, clockRate: c.clockRate, ...(c.channels !== undefined ? { channels: c.channels } : {}), ...(s.track.info.kind === 'video' ? { parameters: c.parameters } : {}) };
    // Stream id "participantSid|trackSid", as LiveKit packs it (clients with protocol > 0 unpack it;
    // the Rust SDK needs it to find the track).
    return { trackId: s.track.sid, streamId: `${s.track.info.participantSid}|${s.track.sid}`, kind: s.track.info.kind, codecs: s.track.receiver instanceof Receiver && s.track.receiver.redPayloadType >= 0 ? [codec, RED_OFFER_CODEC] : [codec], ssrc: s.ssrc, ...(s.rtxSsrc !== undefined ? { rtxSsrc: s.rtxSsrc } : {}), cname: s.track.info.participantSid };
  }

  #negotiate(): void {
    if (this.#closed || this.#offerOut || !this.#dirty) return;
    this.#dirty = false;
    const t = this.#ensureTransport();
    if (this.#iceRestart) { this.#iceRestart = false; t.restartLocal(); }
    const tracks: SubscriberTrack[] = [];
    for (const s of this.#subs.values()) tracks.push(this.#trackOf(s));
    const offer = this.#offers.createOffer({ iceUfrag: t.iceUfrag, icePwd: t.icePwd, fingerprints: this.#ctx.fingerprints, candidates: this.candidateOverride ?? this.#ctx.candidates, tracks, dataChannel: this.dataChannel });
    this.#offerOut = true;
    this.#hooks.offer(offer.sdp);
  }

  /** The client's answer to our latest offer. */
  handleAnswer(sdp: string, nowMs: number): void {
    if (this.#closed) throw new EngineError('closed', 'participant closed');
    if (this.#answerer) throw new EngineError('invalid-state', 'single peer connection: the subscriber side makes no offers to answer');
    if (!this.#offerOut) throw new EngineError('invalid-state', 'no subscriber offer is waiting for an answer');
    const n = this.#offers.applyAnswer(sdp);
    this.#offerOut = false;
    const t = this.transport!;
    // An answer that rejected everything (a client without data channels answering the
    // data-only first offer) carries no transport yet. New credentials after our
    // ICE-restart offer complete the restart (setRemoteParameters).
    if (n.remoteIce.ufrag !== '' && n.remoteIce.ufrag !== t.remoteIceUfrag) {
      t.setRemoteParameters(n.remoteIce.ufrag, n.remoteIce.pwd, n.remoteFingerprints);
    }
    enableDataSection(t, n, (d) => this.#hooks.dataChannels?.(d));
    this.#attachNegotiated(n, t, (sid) => this.#offers.midOf(sid), nowMs);
    if (this.#dirty) this.#schedule();
  }

  /** A DownTrack for every subscription whose m-line the negotiation just confirmed. */
  #attachNegotiated(n: NegotiatedSession, t: WebRtcTransport, midOf: (trackSid: string) => string | undefined, nowMs: number): void {
    const sender = this.#ensureSender(n.media, t);
    for (const s of this.#subs.values()) {
      if (s.downTrack) continue;
      const mid = midOf(s.track.sid);
      const m = mid === undefined ? undefined : n.media.find((x) => x.mid === mid);
      if (!m || s.track.receiver.closed) continue; // offered before it existed; next offer
      const nc = m.codecs.find((c) => c.name.toLowerCase() === s.track.codec.name.toLowerCase() && c.clockRate === s.track.codec.clockRate);
      if (nc === undefined) continue;
      const pt = nc.payloadType;
      const rtx = s.rtxSsrc !== undefined && nc.rtxPayloadType !== undefined ? { ssrc: s.rtxSsrc, payloadType: nc.rtxPayloadType } : undefined;
      const dt = new DownTrack({ receiver: s.track.receiver, transport: sender.sinkFor(s.track.info.kind), retransmitTransport: sender.rtx, ssrc: s.ssrc, payloadType: pt, extMap: extensionMap(s.track.headerExtensions, m), cname: s.track.info.participantSid, ...(rtx ? { rtx } : {}), ...redOf(s.track, m) });
      s.downTrack = dt;
      if (s.paused) dt.setPaused(true, nowMs);
      if (s.maxTemporal !== undefined) dt.setMaxTemporal(s.maxTemporal);
      this.rtcp.add(dt);
      s.track.attach(dt, nowMs);
      this.layers.attach(s.track, dt);
      if (s.maxTemporal !== undefined) this.layers.allocation.setPreferences(s.track.sid, { maxTemporal: s.maxTemporal });
      this.#hooks.subscribed(s.track.sid);
    }
  }

  // ---- single peer connection (answerer mode) ----

  /** Subscriptions changed: have the client offer again (more sections when they do not fit). */
  #askForOffer(): void {
    if (this.#closed || !this.#dirty) return;
    // Before the first offer (it comes with the join) there is nothing to renegotiate.
    if (this.#offersSeen === 0) return;
    this.#dirty = false;
    const unplaced = { audio: 0, video: 0 };
    for (const s of this.#subs.values()) if (this.#sections.midOf(s.track.sid) === undefined) unplaced[s.track.info.kind]++;
    const need = (k: 'audio' | 'video') => Math.max(0, unplaced[k] - this.#sections.free[k] - this.#requested[k]);
    const a = need('audio'), v = need('video');
    if (this.#asked && a === 0 && v === 0) return;
    this.#asked = true;
    this.#requested.audio += a;
    this.#requested.video += v;
    this.#hooks.mediaSections?.(a, v);
  }

  /** The client's new offer on the shared transport: the tracks to send on its sections. */
  prepareAnswer(offer: SessionDescription): Map<string, SubscriberTrack> {
    const out = new Map<string, SubscriberTrack>();
    if (!this.#answerer || this.#closed) return out;
    this.transport = this.#answerer.transport();
    this.#offersSeen++;
    this.#asked = false;
    this.#requested.audio = this.#requested.video = 0;
    const wanted: SendCandidate[] = [];
    for (const s of this.#subs.values()) {
      if (s.track.receiver.closed) continue;
      const c = s.track.codec;
      wanted.push({ trackSid: s.track.sid, kind: s.track.info.kind, fits: (m: MediaSection) => sectionCodecs(m).some((x) => x.name.toLowerCase() === c.name.toLowerCase() && x.clockRate === c.clockRate) });
    }
    const plan = this.#sections.plan(offer, wanted);
    for (const sid of plan.lost) { const s = this.#subs.get(sid); if (s) this.#detach(s); }
    for (const [mid, sid] of plan.assign) { const s = this.#subs.get(sid); if (s) out.set(mid, this.#trackOf(s)); }
    this.#dirty = plan.missing.audio + plan.missing.video > 0;
    return out;
  }

  /** Our answer to that offer is made: start sending what it carries, ask for more sections if short. */
  answered(n: NegotiatedSession, unsent: string[], nowMs: number): void {
    if (!this.#answerer || this.#closed || !this.transport) return;
    for (const mid of unsent) {
      const sid = this.#sections.mapping[mid];
      const s = sid === undefined ? undefined : this.#subs.get(sid);
      if (s) { this.#detach(s); this.#dirty = true; }
    }
    this.#sections.drop(unsent);
    this.#attachNegotiated(n, this.transport, (sid) => this.#sections.midOf(sid), nowMs);
    // After the answer went out (the caller sends it when this returns).
    if (this.#dirty) { this.#dirty = false; this.#schedule(); }
  }

  #ensureSender(media: NegotiatedMedia[], t: WebRtcTransport): SubscriberSender {
    if (this.sender) return this.sender;
    const twccExtId = media.find((m) => m.headerExtensions[EXT.transportCc] !== undefined)?.headerExtensions[EXT.transportCc] ?? 0;
    const sender = new SubscriberSender({
      transport: t, twccExtId, ...(this.#ctx.pacer ? { pacer: this.#ctx.pacer } : {}),
      onEstimate: (bps, nowMs) => this.onEstimate?.(bps, nowMs),
    });
    this.sender = sender;
    this.rtcp.feedback = sender;
    // Packets the pacer held: their NACK age counts from when they really left.
    sender.onLateRelease((ssrc, seq, nowMs) => { this.rtcp.get(ssrc)?.retransmitter?.sequencer.setSentMs(seq, nowMs); });
    return sender;
  }

  tick(nowMs: number, wallMs: number): void {
    const t = this.transport;
    if (t && t.state === 'connected') this.layers.tick(nowMs, this.rtcp.values());
    const sender = this.sender;
    if (sender && t && t.state === 'connected') {
      let rtt = 0;
      for (const dt of this.rtcp.values()) if (dt.rttMs > rtt) rtt = dt.rttMs;
      if (rtt > 0) sender.onRtt(rtt);
      sender.tick(nowMs);
      // The allocator is short of the estimate: probe for more (rate-limited by the sender's ProbeController).
      if (this.layers.wantsProbe) sender.maybeProbe(nowMs, true, this.layers.probeSource);
    }
    if (!t || t.state !== 'connected' || nowMs - this.#lastReportMs < REPORT_INTERVAL_MS) return;
    this.#lastReportMs = nowMs;
    for (const s of this.#subs.values()) s.downTrack?.sendSenderReport(nowMs, wallMs);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    for (const sid of [...this.#subs.keys()]) this.unsubscribe(sid);
    this.sender?.close();
    if (!this.#answerer) this.transport?.close(); // the publisher side owns a shared transport
  }
}

/** map[publisherId] = subscriberId for the extensions that are forwarded as they are. */
export function extensionMap(pub: Record<string, number>, m: NegotiatedMedia): Uint8Array {
  const map = new Uint8Array(256);
  for (const uri of FORWARDED_EXTENSIONS) {
    const a = pub[uri], b = m.headerExtensions[uri];
    if (a !== undefined && b !== undefined && a > 0 && a < 256) map[a] = b;
  }
  return map;
}

/** The subscriber's RED payload type for a track whose publisher sends RED (else nothing). */
function redOf(track: TrackCore, m: NegotiatedMedia): { redPayloadType?: number } {
  if (!(track.receiver instanceof Receiver) || track.receiver.redPayloadType < 0) return {};
  const pt = subscriberRedPt(m);
  return pt === undefined ? {} : { redPayloadType: pt };
}
