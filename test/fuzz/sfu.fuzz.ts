// Fuzz targets for src/sfu: RTCP from untrusted clients routed to DownTracks/Receivers,
// and a publisher's RTP through Receiver -> DownTrack fan-out (in-place rewrites and
// extension-block restore must never throw or write outside the packet).
import type { FuzzTarget } from './harness.js';
import * as R from '../../src/rtp/index.js';
import { DownTrack, PublisherDemux, PublisherRtcp, Receiver, SimulcastDemux, SimulcastReceiver, SubscriberRtcp } from '../../src/sfu/index.js';

const sink = { n: 0, sendRtp(_b: Buffer, _o: number, len: number): boolean { this.n += len; return true; }, sendRtcp(_b: Buffer, _o: number, len: number): boolean { this.n += len; return true; } };
const SRC = 0x11223344;

function setup(kind: 'audio' | 'video'): { r: Receiver; sub: SubscriberRtcp; pub: PublisherRtcp } {
  const codec = kind === 'audio' ? { name: 'opus', clockRate: 48000, payloadType: 111 } : { name: 'VP8', clockRate: 90000, payloadType: 96 };
  const r = new Receiver({ trackId: 'TR', kind, ssrc: SRC, codec, upstream: sink, rtcpSsrc: 9, keyframeRequestIntervalMs: 0 });
  const sub = new SubscriberRtcp();
  const pub = new PublisherRtcp(9);
  pub.add(r);
  const maps = [new Uint8Array(256).map((_, i) => (i * 3) & 0xff), new Uint8Array(16), new Uint8Array(256).fill(15)];
  // Video: the three DownTracks forward temporal layers <= 0, <= 1 and all (VP8 TID filter + munger).
  maps.forEach((m, i) => { const d = new DownTrack({ receiver: r, transport: sink, ssrc: 100 + i, payloadType: codec.payloadType, extMap: m, cname: 'c' }); d.setMaxTemporal(i === 2 ? 3 : i); d.start(0); sub.add(d); });
  return { r, sub, pub };
}

function rtcpSeeds(): Buffer[] {
  const b = Buffer.alloc(400);
  const w = new R.RtcpCompoundWriter().reset(b, 0);
  w.put(R.writeReceiverReport(b, w.end, 1, [{ ssrc: 100, fractionLost: 1, cumulativeLost: 2, highestSeq: 3, jitter: 4, lsr: 5, dlsr: 6 }]));
  w.put(R.writePli(b, w.end, 1, 101));
  w.put(R.writeFir(b, w.end, 1, [{ ssrc: 102, seqNr: 1 }, { ssrc: 100, seqNr: 2 }]));
  w.put(R.writeNack(b, w.end, 1, 100, [1, 2, 40]));
  const out = [Buffer.from(b.subarray(0, w.length))];
  const n = R.writeSenderReport(b, 0, { ssrc: SRC, ntpSeconds: 1, ntpFraction: 2, rtpTimestamp: 3, packetCount: 4, octetCount: 5, reports: [{ ssrc: 100, fractionLost: 0, cumulativeLost: 0, highestSeq: 1, jitter: 0, lsr: 0, dlsr: 0 }] });
  out.push(Buffer.from(b.subarray(0, n)));
  return out;
}

function rtpSeeds(pt: number): Buffer[] {
  const b = Buffer.alloc(300);
  const out: Buffer[] = [];
  ['10100200 9d012a 0000', '10110000', 'f8ff'].forEach((p, i) => {
    const n = R.writeRtpPacket(b, 0, { payloadType: pt, sequenceNumber: 100 + i, timestamp: i * 3000, ssrc: SRC, twoByteExtensions: i === 1,
      extensions: [{ id: 1, value: Buffer.from([0x9e]) }, { id: 3, value: Buffer.from([1, 2]) }, { id: 4, value: Buffer.from('0') }], paddingLength: i === 2 ? 4 : 0 }, Buffer.from(p, 'hex'));
    out.push(Buffer.from(b.subarray(0, n)));
  });
  return out;
}

const view = new R.RtpView();
const work = Buffer.alloc(4096);

function rtpTarget(kind: 'audio' | 'video'): FuzzTarget {
  const { r } = setup(kind);
  let now = 0;
  return {
    name: `sfu/receiver-fanout-${kind}`,
    seeds: () => rtpSeeds(kind === 'audio' ? 111 : 96),
    run(input) {
      const len = Math.min(input.length, work.length);
      input.copy(work, 0, 0, len);
      now += 7;
      if (view.reset(work, 0, len) !== R.RtpStatus.OK) return;
      r.onRtp(work, view, now);
      // Rewrites stay inside the packet: the header length never changes.
      if (view.reset(work, 0, len) !== R.RtpStatus.OK) throw new Error('fan-out broke a valid packet');
    },
  };
}

function rtcpTarget(): FuzzTarget {
  const { sub, pub } = setup('video');
  let now = 0;
  return {
    name: 'sfu/rtcp-router',
    seeds: rtcpSeeds,
    run(input) {
      now += 11;
      sub.handle(input, input.length, now);
      pub.handle(input, input.length, now);
    },
  };
}

/** A publisher's RTP through PublisherDemux: plain SSRC, RTX, simulcast layers named by mid/rid/repaired-rid. */
function demuxTarget(): FuzzTarget {
  const codec = { name: 'VP8', clockRate: 90000, payloadType: 96 };
  const pub = new PublisherRtcp(9);
  pub.add(new Receiver({ trackId: 'TR', kind: 'video', ssrc: SRC, codec, upstream: sink, rtcpSsrc: 9, rtx: { ssrc: SRC + 1, payloadType: 97 } }));
  const sim = new SimulcastReceiver({ trackId: 'TR_s', codec, rids: ['q', 'h', 'f'], factory: (_s, _r, ssrc) => new Receiver({ trackId: 'TR_s', kind: 'video', ssrc, codec, upstream: sink, rtcpSsrc: 9, nack: true }) });
  const sd = new SimulcastDemux();
  sd.add('1', sim, { mid: 4, rid: 5, repairedRid: 6, rtxPt: 97 });
  const dt = new DownTrack({ receiver: sim, transport: sink, ssrc: 200, payloadType: 96, extMap: new Uint8Array(256), cname: 'c' });
  dt.start(0);
  const d = new PublisherDemux(pub, sd);
  let now = 0;
  const b = Buffer.alloc(300);
  return {
    name: 'sfu/publisher-demux',
    seeds: (): Buffer[] => [...['q', 'h', 'f'].map((rid, i): Buffer => {
      const n = R.writeRtpPacket(b, 0, { payloadType: i === 2 ? 97 : 96, sequenceNumber: i, timestamp: 0, ssrc: 0x500 + i,
        extensions: [{ id: 4, value: Buffer.from('1') }, { id: i === 2 ? 6 : 5, value: Buffer.from(rid) }] }, Buffer.from('90e08001020010029d012a', 'hex'));
      return Buffer.from(b.subarray(0, n));
    }), ...rtpSeeds(96)],
    run(input) {
      const len = Math.min(input.length, work.length);
      input.copy(work, 0, 0, len);
      now += 5;
      if (view.reset(work, 0, len) !== R.RtpStatus.OK) return;
      d.onRtp(work, view, now);
    },
  };
}

export const targets: FuzzTarget[] = [rtcpTarget(), rtpTarget('audio'), rtpTarget('video'), demuxTarget()];
