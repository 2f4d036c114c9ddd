// One sendonly m-line of a subscriber offer: the track's codec(s) with OUR payload types,
// RTX, our header extension ids, and a=ssrc / ssrc-group:FID / msid for the track.
import { codecMatches, type SectionCodec } from './codec-match.js';
import { SdpError } from './errors.js';
import { formatFmtpParameters } from './fmtp.js';
import type { Capabilities, CodecCapability, MediaKind } from './codecs.js';
import { emptyMediaSection, type MediaSection } from './types.js';

/** A codec the subscriber should receive, usually the one negotiated with the publisher. */
export interface OfferCodec {
  name: string;
  clockRate: number;
  channels?: number;
  /** fmtp parameters to announce; default: the capability's. H264/VP9/AV1 are matched on these. */
  parameters?: Record<string, string>;
}

export interface SubscriberTrack {
  /** Our track id (a=msid track id); identifies the track across offers. */
  trackId: string;
  /** a=msid stream id. */
  streamId: string;
  kind: MediaKind;
  /** Preferred first. For audio with RED, list { name: 'red' } before opus. */
  codecs: OfferCodec[];
  ssrc: number;
  /** When set (video), RTX is offered with ssrc-group:FID ssrc rtxSsrc. */
  rtxSsrc?: number;
  cname: string;
}

function capFor(c: OfferCodec, kind: MediaKind, caps: Capabilities): CodecCapability {
  const probe: SectionCodec = {
    payloadType: 0, name: c.name, clockRate: c.clockRate, fmtp: '', rtcpFeedback: [],
    parameters: c.parameters ?? {}, ...(c.channels !== undefined ? { channels: c.channels } : {}),
  };
  const found = caps.codecs.find((cap) => cap.kind === kind && (cap.name.toLowerCase() === 'red' ? c.name.toLowerCase() === 'red' && c.clockRate === cap.clockRate : codecMatches(probe, cap)));
  if (!found) throw new SdpError('bad-params', `codec ${c.name}/${c.clockRate} is not in the capabilities for ${kind}`);
  return found;
}

/** Fills `m` (already created with kind/port/protocol) with the track's codecs and streams. */
export function writeTrackSection(m: MediaSection, t: SubscriberTrack, caps: Capabilities, withStreams: boolean): void {
  const chosen = t.codecs.map((c) => ({ c, cap: capFor(c, t.kind, caps) }));
  // RED needs its primary (opus) on the same m-line.
  if (chosen.some((x) => x.cap.name.toLowerCase() === 'red') && !chosen.some((x) => x.cap.name.toLowerCase() === 'opus')) {
    const opus = caps.codecs.find((x) => x.kind === 'audio' && x.name.toLowerCase() === 'opus');
    if (!opus) throw new SdpError('bad-params', 'RED needs opus in the capabilities');
    chosen.push({ c: { name: 'opus', clockRate: 48000, channels: 2 }, cap: opus });
  }
  const opusPt = chosen.find((x) => x.cap.name.toLowerCase() === 'opus')?.cap.preferredPayloadType;
  const seen = new Set<number>();
  m.formats = [];
  for (const { c, cap } of chosen) {
    const pt = cap.preferredPayloadType;
    if (seen.has(pt)) continue;
    seen.add(pt);
    m.formats.push(String(pt));
    const ch = cap.kind === 'audio' ? (cap.channels ?? c.channels) : undefined;
    m.rtpmaps.push(ch !== undefined ? { payloadType: pt, encodingName: cap.name, clockRate: cap.clockRate, channels: ch } : { payloadType: pt, encodingName: cap.name, clockRate: cap.clockRate });
    for (const f of cap.rtcpFeedback) m.rtcpFbs.push(f.parameter !== undefined ? { payloadType: pt, type: f.type, parameter: f.parameter } : { payloadType: pt, type: f.type });
    const fmtp = cap.name.toLowerCase() === 'red' ? `${opusPt}/${opusPt}` : formatFmtpParameters(c.parameters ?? cap.parameters);
    if (fmtp) m.fmtps.push({ payloadType: pt, parameters: fmtp });
    if (cap.rtxPayloadType !== undefined && t.kind === 'video' && !seen.has(cap.rtxPayloadType)) {
      seen.add(cap.rtxPayloadType);
      m.formats.push(String(cap.rtxPayloadType));
      m.rtpmaps.push({ payloadType: cap.rtxPayloadType, encodingName: 'rtx', clockRate: cap.clockRate });
      m.fmtps.push({ payloadType: cap.rtxPayloadType, parameters: `apt=${pt}` });
    }
  }
  m.extmaps = caps.headerExtensions.filter((h) => h.kinds.includes(t.kind)).map((h) => ({ id: h.preferredId, uri: h.uri }));
  m.rtcpMux = true;
  m.rtcpRsize = true;
  if (withStreams) writeTrackStreams(m, t);
}

/** a=msid, a=ssrc (cname, msid) and ssrc-group:FID for the track we send on `m`. */
export function writeTrackStreams(m: MediaSection, t: Pick<SubscriberTrack, 'streamId' | 'trackId' | 'ssrc' | 'rtxSsrc' | 'kind' | 'cname'>): void {
  m.msids = [{ streamId: t.streamId, trackId: t.trackId }];
  const ssrcs = [t.ssrc];
  if (t.rtxSsrc !== undefined && t.kind === 'video') {
    ssrcs.push(t.rtxSsrc);
    m.ssrcGroups = [{ semantics: 'FID', ssrcs: [t.ssrc, t.rtxSsrc] }];
  }
  for (const s of ssrcs) {
    m.ssrcs.push({ ssrc: s, attribute: 'cname', value: t.cname }, { ssrc: s, attribute: 'msid', value: `${t.streamId} ${t.trackId}` });
  }
}

export function newTrackSection(kind: MediaKind): MediaSection {
  return emptyMediaSection(kind, 9, 'UDP/TLS/RTP/SAVPF', []);
}
