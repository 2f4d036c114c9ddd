import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  RtpStatus, RtcpType, RtcpCompoundView, RtcpCompoundWriter, ReportView, readReportBlock,
  writeSenderReport, writeReceiverReport, SdesView, sdesCname, writeSdes, ByeView, writeBye, AppView, writeApp,
  NackView, writeNack, PliView, writePli, FirView, writeFir, RembView, writeRemb, isRemb, XrView, XrBlockType, writeXr,
  rbCumulativeLost, type ReportBlockInit,
} from '../../src/rtp/index.js';

const hex = (s: string) => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');
const RB1: ReportBlockInit = { ssrc: 0x01020304, fractionLost: 25, cumulativeLost: -3, highestSeq: 0x0001ffff, jitter: 123, lsr: 0xaabbccdd, dlsr: 65536 };
const RB2: ReportBlockInit = { ssrc: 0xfffffffe, fractionLost: 255, cumulativeLost: 0x7fffff, highestSeq: 7, jitter: 0, lsr: 0, dlsr: 0 };

// Compound iteration: field-annotated hex, status of each next() call.
const COMPOUND: [string, string, number[]][] = [
  // RR with 0 blocks (8 bytes) + PLI (12 bytes)
  ['RR + PLI', '80c9 0001 00000001  81ce 0002 00000001 00000002', [0, 0, RtpStatus.END]],
  ['length runs past the end', '80c9 0002 00000001', [RtpStatus.BAD_LENGTH, RtpStatus.END]],
  ['trailing 2 bytes', '80c9 0001 00000001 8000', [0, RtpStatus.TOO_SHORT, RtpStatus.END]],
  ['version 1 second packet', '80c9 0001 00000001 40c9 0001 00000001', [0, RtpStatus.BAD_VERSION, RtpStatus.END]],
  // padding: P set, 4 bytes of padding inside the declared length
  ['padded RR', 'a0c9 0002 00000001 00000004', [0, RtpStatus.END]],
  ['padding count larger than body', 'a0c9 0001 000000ff', [RtpStatus.PADDING_OVERRUN, RtpStatus.END]],
  ['padding count 0', 'a0c9 0001 00000000', [RtpStatus.PADDING_OVERRUN, RtpStatus.END]],
];
for (const [name, h, want] of COMPOUND) test(`compound: ${name}`, () => {
  const b = hex(h);
  const it = new RtcpCompoundView();
  assert.is(it.reset(b, 0, b.length), RtpStatus.OK);
  const got: number[] = [];
  for (let i = 0; i < want.length; i++) got.push(it.next());
  assert.equal(got, want);
});

test('compound fields of each sub-packet', () => {
  const b = hex('80c9 0001 00000001  81ce 0002 00000001 00000002');
  const it = new RtcpCompoundView();
  it.reset(b, 0, b.length);
  it.next(); assert.equal([it.offset, it.length, it.type, it.count], [0, 8, RtcpType.RR, 0]);
  it.next(); assert.equal([it.offset, it.length, it.type, it.count], [8, 12, RtcpType.PSFB, 1]);
  assert.is(new RtcpCompoundView().reset(b, 0, 3), RtpStatus.TOO_SHORT);
});

test('SR round trip with two report blocks', () => {
  const b = Buffer.alloc(200);
  const n = writeSenderReport(b, 0, { ssrc: 0x11223344, ntpSeconds: 0xe8e8e8e8, ntpFraction: 0x80000000, rtpTimestamp: 0xffffffff, packetCount: 10, octetCount: 1000, reports: [RB1, RB2] });
  assert.is(n, 28 + 48);
  assert.is(b.subarray(0, 4).toString('hex'), '82c80012');
  const v = new ReportView();
  assert.is(v.reset(b, 0, n), RtpStatus.OK);
  assert.ok(v.isSender);
  assert.equal([v.ssrc, v.ntpSeconds, v.ntpFraction, v.rtpTimestamp, v.packetCount, v.octetCount], [0x11223344, 0xe8e8e8e8, 0x80000000, 0xffffffff, 10, 1000]);
  assert.is(v.ntpMiddle, 0xe8e88000);
  assert.is(v.reportCount, 2);
  assert.equal(readReportBlock(b, v.blockOffset(0)), RB1);
  assert.equal(readReportBlock(b, v.blockOffset(1)), RB2);
  // cumulative lost bytes for -3 are ff ff fd
  assert.is(b.subarray(v.blockOffset(0) + 4, v.blockOffset(0) + 8).toString('hex'), '19fffffd');
  assert.is(v.reset(b, 0, n - 4), RtpStatus.BAD_LENGTH); // length field disagrees
  b[0] = 0x83; // RC=3 but room for 2
  assert.is(v.reset(b, 0, n), RtpStatus.BAD_LENGTH);
});

test('RR round trip; cumulative lost is clamped signed 24-bit', () => {
  const b = Buffer.alloc(100);
  const n = writeReceiverReport(b, 0, 0xcafe, [{ ...RB1, cumulativeLost: -9_000_000 }]);
  assert.is(n, 32);
  const v = new ReportView();
  assert.is(v.reset(b, 0, n), RtpStatus.OK);
  assert.not.ok(v.isSender); assert.is(v.ssrc, 0xcafe); assert.is(v.reportCount, 1);
  assert.is(rbCumulativeLost(b, v.blockOffset(0)), -0x800000);
  assert.is(rbCumulativeLost(hex('00000000 00 7fffff'), 0), 0x7fffff);
  assert.is(rbCumulativeLost(hex('00000000 00 800000'), 0), -0x800000);
});

test('SDES CNAME round trip, several chunks of every padding size', () => {
  const b = Buffer.alloc(300);
  const names = ['', 'a', 'ab', 'abc', 'abcd', 'user@host-{f00d}'];
  const n = writeSdes(b, 0, names.map((cname, i) => ({ ssrc: i + 1, cname })));
  assert.is(n % 4, 0);
  const v = new SdesView();
  assert.is(v.reset(b, 0, n), RtpStatus.OK);
  assert.is(v.chunkCount, names.length);
  for (let i = 0; i < names.length; i++) {
    assert.is(v.nextChunk(), RtpStatus.OK);
    assert.is(v.ssrc, i + 1);
    assert.is(sdesCname(v), names[i]);
  }
  assert.is(v.nextChunk(), RtpStatus.END);
  // Hand-made: one chunk, CNAME "ab", END + 3 pad bytes: 4+2+2+1+3 = 12 → total 16
  const h = hex('81ca 0003 00000007 0102 6162 00000000');
  assert.is(v.reset(h, 0, h.length), RtpStatus.OK);
  assert.is(v.nextChunk(), RtpStatus.OK); assert.is(sdesCname(v), 'ab');
  const bad = hex('81ca 0003 00000007 0109 6162 00000000'); // item length 9 overruns
  assert.is(v.reset(bad, 0, bad.length), RtpStatus.OK);
  assert.is(v.nextChunk(), RtpStatus.BAD_LENGTH);
});

test('BYE round trip with and without reason', () => {
  const b = Buffer.alloc(100);
  const v = new ByeView();
  let n = writeBye(b, 0, [1, 2, 3]);
  assert.is(n, 16);
  assert.is(v.reset(b, 0, n), RtpStatus.OK);
  assert.equal([v.count, v.ssrc(0), v.ssrc(2), v.reasonOffset], [3, 1, 3, -1]);
  n = writeBye(b, 0, [9], 'bye now');
  assert.is(n, 16);
  assert.is(v.reset(b, 0, n), RtpStatus.OK);
  assert.is(b.subarray(v.reasonOffset, v.reasonOffset + v.reasonLength).toString(), 'bye now');
  b[8] = 200; // reason length overruns
  assert.is(v.reset(b, 0, n), RtpStatus.BAD_LENGTH);
});

test('APP round trip', () => {
  const b = Buffer.alloc(100);
  const n = writeApp(b, 0, 3, 0x1234, 'test', hex('01020304 05060708'));
  assert.is(n, 20);
  const v = new AppView();
  assert.is(v.reset(b, 0, n), RtpStatus.OK);
  assert.equal([v.subtype, v.ssrc, v.nameU32, v.dataLength], [3, 0x1234, 0x74657374, 8]);
  assert.is(b.subarray(v.dataOffset, v.dataOffset + v.dataLength).toString('hex'), '0102030405060708');
  assert.is(writeApp(b, 0, 3, 1, 'toolong', hex('')), -RtpStatus.BAD_VALUE);
});

test('NACK: build from lost seqs across the 16-bit wrap, parse back', () => {
  const b = Buffer.alloc(100);
  const lost = [65534, 65535, 0, 1, 15, 16, 100, 100, 116];
  const n = writeNack(b, 0, 0xaaaa, 0xbbbb, lost);
  assert.is(n, 12 + 3 * 4);
  // entry 1: pid 65534, blp bits for +1,+2,+3,+17? no: 65535(+1) 0(+2) 1(+3) 15(+17→new)
  assert.is(b.subarray(12).subarray(0, 12).toString('hex'), 'fffe0007' + '000f0001' + '00648000');
  const v = new NackView();
  assert.is(v.reset(b, 0, n), RtpStatus.OK);
  assert.equal([v.senderSsrc, v.mediaSsrc, v.entryCount], [0xaaaa, 0xbbbb, 3]);
  const out = new Uint16Array(64);
  const k = v.fillLost(out);
  assert.equal(Array.from(out.subarray(0, k)), [65534, 65535, 0, 1, 15, 16, 100, 116]);
  const seen: number[] = [];
  v.forEachLost((s) => seen.push(s));
  assert.equal(seen, Array.from(out.subarray(0, k)));
  // RFC 4585 layout by hand: PID 0x0102 BLP 0x8001 → 0x0102, 0x0103, 0x0112
  const h = hex('81cd 0003 00000001 00000002 0102 8001');
  assert.is(v.reset(h, 0, h.length), RtpStatus.OK);
  assert.is(v.fillLost(out), 3);
  assert.equal(Array.from(out.subarray(0, 3)), [0x102, 0x103, 0x112]);
  const noFci = hex('81cd 0002 00000001 00000002');
  assert.is(v.reset(noFci, 0, noFci.length), RtpStatus.BAD_LENGTH);
  assert.is(v.reset(h, 0, h.length - 4), RtpStatus.BAD_LENGTH);
});

test('PLI and FIR round trip', () => {
  const b = Buffer.alloc(100);
  let n = writePli(b, 0, 1, 2);
  assert.is(b.subarray(0, n).toString('hex'), '81ce00020000000100000002');
  const p = new PliView();
  assert.is(p.reset(b, 0, n), RtpStatus.OK);
  assert.equal([p.senderSsrc, p.mediaSsrc], [1, 2]);
  n = writeFir(b, 0, 7, [{ ssrc: 0x10, seqNr: 1 }, { ssrc: 0x20, seqNr: 256 + 5 }]);
  assert.is(b.subarray(0, n).toString('hex'), '84ce0006' + '00000007' + '00000000' + '00000010' + '01000000' + '00000020' + '05000000');
  const f = new FirView();
  assert.is(f.reset(b, 0, n), RtpStatus.OK);
  assert.equal([f.entryCount, f.ssrc(0), f.seqNr(0), f.ssrc(1), f.seqNr(1)], [2, 0x10, 1, 0x20, 5]);
  assert.is(p.reset(b, 0, n), RtpStatus.WRONG_TYPE);
});

test('REMB round trip and exponent/mantissa', () => {
  const b = Buffer.alloc(100);
  const n = writeRemb(b, 0, 5, 1_000_000, [0x11, 0x22]);
  assert.is(n, 28);
  // 1e6 = 244140 (0x3b9ac) * 2^2, mantissa fits 18 bits after two halvings
  assert.is(b.subarray(12, 20).toString('hex'), '52454d42' + '02' + '0b9aac'.replace('0b9aac', ((2 << 18) | 250000).toString(16).padStart(6, '0')));
  const v = new RembView();
  assert.ok(isRemb(b, 0, n));
  assert.is(v.reset(b, 0, n), RtpStatus.OK);
  assert.equal([v.senderSsrc, v.bitrate, v.ssrcCount, v.ssrc(0), v.ssrc(1)], [5, 1_000_000, 2, 0x11, 0x22]);
  writeRemb(b, 0, 5, 2 ** 40 + 12345, []);
  v.reset(b, 0, 20);
  assert.ok(v.bitrate <= 2 ** 40 + 12345 && v.bitrate > (2 ** 40) * 0.9999);
  b[16] = 9; // claims 9 ssrcs
  assert.is(v.reset(b, 0, 20), RtpStatus.BAD_LENGTH);
});

test('XR: RRTR + DLRR round trip', () => {
  const b = Buffer.alloc(100);
  const n = writeXr(b, 0, { ssrc: 0x99, rrtr: { ntpSeconds: 0xe0000001, ntpFraction: 0x40000000 }, dlrr: [{ ssrc: 1, lrr: 2, dlrr: 3 }, { ssrc: 4, lrr: 5, dlrr: 6 }] });
  assert.is(n, 8 + 12 + 4 + 24);
  const v = new XrView();
  assert.is(v.reset(b, 0, n), RtpStatus.OK);
  assert.is(v.ssrc, 0x99);
  assert.is(v.nextBlock(), RtpStatus.OK); assert.is(v.blockType, XrBlockType.RRTR);
  assert.equal([v.rrtrNtpSeconds, v.rrtrNtpFraction], [0xe0000001, 0x40000000]);
  assert.is(v.nextBlock(), RtpStatus.OK); assert.is(v.blockType, XrBlockType.DLRR);
  assert.is(v.dlrrCount, 2);
  assert.equal([v.dlrrSsrc(1), v.dlrrLrr(1), v.dlrrDlrr(1)], [4, 5, 6]);
  assert.is(v.nextBlock(), RtpStatus.END);
  const bad = hex('80cf 0003 00000001 04000005 00000000'); // RRTR block says 5 words
  assert.is(v.reset(bad, 0, bad.length), RtpStatus.OK);
  assert.is(v.nextBlock(), RtpStatus.BAD_LENGTH);
});

test('compound writer: SR + SDES, then iterate it', () => {
  const buf = Buffer.alloc(200);
  const w = new RtcpCompoundWriter().reset(buf, 4);
  w.put(writeSenderReport(w.buf, w.end, { ssrc: 1, ntpSeconds: 2, ntpFraction: 3, rtpTimestamp: 4, packetCount: 5, octetCount: 6 }));
  w.put(writeSdes(w.buf, w.end, [{ ssrc: 1, cname: 'xyz' }]));
  assert.is(w.status, RtpStatus.OK);
  assert.is(w.length, 28 + 16);
  const it = new RtcpCompoundView();
  it.reset(buf, 4, w.length);
  const types: number[] = [];
  while (it.next() === RtpStatus.OK) types.push(it.type);
  assert.equal(types, [RtcpType.SR, RtcpType.SDES]);
  const small = new RtcpCompoundWriter().reset(Buffer.alloc(30), 0);
  small.put(writeSenderReport(small.buf, small.end, { ssrc: 1, ntpSeconds: 2, ntpFraction: 3, rtpTimestamp: 4, packetCount: 5, octetCount: 6 }));
  assert.not.ok(small.put(writePli(small.buf, small.end, 1, 2)));
  assert.is(small.status, RtpStatus.NO_SPACE);
  assert.is(small.length, 28);
});

test.run();
