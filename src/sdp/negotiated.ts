// What offer/answer produced, as plain data for the engine: per accepted m-line the
// codecs with payload types, RTX map, feedback, header extension ids and the streams the
// sending side announced; plus the remote transport parameters (ICE, DTLS, candidates).
import type { RtcpFeedback } from './codecs.js';
import type { Candidate, Direction, Fingerprint, MediaSection, Msid, Rid, SessionDescription, SetupRole, Simulcast } from './types.js';

export interface NegotiatedCodec {
  payloadType: number;
  /** Encoding name as written in the answer (opus, red, VP8, H264, ...). */
  name: string;
  clockRate: number;
  channels?: number;
  /** fmtp text of the answer for this payload type ('' when none). */
  fmtp: string;
  parameters: Record<string, string>;
  rtcpFeedback: RtcpFeedback[];
  /** The RTX payload type that repairs this one, when negotiated. */
  rtxPayloadType?: number;
}

export interface StreamSsrc { ssrc: number; cname?: string; msid?: Msid }

/** The streams the SENDING side of an m-line announced (remote on publisher, ours on subscriber). */
export interface SenderStreams {
  ssrcs: StreamSsrc[];
  /** ssrc-group:FID pairs. */
  fidGroups: { primary: number; rtx: number }[];
  /** ssrc-group:SIM lists (legacy simulcast), low to high as written. */
  simGroups: number[][];
  msid?: Msid;
  /** The rids the sender will send (a=rid ... send on publisher offers). */
  rids: Rid[];
  /** The simulcast send list as the sender wrote it (with paused '~' flags). */
  simulcast?: Simulcast['send'];
}

export interface NegotiatedMedia {
  mid: string;
  /** Position of the m-line. */
  index: number;
  kind: 'audio' | 'video' | 'application';
  /** OUR direction on this m-line (recvonly on the publisher transport, sendonly on the subscriber). */
  direction: Direction;
  /** Codecs in the answer's preference order; RTX is not listed, see rtxPayloadType / rtxMap. */
  codecs: NegotiatedCodec[];
  /** RTX payload type -> primary payload type. */
  rtxMap: Record<number, number>;
  /** Header extension URI -> id, as negotiated. */
  headerExtensions: Record<string, number>;
  rtcpRsize: boolean;
  streams: SenderStreams;
  /** For the application m-line. */
  sctp?: { port: number; maxMessageSize: number; remotePort: number; remoteMaxMessageSize?: number };
}

export interface NegotiatedSession {
  /** Accepted m-lines in order. */
  media: NegotiatedMedia[];
  rejectedMids: string[];
  bundleMids: string[];
  remoteIce: { ufrag: string; pwd: string; options: string[]; lite: boolean };
  remoteFingerprints: Fingerprint[];
  remoteSetup: SetupRole;
  /** Our DTLS role: 'server' when the remote is active. */
  dtlsRole: 'server' | 'client';
  remoteCandidates: Candidate[];
  remoteEndOfCandidates: boolean;
  extmapAllowMixed: boolean;
}

/** Effective transport attributes of a section: media-level overrides session-level. */
export function sectionTransport(sd: SessionDescription, m: MediaSection): {
  ufrag?: string; pwd?: string; options: string[]; fingerprints: Fingerprint[]; setup?: SetupRole;
} {
  const r: { ufrag?: string; pwd?: string; options: string[]; fingerprints: Fingerprint[]; setup?: SetupRole } = {
    options: m.iceOptions ?? sd.iceOptions ?? [],
    fingerprints: m.fingerprints.length ? m.fingerprints : sd.fingerprints,
  };
  const ufrag = m.iceUfrag ?? sd.iceUfrag, pwd = m.icePwd ?? sd.icePwd, setup = m.setup ?? sd.setup;
  if (ufrag !== undefined) r.ufrag = ufrag;
  if (pwd !== undefined) r.pwd = pwd;
  if (setup !== undefined) r.setup = setup;
  return r;
}

export function senderStreams(m: MediaSection): SenderStreams {
  const ssrcs: StreamSsrc[] = [];
  for (const a of m.ssrcs) {
    let s = ssrcs.find((x) => x.ssrc === a.ssrc);
    if (!s) { s = { ssrc: a.ssrc }; ssrcs.push(s); }
    if (a.attribute === 'cname' && a.value !== undefined) s.cname = a.value;
    if (a.attribute === 'msid' && a.value !== undefined) {
      const [streamId, trackId] = a.value.trim().split(/\s+/);
      if (streamId) s.msid = trackId !== undefined ? { streamId, trackId } : { streamId };
    }
  }
  const fidGroups = m.ssrcGroups.filter((g) => g.semantics === 'FID' && g.ssrcs.length === 2).map((g) => ({ primary: g.ssrcs[0]!, rtx: g.ssrcs[1]! }));
  const simGroups = m.ssrcGroups.filter((g) => g.semantics === 'SIM').map((g) => [...g.ssrcs]);
  const out: SenderStreams = { ssrcs, fidGroups, simGroups, rids: m.rids.filter((r) => r.direction === 'send') };
  const msid = m.msids[0] ?? ssrcs.find((s) => s.msid)?.msid;
  if (msid) out.msid = msid;
  if (m.simulcast?.send) out.simulcast = m.simulcast.send;
  return out;
}
