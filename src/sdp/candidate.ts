// RFC 8839 §5.1:
//   candidate-attribute = "candidate" ":" foundation SP component-id SP transport SP
//                         priority SP connection-address SP port SP "typ" SP cand-type
//                         [SP rel-addr] [SP rel-port] *(SP cand-extension)
// tcptype (RFC 6544) is one of the extensions; we lift it to a field.
import type { Candidate } from './types.js';

const UINT = /^\d{1,10}$/;

export function parsePort(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d{1,5}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 65535 ? n : undefined;
}

export function parseUint32(s: string | undefined): number | undefined {
  if (s === undefined || !UINT.test(s)) return undefined;
  const n = Number(s);
  return n <= 0xffffffff ? n : undefined;
}

/** Parses the value after `candidate:` (the prefix itself is optional). Returns undefined on junk. */
export function parseCandidate(value: string): Candidate | undefined {
  const v = value.startsWith('candidate:') ? value.slice(10) : value;
  const t = v.trim().split(/\s+/);
  if (t.length < 8 || t[6] !== 'typ') return undefined;
  const component = parseUint32(t[1]);
  const priority = parseUint32(t[3]);
  const port = parsePort(t[5]);
  if (component === undefined || component < 1 || component > 256 || priority === undefined || port === undefined) return undefined;
  if (!/^[A-Za-z0-9+/]{1,32}$/.test(t[0]!) || !t[2] || !t[4] || !t[7]) return undefined;
  const c: Candidate = {
    foundation: t[0]!, component, transport: t[2]!.toLowerCase(), priority, address: t[4]!, port, type: t[7]!, extensions: [],
  };
  let i = 8;
  for (; i + 1 < t.length; i += 2) {
    const name = t[i]!, val = t[i + 1]!;
    if (name === 'raddr') c.relAddr = val;
    else if (name === 'rport') { const p = parsePort(val); if (p === undefined) return undefined; c.relPort = p; }
    else if (name === 'tcptype') c.tcpType = val;
    else c.extensions.push({ name, value: val });
  }
  if (i < t.length) return undefined; // a name without a value
  return c;
}

/** The attribute value (without `candidate:`). */
export function formatCandidate(c: Candidate): string {
  let s = `${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.address} ${c.port} typ ${c.type}`;
  if (c.relAddr !== undefined) s += ` raddr ${c.relAddr}`;
  if (c.relPort !== undefined) s += ` rport ${c.relPort}`;
  if (c.tcpType !== undefined) s += ` tcptype ${c.tcpType}`;
  for (const e of c.extensions) s += ` ${e.name} ${e.value}`;
  return s;
}

/**
 * RFC 8445 §5.1.2.1: priority = 2^24*type-pref + 2^8*local-pref + (256 - component).
 * Host candidates use type preference 126.
 */
export function candidatePriority(typePreference: number, localPreference: number, component: number): number {
  return (typePreference * 0x1000000 + localPreference * 0x100 + (256 - component)) >>> 0;
}
