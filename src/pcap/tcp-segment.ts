// TCP in captured frames (RFC 9293): find a segment's sequence number, flags and payload
// (link layer and IP as in udp-locator.ts), and build IPv4/IPv6 + TCP frames for tests
// and tools. Allocation-free: results land in a caller's reusable TcpLocation.
import { PcapStatus } from './status.js';
import { UdpLocation, locateIp, type UdpFlow } from './udp-locator.js';
import { writeUdpFrame, udpFrameOverhead, sum16, fold } from './udp-frame.js';

export const TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08, TCP_ACK = 0x10;

/** A located TCP segment: addresses and ports (srcPort / dstPort), seq, flags, payload. */
export class TcpLocation extends UdpLocation {
  seq = 0;
  ack = 0;
  flags = 0;
}

/** Find the TCP segment in a frame. OK, NOT_UDP (not TCP), BAD_LENGTH or FRAGMENT. */
export function locateTcp(buf: Uint8Array, off: number, len: number, linkType: number, out: TcpLocation): number {
  const s = locateIp(buf, off, len, linkType, out, 6);
  if (s !== PcapStatus.OK) return s;
  const t = out.udpOffset, end = out.ipEnd;
  if (t + 20 > end) return PcapStatus.BAD_LENGTH;
  const hl = (buf[t + 12] >> 4) * 4;
  if (hl < 20 || t + hl > end) return PcapStatus.BAD_LENGTH;
  out.srcPort = (buf[t] << 8) | buf[t + 1]; out.dstPort = (buf[t + 2] << 8) | buf[t + 3];
  out.seq = r32(buf, t + 4); out.ack = r32(buf, t + 8);
  out.flags = buf[t + 13];
  out.payloadOffset = t + hl; out.payloadLength = end - t - hl;
  return PcapStatus.OK;
}

/**
 * Write link header + IP + TCP (20-byte header, ACK|PSH unless `flags` says otherwise)
 * + payload into dst at `off`; returns the frame length. Built as a UDP frame, then the
 * UDP header widened to TCP: the IP protocol, lengths and checksums are rewritten here.
 */
export function writeTcpFrame(dst: Uint8Array, off: number, linkType: number, flow: UdpFlow, seq: number, flags: number, payload: Uint8Array, pOff: number, pLen: number, ack = 0): number {
  // a UDP frame 12 bytes longer leaves room for the 20-byte TCP header
  const n = writeUdpFrame(dst, off, linkType, flow, payload, pOff, 0) + 12 + pLen;
  const tcp = off + udpFrameOverhead(linkType, flow.ipVersion) - 8;
  for (let i = pLen - 1; i >= 0; i--) dst[tcp + 20 + i] = payload[pOff + i];
  const ip = tcp - (flow.ipVersion === 6 ? 40 : 20);
  w16(dst, tcp, flow.srcPort); w16(dst, tcp + 2, flow.dstPort);
  w32(dst, tcp + 4, seq); w32(dst, tcp + 8, ack);
  dst[tcp + 12] = 5 << 4; dst[tcp + 13] = flags; w16(dst, tcp + 14, 65535); w16(dst, tcp + 16, 0); w16(dst, tcp + 18, 0);
  const tl = 20 + pLen;
  let s = 6 + tl;
  if (flow.ipVersion === 4) {
    dst[ip + 9] = 6; w16(dst, ip + 2, 20 + tl); w16(dst, ip + 10, 0);
    w16(dst, ip + 10, ~fold(sum16(dst, ip, 20)) & 0xffff);
    s += sum16(dst, ip + 12, 8);
  } else {
    dst[ip + 6] = 6; w16(dst, ip + 4, tl);
    s += sum16(dst, ip + 8, 32);
  }
  s += sum16(dst, tcp, tl);
  w16(dst, tcp + 16, ~fold(s) & 0xffff);
  return n;
}

/** Bytes a TCP frame of `linkType` adds around its payload. */
export function tcpFrameOverhead(linkType: number, ipVersion: 4 | 6): number { return udpFrameOverhead(linkType, ipVersion) + 12; }

function r32(b: Uint8Array, o: number): number { return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0; }
function w16(b: Uint8Array, o: number, v: number): void { b[o] = v >>> 8; b[o + 1] = v; }
function w32(b: Uint8Array, o: number, v: number): void { b[o] = v >>> 24; b[o + 1] = v >>> 16; b[o + 2] = v >>> 8; b[o + 3] = v; }
