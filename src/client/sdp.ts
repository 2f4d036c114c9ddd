// The client side of offer/answer (src/sdp's answerOffer/SubscriberOffers are the server
// side): a sendonly audio offer for the publisher transport, and the recvonly answer to
// the server's subscriber offer. Both are built as SessionDescription objects and written
// with serializeSdp, so they round-trip through the same parser the server uses.
import { randomBytes } from 'node:crypto';
import {
  EXT, emptyMediaSection, hostCandidates, isRejected, parseSdp, sectionTransport, senderStreams, serializeSdp,
  type Candidate, type Fingerprint, type MediaSection, type SessionDescription, type SetupRole,
} from '../sdp/index.js';
import { ClientError } from './errors.js';

/** Our transport as written into an offer or answer. */
export interface ClientTransportParams {
  iceUfrag: string;
  icePwd: string;
  fingerprints: Fingerprint[];
  /** Our socket, announced as a host candidate (the server is ICE-lite and learns it from checks anyway). */
  candidate?: { address: string; port: number };
}

/** One sendonly audio track of the publisher offer. */
export interface PublishTrackSpec {
  /** a=msid track id: the AddTrackRequest cid the server matches. */
  cid: string;
  ssrc: number;
}

export interface PublisherOfferParams extends ClientTransportParams {
  tracks: PublishTrackSpec[];
  /** a=msid stream id and cname. */
  streamId: string;
  /** Default 'actpass' (the server answers passive: we are the DTLS client). */
  setup?: Extract<SetupRole, 'actpass' | 'active'>;
  /** Opus payload type. Default 111. */
  payloadType?: number;
  /** Advertise usedtx=1 in fmtp. */
  dtx?: boolean;
  sessionId?: string;
  sessionVersion?: number;
}

/** The header extensions we offer on audio, with our ids. */
export const CLIENT_AUDIO_EXTENSIONS: readonly { id: number; uri: string }[] = Object.freeze([
  { id: 1, uri: EXT.audioLevel },
  { id: 3, uri: EXT.transportCc },
  { id: 4, uri: EXT.mid },
  { id: 5, uri: EXT.absCaptureTime },
]);

function session(sessionId: string, version: number): SessionDescription {
  return {
    version: 0,
    origin: { username: '-', sessionId, sessionVersion: String(version), netType: 'IN', addrType: 'IP4', address: '127.0.0.1' },
    sessionName: '-', otherLines: [], bandwidths: [], timing: { start: '0', stop: '0' }, iceLite: false,
    fingerprints: [], groups: [], msidSemantic: { semantic: 'WMS', tokens: [] }, extmapAllowMixed: true, extmaps: [],
    attributes: [], media: [],
  };
}

function writeOurTransport(m: MediaSection, t: ClientTransportParams, setup: SetupRole): void {
  m.connection = { netType: 'IN', addrType: 'IP4', address: t.candidate?.address ?? '0.0.0.0' };
  m.iceUfrag = t.iceUfrag;
  m.icePwd = t.icePwd;
  m.fingerprints = t.fingerprints.map((f) => ({ ...f }));
  m.setup = setup;
  m.candidates = t.candidate ? hostCandidates([t.candidate]) : [];
  if (t.candidate) m.port = t.candidate.port;
  m.rtcpMux = true;
}

export function newClientSessionId(): string {
  return (randomBytes(8).readBigUInt64BE(0) >> 2n).toString();
}

/** A BUNDLEd offer with one sendonly opus/48000/2 m-line per track (mids "0".."N-1"). */
export function buildPublisherOffer(p: PublisherOfferParams): string {
  if (!p.tracks.length) throw new ClientError('bad-params', 'a publisher offer needs at least one track');
  const pt = p.payloadType ?? 111;
  const sd = session(p.sessionId ?? newClientSessionId(), p.sessionVersion ?? 1);
  sd.msidSemantic = { semantic: 'WMS', tokens: [p.streamId] };
  p.tracks.forEach((t, i) => {
    const m = emptyMediaSection('audio', 9, 'UDP/TLS/RTP/SAVPF', [String(pt)]);
    writeOurTransport(m, p, p.setup ?? 'actpass');
    m.mid = String(i);
    m.direction = 'sendonly';
    m.rtcpRsize = true;
    m.extmaps = CLIENT_AUDIO_EXTENSIONS.map((e) => ({ id: e.id, uri: e.uri }));
    m.rtpmaps = [{ payloadType: pt, encodingName: 'opus', clockRate: 48000, channels: 2 }];
    m.fmtps = [{ payloadType: pt, parameters: `minptime=10;useinbandfec=1${p.dtx ? ';usedtx=1' : ''}` }];
    m.rtcpFbs = [{ payloadType: pt, type: 'transport-cc' }];
    m.msids = [{ streamId: p.streamId, trackId: t.cid }];
    m.ssrcs = [
      { ssrc: t.ssrc, attribute: 'cname', value: p.streamId },
      { ssrc: t.ssrc, attribute: 'msid', value: `${p.streamId} ${t.cid}` },
    ];
    sd.media.push(m);
  });
  sd.groups = [{ semantics: 'BUNDLE', mids: sd.media.map((m) => m.mid!) }];
  return serializeSdp(sd);
}

/** The server's side of a transport, read from its answer or offer. */
export interface RemoteTransport {
  iceUfrag: string;
  icePwd: string;
  fingerprints: Fingerprint[];
  setup: SetupRole | undefined;
  /** UDP host candidates (the ICE-lite server's sockets), highest priority first. */
  candidates: { address: string; port: number; priority: number }[];
}

/** ICE credentials, fingerprints and UDP candidates of the first usable m-line. */
export function readRemoteTransport(sd: SessionDescription): RemoteTransport {
  const m = sd.media.find((x) => !isRejected(x));
  if (!m) throw new ClientError('bad-sdp', 'no usable m-line');
  const t = sectionTransport(sd, m);
  if (!t.ufrag || !t.pwd) throw new ClientError('bad-sdp', 'no ICE credentials');
  if (!t.fingerprints.length) throw new ClientError('bad-sdp', 'no DTLS fingerprint');
  const cands: Candidate[] = [];
  for (const x of sd.media) for (const c of x.candidates) if (c.transport === 'udp' && c.component === 1 && !cands.some((y) => y.address === c.address && y.port === c.port)) cands.push(c);
  cands.sort((a, b) => b.priority - a.priority);
  return {
    iceUfrag: t.ufrag, icePwd: t.pwd, fingerprints: t.fingerprints, setup: t.setup,
    candidates: cands.map((c) => ({ address: c.address, port: c.port, priority: c.priority })),
  };
}

/** Extension id for `uri` in an m-line (0 when not negotiated). */
export function extmapId(m: MediaSection, uri: string, sd?: SessionDescription): number {
  return m.extmaps.find((e) => e.uri === uri)?.id ?? sd?.extmaps.find((e) => e.uri === uri)?.id ?? 0;
}

/** What the publisher needs from the server's answer, per mid. */
export interface PublisherAnswerInfo {
  remote: RemoteTransport;
  /** Our DTLS role: the answer's setup passive -> client. */
  dtlsRole: 'client' | 'server';
  media: { mid: string; accepted: boolean; payloadType: number; audioLevelId: number; transportCcId: number; midId: number; absCaptureTimeId: number }[];
}

export function readPublisherAnswer(answerSdp: string): PublisherAnswerInfo {
  const sd = parseSdp(answerSdp);
  const remote = readRemoteTransport(sd);
  const setup = remote.setup;
  if (setup !== 'passive' && setup !== 'active') throw new ClientError('bad-sdp', `answer has a=setup:${setup ?? '(none)'}`);
  return {
    remote,
    dtlsRole: setup === 'passive' ? 'client' : 'server',
    media: sd.media.map((m) => {
      const opus = m.rtpmaps.find((r) => r.encodingName.toLowerCase() === 'opus');
      return {
        mid: m.mid ?? '',
        accepted: !isRejected(m) && opus !== undefined,
        payloadType: opus?.payloadType ?? -1,
        audioLevelId: extmapId(m, EXT.audioLevel, sd),
        transportCcId: extmapId(m, EXT.transportCc, sd),
        midId: extmapId(m, EXT.mid, sd),
        absCaptureTimeId: extmapId(m, EXT.absCaptureTime, sd),
      };
    }),
  };
}

/** One m-line of the server's subscriber offer: which publisher track arrives on which SSRC. */
export interface SubscribedMedia {
  mid: string;
  kind: string;
  /** Track sid (a=msid track id) and publisher participant sid (stream id). */
  trackSid: string;
  participantSid: string;
  ssrc: number;
  payloadType: number;
  clockRate: number;
  absCaptureTimeId: number;
  audioLevelId: number;
  /** transport-wide-cc extension id (0: not offered): we send TWCC feedback when set. */
  transportCcId: number;
  active: boolean;
}

export interface SubscriberAnswerResult {
  sdp: string;
  remote: RemoteTransport;
  /** Our DTLS role: we answer active to the server's actpass -> client. */
  dtlsRole: 'client';
  media: SubscribedMedia[];
}

/**
 * Answers the server's subscriber offer: every m-line recvonly (inactive when the offer
 * is), setup:active, the offered mids, codecs, payload types and extension ids echoed,
 * bundled on our one transport. Data channel m-lines are rejected (port 0).
 */
export function answerSubscriberOffer(offerSdp: string, t: ClientTransportParams, opts: { sessionId?: string; sessionVersion?: number } = {}): SubscriberAnswerResult {
  const offer = parseSdp(offerSdp);
  const remote = readRemoteTransport(offer);
  const sd = session(opts.sessionId ?? newClientSessionId(), opts.sessionVersion ?? 1);
  delete sd.msidSemantic;
  const media: SubscribedMedia[] = [];
  const bundle: string[] = [];
  for (const om of offer.media) {
    const isRtp = om.kind === 'audio' || om.kind === 'video';
    const m = emptyMediaSection(om.kind, 9, om.protocol, om.formats.slice());
    m.mid = om.mid;
    if (!isRtp || isRejected(om)) {
      m.port = 0;
      m.direction = 'inactive';
      sd.media.push(m);
      continue;
    }
    writeOurTransport(m, t, 'active');
    bundle.push(om.mid ?? '');
    const offeredDir = om.direction ?? offer.direction ?? 'sendrecv';
    m.direction = offeredDir === 'sendonly' || offeredDir === 'sendrecv' ? 'recvonly' : 'inactive';
    m.rtcpRsize = om.rtcpRsize;
    m.extmaps = om.extmaps.map((e) => ({ id: e.id, uri: e.uri }));
    m.rtpmaps = om.rtpmaps.map((r) => ({ ...r }));
    m.fmtps = om.fmtps.map((f) => ({ ...f }));
    m.rtcpFbs = om.rtcpFbs.map((f) => ({ ...f }));
    sd.media.push(m);
    const first = om.rtpmaps.find((r) => String(r.payloadType) === om.formats[0]) ?? om.rtpmaps[0];
    const streams = senderStreams(om);
    const primary = streams.fidGroups[0]?.primary ?? streams.ssrcs[0]?.ssrc;
    const msid = streams.msid ?? streams.ssrcs.find((s) => s.ssrc === primary)?.msid;
    if (primary !== undefined && first !== undefined) {
      media.push({
        mid: om.mid ?? '', kind: om.kind, trackSid: msid?.trackId ?? '', participantSid: (msid?.streamId ?? '').split('|')[0]!, // LiveKit packs "participant|track"
        ssrc: primary, payloadType: first.payloadType, clockRate: first.clockRate,
        absCaptureTimeId: extmapId(om, EXT.absCaptureTime, offer), audioLevelId: extmapId(om, EXT.audioLevel, offer),
        transportCcId: extmapId(om, EXT.transportCc, offer),
        active: m.direction === 'recvonly',
      });
    }
  }
  if (bundle.length) sd.groups = [{ semantics: 'BUNDLE', mids: bundle }];
  return { sdp: serializeSdp(sd), remote, dtlsRole: 'client', media };
}
