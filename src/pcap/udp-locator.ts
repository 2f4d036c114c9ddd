// Find the UDP datagram inside a captured frame: link layer (Ethernet with VLAN tags,
// raw IP, Linux SLL / SLL2) -> IPv4 (RFC 791) or IPv6 (RFC 8200, extension headers
// skipped) -> UDP (RFC 768). Fragments are reported (FRAGMENT), not reassembled.
// Allocation-free: results land in a caller's reusable UdpLocation.
import { PcapStatus } from './status.js';
import { LinkType, ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from './link-type.js';

/** The addresses and ports of one UDP datagram (IPv4 as numbers, IPv6 as 16 bytes). */
export class UdpFlow {
  ipVersion: 4 | 6 = 4;
  /** IPv4 addresses as unsigned 32-bit numbers (0 for IPv6). */
  srcIp = 0;
  dstIp = 0;
  /** IPv6 addresses (filled only when ipVersion is 6; reused, never reallocated). */
  readonly src6 = new Uint8Array(16);
  readonly dst6 = new Uint8Array(16);
  srcPort = 0;
  dstPort = 0;
}

/** Where the UDP datagram sits in a captured frame (filled by `locateUdp`). */
export class UdpLocation extends UdpFlow {
  /** Absolute offsets in the frame's buffer. */
  ipOffset = 0;
  /** The transport (UDP or TCP) header. */
  udpOffset = 0;
  /** End of the IP packet. */
  ipEnd = 0;
  payloadOffset = 0;
  payloadLength = 0;
}

const IPV4_MIN = 20, IPV6_FIXED = 40, UDP_LEN = 8;

/**
 * Find the UDP payload in a frame of `linkType` at buf[off, off+len).
 * Returns PcapStatus.OK, NOT_UDP, BAD_LENGTH (headers disagree with the bytes, including
 * frames cut short by the snap length) or FRAGMENT.
 */
export function locateUdp(buf: Uint8Array, off: number, len: number, linkType: number, out: UdpLocation): number {
  const s = locateIp(buf, off, len, linkType, out, 17);
  return s === PcapStatus.OK ? udp(buf, out.udpOffset, out.ipEnd, out) : s;
}

/**
 * Link layer + IP for transport protocol `proto` (17 UDP, 6 TCP): fills the addresses,
 * ipOffset, udpOffset (= the transport header's offset) and ipEnd. NOT_UDP means "not this protocol".
 */
export function locateIp(buf: Uint8Array, off: number, len: number, linkType: number, out: UdpLocation, proto: number): number {
  const end = off + len;
  if (off < 0 || end > buf.length) return PcapStatus.BAD_LENGTH;
  let p = off;
  let et = 0; // ethertype
  switch (linkType) {
    case LinkType.ETHERNET: {
      if (len < 14) return PcapStatus.BAD_LENGTH;
      p += 12;
      et = (buf[p] << 8) | buf[p + 1];
      // 802.1Q / 802.1ad tags (at most two)
      for (let k = 0; k < 2 && (et === 0x8100 || et === 0x88a8); k++) {
        p += 4;
        if (p + 2 > end) return PcapStatus.BAD_LENGTH;
        et = (buf[p] << 8) | buf[p + 1];
      }
      p += 2;
      break;
    }
    case LinkType.LINUX_SLL:
      if (len < 16) return PcapStatus.BAD_LENGTH;
      et = (buf[p + 14] << 8) | buf[p + 15];
      p += 16;
      break;
    case LinkType.LINUX_SLL2:
      if (len < 20) return PcapStatus.BAD_LENGTH;
      et = (buf[p] << 8) | buf[p + 1];
      p += 20;
      break;
    case LinkType.RAW:
      if (len < 1) return PcapStatus.BAD_LENGTH;
      et = buf[p] >> 4 === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
      break;
    case LinkType.IPV4: et = ETHERTYPE_IPV4; break;
    case LinkType.IPV6: et = ETHERTYPE_IPV6; break;
    default: return PcapStatus.NOT_UDP;
  }
  out.ipOffset = p;
  if (et === ETHERTYPE_IPV4) return ipv4(buf, p, end, out, proto);
  if (et === ETHERTYPE_IPV6) return ipv6(buf, p, end, out, proto);
  return PcapStatus.NOT_UDP;
}

function ipv4(buf: Uint8Array, p: number, end: number, out: UdpLocation, proto: number): number {
  if (p + IPV4_MIN > end) return PcapStatus.BAD_LENGTH;
  if (buf[p] >> 4 !== 4) return PcapStatus.NOT_UDP;
  const ihl = (buf[p] & 0x0f) * 4;
  const total = (buf[p + 2] << 8) | buf[p + 3];
  if (ihl < IPV4_MIN || total < ihl || p + total > end) return PcapStatus.BAD_LENGTH;
  if (buf[p + 9] !== proto) return PcapStatus.NOT_UDP;
  out.ipVersion = 4;
  out.srcIp = r32(buf, p + 12); out.dstIp = r32(buf, p + 16);
  // MF set or a non-zero fragment offset
  if ((buf[p + 6] & 0x20) !== 0 || (((buf[p + 6] & 0x1f) << 8) | buf[p + 7]) !== 0) return PcapStatus.FRAGMENT;
  out.udpOffset = p + ihl; out.ipEnd = p + total;
  return PcapStatus.OK;
}

function ipv6(buf: Uint8Array, p: number, end: number, out: UdpLocation, proto: number): number {
  if (p + IPV6_FIXED > end) return PcapStatus.BAD_LENGTH;
  if (buf[p] >> 4 !== 6) return PcapStatus.NOT_UDP;
  const plen = (buf[p + 4] << 8) | buf[p + 5];
  const e = p + IPV6_FIXED + plen; // jumbograms (plen 0) are not handled
  if (e > end) return PcapStatus.BAD_LENGTH;
  out.ipVersion = 6;
  out.srcIp = 0; out.dstIp = 0;
  for (let i = 0; i < 16; i++) { out.src6[i] = buf[p + 8 + i]; out.dst6[i] = buf[p + 24 + i]; }
  let next = buf[p + 6];
  let q = p + IPV6_FIXED;
  // Extension headers: bounded by the payload, each at least 8 bytes.
  while (next !== proto) {
    if (q + 8 > e) return next === 59 ? PcapStatus.NOT_UDP : PcapStatus.BAD_LENGTH;
    switch (next) {
      case 0: case 43: case 60: case 135: case 139: case 140: // hop-by-hop, routing, dest opts, mobility, HIP, shim6
        next = buf[q]; q += (buf[q + 1] + 1) * 8; break;
      case 51: // AH: length in 4-byte words minus 2
        next = buf[q]; q += (buf[q + 1] + 2) * 4; break;
      case 44: return PcapStatus.FRAGMENT;
      default: return PcapStatus.NOT_UDP; // ESP, TCP, ICMPv6, no next header, ...
    }
  }
  out.udpOffset = q; out.ipEnd = e;
  return PcapStatus.OK;
}

function udp(buf: Uint8Array, u: number, ipEnd: number, out: UdpLocation): number {
  if (u + UDP_LEN > ipEnd) return PcapStatus.BAD_LENGTH;
  const ul = (buf[u + 4] << 8) | buf[u + 5];
  if (ul < UDP_LEN || u + ul > ipEnd) return PcapStatus.BAD_LENGTH;
  out.srcPort = (buf[u] << 8) | buf[u + 1]; out.dstPort = (buf[u + 2] << 8) | buf[u + 3];
  out.udpOffset = u;
  out.payloadOffset = u + UDP_LEN; out.payloadLength = ul - UDP_LEN;
  return PcapStatus.OK;
}

function r32(b: Uint8Array, o: number): number { return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0; }
