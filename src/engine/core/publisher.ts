// The publisher transport of one participant: the client offers, we answer (ICE-lite,
// a=setup:passive so we are the DTLS server). Each accepted m-line the client sends on
// becomes a published track (one SSRC per track for now). Decrypted RTP is routed by
// SSRC to the track's Receiver (packets on a track's RTX SSRC are unwrapped by it); SRs
// go to the Receiver, once a second we send an RR, and every tick the Receivers send due
// NACKs and held keyframe requests upstream.
import { EXT, answerOffer, parseSdp, sectionTransport, type LocalCandidate, type NegotiatedMedia, type NegotiatedSession, type SessionDescription, type SubscriberTrack } from '../../sdp/index.js';
import { randomBytes } from 'node:crypto';
import { RtpView, RtpStatus } from '../../rtp/index.js';
import { PublisherDemux, PublisherRtcp, PublisherTwcc, Receiver, SimulcastDemux, SimulcastReceiver } from '../../sfu/index.js';
import { createSimulcastReceiver, isRidSimulcast, removeSimulcastReceiver } from './simulcast-publish.js';
import { mediaCodecOf } from './red-codecs.js';
import type { WebRtcTransport } from '../../transport/index.js';
import type { DataChannelEndpoint } from '../../sctp/index.js';
import { EngineError } from '../errors.js';
import type { MediaKind } from '../protocol.js';
import { newSid, randomSsrc, type HostContext } from './context.js';
import { TrackCore } from './track-core.js';
import { enableDataSection } from './data-section.js';

export interface PublisherHooks {
  published(t: TrackCore): void;
  unpublished(t: TrackCore): void;
  state(s: WebRtcTransport['state']): void;
  /** The transport's SCTP came up in an answer (the client's data channels arrive on it). */
  dataChannels?(d: DataChannelEndpoint): void;
}

/**
 * The subscriber side sharing this transport (single peer connection, /rtc/v1): it
 * chooses what we send on the client's offered sections, and gets the RTCP about it.
 */
export interface SharedSender {
  prepareAnswer(offer: SessionDescription): Map<string, SubscriberTrack>;
  answered(n: NegotiatedSession, unsent: string[], nowMs: number): void;
  readonly rtcp: { handle(buf: Buffer, len: number, nowMs: number): void };
  state(s: WebRtcTransport['state']): void;
}

export interface OfferResult { sdp: string; midToTrackId?: Record<string, string> }

const view = new RtpView();
const rtcpOut = Buffer.allocUnsafe(1500);
const REPORT_INTERVAL_MS = 1000;

export class PublisherSide {
  transport: WebRtcTransport | undefined;
  readonly rtcp: PublisherRtcp;
  /** Candidates our answers announce instead of the host's (JoinParams.publisherCandidate). */
  candidateOverride: LocalCandidate[] | undefined;
  /** Transport-wide feedback to the publisher (its GCC needs it to raise its bitrate); made with the transport. */
  twcc: PublisherTwcc | undefined;
  /** mid -> track. */
  readonly tracks = new Map<string, TrackCore>();
  readonly #ctx: HostContext;
  readonly #participantSid: string;
  readonly #hooks: PublisherHooks;
  readonly #sessionId = (randomBytes(8).readBigUInt64BE(0) >> 2n).toString();
  #version = 0;
  #lastReportMs = 0;
  /** Packets of an SSRC nothing claims. */
  get unknownSsrcPackets(): number { return this.demux.unknownSsrc; }
  /** rid simulcast: new SSRCs -> layer Receivers (simulcast-publish.ts). */
  readonly simulcast = new SimulcastDemux();
  readonly demux: PublisherDemux;
  #closed = false;
  /** `${mid}:${ssrc}` of streams the server unpublished: not published again by re-offers. */
  readonly #refused = new Set<string>();
  #shared: (SharedSender & { midToTrackId: Record<string, string> }) | undefined;
  /** False: offers are answered but nothing the client sends is published (no canPublish grant). */
  allowPublish = true;

  constructor(ctx: HostContext, participantSid: string, hooks: PublisherHooks) {
    this.#ctx = ctx;
    this.#participantSid = participantSid;
    this.#hooks = hooks;
    this.rtcp = new PublisherRtcp(randomSsrc(new Set()));
    this.demux = new PublisherDemux(this.rtcp, this.simulcast);
  }

  /** Single peer connection: the subscriber side sends on this transport too. */
  share(sender: SharedSender & { midToTrackId: Record<string, string> }): void { this.#shared = sender; }

  ensureTransport(): WebRtcTransport {
    if (this.transport) return this.transport;
    const t = this.#ctx.server.createTransport({ dtlsRole: 'server' });
    const tw = new PublisherTwcc(this.rtcp.rtcpSsrc);
    this.twcc = tw;
    t.events.onRtp = (buf, len, nowMs) => {
      if (view.reset(buf, 0, len) !== RtpStatus.OK) return;
      if (tw.extId > 0) tw.record(view, nowMs);
      this.demux.onRtp(buf, view, nowMs);
    };
    t.events.onRtcp = (buf, len, nowMs) => { this.rtcp.handle(buf, len, nowMs); this.#shared?.rtcp.handle(buf, len, nowMs); };
    t.events.onStateChange = (s) => { this.#hooks.state(s); this.#shared?.state(s); };
    this.transport = t;
    return t;
  }

  /** Answers the client's (re)offer; publishes new tracks and unpublishes removed ones. */
  handleOffer(sdp: string, trackSids: Record<string, string> = {}): string {
    return this.handleOfferDetailed(sdp, trackSids).sdp;
  }

  /** handleOffer, plus (single peer connection) which track we send on which mid. */
  handleOfferDetailed(sdp: string, trackSids: Record<string, string> = {}, nowMs = performance.now()): OfferResult {
    if (this.#closed) throw new EngineError('closed', 'participant closed');
    const t = this.ensureTransport();
    const offer = parseSdp(sdp);
    // A re-offer with new ice-ufrag/pwd is an ICE restart (livekit-client after a resume,
    // pc.restartIce()): new local credentials go in this answer; DTLS/SRTP stay.
    const ice = offerIce(offer);
    const known = t.remoteIceUfrag;
    if (ice !== undefined && known !== undefined && ice.ufrag !== known) t.restartRemote(ice.ufrag, ice.pwd);
    const send = this.#shared?.prepareAnswer(offer);
    const res = answerOffer(offer, {
      iceUfrag: t.iceUfrag, icePwd: t.icePwd, fingerprints: this.#ctx.fingerprints, candidates: this.candidateOverride ?? this.#ctx.candidates,
      capabilities: this.#ctx.capabilities, sessionId: this.#sessionId, sessionVersion: ++this.#version, ...(send ? { send } : {}),
    });
    const n = res.negotiated;
    if (n.dtlsRole !== 'server') throw new EngineError('unsupported', 'the client offered a=setup:passive; we only take the DTLS server role');
    t.setRemoteParameters(n.remoteIce.ufrag, n.remoteIce.pwd, n.remoteFingerprints);
    enableDataSection(t, n, (d) => this.#hooks.dataChannels?.(d));
    // One transport-wide sequence space (BUNDLE): the id of the first m-line that has it.
    if (this.twcc && this.#ctx.publisherTwcc !== false) this.twcc.extId = n.media.find((m) => m.headerExtensions[EXT.transportCc] !== undefined)?.headerExtensions[EXT.transportCc] ?? 0;
    const live = new Set<string>();
    for (const m of n.media) {
      if (!this.allowPublish) break;
      if (m.kind === 'application' || (m.direction !== 'recvonly' && m.direction !== 'sendrecv')) continue;
      if (isRidSimulcast(m) && m.codecs.length) { if (!this.#refused.has(`${m.mid}:0`)) this.#publishSimulcast(m, t, trackSids, live); continue; }
      const ssrc = primarySsrc(m);
      if (ssrc === undefined || m.codecs.length === 0 || this.#refused.has(`${m.mid}:${ssrc}`)) continue;
      live.add(m.mid);
      const old = this.tracks.get(m.mid);
      if (old && old.info.ssrc === ssrc && old.codec.payloadType === mediaCodecOf(m).codec?.payloadType) continue;
      if (old) this.#unpublish(m.mid, old);
      this.#publish(m, ssrc, t, trackSids);
    }
    for (const [mid, tr] of [...this.tracks]) if (!live.has(mid)) this.#unpublish(mid, tr);
    if (!this.#shared) return { sdp: res.sdp };
    this.#shared.answered(n, res.unsent, nowMs);
    return { sdp: res.sdp, midToTrackId: this.#shared.midToTrackId };
  }

  #publish(m: NegotiatedMedia, ssrc: number, t: WebRtcTransport, trackSids: Record<string, string>): void {
    const { codec: mc, redPayloadType } = mediaCodecOf(m);
    const c = mc ?? m.codecs[0]!;
    const name = m.streams.msid?.trackId ?? m.streams.ssrcs.find((s) => s.ssrc === ssrc)?.msid?.trackId ?? m.mid;
    const wanted = trackSids[name] ?? trackSids[m.mid];
    const sid = wanted !== undefined && !this.#ctx.trackSidTaken(wanted) ? wanted : newSid('TR_');
    const codec = { name: c.name, clockRate: c.clockRate, payloadType: c.payloadType, ...(c.channels !== undefined ? { channels: c.channels } : {}) };
    // Upstream NACK only where the publisher negotiated it; RTX from its FID group.
    const upstreamNack = c.rtcpFeedback.some((f) => f.type === 'nack' && f.parameter === undefined);
    const rtxSsrc = m.streams.fidGroups.find((g) => g.primary === ssrc)?.rtx;
    const rtx = rtxSsrc !== undefined && c.rtxPayloadType !== undefined ? { ssrc: rtxSsrc, payloadType: c.rtxPayloadType } : undefined;
    const receiver = new Receiver({ trackId: sid, kind: m.kind as MediaKind, ssrc, codec, upstream: t, rtcpSsrc: this.rtcp.rtcpSsrc, upstreamNack, ...(rtx ? { rtx } : {}), ...(redPayloadType >= 0 ? { redPayloadType } : {}) });
    const track = new TrackCore({
      sid, participantSid: this.#participantSid, kind: m.kind as MediaKind, mid: m.mid,
      name,
      ssrc, codec, muted: false,
    }, receiver, c, { ...m.headerExtensions });
    this.tracks.set(m.mid, track);
    this.rtcp.add(receiver);
    this.#hooks.published(track);
  }

  /** A rid-simulcast video m-line: one track, layer Receivers made as their SSRCs appear. */
  #publishSimulcast(m: NegotiatedMedia, t: WebRtcTransport, trackSids: Record<string, string>, live: Set<string>): void {
    live.add(m.mid);
    const c = m.codecs[0]!;
    const old = this.tracks.get(m.mid);
    if (old && old.receiver instanceof SimulcastReceiver && old.codec.payloadType === c.payloadType) return;
    if (old) this.#unpublish(m.mid, old);
    const name = m.streams.msid?.trackId ?? m.mid;
    const wanted = trackSids[name] ?? trackSids[m.mid];
    const sid = wanted !== undefined && !this.#ctx.trackSidTaken(wanted) ? wanted : newSid('TR_');
    const codec = { name: c.name, clockRate: c.clockRate, payloadType: c.payloadType };
    const sim = createSimulcastReceiver({ trackId: sid, m, codec, upstream: t, rtcp: this.rtcp, demux: this.simulcast, negotiated: c });
    const track = new TrackCore({ sid, participantSid: this.#participantSid, kind: 'video', mid: m.mid, name, ssrc: 0, codec, muted: false }, sim, c, { ...m.headerExtensions });
    this.tracks.set(m.mid, track);
    this.#hooks.published(track);
  }

  /**
   * Server-side unpublish (e.g. the grant no longer allows the track's source): the
   * track goes now, and the same stream is not published again by later re-offers (the
   * client is expected to drop it once told; LiveKit sends track_unpublished).
   */
  unpublishTrack(sid: string): boolean {
    for (const [mid, tr] of this.tracks) {
      if (tr.sid !== sid) continue;
      this.#refused.add(`${mid}:${tr.info.ssrc}`);
      this.#unpublish(mid, tr);
      return true;
    }
    return false;
  }

  #unpublish(mid: string, tr: TrackCore): void {
    this.tracks.delete(mid);
    if (tr.receiver instanceof SimulcastReceiver) removeSimulcastReceiver(tr.receiver, mid, this.rtcp, this.simulcast);
    else this.rtcp.remove(tr.receiver);
    tr.close();
    this.#hooks.unpublished(tr);
  }

  tick(nowMs: number): void {
    const t = this.transport;
    if (!t || t.state !== 'connected') return;
    this.rtcp.tick(nowMs);
    this.twcc?.tick(nowMs, t);
    if (nowMs - this.#lastReportMs < REPORT_INTERVAL_MS) return;
    this.#lastReportMs = nowMs;
    const n = this.rtcp.writeReceiverReport(rtcpOut, 0, nowMs);
    if (n > 0) t.sendRtcp(rtcpOut, 0, n);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [mid, tr] of [...this.tracks]) this.#unpublish(mid, tr);
    this.transport?.close();
  }
}

/** The offer's ICE credentials: those of its first section not rejected (BUNDLE shares them). */
function offerIce(offer: SessionDescription): { ufrag: string; pwd: string } | undefined {
  const m = offer.media.find((x) => x.port !== 0) ?? offer.media[0];
  if (!m) return undefined;
  const t = sectionTransport(offer, m);
  return t.ufrag !== undefined && t.pwd !== undefined ? { ufrag: t.ufrag, pwd: t.pwd } : undefined;
}

/** The media SSRC of an m-line: the primary of the first FID group, else the first a=ssrc. */
function primarySsrc(m: NegotiatedMedia): number | undefined {
  const s = m.streams;
  if (s.simGroups.length) return s.simGroups[0]![0];
  if (s.fidGroups.length) return s.fidGroups[0]!.primary;
  return s.ssrcs[0]?.ssrc;
}
