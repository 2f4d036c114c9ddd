// Cross-check our RTCP builders/views against werift-rtp's parser, one sub-packet at a
// time (werift's compound handling is buggy: it hands each parser the rest of the
// compound and strips padding using the LAST byte of the whole compound, so compound
// inputs are compared only where that cannot matter). Its NACK math does not wrap at
// 16 bits, so lost sequence numbers are compared modulo 65536.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RtcpPacketConverter } from 'werift-rtp';
import * as R from '../../src/rtp/index.js';

const buf = Buffer.alloc(2000);
const one = (n: number) => { assert.ok(n > 0, `builder returned ${n}`); return RtcpPacketConverter.deSerialize(Buffer.from(buf.subarray(0, n))) as any[]; };
const RB: R.ReportBlockInit = { ssrc: 77, fractionLost: 12, cumulativeLost: 4321, highestSeq: 0x0002_0010, jitter: 99, lsr: 0x12345678, dlsr: 0x10000 };

test('SR', () => {
  const n = R.writeSenderReport(buf, 0, { ssrc: 0x11, ntpSeconds: 0xe8000000, ntpFraction: 0x40000000, rtpTimestamp: 1234567, packetCount: 42, octetCount: 4200, reports: [RB] });
  const [p] = one(n);
  const v = new R.ReportView(); assert.is(v.reset(buf, 0, n), R.RtpStatus.OK);
  assert.is(p.ssrc, v.ssrc);
  assert.is(p.senderInfo.ntpTimestamp, (BigInt(v.ntpSeconds) << 32n) | BigInt(v.ntpFraction));
  assert.equal([p.senderInfo.rtpTimestamp, p.senderInfo.packetCount, p.senderInfo.octetCount], [v.rtpTimestamp, v.packetCount, v.octetCount]);
  const r = p.reports[0], b = R.readReportBlock(buf, v.blockOffset(0));
  assert.equal([r.ssrc, r.fractionLost, r.packetsLost, r.highestSequence, r.jitter, r.lsr, r.dlsr], [b.ssrc, b.fractionLost, b.cumulativeLost, b.highestSeq, b.jitter, b.lsr, b.dlsr]);
});

test('RR', () => {
  const n = R.writeReceiverReport(buf, 0, 0x22, [RB, { ...RB, ssrc: 78 }]);
  const [p] = one(n);
  assert.is(p.ssrc, 0x22);
  assert.equal(p.reports.map((r: any) => r.ssrc), [77, 78]);
  assert.is(p.reports[1].packetsLost, 4321);
});

test('SDES', () => {
  const n = R.writeSdes(buf, 0, [{ ssrc: 5, cname: 'abc' }, { ssrc: 6, cname: 'a-longer-cname' }]);
  const [p] = one(n);
  assert.equal(p.chunks.map((c: any) => [c.source, c.items[0].type, c.items[0].text]), [[5, 1, 'abc'], [6, 1, 'a-longer-cname']]);
});

test('NACK (lost list modulo 2^16)', () => {
  const lost = [65530, 65531, 65535, 2, 30, 31, 46];
  const n = R.writeNack(buf, 0, 1, 2, lost);
  const [p] = one(n);
  assert.equal([p.feedback.senderSsrc, p.feedback.mediaSourceSsrc], [1, 2]);
  assert.equal(p.feedback.lost.map((s: number) => s & 0xffff).sort((a: number, b: number) => a - b), [...lost].sort((a, b) => a - b));
});

test('PLI, FIR, REMB', () => {
  let [p] = one(R.writePli(buf, 0, 3, 4));
  assert.equal([p.feedback.senderSsrc, p.feedback.mediaSsrc], [3, 4]);
  [p] = one(R.writeFir(buf, 0, 3, [{ ssrc: 9, seqNr: 7 }, { ssrc: 10, seqNr: 8 }]));
  assert.equal(p.feedback.fir.map((e: any) => [e.ssrc, e.sequenceNumber]), [[9, 7], [10, 8]]);
  const n = R.writeRemb(buf, 0, 3, 2_345_678, [11, 12]);
  [p] = one(n);
  const v = new R.RembView(); assert.is(v.reset(buf, 0, n), R.RtpStatus.OK);
  assert.is(Number(p.feedback.bitrate), v.bitrate);
  assert.equal(p.feedback.ssrcFeedbacks, [11, 12]);
});

test('compound SR + SDES + RR parses the same in both', () => {
  const w = new R.RtcpCompoundWriter().reset(buf, 0);
  w.put(R.writeSenderReport(buf, w.end, { ssrc: 1, ntpSeconds: 2, ntpFraction: 3, rtpTimestamp: 4, packetCount: 5, octetCount: 6, reports: [RB] }));
  w.put(R.writeSdes(buf, w.end, [{ ssrc: 1, cname: 'x' }]));
  w.put(R.writeReceiverReport(buf, w.end, 1, [RB]));
  const ps = RtcpPacketConverter.deSerialize(Buffer.from(buf.subarray(0, w.length))) as any[];
  const it = new R.RtcpCompoundView();
  it.reset(buf, 0, w.length);
  const types: number[] = [];
  while (it.next() === R.RtpStatus.OK) types.push(it.type);
  assert.equal(ps.map((p) => p.type), types);
});

test('padded first sub-packet: our iterator is exact (werift strips the wrong padding)', () => {
  // RR (P bit, 4 bytes of padding) followed by a PLI. RFC 3550 puts padding only on the
  // last packet, but SRTCP peers and the length field keep the boundary unambiguous.
  const b = Buffer.from('a0c90002000000010000000481ce00020000000300000004', 'hex');
  const it = new R.RtcpCompoundView();
  it.reset(b, 0, b.length);
  assert.is(it.next(), R.RtpStatus.OK); assert.equal([it.type, it.length, it.paddingLength], [201, 12, 4]);
  assert.is(it.next(), R.RtpStatus.OK); assert.equal([it.type, it.length], [206, 12]);
  const pli = new R.PliView(); assert.is(pli.reset(b, it.offset, it.length), R.RtpStatus.OK);
  assert.equal([pli.senderSsrc, pli.mediaSsrc], [3, 4]);
  assert.is(it.next(), R.RtpStatus.END);
});

test.run();
