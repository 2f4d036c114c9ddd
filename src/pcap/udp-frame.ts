// Build a whole captured frame around a UDP payload for any supported link type
// (Ethernet, raw IP, Linux SLL / SLL2) over IPv4 or IPv6, and fix the IP/UDP length
// and checksum fields after a payload changed size in place (used by `pcap decrypt`).
// IPv6 UDP checksums are mandatory (RFC 8200 §8.1) and computed; IPv4's are 0 when we
// build, and recomputed on a rewrite only if the original carried one.
import { LinkType, ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from './link-type.js';
import { writeIpv4Udp, IPV4_HEADER, UDP_HEADER } from './ipv4-udp.js';
import type { UdpFlow, UdpLocation } from './udp-locator.js';
import { PcapError } from './status.js';

const IPV6_HEADER = 40;
const MAC_A = new Uint8Array([0x02, 0, 0, 0, 0, 0x01]);
const MAC_B = new Uint8Array([0x02, 0, 0, 0, 0, 0x02]);

/** Bytes a frame of `linkType` adds around a UDP payload for this IP version. */
export function udpFrameOverhead(linkType: number, ipVersion: 4 | 6): number {
  const l2 = linkType === LinkType.ETHERNET ? 14 : linkType === LinkType.LINUX_SLL ? 16 : linkType === LinkType.LINUX_SLL2 ? 20 : 0;
  return l2 + (ipVersion === 6 ? IPV6_HEADER : IPV4_HEADER) + UDP_HEADER;
}

/**
 * Write link header + IP + UDP + payload into dst at `off`; returns the frame length.
 * Throws PcapError PCAP_BAD_LINKTYPE when the link type cannot carry this IP version.
 * dst must have room for udpFrameOverhead(...) + payloadLen bytes.
 */
export function writeUdpFrame(dst: Uint8Array, off: number, linkType: number, flow: UdpFlow, payload: Uint8Array, pOff: number, pLen: number, ipId = 0): number {
  const v6 = flow.ipVersion === 6;
  if ((linkType === LinkType.IPV4 && v6) || (linkType === LinkType.IPV6 && !v6)) {
    throw new PcapError('PCAP_BAD_LINKTYPE', `pcap: link type ${linkType} cannot carry IPv${flow.ipVersion}`);
  }
  const ethertype = v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
  let p = off;
  switch (linkType) {
    case LinkType.ETHERNET:
      dst.set(MAC_B, p); dst.set(MAC_A, p + 6); w16(dst, p + 12, ethertype); p += 14; break;
    case LinkType.LINUX_SLL:
      w16(dst, p, 0); w16(dst, p + 2, 1); w16(dst, p + 4, 6); // to us, ARPHRD_ETHER, 6-byte address
      dst.set(MAC_A, p + 6); dst[p + 12] = 0; dst[p + 13] = 0; w16(dst, p + 14, ethertype); p += 16; break;
    case LinkType.LINUX_SLL2:
      w16(dst, p, ethertype); w16(dst, p + 2, 0); w16(dst, p + 4, 0); w16(dst, p + 6, 1); // ifindex 1
      w16(dst, p + 8, 1); dst[p + 10] = 0; dst[p + 11] = 6; dst.set(MAC_A, p + 12); dst[p + 18] = 0; dst[p + 19] = 0; p += 20; break;
    case LinkType.RAW: case LinkType.IPV4: case LinkType.IPV6: break;
    default: throw new PcapError('PCAP_BAD_LINKTYPE', `pcap: link type ${linkType} not supported`);
  }
  if (!v6) {
    p += writeIpv4Udp(dst, p, flow.srcIp, flow.srcPort, flow.dstIp, flow.dstPort, pLen, ipId);
    copyBytes(payload, pOff, pLen, dst, p);
    return p + pLen - off;
  }
  const ip = p, ul = UDP_HEADER + pLen;
  dst[ip] = 0x60; dst[ip + 1] = 0; dst[ip + 2] = 0; dst[ip + 3] = 0;
  w16(dst, ip + 4, ul); dst[ip + 6] = 17; dst[ip + 7] = 64;
  dst.set(flow.src6, ip + 8); dst.set(flow.dst6, ip + 24);
  const u = ip + IPV6_HEADER;
  w16(dst, u, flow.srcPort); w16(dst, u + 2, flow.dstPort); w16(dst, u + 4, ul); w16(dst, u + 6, 0);
  copyBytes(payload, pOff, pLen, dst, u + UDP_HEADER);
  w16(dst, u + 6, udpChecksum(dst, 6, ip, u, ul));
  return u + ul - off;
}

/**
 * The UDP payload located by `loc` now has `newLen` bytes (changed in place): fix the
 * IPv4 total length + header checksum or IPv6 payload length, and the UDP length and
 * checksum. Extension headers / IPv4 options stay as they were. Returns the new end
 * offset of the IP packet (anything after it in the frame, e.g. Ethernet padding, is
 * to be dropped by the caller).
 */
export function setUdpPayloadLength(buf: Uint8Array, loc: UdpLocation, newLen: number): number {
  const ip = loc.ipOffset, u = loc.udpOffset, ul = UDP_HEADER + newLen;
  const hadSum = buf[u + 6] !== 0 || buf[u + 7] !== 0;
  w16(buf, u + 4, ul);
  if (loc.ipVersion === 4) {
    w16(buf, ip + 2, u + ul - ip);
    w16(buf, ip + 10, 0);
    const ihl = (buf[ip] & 0x0f) * 4;
    let s = 0;
    for (let i = 0; i < ihl; i += 2) s += (buf[ip + i] << 8) | buf[ip + i + 1];
    w16(buf, ip + 10, ~fold(s) & 0xffff);
  } else {
    w16(buf, ip + 4, u + ul - ip - IPV6_HEADER);
  }
  w16(buf, u + 6, 0);
  if (hadSum || loc.ipVersion === 6) w16(buf, u + 6, udpChecksum(buf, loc.ipVersion, ip, u, ul));
  return u + ul;
}

/** RFC 768 checksum over the pseudo-header + UDP header (checksum field 0) + payload. */
function udpChecksum(b: Uint8Array, ipVersion: number, ip: number, u: number, ul: number): number {
  let s = 17 + ul;
  if (ipVersion === 4) s += sum16(b, ip + 12, 8);
  else s += sum16(b, ip + 8, 32);
  s += sum16(b, u, ul);
  const c = ~fold(s) & 0xffff;
  return c === 0 ? 0xffff : c;
}

/** Internet checksum (RFC 1071) helpers: the 16-bit one's-complement sum, then folded. */
export function sum16(b: Uint8Array, o: number, n: number): number {
  let s = 0;
  const e = o + (n & ~1);
  for (let i = o; i < e; i += 2) s += (b[i] << 8) | b[i + 1];
  if (n & 1) s += b[o + n - 1] << 8;
  return fold(s);
}
export function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 65536);
  return s;
}
/** Copy without making a subarray view (Buffer.copy; a short loop for plain Uint8Arrays). */
export function copyBytes(src: Uint8Array, off: number, len: number, dst: Uint8Array, at: number): void {
  if (Buffer.isBuffer(src)) src.copy(dst, at, off, off + len);
  else for (let i = 0; i < len; i++) dst[at + i] = src[off + i];
}
function w16(b: Uint8Array, o: number, v: number): void { b[o] = v >>> 8; b[o + 1] = v; }
