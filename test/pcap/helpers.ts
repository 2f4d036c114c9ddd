// Shared helpers for the pcap tests: build captures in memory, read them back.
import { CaptureReader, PcapStatus, UdpLocation, UdpFlow, locateUdp, bufferSource, ipv4ToU32, ipv6ToBytes } from '../../src/pcap/index.js';
import type { CaptureWriter } from '../../src/pcap/index.js';

export interface Pkt { sec: number; ns: number; ifId: number; linkType: number; src: string; dst: string; sport: number; dport: number; payload: string }

export function flow4(src: string, sp: number, dst: string, dp: number): UdpFlow {
  const f = new UdpFlow(); f.ipVersion = 4; f.srcIp = ipv4ToU32(src); f.dstIp = ipv4ToU32(dst); f.srcPort = sp; f.dstPort = dp; return f;
}
export function flow6(src: string, sp: number, dst: string, dp: number): UdpFlow {
  const f = new UdpFlow(); f.ipVersion = 6; ipv6ToBytes(src, f.src6); ipv6ToBytes(dst, f.dst6); f.srcPort = sp; f.dstPort = dp; return f;
}

/** Collects a writer's chunks. */
export function collector(): { sink: (c: Uint8Array) => void; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  return { sink: (c) => chunks.push(Buffer.from(c)), bytes: () => Buffer.concat(chunks) };
}

/** Read every packet (UDP ones located) with a small window, so the window moves a lot. */
export function readAll(bytes: Uint8Array, bufferSize = 64): { status: number; pkts: Pkt[]; reader: CaptureReader; udpStatus: number[] } {
  const r = new CaptureReader(bufferSource(bytes), { bufferSize });
  const loc = new UdpLocation();
  const pkts: Pkt[] = [];
  const udpStatus: number[] = [];
  let s: number;
  while ((s = r.next()) === PcapStatus.OK) {
    const u = locateUdp(r.buf, r.dataOffset, r.capturedLength, r.linkType, loc);
    udpStatus.push(u);
    if (u !== PcapStatus.OK) continue;
    pkts.push({
      sec: r.ts.sec, ns: r.ts.ns, ifId: r.interfaceId, linkType: r.linkType,
      src: addr(loc, 'src'), dst: addr(loc, 'dst'), sport: loc.srcPort, dport: loc.dstPort,
      payload: Buffer.from(r.buf.subarray(loc.payloadOffset, loc.payloadOffset + loc.payloadLength)).toString('hex'),
    });
  }
  return { status: s, pkts, reader: r, udpStatus };
}

function addr(l: UdpLocation, which: 'src' | 'dst'): string {
  if (l.ipVersion === 4) { const v = which === 'src' ? l.srcIp : l.dstIp; return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`; }
  return Buffer.from(which === 'src' ? l.src6 : l.dst6).toString('hex');
}

/** A deterministic set of UDP packets over v4 and v6. */
export function samplePackets(n: number, v6: boolean): { sec: number; ns: number; flow: UdpFlow; payload: Buffer }[] {
  const out = [];
  for (let i = 0; i < n; i++) {
    const flow = v6 ? flow6('2001:db8::1', 5000 + i, 'fe80::2:3', 6000) : flow4('10.0.0.1', 5000 + i, '192.168.1.20', 6000);
    const payload = Buffer.alloc(i * 37 % 300);
    for (let k = 0; k < payload.length; k++) payload[k] = (k * 7 + i) & 255;
    out.push({ sec: 1_700_000_000 + i, ns: (i * 123_456_789) % 1e9, flow, payload });
  }
  return out;
}

export function writeSamples(w: CaptureWriter, pk: ReturnType<typeof samplePackets>, ifId = 0): void {
  for (const p of pk) w.writeUdpFlowNs(p.sec, p.ns, p.flow, p.payload, 0, p.payload.length, ifId);
}
