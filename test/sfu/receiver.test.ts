import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RtpPacket, RtcpPacketConverter, RtcpPayloadSpecificFeedback, RtcpSrPacket, RtcpRrPacket, PictureLossIndication } from 'werift-rtp';
import { RtpView, writeRtpPacket, writePli, writeNack, writeReceiverReport, writeSenderReport, writeFir } from '../../src/rtp/index.js';
import { DownTrack, Receiver, SubscriberRtcp, PublisherRtcp } from '../../src/sfu/index.js';
import { FakeTransport } from './fake-transport.js';

const SRC_SSRC = 0x11223344;
const view = new RtpView();
const pktBuf = Buffer.alloc(1500);

function packet(seq: number, ts: number, pt: number, payload: number[], exts: { id: number; value: number[] }[] = []): Buffer {
  const n = writeRtpPacket(pktBuf, 0, { payloadType: pt, sequenceNumber: seq, timestamp: ts, ssrc: SRC_SSRC, extensions: exts.map((e) => ({ id: e.id, value: Uint8Array.from(e.value) })) }, Uint8Array.from(payload));
  assert.ok(n > 0);
  return pktBuf.subarray(0, n);
}

function feed(r: Receiver, p: Buffer, nowMs: number): void {
  assert.is(view.reset(p, 0, p.length), 0);
  r.onRtp(p, view, nowMs);
}

function audioReceiver(up = new FakeTransport()): Receiver {
  return new Receiver({ trackId: 'TR_a', kind: 'audio', ssrc: SRC_SSRC, codec: { name: 'opus', clockRate: 48000, payloadType: 111 }, upstream: up, rtcpSsrc: 1 });
}

test('audio: each subscriber gets its own SSRC, PT and extension ids; seq/ts continuous; werift-rtp parses it', () => {
  const r = audioReceiver();
  const t1 = new FakeTransport(), t2 = new FakeTransport();
  const map1 = new Uint8Array(16); map1[1] = 2; // audio level 1 -> 2; mid (4) removed
  const map2 = new Uint8Array(16); map2[1] = 10;
  const d1 = new DownTrack({ receiver: r, transport: t1, ssrc: 0xaaaa0001, payloadType: 109, extMap: map1, cname: 'c', initialSeq: 100, initialTs: 1000 });
  const d2 = new DownTrack({ receiver: r, transport: t2, ssrc: 0xbbbb0002, payloadType: 111, extMap: map2, cname: 'c', initialSeq: 60000, initialTs: 5 });
  d1.start(0); d2.start(0);
  for (let i = 0; i < 5; i++) feed(r, packet(65534 + i, 960 * i, 111, [0xf8, i], [{ id: 1, value: [0x80 | 30] }, { id: 4, value: [0x30] }]), i * 20);
  assert.is(t1.rtp.length, 5);
  assert.is(t2.rtp.length, 5);
  for (let i = 0; i < 5; i++) {
    const a = RtpPacket.deSerialize(t1.rtp[i]!);
    assert.is(a.header.ssrc, 0xaaaa0001);
    assert.is(a.header.payloadType, 109);
    assert.is(a.header.sequenceNumber, 100 + i);
    assert.is(a.header.timestamp, 1000 + 960 * i);
    assert.equal(a.header.extensions.map((e) => e.id), [2], 'audio level renumbered, mid removed');
    assert.equal([...a.header.extensions[0]!.payload], [0x80 | 30]);
    assert.equal([...a.payload], [0xf8, i]);
    const b = RtpPacket.deSerialize(t2.rtp[i]!);
    assert.is(b.header.ssrc, 0xbbbb0002);
    assert.is(b.header.sequenceNumber, (60000 + i) & 0xffff);
    assert.equal(b.header.extensions.map((e) => e.id), [10]);
  }
  assert.is(d1.counters.packetsSent, 5);
  assert.is(d1.counters.octetsSent, 10);
});

test('packets of another payload type are not forwarded', () => {
  const r = audioReceiver();
  const t = new FakeTransport();
  new DownTrack({ receiver: r, transport: t, ssrc: 5, payloadType: 111, extMap: new Uint8Array(16), cname: 'c' }).start(0);
  feed(r, packet(1, 0, 63, [1, 2]), 0);
  assert.is(t.rtp.length, 0);
  assert.is(r.counters.otherPayloadType, 1);
});

test('mute drops, unmute continues the sequence without a gap and advances ts by wall time', () => {
  const r = audioReceiver();
  const t = new FakeTransport();
  const d = new DownTrack({ receiver: r, transport: t, ssrc: 5, payloadType: 111, extMap: new Uint8Array(16), cname: 'c', initialSeq: 10, initialTs: 0 });
  d.start(0);
  feed(r, packet(500, 0, 111, [1]), 0);
  feed(r, packet(501, 960, 111, [1]), 20);
  d.setMuted(true, 20);
  for (let i = 2; i < 50; i++) feed(r, packet(500 + i, 960 * i, 111, [1]), 20 * i);
  assert.is(t.rtp.length, 2);
  d.setMuted(false, 1000);
  feed(r, packet(550, 960 * 50, 111, [1]), 1000);
  feed(r, packet(551, 960 * 51, 111, [1]), 1020);
  assert.is(t.rtp.length, 4);
  const seqs = t.rtp.map((p) => p.readUInt16BE(2));
  assert.equal(seqs, [10, 11, 12, 13]);
  const ts2 = t.rtp[2]!.readUInt32BE(4);
  assert.is(ts2, 960 + 48 * 980, 'timestamp advanced by the 980 ms that passed');
  assert.is(t.rtp[3]!.readUInt32BE(4), ts2 + 960);
});

function vp8(key: boolean): number[] {
  // VP8 payload descriptor (S=1, PID 0) then the payload header: P bit 0 = key frame.
  return key ? [0x10, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0, 0, 0, 0] : [0x10, 0x11, 0x00, 0x00];
}

test('pause and mute combine: forwarding resumes only when neither holds, without a sequence gap', () => {
  const r = audioReceiver();
  const t = new FakeTransport();
  const d = new DownTrack({ receiver: r, transport: t, ssrc: 5, payloadType: 111, extMap: new Uint8Array(16), cname: 'c', initialSeq: 0, initialTs: 0 });
  d.start(0);
  let seq = 100;
  const send = (n: number, now: number): void => { for (let i = 0; i < n; i++) { feed(r, packet(seq, seq * 960, 111, [1]), now); seq++; } };
  send(2, 0);
  d.setPaused(true, 10);
  d.setMuted(true, 10);
  send(3, 20);
  d.setPaused(false, 30);
  send(3, 40);
  assert.is(t.rtp.length, 2, 'still muted');
  d.setMuted(false, 50);
  send(2, 60);
  assert.equal(t.rtp.map((p) => p.readUInt16BE(2)), [0, 1, 2, 3]);
  assert.is(d.counters.dropped, 6);
});

test('video: held until a key frame, a PLI goes upstream at start, rate-limited to one per 500 ms', () => {
  const up = new FakeTransport();
  const r = new Receiver({ trackId: 'TR_v', kind: 'video', ssrc: SRC_SSRC, codec: { name: 'VP8', clockRate: 90000, payloadType: 96 }, upstream: up, rtcpSsrc: 0x0abcdef0 });
  const t = new FakeTransport();
  const d = new DownTrack({ receiver: r, transport: t, ssrc: 77, payloadType: 96, extMap: new Uint8Array(16), cname: 'c', initialSeq: 1, initialTs: 0 });
  d.start(0);
  assert.is(up.rtcp.length, 1, 'PLI on start');
  const parsed = RtcpPacketConverter.deSerialize(up.rtcp[0]!);
  assert.ok(parsed[0] instanceof RtcpRrPacket);
  const fb = parsed[1] as RtcpPayloadSpecificFeedback;
  assert.ok(fb.feedback instanceof PictureLossIndication);
  assert.is((fb.feedback as PictureLossIndication).mediaSsrc, SRC_SSRC);
  assert.is((fb.feedback as PictureLossIndication).senderSsrc, 0x0abcdef0);
  feed(r, packet(10, 0, 96, vp8(false)), 100);
  feed(r, packet(11, 0, 96, vp8(false)), 400);
  assert.is(t.rtp.length, 0, 'no delta frames before the key frame');
  assert.is(up.rtcp.length, 1, 'still rate-limited');
  feed(r, packet(12, 3000, 96, vp8(false)), 600);
  assert.is(up.rtcp.length, 2, 'a second PLI after 500 ms');
  feed(r, packet(13, 6000, 96, vp8(true)), 700);
  feed(r, packet(14, 6000, 96, vp8(false)), 701);
  assert.is(t.rtp.length, 2);
  assert.equal(t.rtp.map((p) => p.readUInt16BE(2)), [1, 2]);
  assert.is(r.counters.keyframes, 1);
  assert.not.ok(d.waitingKeyframe);
});

test('subscriber RTCP: PLI and FIR become upstream keyframe requests, NACKs and RR are recorded', () => {
  const up = new FakeTransport();
  const r = new Receiver({ trackId: 'TR_v', kind: 'video', ssrc: SRC_SSRC, codec: { name: 'VP8', clockRate: 90000, payloadType: 96 }, upstream: up, rtcpSsrc: 9 });
  const t = new FakeTransport();
  const d = new DownTrack({ receiver: r, transport: t, ssrc: 0x01020304, payloadType: 96, extMap: new Uint8Array(16), cname: 'c' });
  d.start(0);
  const router = new SubscriberRtcp();
  router.add(d);
  const b = Buffer.alloc(200);
  let n = writeReceiverReport(b, 0, 42, [{ ssrc: 0x01020304, fractionLost: 12, cumulativeLost: 3, highestSeq: 100, jitter: 7, lsr: 0, dlsr: 0 }]);
  n += writePli(b, n, 42, 0x01020304);
  n += writeNack(b, n, 42, 0x01020304, [5, 6]);
  router.handle(b, n, 1000);
  assert.is(d.counters.plisReceived, 1);
  assert.is(d.counters.nacksReceived, 1);
  assert.is(d.counters.fractionLost, 12);
  assert.is(d.counters.cumulativeLost, 3);
  assert.is(up.rtcp.length, 2, 'start PLI + the forwarded one');
  n = writeFir(b, 0, 42, [{ ssrc: 0x01020304, seqNr: 1 }]);
  router.handle(b, n, 1100);
  assert.is(d.counters.firsReceived, 1);
  assert.is(up.rtcp.length, 2, 'the FIR 100 ms later is absorbed by the rate limit');
  n = writePli(b, 0, 42, 0xdeadbeef);
  router.handle(b, n, 2000);
  assert.is(router.counters.unknownSsrc, 1);
});

test('SR: counts, NTP time and RTP time projected through the publisher SR; werift-rtp parses SR+SDES', () => {
  const r = audioReceiver();
  const pub = new PublisherRtcp(0x99);
  pub.add(r);
  const t = new FakeTransport();
  const d = new DownTrack({ receiver: r, transport: t, ssrc: 0x5555, payloadType: 111, extMap: new Uint8Array(16), cname: 'sub-cname', initialSeq: 0, initialTs: 100000 });
  d.start(0);
  const b = Buffer.alloc(200);
  assert.is(d.writeSenderReport(b, 0, 0, 1.7e12), 0, 'nothing before the first packet');
  for (let i = 0; i < 10; i++) feed(r, packet(1000 + i, 48000 + 960 * i, 111, [1, 2, 3]), i * 20);
  // Publisher SR at t=200ms says source ts 48000 + 960*10.
  const n0 = writeSenderReport(b, 0, { ssrc: SRC_SSRC, ntpSeconds: 3900000000, ntpFraction: 0x80000000, rtpTimestamp: 48000 + 9600, packetCount: 10, octetCount: 30 });
  pub.handle(b, n0, 200);
  assert.is(r.counters.senderReports, 1);
  const wall = 1_700_000_000_250;
  const n = d.writeSenderReport(b, 0, 250, wall);
  const parsed = RtcpPacketConverter.deSerialize(b.subarray(0, n));
  const sr = parsed[0] as RtcpSrPacket;
  assert.ok(sr instanceof RtcpSrPacket);
  assert.is(sr.ssrc, 0x5555);
  assert.is(sr.senderInfo.packetCount, 10);
  assert.is(sr.senderInfo.octetCount, 30);
  // 50 ms after the SR: source ts 48000 + 9600 + 2400, mapped by the offset (100000 - 48000).
  assert.is(sr.senderInfo.rtpTimestamp, 100000 + 9600 + 2400);
  assert.is(Number(sr.senderInfo.ntpTimestamp >> 32n), Math.floor(wall / 1000) + 2208988800);
  assert.is(parsed.length, 2, 'SDES follows');
  // RR back to the publisher: one block for the source, no loss, LSR echoes the SR.
  const m = pub.writeReceiverReport(b, 0, 300);
  const rr = RtcpPacketConverter.deSerialize(b.subarray(0, m))[0] as RtcpRrPacket;
  assert.is(rr.ssrc, 0x99);
  assert.is(rr.reports.length, 1);
  assert.is(rr.reports[0]!.ssrc, SRC_SSRC);
  assert.is(rr.reports[0]!.packetsLost, 0);
  assert.is(rr.reports[0]!.highestSequence, 1009);
  assert.is(rr.reports[0]!.lsr, ((3900000000 & 0xffff) * 65536 + 0x8000) >>> 0);
  assert.is(rr.reports[0]!.dlsr, Math.floor(0.1 * 65536));
});

test('receive stats: losses and wrap', () => {
  const r = audioReceiver();
  for (const s of [65533, 65534, 1, 2]) feed(r, packet(s, 0, 111, [1]), 0);
  assert.is(r.stats.extendedHighestSeq, 65536 + 2);
  assert.is(r.stats.lost, 2, '65535 and 0 missing');
});

test('close cascades: receiver close closes its downtracks; downtrack close leaves the fan-out', () => {
  const r = audioReceiver();
  const t = new FakeTransport();
  const a = new DownTrack({ receiver: r, transport: t, ssrc: 1, payloadType: 111, extMap: new Uint8Array(16), cname: 'c' });
  const b = new DownTrack({ receiver: r, transport: t, ssrc: 2, payloadType: 111, extMap: new Uint8Array(16), cname: 'c' });
  a.start(0); b.start(0);
  a.close(); a.close();
  assert.is(r.downTracks.length, 1);
  r.close();
  assert.ok(b.closed);
  feed(r, packet(1, 0, 111, [1]), 0);
  assert.is(t.rtp.length, 0);
});

test.run();
