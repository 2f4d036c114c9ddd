// SessionDescription -> text, CRLF line ends. Attributes come out in a fixed order close
// to what browsers write (transport, mid, extmap, direction, msid, rtcp-mux, codecs
// grouped by payload type, ssrc, rid/simulcast, sctp, unknown, candidates), so what
// parse.ts reads, this writes back with the same meaning.
import { formatCandidate } from './candidate.js';
import { formatRid, formatSimulcast } from './simulcast.js';
import type { Connection, Extmap, Fingerprint, MediaSection, RawAttribute, SessionDescription } from './types.js';

const CRLF = '\r\n';
const conn = (c: Connection): string => `c=${c.netType} ${c.addrType} ${c.address}`;
const attr = (a: RawAttribute): string => (a.value === undefined ? `a=${a.name}` : `a=${a.name}:${a.value}`);
const fp = (f: Fingerprint): string => `a=fingerprint:${f.algorithm} ${f.value}`;
export function formatExtmap(e: Extmap): string {
  return `${e.id}${e.direction ? `/${e.direction}` : ''} ${e.uri}${e.attributes !== undefined ? ` ${e.attributes}` : ''}`;
}

interface TransportLike {
  iceUfrag?: string; icePwd?: string; iceOptions?: string[]; fingerprints: Fingerprint[]; setup?: string;
}
function transportLines(t: TransportLike, out: string[]): void {
  if (t.iceUfrag !== undefined) out.push(`a=ice-ufrag:${t.iceUfrag}`);
  if (t.icePwd !== undefined) out.push(`a=ice-pwd:${t.icePwd}`);
  if (t.iceOptions?.length) out.push(`a=ice-options:${t.iceOptions.join(' ')}`);
  for (const f of t.fingerprints) out.push(fp(f));
  if (t.setup !== undefined) out.push(`a=setup:${t.setup}`);
}

function mediaLines(m: MediaSection, out: string[]): void {
  const port = m.numPorts !== undefined ? `${m.port}/${m.numPorts}` : `${m.port}`;
  out.push(`m=${[m.kind, port, m.protocol, ...m.formats].join(' ')}`);
  if (m.title !== undefined) out.push(`i=${m.title}`);
  if (m.connection) out.push(conn(m.connection));
  for (const b of m.bandwidths) out.push(`b=${b.type}:${b.value}`);
  if (m.rtcp !== undefined) out.push(`a=rtcp:${m.rtcp}`);
  transportLines(m, out);
  if (m.mid !== undefined) out.push(`a=mid:${m.mid}`);
  if (m.extmapAllowMixed) out.push('a=extmap-allow-mixed');
  for (const e of m.extmaps) out.push(`a=extmap:${formatExtmap(e)}`);
  if (m.direction) out.push(`a=${m.direction}`);
  for (const s of m.msids) out.push(`a=msid:${s.streamId}${s.trackId !== undefined ? ` ${s.trackId}` : ''}`);
  if (m.rtcpMux) out.push('a=rtcp-mux');
  if (m.rtcpMuxOnly) out.push('a=rtcp-mux-only');
  if (m.rtcpRsize) out.push('a=rtcp-rsize');
  for (const f of m.rtcpFbs) if (f.payloadType === '*') out.push(`a=rtcp-fb:* ${f.type}${f.parameter ? ` ${f.parameter}` : ''}`);
  // Group rtpmap / rtcp-fb / fmtp by payload type, in order of first appearance.
  const pts: number[] = [];
  for (const x of [...m.rtpmaps, ...m.fmtps, ...m.rtcpFbs]) {
    if (x.payloadType !== '*' && !pts.includes(x.payloadType)) pts.push(x.payloadType);
  }
  for (const pt of pts) {
    for (const r of m.rtpmaps) {
      if (r.payloadType === pt) out.push(`a=rtpmap:${pt} ${r.encodingName}/${r.clockRate}${r.channels !== undefined ? `/${r.channels}` : ''}`);
    }
    for (const f of m.rtcpFbs) if (f.payloadType === pt) out.push(`a=rtcp-fb:${pt} ${f.type}${f.parameter ? ` ${f.parameter}` : ''}`);
    for (const f of m.fmtps) if (f.payloadType === pt) out.push(`a=fmtp:${pt}${f.parameters ? ` ${f.parameters}` : ''}`);
  }
  for (const g of m.ssrcGroups) out.push(`a=ssrc-group:${g.semantics} ${g.ssrcs.join(' ')}`);
  for (const s of m.ssrcs) out.push(`a=ssrc:${s.ssrc} ${s.attribute}${s.value !== undefined ? `:${s.value}` : ''}`);
  for (const r of m.rids) out.push(`a=rid:${formatRid(r)}`);
  if (m.simulcast && (m.simulcast.send?.length || m.simulcast.recv?.length)) out.push(`a=simulcast:${formatSimulcast(m.simulcast)}`);
  if (m.sctpPort !== undefined) out.push(`a=sctp-port:${m.sctpPort}`);
  if (m.maxMessageSize !== undefined) out.push(`a=max-message-size:${m.maxMessageSize}`);
  for (const a of m.attributes) out.push(attr(a));
  for (const c of m.candidates) out.push(`a=candidate:${formatCandidate(c)}`);
  if (m.endOfCandidates) out.push('a=end-of-candidates');
}

/** Serialises with CRLF after every line (RFC 8866 §5). */
export function serializeSdp(sd: SessionDescription): string {
  const out: string[] = [];
  const o = sd.origin;
  out.push(`v=${sd.version}`, `o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`, `s=${sd.sessionName}`);
  const early = sd.otherLines.filter((l) => 'iuep'.includes(l[0]!));
  out.push(...early);
  if (sd.connection) out.push(conn(sd.connection));
  for (const b of sd.bandwidths) out.push(`b=${b.type}:${b.value}`);
  out.push(`t=${sd.timing.start} ${sd.timing.stop}`);
  out.push(...sd.otherLines.filter((l) => !'iuep'.includes(l[0]!)));
  if (sd.iceLite) out.push('a=ice-lite');
  transportLines(sd, out);
  for (const g of sd.groups) out.push(`a=group:${[g.semantics, ...g.mids].join(' ')}`);
  if (sd.extmapAllowMixed) out.push('a=extmap-allow-mixed');
  if (sd.msidSemantic) out.push(`a=msid-semantic: ${[sd.msidSemantic.semantic, ...sd.msidSemantic.tokens].join(' ')}`);
  for (const e of sd.extmaps) out.push(`a=extmap:${formatExtmap(e)}`);
  if (sd.direction) out.push(`a=${sd.direction}`);
  for (const a of sd.attributes) out.push(attr(a));
  for (const m of sd.media) mediaLines(m, out);
  return out.join(CRLF) + CRLF;
}
