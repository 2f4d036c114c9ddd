// Capture reading and writing, per packet: the streaming pcapng reader (window refilled
// from a source) against the in-memory classic reader, and the pcapng writer against a
// naive writer that allocates headers and concatenates per packet.
import type { MicroCase } from './case.js';
import { CaptureReader, PcapReader, PcapWriter, PcapngWriter, LinkType, UdpLocation, UdpFlow, locateUdp, type ByteSource } from '../../src/pcap/index.js';

const SINK = new Float64Array(1);
const payload = Buffer.alloc(200, 0x5a);
const flow = new UdpFlow(); flow.srcIp = 0x0a000001; flow.dstIp = 0x0a000002; flow.srcPort = 5004; flow.dstPort = 5006;

function build(ng: boolean): { all: Buffer; head: number } {
  const chunks: Buffer[] = [];
  const sink = (c: Uint8Array) => chunks.push(Buffer.from(c));
  const w = ng ? new PcapngWriter(sink, { interfaces: [{ linkType: LinkType.ETHERNET, tsResolution: 'ns' }] }) : new PcapWriter(sink, { linkType: LinkType.ETHERNET });
  const head = Buffer.concat(chunks).length;
  for (let i = 0; i < 64; i++) w.writeUdpFlow(1_700_000_000_000_000 + i * 20_000, flow, payload);
  return { all: Buffer.concat(chunks), head };
}

// An endless pcapng: the header once, then the 64 packet blocks again and again.
const ng = build(true);
const blocks = ng.all.subarray(ng.head);
let pos = 0;
const endless: ByteSource = {
  read(dst, off, len) {
    let n = 0;
    if (pos < ng.head) { const k = Math.min(len, ng.head - pos); ng.all.copy(dst as Buffer, off, pos, pos + k); pos += k; return k; }
    while (n < len) {
      const at = (pos - ng.head) % blocks.length;
      const k = Math.min(len - n, blocks.length - at);
      blocks.copy(dst as Buffer, off + n, at, at + k);
      n += k; pos += k;
    }
    return n;
  },
};
const reader = new CaptureReader(endless);
const loc = new UdpLocation();

const classic = build(false).all;
const old = new PcapReader();
old.reset(classic);

const nop = (_c: Uint8Array): void => {};
// a ByteSink, as FileSink is: takes scratch[0, len) without a view per record
const byteSink = { write: nop, writeBytes: (src: Uint8Array, len: number): void => { SINK[0] = src[len - 1]; } };
const ngw = new PcapngWriter(byteSink, { interfaces: [{ linkType: LinkType.ETHERNET, tsResolution: 'ns' }] });
let t = 1_700_000_000_000_000;

export const cases: MicroCase[] = [
  {
    name: 'pcap: CaptureReader.next (pcapng, streamed) + locateUdp, per packet',
    fn: () => {
      reader.next();
      locateUdp(reader.buf, reader.dataOffset, reader.capturedLength, reader.linkType, loc);
      SINK[0] = loc.payloadLength + reader.ts.ns;
    },
    baseline: {
      name: 'in-memory classic PcapReader.next + locateUdp',
      fn: () => {
        if (old.next() !== 0) { old.reset(classic); old.next(); }
        locateUdp(classic, old.dataOffset, old.capturedLength, old.linkType, loc);
        SINK[0] = loc.payloadLength + old.tsUs;
      },
    },
  },
  {
    name: 'pcap: PcapngWriter.writeUdpFlow to a ByteSink (200 B payload, ns EPB)',
    fn: () => { ngw.writeUdpFlow(t += 20_000, flow, payload); },
    baseline: {
      name: 'naive: Buffer.alloc headers + Buffer.concat per packet',
      fn: () => {
        const h = Buffer.alloc(28); h.writeUInt32LE(6, 0); h.writeUInt32LE(t >>> 0, 12);
        const ip = Buffer.alloc(42);
        nop(Buffer.concat([h, ip, payload, Buffer.alloc(4)]));
      },
    },
  },
];
