// The parsed shape of a session description (RFC 8866) with the attributes WebRTC uses
// (JSEP, RFC 8829). Known attributes get typed fields; anything else is kept verbatim in
// `attributes` so serialisation round-trips. Parsing and serialising are in parse.ts and
// serialize.ts.

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
export type SetupRole = 'actpass' | 'active' | 'passive' | 'holdconn';

/** An attribute kept as text: `a=<name>` or `a=<name>:<value>`. */
export interface RawAttribute { name: string; value?: string }

export interface Origin {
  username: string;
  /** Kept as text: 64-bit values do not fit a JS number. */
  sessionId: string;
  sessionVersion: string;
  netType: string;
  addrType: string;
  address: string;
}

export interface Connection { netType: string; addrType: string; address: string }
export interface Bandwidth { type: string; value: number }

export interface Fingerprint {
  /** Lower-case hash name: 'sha-1' | 'sha-224' | 'sha-256' | 'sha-384' | 'sha-512' | ... */
  algorithm: string;
  /** Upper-case colon-separated hex, as browsers write it. */
  value: string;
}

export interface Group { semantics: string; mids: string[] }
export interface MsidSemantic { semantic: string; tokens: string[] }

/** RFC 8285 `a=extmap:<id>[/<direction>] <uri> [<attributes>]`. */
export interface Extmap { id: number; direction?: Direction; uri: string; attributes?: string }

/** RFC 8839 §5.1 candidate-attribute. */
export interface Candidate {
  foundation: string;
  component: number;
  /** Lower-cased: 'udp' | 'tcp'. */
  transport: string;
  priority: number;
  address: string;
  port: number;
  type: 'host' | 'srflx' | 'prflx' | 'relay' | string;
  relAddr?: string;
  relPort?: number;
  tcpType?: 'active' | 'passive' | 'so' | string;
  /** Other name/value pairs in order (generation, ufrag, network-id, ...). */
  extensions: { name: string; value: string }[];
}

export interface RtpMap { payloadType: number; encodingName: string; clockRate: number; channels?: number }
export interface Fmtp { payloadType: number; parameters: string }
export interface RtcpFb { payloadType: number | '*'; type: string; parameter?: string }
export interface SsrcAttribute { ssrc: number; attribute: string; value?: string }
export interface SsrcGroup { semantics: string; ssrcs: number[] }
export interface Msid { streamId: string; trackId?: string }

/** RFC 8851 `a=rid:<id> <send|recv> [pt=..;max-width=..]`. */
export interface Rid {
  id: string;
  direction: 'send' | 'recv';
  payloadTypes?: number[];
  restrictions: { name: string; value?: string }[];
}

/** One simulcast stream: a rid, and '~' if it starts paused (RFC 8853). */
export interface SimulcastAlternative { rid: string; paused: boolean }
/** RFC 8853 `a=simulcast:send 1;2,3 recv 4`: each stream is a list of alternatives. */
export interface Simulcast { send?: SimulcastAlternative[][]; recv?: SimulcastAlternative[][] }

export interface MediaSection {
  /** 'audio' | 'video' | 'application' | anything else as written. */
  kind: string;
  port: number;
  numPorts?: number;
  protocol: string;
  /** The <fmt> list: payload type numbers as text, or 'webrtc-datachannel'. */
  formats: string[];
  title?: string;
  connection?: Connection;
  bandwidths: Bandwidth[];
  /** `a=rtcp:<port> [IN IP4 <addr>]`, kept as text after the colon. */
  rtcp?: string;
  mid?: string;
  direction?: Direction;
  iceUfrag?: string;
  icePwd?: string;
  iceOptions?: string[];
  fingerprints: Fingerprint[];
  setup?: SetupRole;
  rtcpMux: boolean;
  rtcpMuxOnly: boolean;
  rtcpRsize: boolean;
  candidates: Candidate[];
  endOfCandidates: boolean;
  extmaps: Extmap[];
  extmapAllowMixed: boolean;
  rtpmaps: RtpMap[];
  fmtps: Fmtp[];
  rtcpFbs: RtcpFb[];
  ssrcs: SsrcAttribute[];
  ssrcGroups: SsrcGroup[];
  msids: Msid[];
  rids: Rid[];
  simulcast?: Simulcast;
  sctpPort?: number;
  maxMessageSize?: number;
  /** Unknown attributes, in order. */
  attributes: RawAttribute[];
}

export interface SessionDescription {
  version: number;
  origin: Origin;
  sessionName: string;
  /** i=, u=, e=, p=, z=, k= and r= lines at session level, kept verbatim ("i=..."). */
  otherLines: string[];
  connection?: Connection;
  bandwidths: Bandwidth[];
  timing: { start: string; stop: string };
  iceLite: boolean;
  iceUfrag?: string;
  icePwd?: string;
  iceOptions?: string[];
  fingerprints: Fingerprint[];
  setup?: SetupRole;
  groups: Group[];
  msidSemantic?: MsidSemantic;
  extmapAllowMixed: boolean;
  extmaps: Extmap[];
  direction?: Direction;
  attributes: RawAttribute[];
  media: MediaSection[];
}

/**
 * Whether an m-line is rejected: port 0, unless it carries a=bundle-only (RFC 8843 §7.5:
 * with max-bundle, offers put port 0 + bundle-only on every m-line but the tagged one).
 */
export function isRejected(m: MediaSection): boolean {
  return m.port === 0 && !m.attributes.some((a) => a.name === 'bundle-only');
}

export function emptyMediaSection(kind: string, port: number, protocol: string, formats: string[]): MediaSection {
  return {
    kind, port, protocol, formats, bandwidths: [], fingerprints: [], rtcpMux: false, rtcpMuxOnly: false,
    rtcpRsize: false, candidates: [], endOfCandidates: false, extmaps: [], extmapAllowMixed: false, rtpmaps: [],
    fmtps: [], rtcpFbs: [], ssrcs: [], ssrcGroups: [], msids: [], rids: [], attributes: [],
  };
}
