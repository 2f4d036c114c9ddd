// IP address text <-> bytes without split()/regex allocations on the way in.
// Formatting (bytes -> text) allocates a string and is for API edges.

/** Parses dotted-quad IPv4 into out[off..off+4). False when malformed. */
export function parseIpv4(s: string, out: Uint8Array, off: number): boolean {
  let part = 0, digits = 0, n = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46; // treat end as '.'
    if (c === 46) {
      if (digits === 0 || n > 255 || part > 3) return false;
      out[off + part++] = n;
      n = 0; digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (++digits > 3) return false;
      n = n * 10 + (c - 48);
    } else return false;
  }
  return part === 4;
}

const groups = new Uint16Array(8);

/** Parses IPv6 text (with "::", an embedded IPv4 tail, or a %zone) into out[off..off+16). */
export function parseIpv6(s: string, out: Uint8Array, off: number): boolean {
  let end = s.indexOf('%');
  if (end < 0) end = s.length;
  let count = 0, gap = -1, i = 0;
  if (end >= 2 && s.charCodeAt(0) === 58 && s.charCodeAt(1) === 58) { gap = 0; i = 2; }
  else if (end > 0 && s.charCodeAt(0) === 58) return false;
  while (i < end) {
    // IPv4 tail?
    let j = i, hex = 0, nd = 0, dot = false;
    for (; j < end; j++) {
      const c = s.charCodeAt(j);
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 97 && c <= 102) d = c - 87;
      else if (c >= 65 && c <= 70) d = c - 55;
      else if (c === 46) { dot = true; break; }
      else break;
      hex = hex * 16 + d; nd++;
    }
    if (dot) {
      if (count > 6) return false;
      const tmp = scratch4;
      if (!parseIpv4(s.slice(i, end), tmp, 0)) return false;
      groups[count++] = (tmp[0] << 8) | tmp[1];
      groups[count++] = (tmp[2] << 8) | tmp[3];
      i = end;
      break;
    }
    if (nd === 0 || nd > 4 || count >= 8) return false;
    groups[count++] = hex;
    i = j;
    if (i === end) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (i < end && s.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = count; i++;
    } else if (i === end) return false; // trailing single ':'
  }
  if (gap < 0 && count !== 8) return false;
  if (gap >= 0 && count > 7) return false;
  const zeros = 8 - count;
  let g = 0;
  for (let k = 0; k < 8; k++) {
    let v: number;
    if (gap >= 0 && k >= gap && k < gap + zeros) v = 0;
    else v = groups[g++];
    out[off + 2 * k] = v >> 8; out[off + 2 * k + 1] = v & 0xff;
  }
  return true;
}
const scratch4 = new Uint8Array(4);

/** Parses either family: returns 4 or 6 (bytes written to out[off..]), or 0 when malformed. */
export function parseIp(s: string, out: Uint8Array, off: number): 0 | 4 | 6 {
  if (parseIpv4(s, out, off)) return 4;
  if (parseIpv6(s, out, off)) return 6;
  return 0;
}

export function formatIpv4(b: Uint8Array, off: number): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run (>= 2) of zero groups as "::". */
export function formatIpv6(b: Uint8Array, off: number): string {
  const g: number[] = [];
  for (let k = 0; k < 8; k++) g.push((b[off + 2 * k] << 8) | b[off + 2 * k + 1]);
  // IPv4-mapped: written the way Node's dgram reports it (RFC 5952 §5).
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) return `::ffff:${formatIpv4(b, off + 12)}`;
  let bestAt = -1, bestLen = 0;
  for (let k = 0; k < 8;) {
    if (g[k] !== 0) { k++; continue; }
    let e = k;
    while (e < 8 && g[e] === 0) e++;
    if (e - k > bestLen && e - k >= 2) { bestAt = k; bestLen = e - k; }
    k = e;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  if (bestAt < 0) return hex(g);
  return `${hex(g.slice(0, bestAt))}::${hex(g.slice(bestAt + bestLen))}`;
}

/** Canonical text for an address string of either family (for comparing), or '' when malformed. */
export function canonicalIp(s: string): string {
  const fam = parseIp(s, scratch16, 0);
  if (fam === 4) return formatIpv4(scratch16, 0);
  if (fam === 6) return formatIpv6(scratch16, 0);
  return '';
}
const scratch16 = new Uint8Array(16);
