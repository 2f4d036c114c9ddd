// PublisherTwcc: records the publisher's transport-wide seqs from real RTP packets and
// sends RTPFB/15 feedback (after an empty RR) every 50–100 ms; werift-rtp parses what we
// sent (independent decoder) and names the same base seq, count and received packets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RtcpPacketConverter, RtcpRrPacket, RtcpTransportLayerFeedback } from 'werift-rtp';
import { RtpView, writeRtpPacket } from '../../src/rtp/index.js';
import { PublisherTwcc } from '../../src/sfu/index.js';
import { FakeTransport } from './fake-transport.js';

const view = new RtpView();
const buf = Buffer.alloc(1500);

function rtp(seq: number, tw: number | null, ssrc = 0x1234): RtpView {
  const n = writeRtpPacket(buf, 0, { payloadType: 96, sequenceNumber: seq, timestamp: 0, ssrc, extensions: tw === null ? [] : [{ id: 3, value: Uint8Array.from([tw >> 8, tw & 0xff]) }] }, new Uint8Array(100));
  assert.is(view.reset(buf, 0, n), 0);
  return view;
}

test('records every packet with the extension and sends feedback every 50-100 ms that werift-rtp decodes', () => {
  const tw = new PublisherTwcc(0xabcd, 3);
  const out = new FakeTransport();
  let t = 1000;
  const lost = new Set([7, 8, 30]);
  for (let i = 0; i < 60; i++) {
    if (!lost.has(i)) tw.record(rtp(i, (65500 + i) & 0xffff), t);
    t += 2;
    tw.tick(t, out);
  }
  tw.record(rtp(99, null), t); // no extension: counted, not recorded
  assert.is(tw.counters.recorded, 57);
  assert.is(tw.counters.missing, 1);
  for (let k = 0; k < 50 && tw.recorder.pending > 0; k++) { t += 10; tw.tick(t, out); }
  assert.ok(out.rtcp.length >= 1 && out.rtcp.length <= 3, `feedback datagrams: ${out.rtcp.length}`);
  const received = new Set<number>();
  let first = -1;
  for (const d of out.rtcp) {
    const pkts = RtcpPacketConverter.deSerialize(d) as unknown[];
    assert.ok(pkts[0] instanceof RtcpRrPacket, 'compound: an RR first');
    assert.is((pkts[0] as RtcpRrPacket).ssrc, 0xabcd);
    for (const p of pkts.slice(1)) {
      assert.ok(p instanceof RtcpTransportLayerFeedback);
      const f = (p as RtcpTransportLayerFeedback).feedback as unknown as { baseSequenceNumber: number; packetStatusCount: number; senderSsrc: number; mediaSourceSsrc: number; recvDeltas: { delta: number }[]; packetChunks: unknown[] };
      assert.is(f.senderSsrc, 0xabcd);
      assert.is(f.mediaSourceSsrc, 0x1234);
      if (first < 0) first = f.baseSequenceNumber;
      // Walk the status chunks through werift's own decoding of deltas: one delta per received packet.
      assert.ok(f.recvDeltas.length <= f.packetStatusCount);
      for (let i = 0; i < f.packetStatusCount; i++) received.add((f.baseSequenceNumber + i) & 0xffff);
    }
  }
  assert.is(first, 65500, 'the first feedback starts at the first seq');
  assert.is(received.size, 60, 'every seq 65500..(wrap)..23 covered, lost ones included');
  assert.is(tw.counters.feedbacks, tw.recorder.feedbacksBuilt);
  const deltas = out.rtcp.flatMap((d) => (RtcpPacketConverter.deSerialize(d) as unknown[]).slice(1).map((p) => ((p as RtcpTransportLayerFeedback).feedback as unknown as { recvDeltas: unknown[] }).recvDeltas.length));
  assert.is(deltas.reduce((a, b) => a + b, 0), 57, 'werift counts 57 received (3 lost)');
});

test('no extension id (not negotiated or turned off): nothing recorded, nothing sent', () => {
  const tw = new PublisherTwcc(1, 0);
  const out = new FakeTransport();
  tw.record(rtp(1, 5), 0);
  assert.is(tw.tick(200, out), 0);
  assert.is(out.rtcp.length, 0);
  assert.is(tw.counters.recorded, 0);
});

test('a burst too large for one datagram goes out as several feedback packets', () => {
  const tw = new PublisherTwcc(1, 3, { maxFeedbackBytes: 300 });
  const out = new FakeTransport();
  // 3000 packets within one interval with irregular spacing: several feedbacks of <= 300 bytes.
  let t = 0;
  for (let i = 0; i < 3000; i++) { t += (i % 7) * 0.3; tw.record(rtp(i, i), t); }
  tw.tick(t, out);
  tw.tick(t + 200, out);
  assert.ok(out.rtcp.length > 1, `datagrams ${out.rtcp.length}`);
  for (const d of out.rtcp) assert.ok(d.length <= 1200);
  assert.is(tw.recorder.pending, 0);
});

test.run();
