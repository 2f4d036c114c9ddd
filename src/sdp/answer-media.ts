// Answering one offered m-line (publisher transport: the client sends, we receive).
// Codecs: intersected in OUR preference order, keeping the offer's payload type numbers;
// RTX only for accepted primaries; RED only when its redundant encodings were accepted.
// Header extensions: those we use, with the offer's ids. rid/simulcast: send -> recv.
import { answerFmtp, codecMatches, intersectFeedback, redPayloadTypes, sectionCodecs, type SectionCodec } from './codec-match.js';
import { EXT, type Capabilities, type CodecCapability, type MediaKind } from './codecs.js';
import { parseFmtpParameters } from './fmtp.js';
import { emptyMediaSection, isRejected, type Direction, type Extmap, type MediaSection, type Rid, type SessionDescription } from './types.js';
import { offererReceives, sendCodecs, sendingDirection } from './answer-send.js';
import { writeTrackStreams, type SubscriberTrack } from './offer-media.js';

export type RejectReason = 'unsupported-protocol' | 'not-bundled' | 'no-rtcp-mux' | 'no-common-codec' | 'disabled' | 'port-zero';

export interface MediaAnswer {
  section: MediaSection;
  reason?: RejectReason;
  /** A track was asked to be sent here and could not be (the offerer does not receive, or not its codec). */
  unsent?: boolean;
}

const REVERSE: Record<Direction, Direction> = { sendrecv: 'recvonly', sendonly: 'recvonly', recvonly: 'inactive', inactive: 'inactive' };

/** Our direction for an offered one: we only receive on the publisher transport. */
export function answerDirection(offered: Direction): Direction { return REVERSE[offered]; }

export function rejectSection(m: MediaSection): MediaSection {
  const r = emptyMediaSection(m.kind, 0, m.protocol, m.formats.length ? [...m.formats] : ['0']);
  r.connection = { netType: 'IN', addrType: 'IP4', address: '0.0.0.0' };
  if (m.mid !== undefined) r.mid = m.mid;
  if (m.kind !== 'application') r.direction = 'inactive';
  return r;
}

const isRtpProtocol = (p: string): boolean => /^(UDP\/TLS\/RTP\/SAVPF|TCP\/DTLS\/RTP\/SAVPF|TCP\/TLS\/RTP\/SAVPF|RTP\/SAVPF)$/.test(p);
const isSctpProtocol = (p: string): boolean => p === 'UDP/DTLS/SCTP' || p === 'TCP/DTLS/SCTP';

interface Accepted { offered: SectionCodec; cap: CodecCapability; fmtp: string }

function chooseCodecs(m: MediaSection, kind: MediaKind, caps: Capabilities, twcc: boolean): SectionCodec[] {
  const offered = sectionCodecs(m);
  const ours = caps.codecs.filter((c) => c.kind === kind);
  const taken = new Set<number>();
  const primaries: Accepted[] = [];
  for (const cap of ours) {
    const n = cap.name.toLowerCase();
    if (n === 'red' || n === 'rtx') continue;
    for (const c of offered) {
      if (!taken.has(c.payloadType) && codecMatches(c, cap)) { taken.add(c.payloadType); primaries.push({ offered: c, cap, fmtp: answerFmtp(c, cap) }); }
    }
  }
  if (!primaries.length) return [];
  // Order by our preference, RED in its own place among them.
  const ordered: Accepted[] = [];
  for (const cap of ours) {
    if (cap.name.toLowerCase() === 'red') {
      for (const c of offered) {
        if (c.name.toLowerCase() !== 'red' || c.clockRate !== cap.clockRate || taken.has(c.payloadType)) continue;
        const refs = redPayloadTypes(c.fmtp);
        if (refs && refs.every((pt) => primaries.some((p) => p.offered.payloadType === pt))) { taken.add(c.payloadType); ordered.push({ offered: c, cap, fmtp: c.fmtp }); }
      }
    } else ordered.push(...primaries.filter((p) => p.cap === cap));
  }
  const out: SectionCodec[] = [];
  for (const a of ordered) {
    let fb = intersectFeedback(a.offered.rtcpFeedback, a.cap.rtcpFeedback);
    if (!twcc) fb = fb.filter((f) => f.type !== 'transport-cc');
    out.push({ ...a.offered, fmtp: a.fmtp, parameters: parseFmtpParameters(a.fmtp), rtcpFeedback: fb });
    if (a.cap.rtxPayloadType === undefined) continue;
    const rtx = offered.find((c) => c.name.toLowerCase() === 'rtx' && !taken.has(c.payloadType) && c.parameters['apt'] === String(a.offered.payloadType));
    if (rtx) { taken.add(rtx.payloadType); out.push({ ...rtx, rtcpFeedback: [] }); }
  }
  return out;
}

function chooseExtensions(sd: SessionDescription, m: MediaSection, kind: MediaKind, caps: Capabilities): Extmap[] {
  const out: Extmap[] = [];
  for (const e of [...m.extmaps, ...sd.extmaps]) {
    if (!caps.headerExtensions.some((h) => h.uri === e.uri && h.kinds.includes(kind))) continue;
    // The offerer only receives it (or neither side uses it): useless on a transport we only receive on.
    if (e.direction === 'recvonly' || e.direction === 'inactive') continue;
    if (out.some((x) => x.id === e.id || x.uri === e.uri)) continue;
    const a: Extmap = { id: e.id, uri: e.uri };
    if (e.direction) a.direction = e.direction === 'sendonly' ? 'recvonly' : e.direction;
    out.push(a);
  }
  return out;
}

function reflectSimulcast(m: MediaSection, a: MediaSection, acceptedPts: Set<number>): void {
  const sendRids = m.rids.filter((r) => r.direction === 'send');
  if (!sendRids.length) return;
  const listed = m.simulcast?.send ? new Set(m.simulcast.send.flat().map((x) => x.rid)) : undefined;
  a.rids = sendRids
    .filter((r) => !listed || listed.has(r.id))
    .filter((r) => !r.payloadTypes || r.payloadTypes.some((pt) => acceptedPts.has(pt)))
    .map((r): Rid => ({ id: r.id, direction: 'recv', restrictions: [] }));
  if (m.simulcast?.send) {
    const keep = new Set(a.rids.map((r) => r.id));
    const recv = m.simulcast.send.map((alts) => alts.filter((x) => keep.has(x.rid)).map((x) => ({ ...x }))).filter((alts) => alts.length);
    if (recv.length) a.simulcast = { recv };
  }
}

/**
 * Answers one m-line, or rejects it with a reason. `bundled` says whether its mid is in
 * the offer's BUNDLE group (or it is the only section when the offer has no group).
 */
export function answerMedia(sd: SessionDescription, m: MediaSection, caps: Capabilities, bundled: boolean, send?: SubscriberTrack): MediaAnswer {
  const reject = (reason: RejectReason): MediaAnswer => ({ section: rejectSection(m), reason });
  if (isRejected(m)) return reject('port-zero');
  if (m.kind === 'application') {
    if (!isSctpProtocol(m.protocol) || !m.formats.includes('webrtc-datachannel')) return reject('unsupported-protocol');
    if (!caps.dataChannels) return reject('disabled');
    if (!bundled) return reject('not-bundled');
    const a = emptyMediaSection('application', 9, m.protocol, ['webrtc-datachannel']);
    if (m.mid !== undefined) a.mid = m.mid;
    a.sctpPort = caps.sctpPort;
    a.maxMessageSize = caps.maxMessageSize;
    return { section: a };
  }
  if (m.kind !== 'audio' && m.kind !== 'video') return reject('unsupported-protocol');
  if (!isRtpProtocol(m.protocol)) return reject('unsupported-protocol');
  if (!bundled) return reject('not-bundled');
  if (!m.rtcpMux) return reject('no-rtcp-mux');
  const extmaps = chooseExtensions(sd, m, m.kind, caps);
  let codecs = chooseCodecs(m, m.kind, caps, extmaps.some((e) => e.uri === EXT.transportCc));
  if (!codecs.length) return reject('no-common-codec');
  const offered = m.direction ?? sd.direction ?? 'sendrecv';
  let sending = false, unsent = false;
  if (send) {
    const sc = send.kind === m.kind && offererReceives(offered) ? sendCodecs(codecs, send) : [];
    if (sc.length) { codecs = sc; sending = true; } else unsent = true;
  }

  const a = emptyMediaSection(m.kind, 9, m.protocol, codecs.map((c) => String(c.payloadType)));
  if (m.mid !== undefined) a.mid = m.mid;
  a.extmaps = extmaps;
  a.direction = sending ? sendingDirection(offered) : answerDirection(offered);
  a.rtcpMux = true;
  a.rtcpRsize = m.rtcpRsize;
  for (const c of codecs) {
    a.rtpmaps.push(c.channels !== undefined ? { payloadType: c.payloadType, encodingName: c.name, clockRate: c.clockRate, channels: c.channels } : { payloadType: c.payloadType, encodingName: c.name, clockRate: c.clockRate });
    for (const f of c.rtcpFeedback) a.rtcpFbs.push(f.parameter !== undefined ? { payloadType: c.payloadType, type: f.type, parameter: f.parameter } : { payloadType: c.payloadType, type: f.type });
    if (c.fmtp) a.fmtps.push({ payloadType: c.payloadType, parameters: c.fmtp });
  }
  if (extmaps.some((e) => e.uri === EXT.rid)) reflectSimulcast(m, a, new Set(codecs.map((c) => c.payloadType)));
  if (sending) writeTrackStreams(a, send!);
  return unsent ? { section: a, unsent } : { section: a };
}
