// IPv4 + UDP framing for captures (RFC 791, RFC 768) and an Ethernet II header.
// (Other link types and IPv6: udp-frame.ts. Finding UDP in a frame: udp-locator.ts.)
// UDP checksum 0 ("not computed", legal over IPv4); the IPv4 header checksum is real.
export const ETHERNET_HEADER = 14;
export const IPV4_HEADER = 20;
export const UDP_HEADER = 8;

/** "a.b.c.d" → 32-bit number (slow path; parse once). */
export function ipv4ToU32(ip: string): number {
  const p = ip.split('.');
  if (p.length !== 4) throw new TypeError(`not an IPv4 address: ${ip}`);
  let v = 0;
  for (const x of p) {
    const n = Number(x);
    if (!Number.isInteger(n) || n < 0 || n > 255) throw new TypeError(`not an IPv4 address: ${ip}`);
    v = v * 256 + n;
  }
  return v;
}
export function u32ToIpv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Write IPv4 + UDP headers for a payload of `payloadLen` bytes; returns 28. */
export function writeIpv4Udp(dst: Uint8Array, off: number, srcIp: number, srcPort: number, dstIp: number, dstPort: number, payloadLen: number, id = 0): number {
  const total = IPV4_HEADER + UDP_HEADER + payloadLen;
  const o = off;
  dst[o] = 0x45; dst[o + 1] = 0;
  dst[o + 2] = total >>> 8; dst[o + 3] = total;
  dst[o + 4] = id >>> 8; dst[o + 5] = id;
  dst[o + 6] = 0x40; dst[o + 7] = 0; // DF
  dst[o + 8] = 64; dst[o + 9] = 17; // TTL, UDP
  dst[o + 10] = 0; dst[o + 11] = 0;
  w32(dst, o + 12, srcIp); w32(dst, o + 16, dstIp);
  let sum = 0;
  for (let i = 0; i < IPV4_HEADER; i += 2) sum += (dst[o + i] << 8) | dst[o + i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const ck = ~sum & 0xffff;
  dst[o + 10] = ck >>> 8; dst[o + 11] = ck;
  const u = o + IPV4_HEADER;
  dst[u] = srcPort >>> 8; dst[u + 1] = srcPort; dst[u + 2] = dstPort >>> 8; dst[u + 3] = dstPort;
  const ul = UDP_HEADER + payloadLen;
  dst[u + 4] = ul >>> 8; dst[u + 5] = ul; dst[u + 6] = 0; dst[u + 7] = 0;
  return IPV4_HEADER + UDP_HEADER;
}

/** Ethernet II header carrying IPv4 (locally administered MACs). Returns 14. */
export function writeEthernetIpv4(dst: Uint8Array, off: number): number {
  dst.set(ETH_TEMPLATE, off);
  return ETHERNET_HEADER;
}
const ETH_TEMPLATE = new Uint8Array([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00]);

function w32(b: Uint8Array, o: number, v: number): void { b[o] = v >>> 24; b[o + 1] = v >>> 16; b[o + 2] = v >>> 8; b[o + 3] = v; }
