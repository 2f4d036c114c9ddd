// Fuzz the pcap / pcapng block parser (CaptureReader) and the UDP locator with mutated
// captures: only status codes, never a throw; the window never grows past the bound
// (a 4 GB length field is refused); push mode in odd-sized chunks sees exactly what pull
// mode sees.
import type { FuzzTarget } from './harness.js';
import { CaptureReader, PcapStatus, PcapWriter, PcapngWriter, LinkType, UdpLocation, UdpFlow, locateUdp, bufferSource, ipv6ToBytes, classifyRtp } from '../../src/pcap/index.js';

const MAX_BLOCK = 4096;
const loc = new UdpLocation();
const KNOWN = new Set<number>(Object.values(PcapStatus));

function fail(msg: string): never { throw new Error(msg); }

function capture(ng: boolean, be = false): Buffer {
  const chunks: Buffer[] = [];
  const sink = (c: Uint8Array) => chunks.push(Buffer.from(c));
  const v4 = new UdpFlow(); v4.srcIp = 0x0a000001; v4.dstIp = 0x0a000002; v4.srcPort = 5004; v4.dstPort = 5006;
  const v6 = new UdpFlow(); v6.ipVersion = 6; ipv6ToBytes('2001:db8::1', v6.src6); ipv6ToBytes('::1', v6.dst6); v6.srcPort = 1; v6.dstPort = 2;
  const rtp = Buffer.from('80e01234deadbeef11223344aabbccdd', 'hex');
  if (!ng) {
    const w = new PcapWriter(sink, { linkType: LinkType.LINUX_SLL, nanos: true });
    w.writeUdpFlow(1, v4, rtp); w.writeUdpFlow(2, v6, rtp.subarray(0, 3));
  } else {
    const w = new PcapngWriter(sink, { interfaces: [{ linkType: LinkType.ETHERNET, tsResolution: 'ns' }, { linkType: LinkType.LINUX_SLL2, name: 'any' }, { linkType: LinkType.RAW }] });
    w.writeUdpFlow(1, v4, rtp, 0, rtp.length, 0); w.writeUdpFlow(2, v6, rtp, 0, rtp.length, 1); w.writeUdpFlow(3, v6, rtp, 0, 5, 2);
  }
  const b = Buffer.concat(chunks);
  if (be && ng) byteSwapPcapng(b);
  return b;
}

/** Rewrite a little-endian pcapng we wrote as big-endian (block headers, IDB/EPB fixed fields). */
function byteSwapPcapng(b: Buffer): void {
  for (let p = 0; p + 12 <= b.length;) {
    const type = b.readUInt32LE(p), len = b.readUInt32LE(p + 4);
    const sw32 = (o: number) => b.writeUInt32BE(b.readUInt32LE(o), o);
    const sw16 = (o: number) => b.writeUInt16BE(b.readUInt16LE(o), o);
    sw32(p); sw32(p + 4); sw32(p + len - 4);
    if (type === 0x0a0d0d0a) { sw32(p + 8); sw16(p + 12); sw16(p + 14); }
    if (type === 1) { sw16(p + 8); sw32(p + 12); for (let o = p + 16; o + 4 <= p + len - 4;) { const l = b.readUInt16LE(o + 2); sw16(o); sw16(o + 2); o += 4 + ((l + 3) & ~3); } }
    if (type === 6) for (let k = 8; k < 28; k += 4) sw32(p + k);
    p += len;
  }
}

function pull(input: Buffer, out: number[]): number {
  const r = new CaptureReader(bufferSource(input), { bufferSize: 64, maxBlockLength: MAX_BLOCK });
  let s: number, k = 0;
  while ((s = r.next()) === PcapStatus.OK) {
    if (++k > input.length) fail('reader loops');
    if (r.dataOffset + r.capturedLength > r.buf.length) fail('frame outside the window');
    out.push(r.interfaceId, r.capturedLength, r.ts.sec, r.ts.ns);
    const u = locateUdp(r.buf, r.dataOffset, r.capturedLength, r.linkType, loc);
    if (!KNOWN.has(u)) fail(`locator status ${u}`);
    if (u === PcapStatus.OK) {
      if (loc.payloadOffset < r.dataOffset || loc.payloadOffset + loc.payloadLength > r.dataOffset + r.capturedLength) fail('udp payload outside frame');
      classifyRtp(r.buf, loc.payloadOffset, loc.payloadLength);
    }
  }
  if (!KNOWN.has(s) || s === PcapStatus.NEED_MORE) fail(`reader status ${s}`);
  if (r.buf.length > MAX_BLOCK) fail(`window grew to ${r.buf.length}`);
  if (s !== PcapStatus.END) r.error(s); // building the typed error must not throw
  return s;
}

function push(input: Buffer, out: number[]): number {
  const r = new CaptureReader(null, { bufferSize: 64, maxBlockLength: MAX_BLOCK });
  let s: number = PcapStatus.NEED_MORE;
  let off = 0, guard = 0;
  const drain = () => { while ((s = r.next()) === PcapStatus.OK) out.push(r.interfaceId, r.capturedLength, r.ts.sec, r.ts.ns); };
  while (off < input.length) {
    if (++guard > input.length * 4 + 10) fail('push loops');
    off += r.push(input, off, Math.min(7, input.length - off));
    drain();
    if (s !== PcapStatus.NEED_MORE) return s;
  }
  r.end();
  drain();
  return s;
}

const target: FuzzTarget = {
  name: 'pcap/pcapng capture reader (pull + push) + udp locator',
  seeds: () => {
    const huge = capture(true);
    huge.writeUInt32LE(0xfffffffc, huge.readUInt32LE(4) + 4); // an IDB claiming 4 GB: refused
    return [capture(false), capture(true), capture(true, true), huge];
  },
  run(input) {
    const a: number[] = [], b: number[] = [];
    const sa = pull(input, a), sb = push(input, b);
    if (sa !== sb || a.length !== b.length || a.some((x, i) => x !== b[i])) fail(`pull (${sa}, ${a.length / 4}) and push (${sb}, ${b.length / 4}) disagree`);
  },
};

export const targets: FuzzTarget[] = [target];
