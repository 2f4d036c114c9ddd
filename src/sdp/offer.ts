// The SUBSCRIBER transport: we offer, the client answers. We offer a=setup:actpass; a
// browser answering actpass picks active (JSEP §5.3.1 / RFC 5763), so the browser is the
// DTLS client and we stay the DTLS server, the same role as on the publisher transport.
//
// Mids are stable across offers. A removed track's m-line becomes a=inactive (kept for
// the next track of the same kind, same mid) or, with removedTracks: 'stop', port 0;
// a port-0 m-line may be recycled (JSEP §5.2.2) for any new track with a NEW mid, but
// only after an answer has confirmed the rejection.
import { applyAnswer } from './apply-answer.js';
import { defaultCapabilities, type Capabilities, type MediaKind } from './codecs.js';
import { SdpError } from './errors.js';
import { checkLocalTransport, hostCandidates, newSessionId, writeTransport, type LocalTransport } from './local-transport.js';
import type { NegotiatedSession } from './negotiated.js';
import { newTrackSection, writeTrackSection, type SubscriberTrack } from './offer-media.js';
import { serializeSdp } from './serialize.js';
import { emptyMediaSection, type MediaSection, type SessionDescription } from './types.js';

export interface SubscriberOfferOptions {
  capabilities?: Capabilities;
  /** o= session id (default random). */
  sessionId?: string;
  /** What a removed track's m-line becomes. Default 'inactive'. */
  removedTracks?: 'inactive' | 'stop';
}

export interface SubscriberOfferParams extends LocalTransport {
  /** Every track the subscriber should receive now, in any order. */
  tracks: SubscriberTrack[];
  /** Offer an SCTP data channel m-line (once added it stays). */
  dataChannel?: boolean;
}

export type SlotState = 'active' | 'inactive' | 'stopped' | 'recyclable';
interface Slot { mid: string; kind: MediaKind | 'application'; state: SlotState; track?: SubscriberTrack }

export interface CreatedOffer { sdp: string; offer: SessionDescription }

export class SubscriberOffers {
  readonly #caps: Capabilities;
  readonly #sessionId: string;
  readonly #removed: 'inactive' | 'stop';
  #version = 0;
  #nextMid = 0;
  #slots: Slot[] = [];
  #pending: SessionDescription | undefined;
  #current: SessionDescription | undefined;

  constructor(opts: SubscriberOfferOptions = {}) {
    this.#caps = opts.capabilities ?? defaultCapabilities;
    this.#sessionId = opts.sessionId ?? newSessionId();
    this.#removed = opts.removedTracks ?? 'inactive';
  }

  /** The offer waiting for an answer, if any. */
  get pendingOffer(): SessionDescription | undefined { return this.#pending; }
  /** The last offer that was answered. */
  get currentOffer(): SessionDescription | undefined { return this.#current; }
  /** trackId -> mid for the tracks in the last created offer. */
  midOf(trackId: string): string | undefined {
    return this.#slots.find((s) => s.state === 'active' && s.track?.trackId === trackId)?.mid;
  }

  /** A snapshot of the m-lines in order: mid, kind, state, and the track last placed there. */
  slots(): { mid: string; kind: MediaKind | 'application'; state: SlotState; trackId?: string }[] {
    return this.#slots.map((s) => (s.track ? { mid: s.mid, kind: s.kind, state: s.state, trackId: s.track.trackId } : { mid: s.mid, kind: s.kind, state: s.state }));
  }

  createOffer(params: SubscriberOfferParams): CreatedOffer {
    checkLocalTransport(params);
    const ids = new Set<string>();
    for (const t of params.tracks) {
      if (!t || typeof t.trackId !== 'string' || ids.has(t.trackId)) throw new SdpError('bad-params', `duplicate or missing trackId ${t?.trackId}`);
      if (t.kind !== 'audio' && t.kind !== 'video') throw new SdpError('bad-params', `track ${t.trackId}: bad kind`);
      if (!Array.isArray(t.codecs) || !t.codecs.length) throw new SdpError('bad-params', `track ${t.trackId}: no codecs`);
      ids.add(t.trackId);
    }
    const slots = this.#slots.map((s) => ({ ...s }));
    for (const s of slots) {
      if (s.state !== 'active' || s.kind === 'application') continue;
      const t = params.tracks.find((x) => x.trackId === s.track!.trackId);
      if (t && t.kind === s.kind) s.track = t;
      else s.state = this.#removed === 'stop' ? 'stopped' : 'inactive';
    }
    let nextMid = this.#nextMid;
    if (params.dataChannel && !slots.some((s) => s.kind === 'application')) {
      slots.push({ mid: String(nextMid++), kind: 'application', state: 'active' });
    }
    for (const t of params.tracks) {
      if (slots.some((s) => s.state === 'active' && s.track?.trackId === t.trackId)) continue;
      const inactive = slots.find((s) => s.state === 'inactive' && s.kind === t.kind);
      const recycle = slots.find((s) => s.state === 'recyclable');
      if (inactive) Object.assign(inactive, { state: 'active', track: t });
      else if (recycle) Object.assign(recycle, { mid: String(nextMid++), kind: t.kind, state: 'active', track: t });
      else slots.push({ mid: String(nextMid++), kind: t.kind, state: 'active', track: t });
    }

    const cands = hostCandidates(params.candidates);
    const media = slots.map((s) => this.#section(s, params, cands));
    const live = slots.filter((s, i) => media[i]!.port !== 0).map((s) => s.mid);
    const offer: SessionDescription = {
      version: 0,
      origin: { username: '-', sessionId: this.#sessionId, sessionVersion: String(this.#version + 1), netType: 'IN', addrType: 'IP4', address: '127.0.0.1' },
      sessionName: '-', otherLines: [], bandwidths: [], timing: { start: '0', stop: '0' }, iceLite: true, fingerprints: [],
      groups: live.length ? [{ semantics: 'BUNDLE', mids: live }] : [], msidSemantic: { semantic: 'WMS', tokens: ['*'] },
      extmapAllowMixed: true, extmaps: [], attributes: [], media,
    };
    this.#version++;
    this.#nextMid = nextMid;
    this.#slots = slots;
    this.#pending = offer;
    return { sdp: serializeSdp(offer), offer };
  }

  #section(s: Slot, t: LocalTransport, cands: ReturnType<typeof hostCandidates>): MediaSection {
    let m: MediaSection;
    if (s.kind === 'application') {
      m = emptyMediaSection('application', 9, 'UDP/DTLS/SCTP', ['webrtc-datachannel']);
      m.sctpPort = this.#caps.sctpPort;
      m.maxMessageSize = this.#caps.maxMessageSize;
    } else {
      m = newTrackSection(s.kind);
      writeTrackSection(m, s.track!, this.#caps, s.state === 'active');
      m.direction = s.state === 'active' ? 'sendonly' : 'inactive';
    }
    m.mid = s.mid;
    if (s.state === 'stopped' || s.state === 'recyclable') {
      const r = emptyMediaSection(m.kind, 0, m.protocol, m.formats);
      r.connection = { netType: 'IN', addrType: 'IP4', address: '0.0.0.0' };
      r.mid = s.mid;
      r.direction = 'inactive';
      r.rtpmaps = m.rtpmaps;
      return r;
    }
    writeTransport(m, t, 'actpass', cands);
    return m;
  }

  /**
   * Applies the client's answer to the pending offer (see applyAnswer). On success the
   * offer becomes current and stopped m-lines become recyclable.
   */
  applyAnswer(answer: string | SessionDescription): NegotiatedSession {
    if (!this.#pending) throw new SdpError('bad-params', 'no offer is waiting for an answer');
    const n = applyAnswer(this.#pending, answer);
    for (const s of this.#slots) if (s.state === 'stopped') s.state = 'recyclable';
    for (const mid of n.rejectedMids) {
      const s = this.#slots.find((x) => x.mid === mid);
      if (s && s.state === 'active' && s.kind !== 'application') s.state = 'recyclable';
    }
    this.#current = this.#pending;
    this.#pending = undefined;
    return n;
  }
}

/** A one-shot subscriber offer (a fresh SubscriberOffers each call: mids start at 0). */
export function createOffer(params: SubscriberOfferParams, opts?: SubscriberOfferOptions): CreatedOffer {
  return new SubscriberOffers(opts).createOffer(params);
}
