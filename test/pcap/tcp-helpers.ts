// Builders for TCP / TURN test captures: RFC 4571 frames, ChannelData, STUN Send / Data
// indications and ChannelBind requests, and TCP segments of a byte stream.
import { writeTcpFrame, TCP_ACK, TCP_PSH, LinkType, type UdpFlow, type CaptureWriter } from '../../src/pcap/index.js';

export const COOKIE = 0x2112a442;

export function rfc4571(pkts: Buffer[]): Buffer {
  return Buffer.concat(pkts.flatMap((p) => { const h = Buffer.alloc(2); h.writeUInt16BE(p.length); return [h, p]; }));
}

export function channelData(ch: number, data: Buffer, pad = true): Buffer {
  const n = pad ? (4 + data.length + 3) & ~3 : 4 + data.length;
  const b = Buffer.alloc(n);
  b.writeUInt16BE(ch, 0); b.writeUInt16BE(data.length, 2); data.copy(b, 4);
  return b;
}

let txn = 1;
/** A STUN message of `type` with attributes [type, value][]; XOR-PEER-ADDRESS given as [ip, port]. */
export function stun(type: number, attrs: [number, Buffer][]): Buffer {
  const body = Buffer.concat(attrs.map(([t, v]) => {
    const h = Buffer.alloc(4); h.writeUInt16BE(t, 0); h.writeUInt16BE(v.length, 2);
    return Buffer.concat([h, v, Buffer.alloc((4 - (v.length % 4)) % 4)]);
  }));
  const h = Buffer.alloc(20);
  h.writeUInt16BE(type, 0); h.writeUInt16BE(body.length, 2); h.writeUInt32BE(COOKIE, 4); h.writeUInt32BE(txn++, 16);
  return Buffer.concat([h, body]);
}
export function xorPeer4(ip: string, port: number): Buffer {
  const v = Buffer.alloc(8);
  v[1] = 1; v.writeUInt16BE(port ^ 0x2112, 2);
  const n = ip.split('.').reduce((a, x) => a * 256 + Number(x), 0);
  v.writeUInt32BE((n ^ COOKIE) >>> 0, 4);
  return v;
}
export const sendIndication = (ip: string, port: number, data: Buffer) => stun(0x0016, [[0x0012, xorPeer4(ip, port)], [0x0013, data]]);
export const dataIndication = (ip: string, port: number, data: Buffer) => stun(0x0017, [[0x0012, xorPeer4(ip, port)], [0x0013, data]]);
export function channelBind(ch: number, ip: string, port: number): Buffer {
  const c = Buffer.alloc(4); c.writeUInt16BE(ch);
  return stun(0x0009, [[0x000c, c], [0x0012, xorPeer4(ip, port)]]);
}

/** An RTP packet (unencrypted: 12-byte header + payload). */
export function rtp(ssrc: number, seq: number, ts: number, pt = 111, payload = 40): Buffer {
  const b = Buffer.alloc(12 + payload);
  b[0] = 0x80; b[1] = pt; b.writeUInt16BE(seq & 0xffff, 2); b.writeUInt32BE(ts >>> 0, 4); b.writeUInt32BE(ssrc >>> 0, 8);
  for (let i = 12; i < b.length; i++) b[i] = (i * 13 + seq) & 255;
  return b;
}

/** A TCP frame (Ethernet unless told) for one segment. */
export function tcpFrame(flow: UdpFlow, seq: number, payload: Buffer, flags = TCP_ACK | TCP_PSH, linkType: number = LinkType.ETHERNET): Buffer {
  const b = Buffer.alloc(payload.length + 100);
  const n = writeTcpFrame(b, 0, linkType, flow, seq, flags, payload, 0, payload.length);
  return b.subarray(0, n);
}

/** Cut `stream` into segments of `size` bytes: [seq, bytes][] starting at isn. */
export function segments(stream: Buffer, isn: number, size: number): [number, Buffer][] {
  const out: [number, Buffer][] = [];
  for (let o = 0; o < stream.length; o += size) out.push([(isn + o) >>> 0, stream.subarray(o, Math.min(stream.length, o + size))]);
  return out;
}

export function writeSegments(w: CaptureWriter, flow: UdpFlow, segs: [number, Buffer][], t0Us: number, ifId = 0): void {
  segs.forEach(([seq, data], i) => { const f = tcpFrame(flow, seq, data); w.writeFrame(t0Us + i * 1000, f, 0, f.length, ifId); });
}

/** XOR-PEER-ADDRESS for IPv6: needs the message's transaction id, so the message is patched after it is built. */
export function sendIndication6(peer: Uint8Array, port: number, data: Buffer): Buffer {
  const m = stun(0x0016, [[0x0012, Buffer.alloc(20)], [0x0013, data]]);
  const v = 24; // first attribute's value
  m[v + 1] = 2; m.writeUInt16BE(port ^ 0x2112, v + 2);
  for (let i = 0; i < 16; i++) m[v + 4 + i] = peer[i] ^ m[4 + i];
  return m;
}
