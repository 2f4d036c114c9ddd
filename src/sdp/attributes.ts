// a= lines -> typed fields. Session-level and media-level attributes share some parsers
// (ice-*, fingerprint, setup, extmap); an attribute that does not belong at its level
// is kept verbatim like an unknown one.
import { SdpError } from './errors.js';
import { parseCandidate, parseUint32 } from './candidate.js';
import { parseRid, parseSimulcast } from './simulcast.js';
import type { Direction, Extmap, Fingerprint, MediaSection, SessionDescription, SetupRole } from './types.js';

export interface LineInfo { line: number; text: string }

const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);
const SETUPS = new Set(['actpass', 'active', 'passive', 'holdconn']);

function bad(name: string, why: string, at: LineInfo): never {
  throw new SdpError('bad-attribute', `a=${name}: ${why}`, at.line, at.text);
}

function need(name: string, v: string | undefined, at: LineInfo): string {
  if (v === undefined || v === '') bad(name, 'missing value', at);
  return v;
}

/** `a=fingerprint:<hash> <hex:hex:...>` (RFC 8122). */
export function parseFingerprint(v: string): Fingerprint | undefined {
  const m = /^([A-Za-z0-9-]{1,16}) ([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){7,127})$/.exec(v.trim());
  return m ? { algorithm: m[1]!.toLowerCase(), value: m[2]!.toUpperCase() } : undefined;
}

export function parseExtmap(v: string): Extmap | undefined {
  const m = /^(\d{1,3})(?:\/(\w+))?\s+(\S+)(?:\s+(.*))?$/.exec(v);
  if (!m) return undefined;
  const id = Number(m[1]);
  if (id < 1 || id > 255) return undefined;
  const e: Extmap = { id, uri: m[3]! };
  if (m[2] !== undefined) {
    if (!DIRECTIONS.has(m[2])) return undefined;
    e.direction = m[2] as Direction;
  }
  if (m[4] !== undefined && m[4] !== '') e.attributes = m[4];
  return e;
}

function iceChars(name: string, v: string | undefined, at: LineInfo): string {
  const s = need(name, v, at);
  if (!/^[A-Za-z0-9+/#=_-]{1,256}$/.test(s)) bad(name, 'invalid ice-char', at);
  return s;
}

/** Attributes allowed at both levels. Returns false when `name` is not one of them. */
function parseCommon(t: SessionDescription | MediaSection, name: string, v: string | undefined, at: LineInfo): boolean {
  switch (name) {
    case 'ice-ufrag': t.iceUfrag = iceChars(name, v, at); return true;
    case 'ice-pwd': t.icePwd = iceChars(name, v, at); return true;
    case 'ice-options': t.iceOptions = need(name, v, at).trim().split(/\s+/); return true;
    case 'fingerprint': {
      const f = parseFingerprint(need(name, v, at));
      if (!f) bad(name, 'expected <hash-func> <XX:XX:...>', at);
      t.fingerprints.push(f);
      return true;
    }
    case 'setup': {
      const s = need(name, v, at).trim();
      if (!SETUPS.has(s)) bad(name, 'expected actpass, active, passive or holdconn', at);
      t.setup = s as SetupRole;
      return true;
    }
    case 'extmap': {
      const e = parseExtmap(need(name, v, at));
      if (!e) bad(name, 'expected <id>[/<direction>] <uri>', at);
      t.extmaps.push(e);
      return true;
    }
    case 'extmap-allow-mixed': t.extmapAllowMixed = true; return true;
    case 'sendrecv': case 'sendonly': case 'recvonly': case 'inactive':
      if (v !== undefined) return false;
      t.direction = name;
      return true;
  }
  return false;
}

export function parseSessionAttribute(sd: SessionDescription, name: string, v: string | undefined, at: LineInfo): void {
  if (parseCommon(sd, name, v, at)) return;
  switch (name) {
    case 'ice-lite': sd.iceLite = true; return;
    case 'group': {
      const t = need(name, v, at).trim().split(/\s+/);
      sd.groups.push({ semantics: t[0]!, mids: t.slice(1) });
      return;
    }
    case 'msid-semantic': {
      const t = need(name, v, at).trim().split(/\s+/);
      if (!t[0]) bad(name, 'missing semantic', at);
      sd.msidSemantic = { semantic: t[0], tokens: t.slice(1) };
      return;
    }
  }
  sd.attributes.push(v === undefined ? { name } : { name, value: v });
}

function payloadType(name: string, s: string | undefined, at: LineInfo): number {
  if (s === undefined || !/^\d{1,3}$/.test(s) || Number(s) > 127) bad(name, 'bad payload type', at);
  return Number(s);
}

function ssrcOf(name: string, s: string | undefined, at: LineInfo): number {
  const n = parseUint32(s);
  if (n === undefined) bad(name, 'bad SSRC', at);
  return n;
}

export function parseMediaAttribute(m: MediaSection, name: string, v: string | undefined, at: LineInfo): void {
  if (parseCommon(m, name, v, at)) return;
  switch (name) {
    case 'mid': {
      const s = need(name, v, at);
      if (m.mid !== undefined) bad(name, 'more than one a=mid in a media section', at);
      if (/\s/.test(s) || s.length > 256) bad(name, 'bad mid', at);
      m.mid = s;
      return;
    }
    case 'rtcp': m.rtcp = need(name, v, at); return;
    case 'rtcp-mux': m.rtcpMux = true; return;
    case 'rtcp-mux-only': m.rtcpMuxOnly = true; return;
    case 'rtcp-rsize': m.rtcpRsize = true; return;
    case 'end-of-candidates': m.endOfCandidates = true; return;
    case 'candidate': {
      const c = parseCandidate(need(name, v, at));
      if (!c) bad(name, 'expected <foundation> <component> <transport> <priority> <address> <port> typ <type> ...', at);
      m.candidates.push(c);
      return;
    }
    case 'rtpmap': {
      const x = /^(\d{1,3})\s+([^\s/]+)\/(\d{1,10})(?:\/(\d{1,3}))?\s*$/.exec(need(name, v, at));
      if (!x) bad(name, 'expected <pt> <encoding>/<clock rate>[/<channels>]', at);
      const r = { payloadType: payloadType(name, x[1], at), encodingName: x[2]!, clockRate: Number(x[3]) };
      m.rtpmaps.push(x[4] !== undefined ? { ...r, channels: Number(x[4]) } : r);
      return;
    }
    case 'fmtp': {
      const x = /^(\d{1,3})(?:\s+(.*))?$/.exec(need(name, v, at));
      if (!x) bad(name, 'expected <pt> <parameters>', at);
      m.fmtps.push({ payloadType: payloadType(name, x[1], at), parameters: (x[2] ?? '').trim() });
      return;
    }
    case 'rtcp-fb': {
      const x = /^(\d{1,3}|\*)\s+(\S+)(?:\s+(.+))?$/.exec(need(name, v, at));
      if (!x) bad(name, 'expected <pt|*> <type> [<parameter>]', at);
      const pt = x[1] === '*' ? '*' : payloadType(name, x[1], at);
      const param = x[3]?.trim();
      m.rtcpFbs.push(param ? { payloadType: pt, type: x[2]!, parameter: param } : { payloadType: pt, type: x[2]! });
      return;
    }
    case 'ssrc': {
      const x = /^(\d{1,10})\s+([^:\s]+)(?::(.*))?$/.exec(need(name, v, at));
      if (!x) bad(name, 'expected <ssrc> <attribute>[:<value>]', at);
      const ssrc = ssrcOf(name, x[1], at);
      m.ssrcs.push(x[3] !== undefined ? { ssrc, attribute: x[2]!, value: x[3] } : { ssrc, attribute: x[2]! });
      return;
    }
    case 'ssrc-group': {
      const t = need(name, v, at).trim().split(/\s+/);
      if (t.length < 2 || !/^[A-Za-z0-9_-]+$/.test(t[0]!)) bad(name, 'expected <semantics> <ssrc> ...', at);
      m.ssrcGroups.push({ semantics: t[0]!, ssrcs: t.slice(1).map((s) => ssrcOf(name, s, at)) });
      return;
    }
    case 'msid': {
      const t = need(name, v, at).trim().split(/\s+/);
      if (t.length > 2) bad(name, 'expected <stream id> [<track id>]', at);
      m.msids.push(t[1] !== undefined ? { streamId: t[0]!, trackId: t[1] } : { streamId: t[0]! });
      return;
    }
    case 'rid': {
      const r = parseRid(need(name, v, at));
      if (!r) bad(name, 'expected <rid-id> <send|recv> [<restrictions>]', at);
      m.rids.push(r);
      return;
    }
    case 'simulcast': {
      const s = parseSimulcast(need(name, v, at));
      if (!s) bad(name, 'expected <send|recv> <rid>[;<rid>...] ...', at);
      m.simulcast = s;
      return;
    }
    case 'sctp-port': {
      const n = parseUint32(v);
      if (n === undefined || n > 65535) bad(name, 'bad port', at);
      m.sctpPort = n;
      return;
    }
    case 'max-message-size': {
      const n = v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
      if (n === undefined) bad(name, 'bad size', at);
      m.maxMessageSize = n;
      return;
    }
  }
  m.attributes.push(v === undefined ? { name } : { name, value: v });
}
