// RFC 8851 (rid) and RFC 8853 (simulcast) attribute values.
//   a=rid:<rid-id> <send|recv> [pt=<fmt>[,<fmt>...]][;<name>=<value>...]
//   a=simulcast:<send|recv> <stream>[;<stream>...] [<send|recv> <stream>...]
//   stream = alternative[,alternative...]; alternative = ["~"] rid-id
import type { Rid, Simulcast, SimulcastAlternative } from './types.js';

const RID_ID = /^[A-Za-z0-9_-]{1,255}$/;

export function parseRid(value: string): Rid | undefined {
  const m = /^(\S+)\s+(send|recv)(?:\s+(\S+))?\s*$/.exec(value);
  if (!m || !RID_ID.test(m[1]!)) return undefined;
  const rid: Rid = { id: m[1]!, direction: m[2] as 'send' | 'recv', restrictions: [] };
  if (m[3]) {
    for (const part of m[3].split(';')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      const val = eq < 0 ? undefined : part.slice(eq + 1);
      if (name === 'pt' && rid.payloadTypes === undefined) {
        if (val === undefined) return undefined;
        const pts = val.split(',').map((x) => (/^\d{1,3}$/.test(x) ? Number(x) : NaN));
        if (pts.some((p) => !(p <= 127))) return undefined;
        rid.payloadTypes = pts;
      } else rid.restrictions.push(val === undefined ? { name } : { name, value: val });
    }
  }
  return rid;
}

export function formatRid(r: Rid): string {
  const parts: string[] = [];
  if (r.payloadTypes?.length) parts.push(`pt=${r.payloadTypes.join(',')}`);
  for (const x of r.restrictions) parts.push(x.value === undefined ? x.name : `${x.name}=${x.value}`);
  return parts.length ? `${r.id} ${r.direction} ${parts.join(';')}` : `${r.id} ${r.direction}`;
}

function parseStreams(list: string): SimulcastAlternative[][] | undefined {
  const streams: SimulcastAlternative[][] = [];
  for (const s of list.split(';')) {
    const alts: SimulcastAlternative[] = [];
    for (const a of s.split(',')) {
      const paused = a.startsWith('~');
      const rid = paused ? a.slice(1) : a;
      if (!RID_ID.test(rid)) return undefined;
      alts.push({ rid, paused });
    }
    streams.push(alts);
  }
  return streams;
}

export function parseSimulcast(value: string): Simulcast | undefined {
  const t = value.trim().split(/\s+/);
  if (t.length !== 2 && t.length !== 4) return undefined;
  const sc: Simulcast = {};
  for (let i = 0; i < t.length; i += 2) {
    const dir = t[i], streams = parseStreams(t[i + 1]!);
    if (!streams) return undefined;
    if (dir === 'send' && !sc.send) sc.send = streams;
    else if (dir === 'recv' && !sc.recv) sc.recv = streams;
    else return undefined;
  }
  return sc;
}

const fmtStreams = (s: SimulcastAlternative[][]): string =>
  s.map((alts) => alts.map((a) => (a.paused ? '~' : '') + a.rid).join(',')).join(';');

export function formatSimulcast(sc: Simulcast): string {
  const parts: string[] = [];
  if (sc.send?.length) parts.push(`send ${fmtStreams(sc.send)}`);
  if (sc.recv?.length) parts.push(`recv ${fmtStreams(sc.recv)}`);
  return parts.join(' ');
}
