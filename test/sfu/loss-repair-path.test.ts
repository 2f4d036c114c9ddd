// Loss repair through the real Receiver + DownTrack + RTCP routers (fake transports that
// capture what is sent, a fake clock): upstream loss -> NACK to the publisher -> its RTX
// is unwrapped and forwarded once; a subscriber NACK (its own seq space) -> RTX with the
// subscriber's RTX SSRC/PT, our own RTX seq, OSN = the subscriber's seq, and the same
// rewrite the original got; plain retransmission without RTX; keyframe requests
// coalesced to one upstream PLI per interval; NACK give-up and bursts ask for a keyframe.
// NACK/PLI/RTX bytes are parsed with werift-rtp (an independent implementation).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RtcpPacketConverter, RtcpPayloadSpecificFeedback, RtcpTransportLayerFeedback, GenericNack, PictureLossIndication, RtpPacket } from 'werift-rtp';
import { RtpView, writeRtpPacket, writeNack, writePli, writeReceiverReport, RtpStatus } from '../../src/rtp/index.js';
import { writeRtx } from '../../src/sfu/nack/index.js';
import { DownTrack, PublisherRtcp, Receiver, SubscriberRtcp } from '../../src/sfu/index.js';
import { FakeTransport } from './fake-transport.js';

const PUB = 0x11223344, PUB_RTX = 0x11223345, SUB = 0x0a0b0c0d, SUB_RTX = 0x0a0b0c0e;
const view = new RtpView();

function vp8(key: boolean, fill: number): number[] {
  const head = key ? [0x10, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0, 0, 0, 0] : [0x10, 0x11, 0x00, 0x00];
  return [...head, ...Array.from({ length: 40 }, (_, i) => (fill + i) & 0xff)];
}

/** A publisher packet alone in its own Buffer (as dgram hands them). */
function pkt(seq: number, ts: number, pt: number, payload: number[], ssrc = PUB): Buffer {
  const b = Buffer.alloc(1500);
  const n = writeRtpPacket(b, 0, { payloadType: pt, sequenceNumber: seq & 0xffff, timestamp: ts >>> 0, ssrc, marker: true,
    extensions: [{ id: 4, value: Uint8Array.from([seq & 0xff]) }, { id: 1, value: Uint8Array.from([0x80 | 30]) }] }, Uint8Array.from(payload));
  return Buffer.from(b.subarray(0, n));
}

function feed(r: Receiver, p: Buffer, now: number): void {
  assert.is(view.reset(p, 0, p.length), RtpStatus.OK);
  r.onRtp(p, view, now);
}

function feedRtx(r: Receiver, p: Buffer, now: number): void {
  assert.is(view.reset(p, 0, p.length), RtpStatus.OK);
  r.onRtxRtp(p, view, now);
}

/** werift-rtp's reading of every RTCP packet the fake transport got. */
function rtcpOf(t: FakeTransport): { nacks: GenericNack[]; plis: PictureLossIndication[] } {
  const nacks: GenericNack[] = [], plis: PictureLossIndication[] = [];
  for (const b of t.rtcp) {
    for (const p of RtcpPacketConverter.deSerialize(b)) {
      if (p instanceof RtcpTransportLayerFeedback && p.feedback instanceof GenericNack) nacks.push(p.feedback);
      if (p instanceof RtcpPayloadSpecificFeedback && p.feedback instanceof PictureLossIndication) plis.push(p.feedback);
    }
  }
  return { nacks, plis };
}

function videoSetup(opts: { subRtx?: boolean } = {}): { up: FakeTransport; down: FakeTransport; r: Receiver; d: DownTrack; sub: SubscriberRtcp; pubRtcp: PublisherRtcp } {
  const up = new FakeTransport(), down = new FakeTransport();
  const r = new Receiver({ trackId: 'TR_v', kind: 'video', ssrc: PUB, codec: { name: 'VP8', clockRate: 90000, payloadType: 96 }, upstream: up, rtcpSsrc: 0x5151, rtx: { ssrc: PUB_RTX, payloadType: 97 } });
  const map = new Uint8Array(256); map[1] = 9; // id 1 -> 9; id 4 (e.g. TWCC) removed
  const d = new DownTrack({ receiver: r, transport: down, ssrc: SUB, payloadType: 100, extMap: map, cname: 'c', initialSeq: 5000, initialTs: 777,
    ...(opts.subRtx === false ? {} : { rtx: { ssrc: SUB_RTX, payloadType: 101 } }) });
  d.start(0);
  const sub = new SubscriberRtcp(); sub.add(d);
  const pubRtcp = new PublisherRtcp(0x5151); pubRtcp.add(r);
  return { up, down, r, d, sub, pubRtcp };
}

test('upstream loss: NACK to the publisher, its RTX is unwrapped and forwarded once, in the subscriber seq slot of the lost packet', () => {
  const { up, down, r, d, pubRtcp } = videoSetup();
  up.rtcp.length = 0; // the start PLI
  const sent = new Map<number, Buffer>();
  let now = 0;
  for (let i = 0; i < 10; i++) {
    const seq = 65530 + i; // crosses the 16-bit wrap
    const p = pkt(seq, 3000 * i, 96, vp8(i === 0, i));
    sent.set(seq & 0xffff, Buffer.from(p));
    now += 5;
    if ((seq & 0xffff) !== 65534 && (seq & 0xffff) !== 1) feed(r, p, now);
  }
  assert.is(down.rtp.length, 8);
  // The RTCP tick: both gaps are older than the reorder delay (10 ms) by now + 20.
  pubRtcp.tick(now + 20);
  const { nacks } = rtcpOf(up);
  assert.is(nacks.length, 1);
  assert.is(nacks[0]!.mediaSourceSsrc, PUB);
  assert.is(nacks[0]!.senderSsrc, 0x5151);
  // werift adds the BLP offsets without the 16-bit mask (65534 + 3 = 65537): mask here.
  assert.equal(nacks[0]!.lost.map((x) => x & 0xffff).sort((a, b) => a - b), [1, 65534]);
  assert.is(r.counters.nackedSeqs, 2);
  // The publisher answers with RTX (its own SSRC/PT/seq, OSN first).
  let rtxSeq = 300;
  for (const lost of [65534, 1]) {
    const o = sent.get(lost)!;
    const x = Buffer.alloc(1500);
    const n = writeRtx(o, 0, o.length, x, 0, PUB_RTX, 97, rtxSeq++);
    const rtx = Buffer.from(x.subarray(0, n));
    feedRtx(r, rtx, now + 30);
    // A second copy (the publisher answered a repeated NACK): not forwarded again.
    feedRtx(r, Buffer.from(x.subarray(0, n)), now + 31);
  }
  assert.is(r.counters.rtxRecovered, 4);
  assert.is(r.counters.duplicates, 2);
  assert.is(down.rtp.length, 10, 'each recovered packet forwarded exactly once');
  const out = down.rtp.map((b) => RtpPacket.deSerialize(b));
  // Subscriber seq space: 65530 -> 5000, so 65534 -> 5004 and 1 -> 5007; same ts offset.
  assert.equal(out.slice(8).map((p) => p.header.sequenceNumber), [5004, 5007]);
  assert.equal(out.slice(8).map((p) => p.header.timestamp), [777 + 3000 * 4, 777 + 3000 * 7]);
  for (const p of out) {
    assert.is(p.header.ssrc, SUB);
    assert.is(p.header.payloadType, 100);
    assert.equal(p.header.extensions.map((e) => e.id), [9]);
  }
  assert.equal([...out[8]!.payload], vp8(false, 4));
  // Nothing left to NACK.
  up.rtcp.length = 0;
  pubRtcp.tick(now + 200);
  assert.is(rtcpOf(up).nacks.length, 0);
  assert.is(r.nackGenerator!.missing, 0);
  assert.is(r.stats.lost, 0, 'the report block sees no loss after repair');
  assert.is(d.counters.packetsSent, 10);
});

test('subscriber NACK -> RTX with the subscriber RTX SSRC/PT, own RTX seq, OSN in its seq space, same rewrite; rate-limited per packet', () => {
  const { down, r, d, sub } = videoSetup();
  const originals: Buffer[] = [];
  for (let i = 0; i < 20; i++) feed(r, pkt(1000 + i, 90 * i, 96, vp8(i === 0, i)), i * 10);
  for (const b of down.rtp) originals.push(b);
  assert.is(originals.length, 20);
  down.rtp.length = 0;
  // The subscriber lost its seqs 5003, 5004 and 5010 (and asks for one never sent).
  const b = Buffer.alloc(200);
  let n = writeReceiverReport(b, 0, 42, []);
  n += writeNack(b, n, 42, SUB, [5003, 5004, 5010, 6000]);
  sub.handle(b, n, 250);
  assert.is(down.rtp.length, 3);
  const rtx = down.rtp.map((x) => RtpPacket.deSerialize(x));
  const rtxSeq0 = rtx[0]!.header.sequenceNumber;
  rtx.forEach((p, i) => {
    const osn = [5003, 5004, 5010][i]!;
    const orig = RtpPacket.deSerialize(originals[osn - 5000]!);
    assert.is(p.header.ssrc, SUB_RTX);
    assert.is(p.header.payloadType, 101);
    assert.is(p.header.sequenceNumber, (rtxSeq0 + i) & 0xffff, 'RTX has its own consecutive seq');
    assert.is(p.payload.readUInt16BE(0), osn, 'OSN is the subscriber-space seq');
    assert.is(p.header.timestamp, orig.header.timestamp);
    assert.is(p.header.marker, orig.header.marker);
    assert.equal(p.header.extensions.map((e) => [e.id, [...e.payload]]), orig.header.extensions.map((e) => [e.id, [...e.payload]]));
    assert.equal([...p.payload.subarray(2)], [...orig.payload]);
  });
  assert.is(d.counters.nacksReceived, 1);
  assert.is(d.counters.retransmits, 3);
  assert.is(d.counters.rtxSent, 3);
  assert.is(d.retransmitter!.responder.notFound, 1);
  // The same NACK again 5 ms later: RTT unknown (100 ms assumed) -> too soon.
  sub.handle(b, n, 255);
  assert.is(down.rtp.length, 3);
  assert.is(d.retransmitter!.responder.tooSoon, 3);
  // After the interval it is sent again.
  sub.handle(b, n, 400);
  assert.is(down.rtp.length, 6);
});

test('subscriber NACK without RTX: a plain copy of the original as it was sent', () => {
  const up = new FakeTransport(), down = new FakeTransport();
  const r = new Receiver({ trackId: 'TR_a', kind: 'audio', ssrc: PUB, codec: { name: 'opus', clockRate: 48000, payloadType: 111 }, upstream: up, rtcpSsrc: 1 });
  const map = new Uint8Array(256); map[1] = 2;
  const d = new DownTrack({ receiver: r, transport: down, ssrc: SUB, payloadType: 109, extMap: map, cname: 'c', initialSeq: 65535, initialTs: 1 });
  d.start(0);
  const sub = new SubscriberRtcp(); sub.add(d);
  for (let i = 0; i < 5; i++) feed(r, pkt(200 + i, 960 * i, 111, [0xf8, i, i]), i * 20);
  const originals = down.rtp.slice();
  const b = Buffer.alloc(100);
  const n = writeNack(b, 0, 42, SUB, [65535, 1]);
  sub.handle(b, n, 120);
  assert.is(down.rtp.length, 7);
  assert.ok(down.rtp[5]!.equals(originals[0]!), 'seq 65535: byte-identical to the original send');
  assert.ok(down.rtp[6]!.equals(originals[2]!), 'seq 1 (after the wrap)');
  assert.is(d.counters.retransmits, 2);
  assert.is(d.counters.rtxSent, 0);
});

test('PLIs from several subscribers: one upstream PLI per interval; a held request goes out when the interval ends; a keyframe clears it', () => {
  const { up, r, sub } = videoSetup();
  const t2 = new FakeTransport();
  const d2 = new DownTrack({ receiver: r, transport: t2, ssrc: 0x2222, payloadType: 96, extMap: new Uint8Array(256), cname: 'c' });
  d2.start(1);
  sub.add(d2);
  assert.is(rtcpOf(up).plis.length, 1, 'the first DownTrack start sent one; the second was held');
  feed(r, pkt(1, 0, 96, vp8(true, 0)), 10); // keyframe: held request answered
  const b = Buffer.alloc(100);
  const pli = (ssrc: number, now: number): void => { const n = writePli(b, 0, 42, ssrc); sub.handle(b, n, now); };
  pli(SUB, 600); pli(0x2222, 601); pli(SUB, 650);
  let plis = rtcpOf(up).plis;
  assert.is(plis.length, 2, 'one PLI for three requests');
  assert.is(plis[1]!.mediaSsrc, PUB);
  r.tick(900);
  assert.is(rtcpOf(up).plis.length, 2, 'still inside the interval');
  r.tick(1100);
  plis = rtcpOf(up).plis;
  assert.is(plis.length, 3, 'the held request goes out once the interval passed');
  r.tick(1700);
  assert.is(rtcpOf(up).plis.length, 3, 'nothing more pending');
  pli(SUB, 1700); // 600 ms after the last one: sent at once
  assert.is(rtcpOf(up).plis.length, 4);
  pli(SUB, 1800);
  feed(r, pkt(2, 3000, 96, vp8(true, 1)), 1850); // a keyframe arrives before the interval ends
  r.tick(2300);
  assert.is(rtcpOf(up).plis.length, 4, 'the keyframe answered the held request');
  assert.is(r.counters.keyframeRequests, 4);
});

test('a NACK that gives up, and a burst too long to NACK, ask the publisher for a keyframe', () => {
  const { up, r, pubRtcp } = videoSetup();
  feed(r, pkt(10, 0, 96, vp8(true, 0)), 0);
  feed(r, pkt(12, 0, 96, vp8(false, 0)), 1);
  up.rtcp.length = 0;
  for (let t = 20; t <= 1200; t += 20) pubRtcp.tick(t);
  const { nacks, plis } = rtcpOf(up);
  assert.ok(nacks.length >= 2 && nacks.every((x) => x.lost.length === 1 && x.lost[0] === 11), `NACKs retried for 11 (${nacks.length})`);
  assert.is(plis.length, 1, 'one PLI when the NACK gave up');
  assert.is(r.nackGenerator!.givenUp, 1);
  up.rtcp.length = 0;
  feed(r, pkt(2000, 0, 96, vp8(false, 0)), 1600); // 1987 missing: more than maxMissing (256)
  assert.is(rtcpOf(up).plis.length, 1, 'burst -> PLI at once');
  assert.is(r.nackGenerator!.missing, 0);
});

test('loss repair off (nack: false): no cache, no retransmitter, plain forwarding', () => {
  const up = new FakeTransport(), down = new FakeTransport();
  const r = new Receiver({ trackId: 'TR_a', kind: 'audio', ssrc: PUB, codec: { name: 'opus', clockRate: 48000, payloadType: 111 }, upstream: up, rtcpSsrc: 1, nack: false });
  const d = new DownTrack({ receiver: r, transport: down, ssrc: SUB, payloadType: 111, extMap: new Uint8Array(256), cname: 'c' });
  d.start(0);
  feed(r, pkt(1, 0, 111, [1]), 0);
  feed(r, pkt(3, 0, 111, [1]), 1);
  r.tick(100);
  assert.is(up.rtcp.length, 0);
  assert.is(r.cache, null);
  assert.is(d.retransmitter, null);
  assert.is(down.rtp.length, 2);
});

test('RTT to a subscriber from the LSR/DLSR of its receiver report', () => {
  const { r, d, sub } = videoSetup();
  feed(r, pkt(1, 0, 96, vp8(true, 0)), 0);
  const wall = 1_700_000_000_000;
  const srBuf = Buffer.alloc(200);
  assert.ok(d.writeSenderReport(srBuf, 0, 100, wall) > 0);
  // The SR's NTP middle bits, echoed as LSR; the subscriber held it 50 ms (DLSR).
  const lsr = srBuf.readUInt32BE(10);
  const b = Buffer.alloc(100);
  const n = writeReceiverReport(b, 0, 42, [{ ssrc: SUB, fractionLost: 0, cumulativeLost: 0, highestSeq: 1, jitter: 0, lsr, dlsr: Math.round(0.05 * 65536) }]);
  sub.handle(b, n, 180);
  assert.ok(Math.abs(d.rttMs - 30) < 0.1, `rtt ${d.rttMs}`);
});

test.run();
