// answerOffer: the PUBLISHER transport (the client offers, we answer). We are ICE-lite,
// BUNDLE every accepted m-line, require rtcp-mux, and take the DTLS server role
// (RFC 5763 §5: answer passive to an actpass or active offer, active to a passive one).
import { SdpError, type SdpErrorCode } from './errors.js';
import { answerMedia, type RejectReason } from './answer-media.js';
import { defaultCapabilities, type Capabilities } from './codecs.js';
import { checkLocalTransport, hostCandidates, newSessionId, writeTransport, type LocalTransport } from './local-transport.js';
import { negotiate } from './negotiate.js';
import type { NegotiatedSession } from './negotiated.js';
import { sectionTransport } from './negotiated.js';
import { parseSdp } from './parse.js';
import { serializeSdp } from './serialize.js';
import { isRejected, type MediaSection, type SessionDescription, type SetupRole } from './types.js';
import type { SubscriberTrack } from './offer-media.js';

export interface AnswerParams extends LocalTransport {
  /** Default: defaultCapabilities. */
  capabilities?: Capabilities;
  /** o= session id; default a random one. Keep it for later answers on the same transport. */
  sessionId?: string;
  /** o= session version; default 1. Increase it for each later answer on the same transport. */
  sessionVersion?: number | bigint;
  /**
   * mid -> the track we send on that offered m-line (LiveKit single peer connection: the
   * client offers recvonly sections, we answer sendonly with the track's streams).
   */
  send?: ReadonlyMap<string, SubscriberTrack>;
}

export interface AnswerResult {
  /** The answer text, CRLF line ends. */
  sdp: string;
  answer: SessionDescription;
  offer: SessionDescription;
  negotiated: NegotiatedSession;
  /** mids of `send` that could not carry their track (answered without it). */
  unsent: string[];
}

const REASON_TEXT: Record<RejectReason, string> = {
  'unsupported-protocol': 'protocol or media type we do not support',
  'not-bundled': 'not in the BUNDLE group',
  'no-rtcp-mux': 'no a=rtcp-mux',
  'no-common-codec': 'no codec in common',
  disabled: 'data channels are disabled',
  'port-zero': 'rejected in the offer (port 0)',
};

/** Our DTLS setup for the remote's (RFC 5763 §5). Missing means active (RFC 4145 §4). */
export function answerSetup(remote: SetupRole | undefined): SetupRole {
  const r = remote ?? 'active';
  if (r === 'actpass' || r === 'active') return 'passive';
  if (r === 'passive') return 'active';
  throw new SdpError('bad-setup', `cannot answer a=setup:${r}`);
}

function firstBundle(sd: SessionDescription): string[] | undefined {
  return sd.groups.find((g) => g.semantics === 'BUNDLE')?.mids;
}

/**
 * Answers a client's offer. Throws SdpError when the offer cannot be used at all:
 * a parse error, 'missing-mid', 'missing-ice-credentials', 'missing-fingerprint',
 * 'bad-setup', or — when no m-line is usable — the shared reason ('no-common-codec',
 * 'no-rtcp-mux', 'not-bundled', 'unsupported-protocol') or 'no-usable-media'.
 */
export function answerOffer(offerInput: string | SessionDescription, params: AnswerParams): AnswerResult {
  const offer = typeof offerInput === 'string' ? parseSdp(offerInput) : offerInput;
  checkLocalTransport(params);
  const caps = params.capabilities ?? defaultCapabilities;
  if (!offer.media.length) throw new SdpError('no-usable-media', 'the offer has no m-lines');
  const seen = new Set<string>();
  offer.media.forEach((m, i) => {
    if (m.mid === undefined) throw new SdpError('missing-mid', `m-line ${i} (${m.kind}) has no a=mid`);
    if (seen.has(m.mid)) throw new SdpError('missing-mid', `mid ${m.mid} is used twice`, undefined, undefined, m.mid);
    seen.add(m.mid);
  });

  const bundle = firstBundle(offer);
  // Without a BUNDLE group only the first live m-line can share the one transport.
  const lone = offer.media.find((x) => !isRejected(x));
  const answers = offer.media.map((m) => answerMedia(offer, m, caps, bundle ? bundle.includes(m.mid!) : m === lone, params.send?.get(m.mid!)));
  const accepted = answers.map((a, i) => ({ a, m: offer.media[i]! })).filter((x) => !x.a.reason);
  if (!accepted.length) {
    const reasons = answers.map((a, i) => `${offer.media[i]!.mid}: ${REASON_TEXT[a.reason!]}`).join('; ');
    const codes = new Set(answers.map((a) => a.reason).filter((r) => r !== 'port-zero' && r !== 'disabled'));
    const code: SdpErrorCode = codes.size === 1 ? ([...codes][0] as SdpErrorCode) : 'no-usable-media';
    throw new SdpError(code, `nothing in the offer is usable: ${reasons}`);
  }

  // BUNDLE: the transport is the first accepted m-line's (the offerer's tagged one).
  const tagged: MediaSection = accepted[0]!.m;
  const t = sectionTransport(offer, tagged);
  if (!t.ufrag || !t.pwd) throw new SdpError('missing-ice-credentials', 'the offer has no a=ice-ufrag / a=ice-pwd', undefined, undefined, tagged.mid);
  if (!t.fingerprints.length) throw new SdpError('missing-fingerprint', 'the offer has no a=fingerprint', undefined, undefined, tagged.mid);
  const setup = answerSetup(t.setup);

  const version = params.sessionVersion ?? 1;
  const answer: SessionDescription = {
    version: 0,
    origin: { username: '-', sessionId: params.sessionId ?? newSessionId(), sessionVersion: String(version), netType: 'IN', addrType: 'IP4', address: '127.0.0.1' },
    sessionName: '-', otherLines: [], bandwidths: [], timing: { start: '0', stop: '0' },
    iceLite: true, fingerprints: [], groups: [], extmapAllowMixed: offer.extmapAllowMixed, extmaps: [], attributes: [],
    media: answers.map((a) => a.section),
  };
  if (bundle) answer.groups.push({ semantics: 'BUNDLE', mids: accepted.map((x) => x.m.mid!) });
  const cands = hostCandidates(params.candidates);
  for (const x of accepted) {
    writeTransport(x.a.section, params, setup, cands);
    x.a.section.port = 9;
  }
  const unsent = answers.flatMap((a, i) => (a.unsent || (a.reason && params.send?.has(offer.media[i]!.mid!)) ? [offer.media[i]!.mid!] : []));
  return { sdp: serializeSdp(answer), answer, offer, negotiated: negotiate(answer, offer, 'answerer'), unsent };
}
