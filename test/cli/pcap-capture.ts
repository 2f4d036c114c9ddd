// Builds the captures the `npm run pcap` tests use (deterministic).
import { PcapngFileWriter, LinkType, type CaptureWriter } from '../../src/pcap/index.js';
import * as R from '../../src/rtp/index.js';
import { flow4, flow6 } from '../pcap/helpers.js';

export const T0 = 1_700_000_000_000_000;
export interface RtpSpec { pt: number; ssrc: number; count: number; tsStep: number; intervalUs: number; firstSeq: number; firstTs: number; payload: number }

let seed = 99;
export const rnd = (): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 2 ** 32; };

/** Sequence order with losses, a swap and a duplicate, like a real network. */
export function arrivalOrder(count: number): number[] {
  const order: number[] = [];
  for (let i = 0; i < count; i++) if (!(i >= 30 && i < 34) && i !== 120 && i !== count - 40) order.push(i);
  const k = order.indexOf(60); [order[k], order[k + 1]] = [order[k + 1], order[k]];
  order.splice(order.indexOf(150), 0, 150);
  return order;
}

/** RTP packet i of a stream into b; returns its length. */
export function rtpPacket(b: Buffer, s: RtpSpec, i: number): number {
  const payload = Buffer.alloc(s.payload);
  for (let k = 0; k < payload.length; k++) payload[k] = (i * 31 + k) & 255;
  return R.writeRtpPacket(b, 0, { payloadType: s.pt, sequenceNumber: (s.firstSeq + i) & 0xffff, timestamp: (s.firstTs + i * s.tsStep) >>> 0, ssrc: s.ssrc, marker: i === 0 }, payload);
}

/** One RTCP compound per call kind. */
export function rtcpCompound(b: Buffer, i: number, ssrc: number, media: number): number {
  const cw = new R.RtcpCompoundWriter();
  cw.reset(b, 0);
  if (i % 2 === 0) cw.put(R.writeSenderReport(b, cw.end, { ssrc, ntpSeconds: 0xe0000000 + i, ntpFraction: 0, rtpTimestamp: i * 8000, packetCount: i, octetCount: i * 100, reports: [] }));
  else cw.put(R.writeReceiverReport(b, cw.end, ssrc, [{ ssrc: media, fractionLost: 3, cumulativeLost: 5, highestSeq: 1000, jitter: 20, lsr: 0, dlsr: 0 }]));
  cw.put(R.writeSdes(b, cw.end, [{ ssrc, cname: 'c' + i }]));
  if (i % 3 === 0) cw.put(R.writePli(b, cw.end, ssrc, media));
  if (i % 4 === 1) cw.put(R.writeNack(b, cw.end, ssrc, media, [10, 11, 40]));
  if (i === 9) cw.put(R.writeBye(b, cw.end, [ssrc]));
  return cw.length;
}

export const PCMU: RtpSpec = { pt: 0, ssrc: 0x11223344, count: 400, tsStep: 160, intervalUs: 20_000, firstSeq: 65400, firstTs: 0xfffff000, payload: 160 };
export const OPUS: RtpSpec = { pt: 111, ssrc: 0xcafe0001, count: 250, tsStep: 960, intervalUs: 20_000, firstSeq: 100, firstTs: 5000, payload: 90 };

/**
 * if0 Ethernet (ns): PCMU 10.0.0.1:40000 -> 10.0.0.2:5004, RTCP 10.0.0.2:5005 -> 10.0.0.1:40001,
 * STUN noise on 5004 and one IPv4 fragment; if1 SLL2 (µs): Opus over IPv6 [2001:db8::1]:50000 -> [2001:db8::2]:6000.
 */
export function buildInfoCapture(file: string): void {
  const w = new PcapngFileWriter(file, { interfaces: [{ linkType: LinkType.ETHERNET, tsResolution: 'ns' }, { linkType: LinkType.LINUX_SLL2 }] });
  const b = Buffer.alloc(2000);
  const events: { t: number; write: (w: CaptureWriter) => void }[] = [];
  const a = flow4('10.0.0.1', 40000, '10.0.0.2', 5004);
  // arrival time follows the arrival order (so the swap stays a swap), plus up to 9 ms of jitter
  for (const [pos, i] of arrivalOrder(PCMU.count).entries()) {
    const t = T0 + pos * PCMU.intervalUs + Math.floor(rnd() * 9000);
    const n = rtpPacket(b, PCMU, i); const copy = Buffer.from(b.subarray(0, n));
    events.push({ t, write: (x) => x.writeUdpFlow(t, a, copy, 0, n, 0) });
  }
  const rt = flow4('10.0.0.2', 5005, '10.0.0.1', 40001);
  for (let i = 0; i < 10; i++) {
    const n = rtcpCompound(b, i, 0x5555, PCMU.ssrc); const copy = Buffer.from(b.subarray(0, n));
    events.push({ t: T0 + i * 500_000 + 1, write: (x) => x.writeUdpFlow(T0 + i * 500_000 + 1, rt, copy, 0, n, 0) });
  }
  const stun = Buffer.from('000100002112a442' + '0102030405060708090a0b0c', 'hex');
  events.push({ t: T0 + 5, write: (x) => x.writeUdpFlow(T0 + 5, a, stun, 0, stun.length, 0) });
  const o = flow6('2001:db8::1', 50000, '2001:db8::2', 6000);
  for (const [pos, i] of arrivalOrder(OPUS.count).entries()) {
    const t = T0 + 3000 + pos * OPUS.intervalUs + Math.floor(rnd() * 4000);
    const n = rtpPacket(b, OPUS, i); const copy = Buffer.from(b.subarray(0, n));
    events.push({ t, write: (x) => x.writeUdpFlow(t, o, copy, 0, n, 1) });
  }
  events.sort((x, y) => x.t - y.t);
  for (const e of events) e.write(w);
  // an IPv4 fragment (MF set): reported, skipped
  const frag = Buffer.from('02000000000102000000000208004500001c0001200040110000' + '0a000001' + '0a000002' + '9c4013c400080000', 'hex');
  w.writeFrame(T0 + 9_000_000, frag, 0, frag.length, 0);
  w.close();
}
