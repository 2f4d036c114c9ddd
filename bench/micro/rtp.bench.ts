// RTP/RTCP parsing cost: our allocation-free views against werift-rtp's parsers on the
// same bytes, same run.
import type { MicroCase } from './case.js';
import { RtpPacket, RtcpPacketConverter } from 'werift-rtp';
import * as R from '../../src/rtp/index.js';

// Results go into a typed array so storing them never allocates a heap number.
const SINK = new Float64Array(1);

// A typical video packet: one-byte extensions (audio level, abs-send-time, TWCC seq, mid).
const rtp = Buffer.alloc(1200);
const rtpLen = R.writeRtpPacket(rtp, 0, {
  payloadType: 96, sequenceNumber: 4242, timestamp: 90000, ssrc: 0x12345678, marker: true,
  extensions: [{ id: 1, value: Buffer.from([0x9e]) }, { id: 2, value: Buffer.from([1, 2, 3]) }, { id: 3, value: Buffer.from([0, 7]) }, { id: 4, value: Buffer.from('0') }],
}, Buffer.alloc(1100, 0x55));
const rtpBuf = rtp.subarray(0, rtpLen);
const view = new R.RtpView();

const rtcp = Buffer.alloc(200);
const w = new R.RtcpCompoundWriter().reset(rtcp, 0);
w.put(R.writeSenderReport(rtcp, w.end, { ssrc: 1, ntpSeconds: 0xe8000000, ntpFraction: 0x12345678, rtpTimestamp: 90000, packetCount: 100, octetCount: 100000,
  reports: [{ ssrc: 2, fractionLost: 3, cumulativeLost: 4, highestSeq: 5, jitter: 6, lsr: 7, dlsr: 8 }] }));
w.put(R.writeSdes(rtcp, w.end, [{ ssrc: 1, cname: 'f00dcafe-1234' }]));
const rtcpBuf = rtcp.subarray(0, w.length);
const it = new R.RtcpCompoundView();
const rv = new R.ReportView();
const sd = new R.SdesView();

const tw = Buffer.alloc(400);
const arrival = Array.from({ length: 50 }, (_, i) => (i % 9 === 4 ? -1 : 5_000_000 + i * 2_000 + (i % 13 === 0 ? 70_000 : 0)));
const twLen = R.writeTwccFeedback(tw, 0, { senderSsrc: 1, mediaSsrc: 2, baseSeq: 100, fbPktCount: 1, count: 50, arrivalUs: arrival });
const twBuf = tw.subarray(0, twLen);
const twv = new R.TwccFeedbackView();
const seq = new Uint16Array(256), st = new Uint8Array(256), dl = new Int32Array(256);

export const cases: MicroCase[] = [
  {
    name: 'rtp view reset + seq/ts/ssrc/pt + find extension',
    fn: () => {
      view.reset(rtpBuf, 0, rtpLen);
      SINK[0] += view.sequenceNumber + view.timestamp + view.ssrc + view.payloadType + view.findExtension(3);
    },
    baseline: {
      name: 'werift-rtp RtpPacket.deSerialize + same fields',
      fn: () => {
        const p = RtpPacket.deSerialize(rtpBuf);
        const e = p.header.extensions.find((x) => x.id === 3);
        SINK[0] += p.header.sequenceNumber + p.header.timestamp + p.header.ssrc + p.header.payloadType + (e ? e.payload.length : 0);
      },
    },
  },
  {
    // tinybench's own per-call floor here is ~40 ns; 100 packets per call shows the view's cost.
    name: 'rtp view x100 packets (divide by 100)',
    fn: () => {
      for (let i = 0; i < 100; i++) {
        view.reset(rtpBuf, 0, rtpLen);
        SINK[0] += view.sequenceNumber + view.timestamp + view.ssrc + view.payloadType + view.findExtension(3);
      }
    },
    baseline: {
      name: 'werift-rtp RtpPacket.deSerialize x100',
      fn: () => {
        for (let i = 0; i < 100; i++) {
          const p = RtpPacket.deSerialize(rtpBuf);
          const e = p.header.extensions.find((x) => x.id === 3);
          SINK[0] += p.header.sequenceNumber + p.header.timestamp + p.header.ssrc + p.header.payloadType + (e ? e.payload.length : 0);
        }
      },
    },
  },
  {
    name: 'rtcp compound SR + SDES parse',
    fn: () => {
      it.reset(rtcpBuf, 0, rtcpBuf.length);
      while (it.next() === R.RtpStatus.OK) {
        if (it.type === R.RtcpType.SR && rv.reset(rtcpBuf, it.offset, it.length) === R.RtpStatus.OK) SINK[0] += rv.ntpSeconds + R.rbJitter(rtcpBuf, rv.blockOffset(0));
        else if (it.type === R.RtcpType.SDES && sd.reset(rtcpBuf, it.offset, it.length) === R.RtpStatus.OK && sd.nextChunk() === R.RtpStatus.OK) SINK[0] += sd.cnameLength;
      }
    },
    baseline: {
      name: 'werift-rtp RtcpPacketConverter.deSerialize',
      fn: () => { SINK[0] += RtcpPacketConverter.deSerialize(rtcpBuf).length; },
    },
  },
  {
    name: 'twcc feedback decode, 50 packets',
    fn: () => {
      twv.reset(twBuf, 0, twLen);
      SINK[0] += twv.decode(seq, st, dl) + dl[49];
    },
    baseline: {
      name: 'werift-rtp RtcpPacketConverter.deSerialize (twcc)',
      fn: () => { SINK[0] += RtcpPacketConverter.deSerialize(twBuf).length; },
    },
  },
  {
    name: 'rtp forward rewrite: ssrc/seq/ts/pt + extension id map',
    fn: () => {
      view.reset(rtpBuf, 0, rtpLen);
      view.setSsrc(0x1111); view.setSequenceNumber(view.sequenceNumber + 1); view.setTimestamp(view.timestamp + 3000); view.setPayloadType(96);
      SINK[0] += view.rewriteExtensionIds(IDENTITY);
    },
  },
];
const IDENTITY = new Uint8Array(256).map((_, i) => i);
export function benchSink(): number { return SINK[0]; }
