// A capture with SRTP over every carrier `npm run pcap` reads: UDP direct, RFC 4571 over
// TCP (ICE-TCP; split, reordered and retransmitted segments), TURN over UDP (ChannelBind
// + ChannelData carrying SRTP and two SRTCP RRs, Send and Data indications) and TURN over TCP (Allocate, ChannelBind,
// padded ChannelData both ways). Deterministic; one SSRC per stream.
import { SrtpContext, srtpProfileInfo } from '../../src/srtp/index.js';
import { PcapFileWriter, PcapngFileWriter, LinkType, TCP_SYN, type UdpFlow } from '../../src/pcap/index.js';
import { flow4 } from '../pcap/helpers.js';
import { rfc4571, rtp, channelData, channelBind, sendIndication, dataIndication, stun, tcpFrame, segments } from '../pcap/tcp-helpers.js';

export const PROFILE = 0x0001;
export const T0 = 1_700_000_000_000_000;

export function key(): { key: Buffer; salt: Buffer; b64: string } {
  const info = srtpProfileInfo(PROFILE);
  const raw = Buffer.alloc(info.keyLength + info.saltLength);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 29 + 3) & 255;
  return { key: raw.subarray(0, info.keyLength), salt: raw.subarray(info.keyLength), b64: raw.toString('base64') };
}

/** What each stream should come out as: flow (as info prints it), carrier, relay, SSRC, count. */
export interface Expect { src: string; dst: string; carrier: string; relay?: string; ssrc: number; packets: number; plain: Buffer[] }

export const CLIENT = '10.0.0.1', SERVER = '10.0.0.2', TURN = '10.0.0.9', PEER1 = '198.51.100.7', PEER2 = '198.51.100.8';

/** A receiver report; two of them go as SRTCP in the TURN-UDP ChannelData stream. */function receiverReport(ssrc: number, i: number): Buffer {
  const b = Buffer.alloc(32);
  b[0] = 0x81; b[1] = 201; b.writeUInt16BE(7, 2); b.writeUInt32BE(ssrc, 4); b.writeUInt32BE(0x1234, 8); b.writeUInt32BE(i, 16);
  return b;
}

/** Writes the capture; returns the streams it holds. */
export function writeRelayed(file: string, ng: boolean): Expect[] {
  const w: PcapFileWriter | PcapngFileWriter = ng
    ? new PcapngFileWriter(file, { interfaces: [{ linkType: LinkType.ETHERNET, tsResolution: 'ns' }] })
    : new PcapFileWriter(file, { linkType: LinkType.ETHERNET });
  const k = key();
  const ctx = new Map<string, SrtpContext>();
  const protect = (dir: string, plain: Buffer): Buffer => {
    let c = ctx.get(dir);
    if (!c) { c = new SrtpContext(PROFILE, k.key, k.salt); ctx.set(dir, c); }
    const b = Buffer.alloc(plain.length + 64); plain.copy(b);
    return Buffer.from(b.subarray(0, c.protectRtp(b, plain.length)));
  };
  const protectRtcp = (dir: string, plain: Buffer): Buffer => {
    const c = ctx.get(dir)!;
    const b = Buffer.alloc(plain.length + 64); plain.copy(b);
    return Buffer.from(b.subarray(0, c.protectRtcp(b, plain.length)));
  };
  const exp: Expect[] = [];
  const stream = (e: Omit<Expect, 'plain'>, dir: string, pt: number, size: number): Buffer[] => {
    const plain = Array.from({ length: e.packets }, (_, i) => rtp(e.ssrc, 100 + i, i * 960, pt, size + (i % 5)));
    exp.push({ ...e, plain });
    return plain.map((p) => protect(dir, p));
  };
  let t = T0;
  const udp = (f: UdpFlow, b: Buffer) => w.writeUdpFlow((t += 1000), f, b, 0, b.length);
  const seg = (f: UdpFlow, seq: number, b: Buffer, flags?: number) => { const fr = tcpFrame(f, seq, b, flags); w.writeFrame((t += 1000), fr, 0, fr.length); };

  // 1. UDP direct
  const u = flow4(CLIENT, 40000, SERVER, 5004);
  udp(u, stun(0x0001, []));
  for (const p of stream({ src: `${CLIENT}:40000`, dst: `${SERVER}:5004`, carrier: 'udp', ssrc: 0xa, packets: 50 }, 'u', 111, 60)) udp(u, p);

  // 2. ICE-TCP (RFC 4571): SYN, a STUN check, then 50 SRTP cut into 97-byte segments;
  //    two neighbours swapped, one segment sent twice, one re-sent overlapping its neighbour
  const tf = flow4(CLIENT, 40001, SERVER, 443);
  const tb = rfc4571([stun(0x0001, []), ...stream({ src: `${CLIENT}:40001`, dst: `${SERVER}:443`, carrier: 'tcp', ssrc: 0xb, packets: 50 }, 't', 96, 90)]);
  seg(tf, 999, Buffer.alloc(0), TCP_SYN);
  const ts = segments(tb, 1000, 97);
  const order = ts.map((_, i) => i);
  [order[10], order[11]] = [order[11], order[10]];
  order.splice(20, 0, 19);
  for (const i of order) seg(tf, ts[i][0], ts[i][1]);
  seg(tf, ts[30][0] + 50, tb.subarray(ts[30][0] - 1000 + 50, ts[31][0] - 1000 + 40)); // overlap: half of 30, part of 31

  // 3. TURN over UDP: ChannelBind, ChannelData from the client, Send indications, Data indications from the server
  const c2t = flow4(CLIENT, 40002, TURN, 3478), t2c = flow4(TURN, 3478, CLIENT, 40002);
  udp(c2t, stun(0x0003, []));
  udp(c2t, channelBind(0x4001, PEER1, 6000));
  const relay = `${TURN}:3478`;
  const cd = stream({ src: `${CLIENT}:40002`, dst: `${PEER1}:6000`, carrier: 'turn-udp', relay, ssrc: 0xc, packets: 50 }, 'c', 111, 70);
  const si = stream({ src: `${CLIENT}:40002`, dst: `${PEER1}:6000`, carrier: 'turn-udp', relay, ssrc: 0xe, packets: 20 }, 'e', 111, 50);
  const di = stream({ src: `${PEER1}:6000`, dst: `${CLIENT}:40002`, carrier: 'turn-udp', relay, ssrc: 0xd, packets: 20 }, 'd', 111, 50);
  cd.forEach((p, i) => {
    udp(c2t, channelData(0x4001, p, false));
    if (i % 20 === 19) udp(c2t, channelData(0x4001, protectRtcp('c', receiverReport(0xc, i)), false)); // SRTCP too
    if (i < 20) { udp(c2t, sendIndication(PEER1, 6000, si[i])); udp(t2c, dataIndication(PEER1, 6000, di[i])); }
  });

  // 4. TURN over TCP: Allocate + ChannelBind + padded ChannelData from the client (one pair
  //    of segments swapped), ChannelData back from the server on the same channel
  const c2tt = flow4(CLIENT, 40003, TURN, 3478), t2ct = flow4(TURN, 3478, CLIENT, 40003);
  const up = stream({ src: `${CLIENT}:40003`, dst: `${PEER2}:7000`, carrier: 'turn-tcp', relay, ssrc: 0xf, packets: 50 }, 'f', 96, 81);
  const down = stream({ src: `${PEER2}:7000`, dst: `${CLIENT}:40003`, carrier: 'turn-tcp', relay, ssrc: 0x10, packets: 20 }, 'g', 96, 81);
  const ub = Buffer.concat([stun(0x0003, []), channelBind(0x4002, PEER2, 7000), ...up.map((p) => channelData(0x4002, p))]);
  const db = Buffer.concat([stun(0x0103, []), stun(0x0109, []), ...down.map((p) => channelData(0x4002, p))]);
  const us = segments(ub, 5000, 150), ds = segments(db, 9000, 333);
  [us[5], us[6]] = [us[6], us[5]];
  for (const [seq, b] of us) seg(c2tt, seq, b);
  for (const [seq, b] of ds) seg(t2ct, seq, b);
  w.close();
  for (const c of ctx.values()) c.close();
  return exp;
}
