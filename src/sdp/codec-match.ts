// Reading the codecs of an m-line and matching them against our capabilities.
import { parseFmtpParameters } from './fmtp.js';
import { formatH264ProfileLevelId, h264LevelLess, h264SameCodec, parseH264ProfileLevelId } from './h264.js';
import type { CodecCapability, RtcpFeedback } from './codecs.js';
import type { MediaSection } from './types.js';

/** One payload type of an m-line, with its rtpmap, fmtp and rtcp-fb gathered. */
export interface SectionCodec {
  payloadType: number;
  name: string;
  clockRate: number;
  channels?: number;
  /** fmtp text as written ('' if none). */
  fmtp: string;
  parameters: Record<string, string>;
  rtcpFeedback: RtcpFeedback[];
}

/** RFC 3551 static payload types a WebRTC offer may list without an rtpmap. */
const STATIC: Record<number, [string, number, number?]> = { 0: ['PCMU', 8000, 1], 8: ['PCMA', 8000, 1], 9: ['G722', 8000, 1], 13: ['CN', 8000, 1] };

/** The codecs of an m-line in <fmt> order. Payload types without an rtpmap (and not static) are skipped. */
export function sectionCodecs(m: MediaSection): SectionCodec[] {
  const out: SectionCodec[] = [];
  const seen = new Set<number>();
  for (const f of m.formats) {
    if (!/^\d{1,3}$/.test(f)) continue;
    const pt = Number(f);
    if (pt > 127 || seen.has(pt)) continue;
    seen.add(pt);
    const r = m.rtpmaps.find((x) => x.payloadType === pt);
    const st = STATIC[pt];
    if (!r && !st) continue;
    const fmtp = m.fmtps.find((x) => x.payloadType === pt)?.parameters ?? '';
    const fb: RtcpFeedback[] = [];
    for (const x of m.rtcpFbs) {
      if (x.payloadType !== pt && x.payloadType !== '*') continue;
      if (!fb.some((y) => y.type === x.type && y.parameter === x.parameter)) fb.push(x.parameter !== undefined ? { type: x.type, parameter: x.parameter } : { type: x.type });
    }
    const c: SectionCodec = r
      ? { payloadType: pt, name: r.encodingName, clockRate: r.clockRate, fmtp, parameters: parseFmtpParameters(fmtp), rtcpFeedback: fb }
      : { payloadType: pt, name: st![0], clockRate: st![1], fmtp, parameters: parseFmtpParameters(fmtp), rtcpFeedback: fb };
    const ch = r ? r.channels : st![2];
    if (ch !== undefined) c.channels = ch;
    out.push(c);
  }
  return out;
}

const lc = (s: string): string => s.toLowerCase();

/**
 * Whether an offered codec is the same codec as a capability (name, clock, channels, and
 * the fmtp parameters that define the format). RTX and RED are matched elsewhere.
 */
export function codecMatches(c: SectionCodec, cap: CodecCapability): boolean {
  if (lc(c.name) !== lc(cap.name) || c.clockRate !== cap.clockRate) return false;
  if (cap.kind === 'audio' && (c.channels ?? 1) !== (cap.channels ?? 1)) return false;
  switch (lc(cap.name)) {
    case 'h264': return h264SameCodec(c.parameters, cap.parameters);
    case 'vp9': return (c.parameters['profile-id'] ?? '0') === (cap.parameters['profile-id'] ?? '0');
    case 'av1': return (c.parameters['profile'] ?? '0') === (cap.parameters['profile'] ?? '0');
  }
  return true;
}

/** The fmtp text we answer for a matched codec (see CodecCapability.parameters). */
export function answerFmtp(c: SectionCodec, cap: CodecCapability): string {
  const name = lc(cap.name);
  if (name === 'opus') return Object.entries(cap.parameters).map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join(';');
  if (name === 'h264') {
    const offered = c.parameters['profile-level-id'];
    const ours = parseH264ProfileLevelId(cap.parameters['profile-level-id']);
    const theirs = parseH264ProfileLevelId(offered);
    if (offered && ours && theirs && h264LevelLess(ours.level, theirs.level)) {
      // Answer a lower level: rewrite just that parameter, keep the rest as offered.
      return c.fmtp.replace(/profile-level-id=[0-9a-fA-F]{6}/, `profile-level-id=${formatH264ProfileLevelId(offered, ours.level)}`);
    }
  }
  return c.fmtp;
}

/** rtcp-fb of the offered codec that we support too, in the offer's order. */
export function intersectFeedback(offered: RtcpFeedback[], ours: RtcpFeedback[]): RtcpFeedback[] {
  return offered.filter((f) => ours.some((o) => o.type === f.type && (o.parameter ?? '') === (f.parameter ?? '')));
}

/** RED's fmtp names its redundant encodings: "111/111". Returns those payload types, or undefined. */
export function redPayloadTypes(fmtp: string): number[] | undefined {
  if (!/^\d{1,3}(\/\d{1,3})*$/.test(fmtp.trim())) return undefined;
  return fmtp.trim().split('/').map(Number);
}
