// TCP reassembly and stream deframing: in-order, out-of-order, retransmitted and
// overlapping segments, sequence wrap, holes (resync), bounded memory; RFC 4571 and
// TURN-over-TCP framing; TURN message parsing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TcpReassembler, TcpLocation, locateTcp, LinkType, PcapStatus, StreamDeframer, Framing, parseTurn, TurnMessage, TurnKind, TCP_SYN } from '../../src/pcap/index.js';
import { flow4, flow6 } from './helpers.js';
import { rfc4571, rtp, tcpFrame, segments, channelData, sendIndication, channelBind, dataIndication, stun } from './tcp-helpers.js';

const loc = new TcpLocation();
const F = flow4('10.0.0.1', 40000, '10.0.0.2', 443);

function run(segs: [number, Buffer][], opts = {}, flags?: number[]) {
  const chunks: Buffer[] = [];
  let gaps = 0;
  const r = new TcpReassembler((_s, b, o, l) => chunks.push(Buffer.from(b.subarray(o, o + l))), () => gaps++, opts);
  segs.forEach(([seq, d], i) => {
    const f = tcpFrame(F, seq, d, flags?.[i]);
    assert.is(locateTcp(f, 0, f.length, LinkType.ETHERNET, loc), PcapStatus.OK);
    r.segment(f, loc);
  });
  r.finish();
  return { out: Buffer.concat(chunks), r, gaps };
}

const STREAM = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31 + 7) & 255));

test('locateTcp reads what writeTcpFrame wrote (IPv4 and IPv6)', () => {
  for (const f of [F, flow6('2001:db8::1', 1, '2001:db8::2', 2)]) {
    const fr = tcpFrame(f, 0xfffffff0, Buffer.from('hello'));
    assert.is(locateTcp(fr, 0, fr.length, LinkType.ETHERNET, loc), PcapStatus.OK);
    assert.is(loc.seq, 0xfffffff0); assert.is(loc.srcPort, f.srcPort);
    assert.is(fr.subarray(loc.payloadOffset, loc.payloadOffset + loc.payloadLength).toString(), 'hello');
  }
  const u = Buffer.from(tcpFrame(F, 0, Buffer.from('x'))); u[14 + 9] = 17;
  assert.is(locateTcp(u, 0, u.length, LinkType.ETHERNET, loc), PcapStatus.NOT_UDP);
  assert.is(locateTcp(u, 0, 30, LinkType.ETHERNET, loc), PcapStatus.BAD_LENGTH);
});

test('in order, shuffled, retransmitted, overlapping, across the 2^32 wrap: the same bytes once', () => {
  const isn = 0xffffff00;
  const segs = segments(STREAM, isn, 300);
  assert.ok(run(segs).out.equals(STREAM));
  // reverse order after the SYN (everything early but the first segment, which comes last)
  const rev = run([[(isn - 1) >>> 0, Buffer.alloc(0)], ...[...segs].reverse()], {}, [TCP_SYN, ...segs.map(() => 0x18)]);
  assert.ok(rev.out.equals(STREAM)); assert.is(rev.r.counts.outOfOrder, segs.length - 1); assert.is(rev.gaps, 0);
  // every segment twice, plus overlapping re-segmentation
  const dup = run([...segs.flatMap((s) => [s, s]), ...segments(STREAM.subarray(150), isn + 150, 700)]);
  assert.ok(dup.out.equals(STREAM)); assert.is(dup.r.counts.retransmitted, segs.length + 7); assert.is(dup.r.counts.bytes, STREAM.length);
  // swapped neighbours and a segment that overlaps both sides of a hole
  const sw = [segs[0], segs[2], segs[1], [(isn + 850) >>> 0, STREAM.subarray(850, 1250)] as [number, Buffer], ...segs.slice(3)];
  assert.ok(run(sw).out.equals(STREAM));
});

test('a SYN starts the stream at ISN+1; a hole is skipped at finish and counted', () => {
  const segs = segments(STREAM, 1001, 500);
  const withSyn: [number, Buffer][] = [[1000, Buffer.alloc(0)], ...segs.filter((_, i) => i !== 3)];
  const res = run(withSyn, {}, [TCP_SYN, ...withSyn.slice(1).map(() => 0x18)]);
  assert.is(res.r.counts.gaps, 1); assert.is(res.r.counts.gapBytes, 500); assert.is(res.gaps, 1);
  assert.ok(res.out.equals(Buffer.concat([STREAM.subarray(0, 1500), STREAM.subarray(2000)])));
});

test('memory is bounded: a hole with too much behind it is skipped early', () => {
  const segs = segments(STREAM, 0, 100);
  const res = run(segs.slice(1), { maxPendingBytes: 1000 });
  // the capture began after the first segment: the stream starts where it was first seen
  assert.is(res.r.counts.gaps, 0); assert.ok(res.out.equals(STREAM.subarray(100)));
  const res2 = run([segs[0], ...segs.slice(2)], { maxPendingBytes: 1000 });
  assert.is(res2.r.counts.gaps, 1); assert.is(res2.r.counts.gapBytes, 100);
  assert.ok(res2.out.equals(Buffer.concat([STREAM.subarray(0, 100), STREAM.subarray(200)])));
  let held = 0;
  const r = new TcpReassembler(() => {}, () => {}, { maxPendingBytes: 1000, maxStreams: 2 });
  for (let i = 0; i < 50; i++) {
    const f = tcpFrame(flow4('10.0.0.1', 1000 + i, '10.0.0.2', 443), 100 + i * 7, STREAM.subarray(0, 900));
    locateTcp(f, 0, f.length, LinkType.ETHERNET, loc);
    const s = r.segment(f, loc);
    s.nextSeq = 0; // pretend a hole before it
    held = Math.max(held, [...r.streams.values()].reduce((a, x) => a + x.heldBytes, 0));
  }
  assert.is(r.streams.size, 2); assert.ok(held <= 2000);
});

function deframe(chunks: Buffer[], gapAfter = -1) {
  const frames: string[] = [];
  const d = new StreamDeframer((b, o, l) => frames.push(b.subarray(o, o + l).toString('hex')));
  chunks.forEach((c, i) => { d.push(c, 0, c.length); if (i === gapAfter) d.gap(); });
  d.end();
  return { frames, d };
}

test('RFC 4571 deframing, one byte at a time or all at once', () => {
  const pk = [stun(0x0001, []), Buffer.from('16fefd0000000000000000000401020304', 'hex'), ...Array.from({ length: 20 }, (_, i) => rtp(7, i, i * 960, 111, i * 50))];
  const s = rfc4571(pk);
  const want = pk.map((p) => p.toString('hex'));
  for (const size of [1, 3, 17, 1000, s.length]) {
    const { frames, d } = deframe(segments(s, 0, size).map((x) => x[1]));
    assert.equal(frames, want, `chunks of ${size}`); assert.is(d.framing, Framing.RFC4571); assert.is(d.counts.skippedBytes, 0);
  }
});

test('after a hole the deframer resyncs on the next plausible frame and counts what it skipped', () => {
  const pk = Array.from({ length: 30 }, (_, i) => rtp(7, i, i * 960, 111, 100));
  const s = rfc4571(pk);
  const a = s.subarray(0, 5 * 114 + 50), b = s.subarray(5 * 114 + 50 + 300); // 300 bytes lost mid-frame
  const { frames, d } = deframe([a, b], 0);
  // 5 before the hole; the stream resumes at byte 920, the next whole frame starts at 9*114
  assert.is(frames.length, 5 + 21);
  assert.equal(frames.slice(5), pk.slice(9).map((p) => p.toString('hex')));
  assert.is(d.counts.resyncs, 1);
  assert.is(d.counts.skippedBytes, 50 + (9 * 114 - (5 * 114 + 50 + 300)));
});

test('TURN over TCP: STUN and padded ChannelData; an unframed stream is ignored', () => {
  const media = rtp(9, 1, 2, 96, 61);
  const pk = [stun(0x0003, []), channelBind(0x4001, '192.0.2.7', 5000), channelData(0x4001, media), sendIndication('192.0.2.7', 5000, media)];
  const { frames, d } = deframe([Buffer.concat(pk)]);
  assert.is(d.framing, Framing.TURN);
  assert.equal(frames, [pk[0], pk[1], pk[2].subarray(0, 4 + media.length), pk[3]].map((p) => p.toString('hex')));
  const http = deframe([Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')]);
  assert.is(http.d.framing, Framing.NONE); assert.is(http.frames.length, 0); assert.is(http.d.counts.unframed, 1);
});

test('parseTurn: ChannelData, Send / Data indications, ChannelBind; others are NONE', () => {
  const m = new TurnMessage(), media = rtp(9, 1, 2);
  const cd = channelData(0x4002, media);
  assert.is(parseTurn(cd, 0, cd.length, m), TurnKind.CHANNEL_DATA); assert.is(m.channel, 0x4002); assert.is(m.dataLength, media.length);
  assert.is(parseTurn(cd, 0, cd.length + 8 > cd.length ? cd.length - 1 : 0, m), TurnKind.NONE, 'data runs past the datagram');
  for (const [msg, kind] of [[sendIndication('198.51.100.4', 6000, media), TurnKind.SEND], [dataIndication('198.51.100.4', 6000, media), TurnKind.DATA]] as const) {
    assert.is(parseTurn(msg, 0, msg.length, m), kind);
    assert.is(m.peerIp, 0xc6336404); assert.is(m.peerPort, 6000); assert.is(m.peerFamily, 4);
    assert.ok(msg.subarray(m.dataOffset, m.dataOffset + m.dataLength).equals(media));
  }
  const cb = channelBind(0x4fff, '198.51.100.4', 1);
  assert.is(parseTurn(cb, 0, cb.length, m), TurnKind.CHANNEL_BIND); assert.is(m.channel, 0x4fff);
  assert.is(parseTurn(stun(0x0001, []), 0, 20, m), TurnKind.NONE, 'a binding request');
  assert.is(parseTurn(media, 0, media.length, m), TurnKind.NONE);
});

test.run();
