// Turns an offer/answer pair into NegotiatedSession. Used by answerOffer (we answered a
// client's offer: publisher transport) and applyAnswer (the client answered our offer:
// subscriber transport). In both, the streams of an m-line are announced in the OFFER
// (the publisher's client sends; on the subscriber transport we send).
import { sectionCodecs } from './codec-match.js';
import { sectionTransport, senderStreams, type NegotiatedCodec, type NegotiatedMedia, type NegotiatedSession } from './negotiated.js';
import { isRejected, type Candidate, type Direction, type MediaSection, type SessionDescription } from './types.js';

const FLIP: Record<Direction, Direction> = { sendrecv: 'sendrecv', sendonly: 'recvonly', recvonly: 'sendonly', inactive: 'inactive' };

function mediaCodecs(am: MediaSection): { codecs: NegotiatedCodec[]; rtxMap: Record<number, number> } {
  const all = sectionCodecs(am);
  const rtxMap: Record<number, number> = {};
  const codecs: NegotiatedCodec[] = [];
  for (const c of all) {
    if (c.name.toLowerCase() === 'rtx') continue;
    const n: NegotiatedCodec = { payloadType: c.payloadType, name: c.name, clockRate: c.clockRate, fmtp: c.fmtp, parameters: c.parameters, rtcpFeedback: c.rtcpFeedback };
    if (c.channels !== undefined) n.channels = c.channels;
    codecs.push(n);
  }
  for (const c of all) {
    if (c.name.toLowerCase() !== 'rtx') continue;
    const apt = Number(c.parameters['apt']);
    const primary = codecs.find((x) => x.payloadType === apt);
    if (!primary) continue;
    rtxMap[c.payloadType] = apt;
    primary.rtxPayloadType ??= c.payloadType;
  }
  return { codecs, rtxMap };
}

export function negotiate(answer: SessionDescription, offer: SessionDescription, we: 'answerer' | 'offerer'): NegotiatedSession {
  const local = we === 'answerer' ? answer : offer;
  const remote = we === 'answerer' ? offer : answer;
  const media: NegotiatedMedia[] = [];
  const rejectedMids: string[] = [];
  answer.media.forEach((am, index) => {
    const om = offer.media[index]!;
    const mid = am.mid ?? om.mid ?? String(index);
    if (am.port === 0 || isRejected(om)) { rejectedMids.push(mid); return; }
    const answerDir = am.direction ?? answer.direction ?? 'sendrecv';
    const kind = am.kind === 'audio' || am.kind === 'video' ? am.kind : 'application';
    const headerExtensions: Record<string, number> = {};
    for (const e of [...am.extmaps, ...answer.extmaps]) headerExtensions[e.uri] ??= e.id;
    const n: NegotiatedMedia = {
      mid, index, kind, direction: we === 'answerer' ? answerDir : FLIP[answerDir],
      ...mediaCodecs(am), headerExtensions, rtcpRsize: am.rtcpRsize && om.rtcpRsize, streams: senderStreams(om),
    };
    if (kind === 'application') {
      const lm = local.media[index]!, rm = remote.media[index]!;
      const sctp: NonNullable<NegotiatedMedia['sctp']> = { port: lm.sctpPort ?? 5000, maxMessageSize: lm.maxMessageSize ?? 65536, remotePort: rm.sctpPort ?? 5000 };
      if (rm.maxMessageSize !== undefined) sctp.remoteMaxMessageSize = rm.maxMessageSize;
      n.sctp = sctp;
      n.direction = 'sendrecv';
    }
    media.push(n);
  });
  const first = media[0];
  const rm = first ? remote.media[first.index]! : remote.media[0]!;
  const lm = first ? local.media[first.index]! : local.media[0]!;
  const rt = rm ? sectionTransport(remote, rm) : { options: [], fingerprints: remote.fingerprints };
  const remoteSetup = rt.setup ?? 'active';
  const localSetup = lm ? sectionTransport(local, lm).setup : undefined;
  const dtlsRole = localSetup === 'active' || (localSetup === 'actpass' && remoteSetup === 'passive') ? 'client' : 'server';
  const remoteCandidates: Candidate[] = [];
  let remoteEndOfCandidates = false;
  for (const x of media) {
    const m = remote.media[x.index]!;
    for (const c of m.candidates) {
      if (!remoteCandidates.some((y) => y.foundation === c.foundation && y.address === c.address && y.port === c.port && y.transport === c.transport && y.component === c.component)) remoteCandidates.push(c);
    }
    remoteEndOfCandidates ||= m.endOfCandidates;
  }
  return {
    media, rejectedMids,
    bundleMids: answer.groups.find((g) => g.semantics === 'BUNDLE')?.mids ?? [],
    remoteIce: { ufrag: rt.ufrag ?? '', pwd: rt.pwd ?? '', options: rt.options, lite: remote.iceLite },
    remoteFingerprints: rt.fingerprints, remoteSetup, dtlsRole, remoteCandidates, remoteEndOfCandidates,
    extmapAllowMixed: answer.extmapAllowMixed,
  };
}
