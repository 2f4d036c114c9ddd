// Text -> SessionDescription. One pass over the lines; session-level lines until the
// first m=, then each m= opens a media section. Known attributes become typed fields
// (attributes.ts); unknown ones are kept verbatim. Any malformed line the parser needs
// throws an SdpError naming the line; nothing else escapes.
import { SdpError } from './errors.js';
import { parseMediaAttribute, parseSessionAttribute, type LineInfo } from './attributes.js';
import { parsePort } from './candidate.js';
import { emptyMediaSection, type Connection, type Bandwidth, type MediaSection, type SessionDescription } from './types.js';

/** Limits that keep junk from costing much: whole text and one line. */
export const MAX_SDP_BYTES = 1 << 20;
export const MAX_LINE_BYTES = 16 << 10;

function parseConnection(v: string, at: LineInfo): Connection {
  const t = v.split(' ');
  if (t.length !== 3 || !t[0] || !t[1] || !t[2]) throw new SdpError('bad-connection', 'expected c=<nettype> <addrtype> <address>', at.line, at.text);
  return { netType: t[0], addrType: t[1], address: t[2] };
}

function parseBandwidth(v: string, at: LineInfo): Bandwidth {
  const m = /^([A-Za-z0-9_-]+):(\d{1,10})$/.exec(v);
  if (!m) throw new SdpError('bad-line', 'expected b=<type>:<kbps>', at.line, at.text);
  return { type: m[1]!, value: Number(m[2]) };
}

function parseMediaLine(v: string, at: LineInfo): MediaSection {
  const t = v.split(' ').filter((x) => x !== '');
  if (t.length < 3) throw new SdpError('bad-media', 'expected m=<media> <port> <proto> <fmt> ...', at.line, at.text);
  const [portText, numText] = t[1]!.split('/');
  const port = parsePort(portText);
  if (port === undefined) throw new SdpError('bad-media', 'bad port', at.line, at.text);
  if (!/^[A-Za-z0-9_.-]+$/.test(t[0]!)) throw new SdpError('bad-media', 'bad media type', at.line, at.text);
  const m = emptyMediaSection(t[0]!, port, t[2]!, t.slice(3));
  if (numText !== undefined) {
    const n = parsePort(numText);
    if (n === undefined) throw new SdpError('bad-media', 'bad number of ports', at.line, at.text);
    m.numPorts = n;
  }
  return m;
}

/**
 * Orders rtpmap / fmtp / rtcp-fb by the payload type's place in the m= line (stable), so
 * a parse is canonical whatever order the writer grouped them in (Firefox groups by
 * attribute, Chromium by payload type). '*' feedback comes first.
 */
function sortCodecLines(m: MediaSection): void {
  const rank = new Map<number, number>();
  m.formats.forEach((f, i) => { const n = Number(f); if (!rank.has(n)) rank.set(n, i); });
  const r = (pt: number | '*'): number => (pt === '*' ? -1 : rank.get(pt) ?? 1000 + pt);
  const by = (a: { payloadType: number | '*' }, b: { payloadType: number | '*' }): number => r(a.payloadType) - r(b.payloadType);
  m.rtpmaps.sort(by);
  m.fmtps.sort(by);
  m.rtcpFbs.sort(by);
}

/**
 * Parses SDP text (CRLF or LF line ends). Throws SdpError for anything it cannot read;
 * never any other error.
 */
export function parseSdp(text: string): SessionDescription {
  if (typeof text !== 'string' || text.trim() === '') throw new SdpError('empty', 'no SDP text');
  if (text.length > MAX_SDP_BYTES) throw new SdpError('too-large', `SDP longer than ${MAX_SDP_BYTES} characters`);
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1] === '') lines.pop();

  const sd: SessionDescription = {
    version: 0,
    origin: { username: '-', sessionId: '0', sessionVersion: '0', netType: 'IN', addrType: 'IP4', address: '0.0.0.0' },
    sessionName: '-', otherLines: [], bandwidths: [], timing: { start: '0', stop: '0' }, iceLite: false,
    fingerprints: [], groups: [], extmapAllowMixed: false, extmaps: [], attributes: [], media: [],
  };
  let media: MediaSection | undefined;
  let sawVersion = false, sawOrigin = false;

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const at: LineInfo = { line: i + 1, text: raw.length > 200 ? raw.slice(0, 200) : raw };
    if (raw.length > MAX_LINE_BYTES) throw new SdpError('line-too-long', `line longer than ${MAX_LINE_BYTES} characters`, at.line, at.text.slice(0, 40));
    if (i === 0 && !raw.startsWith('v=')) throw new SdpError('missing-version', 'the first line must be v=0', at.line, at.text);
    if (raw.length < 2 || raw[1] !== '=' || raw[0]! < 'a' || raw[0]! > 'z') {
      throw new SdpError('bad-line', 'expected <type>=<value>', at.line, at.text);
    }
    const type = raw[0]!;
    const value = raw.slice(2);
    switch (type) {
      case 'v':
        if (sawVersion || value !== '0') throw new SdpError('bad-version', 'expected a single v=0', at.line, at.text);
        sawVersion = true;
        break;
      case 'o': {
        if (media || sawOrigin) throw new SdpError('bad-origin', 'o= must appear once, at session level', at.line, at.text);
        const t = value.split(' ');
        if (t.length !== 6 || t.some((x) => x === '') || !/^\d{1,20}$/.test(t[2]!)) {
          throw new SdpError('bad-origin', 'expected o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address>', at.line, at.text);
        }
        sd.origin = { username: t[0]!, sessionId: t[1]!, sessionVersion: t[2]!, netType: t[3]!, addrType: t[4]!, address: t[5]! };
        sawOrigin = true;
        break;
      }
      case 's':
        if (media) throw new SdpError('bad-line', 's= only at session level', at.line, at.text);
        sd.sessionName = value;
        break;
      case 't': {
        if (media) throw new SdpError('bad-timing', 't= only at session level', at.line, at.text);
        const t = value.split(' ');
        if (t.length !== 2 || !/^\d+$/.test(t[0]!) || !/^\d+$/.test(t[1]!)) throw new SdpError('bad-timing', 'expected t=<start> <stop>', at.line, at.text);
        sd.timing = { start: t[0]!, stop: t[1]! };
        break;
      }
      case 'c':
        if (media) media.connection = parseConnection(value, at);
        else sd.connection = parseConnection(value, at);
        break;
      case 'b':
        (media ? media.bandwidths : sd.bandwidths).push(parseBandwidth(value, at));
        break;
      case 'm':
        media = parseMediaLine(value, at);
        sd.media.push(media);
        break;
      case 'a': {
        const colon = value.indexOf(':');
        const name = colon < 0 ? value : value.slice(0, colon);
        const val = colon < 0 ? undefined : value.slice(colon + 1);
        if (media) parseMediaAttribute(media, name, val, at);
        else parseSessionAttribute(sd, name, val, at);
        break;
      }
      case 'i':
        if (media) { media.title = value; break; }
        sd.otherLines.push(raw);
        break;
      default:
        // u= e= p= z= k= r= : allowed by RFC 8866, unused by WebRTC.
        if (media) throw new SdpError('bad-line', `${type}= not allowed in a media section`, at.line, at.text);
        sd.otherLines.push(raw);
    }
  }
  for (const m of sd.media) sortCodecLines(m);
  if (!sawVersion) throw new SdpError('missing-version', 'no v= line');
  if (!sawOrigin) throw new SdpError('missing-origin', 'no o= line');
  return sd;
}
