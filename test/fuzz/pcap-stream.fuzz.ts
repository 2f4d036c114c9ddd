// Fuzz the capture tools' TCP side: the reassembler (segments in any order, overlapping,
// wrapping, with holes; memory stays within its bounds), the RFC 4571 / TURN deframer
// (chunking never changes what comes out; frames lie inside the stream), and MediaDemux
// over mutated captures with TCP, ChannelData and Send indications. Never a throw.
import type { FuzzTarget } from './harness.js';
import {
  TcpReassembler, TcpLocation, StreamDeframer, MediaDemux, CaptureReader, PcapWriter, LinkType, PcapStatus, bufferSource, writeTcpFrame, TCP_SYN,
} from '../../src/pcap/index.js';
import { flow4 } from '../pcap/helpers.js';
import { rfc4571, rtp, channelData, channelBind, sendIndication, stun } from '../pcap/tcp-helpers.js';

function fail(msg: string): never { throw new Error(msg); }

// --- reassembler: input = records [seq delta u16][length u8][flags u8][bytes] ----------
const MAX_PENDING = 4096;
const loc = new TcpLocation();
const reasm: FuzzTarget = {
  name: 'pcap TCP reassembler (+ deframer)',
  seeds: () => {
    const stream = rfc4571(Array.from({ length: 8 }, (_, i) => rtp(1, i, i, 111, 20 + i)));
    const rec = (d: number, b: Buffer, fl = 0) => Buffer.concat([Buffer.from([d >> 8, d & 255, b.length, fl]), b]);
    const parts: Buffer[] = [];
    for (let o = 0; o < stream.length; o += 50) parts.push(stream.subarray(o, o + 50));
    return [
      Buffer.concat(parts.map((p, i) => rec(i * 50, p))),
      Buffer.concat(parts.map((p, i) => rec(i * 50, p)).reverse()),
      Buffer.concat([rec(0, Buffer.alloc(0), TCP_SYN), ...parts.map((p, i) => rec(1 + i * 50 + (i === 3 ? 7 : 0), p))]),
    ];
  },
  run(input) {
    let delivered = 0, frames = 0;
    const d = new StreamDeframer((b, o, l) => { frames++; if (o < 0 || o + l > b.length) fail('frame outside its buffer'); });
    const r = new TcpReassembler((_s, b, o, l) => { delivered += l; if (o + l > b.length) fail('data outside its buffer'); d.push(b, o, l); }, () => d.gap(), { maxPendingBytes: MAX_PENDING, maxPendingSegments: 16, maxJump: 1 << 16 });
    let total = 0;
    for (let p = 0; p + 4 <= input.length;) {
      const len = Math.min(input[p + 2], input.length - p - 4);
      loc.seq = (0xfffff000 + ((input[p] << 8) | input[p + 1])) >>> 0; // near the 2^32 wrap
      loc.flags = input[p + 3]; loc.payloadOffset = p + 4; loc.payloadLength = len;
      loc.ipVersion = 4; loc.srcIp = 1; loc.dstIp = 2; loc.srcPort = input[p + 3] & 1; loc.dstPort = 9;
      r.segment(input, loc);
      total += len;
      for (const s of r.streams.values()) if (s.heldBytes > MAX_PENDING + 255 || s.held.length > 17) fail(`held ${s.heldBytes} bytes in ${s.held.length} segments`);
      p += 4 + len;
    }
    r.finish();
    d.end();
    if (delivered > total) fail(`delivered ${delivered} of ${total} bytes`);
    if (frames > total) fail('more frames than bytes');
  },
};

// --- deframer: the same frames whatever the chunking ---------------------------------
const deframe: FuzzTarget = {
  name: 'pcap RFC 4571 / TURN stream deframer (chunking-invariant)',
  seeds: () => [
    rfc4571([stun(1, []), rtp(2, 1, 1), Buffer.from('16fefd00000000000000000004aabbccdd', 'hex'), rtp(2, 2, 2, 96, 300)]),
    Buffer.concat([stun(3, []), channelBind(0x4001, '192.0.2.1', 9), channelData(0x4001, rtp(3, 1, 1)), sendIndication('192.0.2.1', 9, rtp(3, 2, 2)), channelData(0x4001, rtp(3, 3, 3, 96, 5))]),
  ],
  run(input) {
    const a: string[] = [], b: string[] = [];
    const da = new StreamDeframer((x, o, l) => a.push(x.toString('hex', o, o + l)));
    const db = new StreamDeframer((x, o, l) => b.push(x.toString('hex', o, o + l)));
    da.push(input, 0, input.length);
    for (let o = 0; o < input.length; o += 7) db.push(input, o, Math.min(7, input.length - o));
    da.end(); db.end();
    if (a.length !== b.length || a.some((x, i) => x !== b[i])) fail(`whole (${a.length} frames) and chunked (${b.length}) disagree`);
    if (da.pendingBytes > input.length) fail('holds more than it was given');
  },
};

// --- MediaDemux over a capture -------------------------------------------------------
function demuxCapture(): Buffer {
  const chunks: Buffer[] = [];
  const w = new PcapWriter((c) => chunks.push(Buffer.from(c)), { linkType: LinkType.ETHERNET });
  const tcp = (f: ReturnType<typeof flow4>, seq: number, data: Buffer, flags = 0x18) => { const b = Buffer.alloc(data.length + 80); const n = writeTcpFrame(b, 0, LinkType.ETHERNET, f, seq, flags, data, 0, data.length); w.writeFrame(1, b, 0, n); };
  const a = flow4('10.0.0.1', 1, '10.0.0.2', 443), t = flow4('10.0.0.1', 2, '10.0.0.9', 3478);
  tcp(a, 0, Buffer.alloc(0), TCP_SYN);
  const s = rfc4571([rtp(1, 1, 1), rtp(1, 2, 2)]);
  tcp(a, 1 + 30, s.subarray(30)); tcp(a, 1, s.subarray(0, 30));
  const u = Buffer.concat([channelBind(0x4001, '192.0.2.1', 9), channelData(0x4001, rtp(2, 1, 1))]);
  tcp(t, 100, u);
  w.writeUdpFlow(2, t, channelData(0x4001, rtp(3, 1, 1), false));
  const si = sendIndication('192.0.2.1', 9, rtp(4, 1, 1));
  w.writeUdpFlow(3, t, si);
  return Buffer.concat(chunks);
}
const demux: FuzzTarget = {
  name: 'pcap MediaDemux (UDP, TCP, TURN) over mutated captures',
  seeds: () => [demuxCapture()],
  run(input) {
    const r = new CaptureReader(bufferSource(input), { bufferSize: 256, maxBlockLength: 4096 });
    const d = new MediaDemux((p) => { if (p.off < 0 || p.len < 0 || p.off + p.len > p.buf.length) fail(`packet outside its buffer (${p.off}+${p.len} of ${p.buf.length})`); }, { maxPendingBytes: 2048, maxStreams: 4 });
    let k = 0;
    while (r.next() === PcapStatus.OK) { if (++k > input.length) fail('reader loops'); d.add(r); }
    d.finish();
  },
};

export const targets: FuzzTarget[] = [reasm, deframe, demux];
