// Fuzz targets for src/rtp (RTP view, extensions, keyframe detection, RTCP compound and
// every sub-parser incl. the TWCC decoder) and src/pcap (reader + UDP locator).
import type { FuzzTarget } from './harness.js';
import * as R from '../../src/rtp/index.js';
import { PcapReader, PcapStatus, PcapWriter, UdpLocation, locateUdp, LinkType } from '../../src/pcap/index.js';

const hex = (s: string) => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');
const fail = (msg: string): never => { throw new Error(msg); };

function rtpSeeds(): Buffer[] {
  const out: Buffer[] = [hex('80e0 1234 deadbeef 11223344 aabb'), hex('90 60 0001 00000002 00000003 bede0002 10ab 22010203 0000 c0de'),
    hex('90 60 0001 00000002 00000003 10000002 0101ab 0203010203 c0de'), hex('a2 6f ffff 00000010 cafebabe 00000001 fffffffe 0102 0000 04')];
  const b = Buffer.alloc(300);
  const payloads = ['90f0923407a39c', '10504200 9d012a', 'a88102000 5aa'.replace(' ', ''), '7c85aa', '78 0004 6742c01f 0002 68ce', '20 02 0800 32 aa', '9a 22 18 01400168 01 04 01 aa'];
  payloads.forEach((p, i) => {
    const n = R.writeRtpPacket(b, 0, { payloadType: 96, sequenceNumber: i, timestamp: i, ssrc: 1, twoByteExtensions: i % 2 === 1,
      extensions: [{ id: 1, value: hex('9e') }, { id: 3, value: hex('0102') }, { id: 5, value: Buffer.from('mid') }], paddingLength: i % 3 }, hex(p));
    out.push(Buffer.from(b.subarray(0, n)));
  });
  return out;
}

const view = new R.RtpView();
const view2 = new R.RtpView();
const copy = Buffer.alloc(4096);
const dst = Buffer.alloc(8192);
const TWCC_VALUE = hex('abcd');
const idMap = new Uint8Array(256).map((_, i) => (i * 7) & 0xff);
const vp8 = new R.Vp8Descriptor();
const vp9 = new R.Vp9Descriptor();
const onExt = (_id: number, o: number, l: number) => { if (o < view.off || o + l > view.off + view.len) fail('extension outside packet'); };

const rtpTarget: FuzzTarget = {
  name: 'rtp view + extensions + keyframes',
  seeds: rtpSeeds,
  run(input) {
    input.copy(copy);
    const len = input.length;
    if (view.reset(copy, 0, len) !== R.RtpStatus.OK) return;
    if (view.payloadOffset + view.payloadLength + view.paddingLength !== len || view.payloadLength < 0) fail('lengths do not add up');
    void (view.sequenceNumber + view.timestamp + view.ssrc + view.payloadType + (view.marker ? 1 : 0));
    for (let i = 0; i < view.csrcCount; i++) view.csrc(i);
    for (let id = 1; id <= 15; id++) {
      const at = view.findExtension(id);
      if (at >= 0 && at + view.extValueLength > len) fail('extension value overruns');
    }
    view.findExtension(200);
    view.forEachExtension(onExt);
    for (let c = 0; c <= 4; c++) R.isKeyframe(c, copy, view.payloadOffset, view.payloadLength);
    vp8.parse(copy, view.payloadOffset, view.payloadLength);
    if (vp9.parse(copy, view.payloadOffset, view.payloadLength) === R.RtpStatus.OK && vp9.payloadOffset > view.payloadOffset + view.payloadLength) fail('vp9 payload offset past end');
    const n = R.writeRtpWithExtension(view, 3, TWCC_VALUE, 0, 2, dst, 0);
    if (n > 0) {
      if (view2.reset(dst, 0, n) !== R.RtpStatus.OK) fail('rebuilt packet does not parse');
      if (view2.findExtension(3) < 0 || view2.extValueLength !== 2) fail('rebuilt packet lacks the extension');
      if (view2.payloadLength !== view.payloadLength) fail('rebuilt payload length differs');
    }
    view.rewriteExtensionIds(idMap);
    view.setTransportSequenceNumber(3, 0x1234);
  },
};

const codecTarget: FuzzTarget = {
  name: 'codec payload descriptors',
  seeds: () => ['90f0923407a39c', '10504200 9d012a', 'a8810200 05aa', 'f8 11 20 03 04 aa', '9a 22 18 01400168 01 04 01 aa', '7c85aa', '78 0004 6742c01f 0002 68ce',
    '20 02 0800 32 aa', '00 01 12 02 08aa', 'a0 02 0800 32 aa'].map(hex),
  run(input) {
    for (let c = 0; c <= 4; c++) R.isKeyframe(c, input, 0, input.length);
    if (vp8.parse(input, 0, input.length) === R.RtpStatus.OK) { R.readVp8PictureId(input, vp8); R.readVp8Tl0PicIdx(input, vp8); }
    if (vp9.parse(input, 0, input.length) === R.RtpStatus.OK) { R.readVp9PictureId(input, vp9); R.readVp9Tl0PicIdx(input, vp9); }
  },
};

function rtcpSeeds(): Buffer[] {
  const b = Buffer.alloc(2000);
  const w = new R.RtcpCompoundWriter();
  const rb: R.ReportBlockInit = { ssrc: 2, fractionLost: 1, cumulativeLost: -1, highestSeq: 3, jitter: 4, lsr: 5, dlsr: 6 };
  const seeds: Buffer[] = [];
  const add = (f: (o: number) => number) => { w.reset(b, 0); w.put(f(0)); seeds.push(Buffer.from(b.subarray(0, w.length))); };
  w.reset(b, 0);
  w.put(R.writeSenderReport(b, w.end, { ssrc: 1, ntpSeconds: 2, ntpFraction: 3, rtpTimestamp: 4, packetCount: 5, octetCount: 6, reports: [rb] }));
  w.put(R.writeSdes(b, w.end, [{ ssrc: 1, cname: 'abc' }, { ssrc: 2, cname: 'de' }]));
  seeds.push(Buffer.from(b.subarray(0, w.length)));
  add((o) => R.writeReceiverReport(b, o, 1, [rb, rb]));
  add((o) => R.writeBye(b, o, [1, 2], 'bye'));
  add((o) => R.writeApp(b, o, 1, 2, 'abcd', hex('01020304')));
  add((o) => R.writeNack(b, o, 1, 2, [1, 3, 20, 65535]));
  add((o) => R.writePli(b, o, 1, 2));
  add((o) => R.writeFir(b, o, 1, [{ ssrc: 3, seqNr: 4 }]));
  add((o) => R.writeRemb(b, o, 1, 1e6, [2, 3]));
  add((o) => R.writeXr(b, o, { ssrc: 1, rrtr: { ntpSeconds: 1, ntpFraction: 2 }, dlrr: [{ ssrc: 3, lrr: 4, dlrr: 5 }] }));
  add((o) => R.writeTwccFeedback(b, o, { senderSsrc: 1, mediaSsrc: 2, baseSeq: 65530, fbPktCount: 1, count: 30,
    arrivalUs: Array.from({ length: 30 }, (_, i) => (i % 5 === 2 ? -1 : 1_000_000 + i * (i % 7 === 3 ? 90_000 : 1000))) }));
  seeds.push(hex('afcd 0008 00000001 00000002 fffe 0009 ffffff 07 d860 2002 04 fffc 10 0100 00 ff 00000004'));
  seeds.push(hex('8fcd 0007 00000001 00000002 000a 000e 000001 00 aaaa 01020304050607 000000'));
  return seeds;
}

const it = new R.RtcpCompoundView();
const rv = new R.ReportView(), sd = new R.SdesView(), by = new R.ByeView(), ap = new R.AppView(), nk = new R.NackView();
const pl = new R.PliView(), fi = new R.FirView(), rm = new R.RembView(), xr = new R.XrView(), tw = new R.TwccFeedbackView();
const lost = new Uint16Array(4096), seqs = new Uint16Array(65536), stat = new Uint8Array(65536), dl = new Int32Array(65536);
const onPkt = (s: number, st: number) => { if (st > 2 || s > 0xffff) fail('bad twcc packet'); };

const rtcpTarget: FuzzTarget = {
  name: 'rtcp compound + every sub-parser + twcc decode',
  seeds: rtcpSeeds,
  run(input) {
    if (it.reset(input, 0, input.length) !== R.RtpStatus.OK) return;
    let guard = 0;
    while (it.next() === R.RtpStatus.OK) {
      if (++guard > input.length) fail('iterator does not advance');
      const o = it.offset, l = it.length;
      if (o + l > input.length) fail('sub-packet outside input');
      if (rv.reset(input, o, l) === R.RtpStatus.OK) for (let i = 0; i < rv.reportCount; i++) R.readReportBlock(input, rv.blockOffset(i));
      if (sd.reset(input, o, l) === R.RtpStatus.OK) { let k = 0; while (sd.nextChunk() === R.RtpStatus.OK) if (++k > 31) fail('sdes loops'); }
      if (by.reset(input, o, l) === R.RtpStatus.OK) for (let i = 0; i < by.count; i++) by.ssrc(i);
      ap.reset(input, o, l);
      if (nk.reset(input, o, l) === R.RtpStatus.OK) nk.fillLost(lost);
      pl.reset(input, o, l);
      if (fi.reset(input, o, l) === R.RtpStatus.OK) for (let i = 0; i < fi.entryCount; i++) fi.ssrc(i);
      if (rm.reset(input, o, l) === R.RtpStatus.OK) for (let i = 0; i < rm.ssrcCount; i++) rm.ssrc(i);
      if (xr.reset(input, o, l) === R.RtpStatus.OK) { let k = 0; while (xr.nextBlock() === R.RtpStatus.OK) if (++k > l) fail('xr loops'); }
      if (tw.reset(input, o, l) === R.RtpStatus.OK) {
        if (tw.decode(seqs, stat, dl) !== tw.statusCount) fail('twcc decode count');
        tw.forEachPacket(onPkt);
      }
    }
  },
};

const pcapReader = new PcapReader();
const udpLoc = new UdpLocation();
const pcapTarget: FuzzTarget = {
  name: 'pcap reader + udp locator',
  seeds: () => {
    const out: Buffer[] = [];
    for (const lt of [LinkType.ETHERNET, LinkType.RAW]) {
      const chunks: Buffer[] = [];
      const w = new PcapWriter((c) => chunks.push(Buffer.from(c)), { linkType: lt });
      w.writeUdp(1, 0x7f000001, 1, 0x7f000001, 2, hex('80e01234deadbeef11223344aabb'));
      w.writeUdp(2, 0x7f000001, 1, 0x7f000001, 2, hex(''));
      out.push(Buffer.concat(chunks));
    }
    return out;
  },
  run(input) {
    const r = pcapReader;
    if (r.reset(input) !== PcapStatus.OK) return;
    const loc = udpLoc;
    let k = 0;
    while (r.next() === PcapStatus.OK) {
      if (++k > input.length) fail('pcap reader loops');
      if (locateUdp(input, r.dataOffset, r.capturedLength, r.linkType, loc) === PcapStatus.OK && loc.payloadOffset + loc.payloadLength > r.dataOffset + r.capturedLength) fail('udp payload outside frame');
    }
  },
};

export const targets: FuzzTarget[] = [rtpTarget, codecTarget, rtcpTarget, pcapTarget];
