// SubscriberSender through the real packet path: Receiver -> DownTrack -> SubscriberSender
// (slab + pacer + transport-wide seq + SendHistory) -> fake transport, and the feedback
// path back: a TwccRecorder on the "subscriber" side builds real RTPFB/15 packets from
// what the fake transport got, SubscriberRtcp routes them, the estimate moves. werift-rtp
// parses what we sent (an independent reader of the RTP header extension).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RtpPacket } from 'werift-rtp';
import { RtpView, writeRtpPacket, writeRemb, RtpStatus } from '../../src/rtp/index.js';
import { DownTrack, Receiver, SubscriberRtcp, SubscriberSender } from '../../src/sfu/index.js';
import { PacketKind } from '../../src/sfu/pacer/index.js';
import { TwccRecorder } from '../../src/sfu/twcc/index.js';
import { FakeTransport } from './fake-transport.js';

const PUB_TWCC = 3, SUB_TWCC = 5, PUB_LEVEL = 1, SUB_LEVEL = 2;
const view = new RtpView();
const pktBuf = Buffer.alloc(1500);

function packet(ssrc: number, seq: number, ts: number, pt: number, payload: number[] | Uint8Array, exts: { id: number; value: number[] }[]): Buffer {
  const n = writeRtpPacket(pktBuf, 0, { payloadType: pt, sequenceNumber: seq, timestamp: ts, ssrc, extensions: exts.map((e) => ({ id: e.id, value: Uint8Array.from(e.value) })) }, Uint8Array.from(payload));
  assert.ok(n > 0);
  return pktBuf.subarray(0, n);
}

function feed(r: Receiver, p: Buffer, nowMs: number): void {
  assert.is(view.reset(p, 0, p.length), 0);
  r.onRtp(p, view, nowMs);
}

const VP8_KEY = [0x10, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0, 0, 0, 0];
const VP8_DELTA = [0x10, 0x11, 0x00, 0x00];

function extMap(): Uint8Array {
  const m = new Uint8Array(16);
  m[PUB_LEVEL] = SUB_LEVEL;
  m[PUB_TWCC] = SUB_TWCC;
  return m;
}

/** Transport-wide seq (SUB_TWCC) of a sent packet, parsed by werift-rtp. */
function twSeq(b: Buffer): number {
  const p = RtpPacket.deSerialize(b);
  const e = p.header.extensions.find((x) => x.id === SUB_TWCC);
  assert.ok(e, 'transport-wide-cc element present');
  assert.is(e!.payload.length, 2);
  return (e!.payload[0]! << 8) | e!.payload[1]!;
}

interface Call { sender: SubscriberSender; fake: FakeTransport; audio: Receiver; video: Receiver; rtcp: SubscriberRtcp; a: DownTrack; v: DownTrack }

function call(pacer: 'pass-through' | 'leaky-bucket', opts: Partial<ConstructorParameters<typeof SubscriberSender>[0]> = {}): Call {
  const fake = new FakeTransport();
  const sender = new SubscriberSender({ transport: fake, twccExtId: SUB_TWCC, pacer, timer: false, now: () => 0, ...opts });
  const up = new FakeTransport();
  const audio = new Receiver({ trackId: 'A', kind: 'audio', ssrc: 0x1111, codec: { name: 'opus', clockRate: 48000, payloadType: 111 }, upstream: up, rtcpSsrc: 9, nack: false });
  const video = new Receiver({ trackId: 'V', kind: 'video', ssrc: 0x2222, codec: { name: 'VP8', clockRate: 90000, payloadType: 96 }, upstream: up, rtcpSsrc: 9 });
  const a = new DownTrack({ receiver: audio, transport: sender.sinkFor('audio'), retransmitTransport: sender.rtx, ssrc: 0xa0, payloadType: 111, extMap: extMap(), cname: 'c', initialSeq: 0, initialTs: 0 });
  const v = new DownTrack({ receiver: video, transport: sender.sinkFor('video'), retransmitTransport: sender.rtx, ssrc: 0xb0, payloadType: 96, extMap: extMap(), cname: 'c', initialSeq: 0, initialTs: 0 });
  a.start(0); v.start(0);
  const rtcp = new SubscriberRtcp();
  rtcp.add(a); rtcp.add(v);
  rtcp.feedback = sender;
  return { sender, fake, audio, video, rtcp, a, v };
}

test('Receiver -> DownTrack -> pacer: every packet carries our transport-wide seq, +1 per packet across tracks, in the subscriber id; history filled', () => {
  const c = call('pass-through');
  let pubTw = 40000; // the publisher's own numbers: must be replaced
  for (let i = 0; i < 50; i++) {
    feed(c.audio, packet(0x1111, 100 + i, 960 * i, 111, [0xf8, i], [{ id: PUB_LEVEL, value: [0x80 | 20] }, { id: PUB_TWCC, value: [pubTw >> 8, pubTw++ & 0xff] }]), i * 20);
    feed(c.video, packet(0x2222, 500 + i, 3000 * i, 96, i === 0 ? VP8_KEY : VP8_DELTA, [{ id: PUB_TWCC, value: [pubTw >> 8, pubTw++ & 0xff] }]), i * 20);
  }
  assert.is(c.fake.rtp.length, 100);
  const seqs = c.fake.rtp.map(twSeq);
  for (let i = 0; i < seqs.length; i++) assert.is(seqs[i], i, 'our seq, in send order, from 0');
  const ids = RtpPacket.deSerialize(c.fake.rtp[0]!).header.extensions.map((e) => e.id).sort();
  assert.equal(ids, [SUB_LEVEL, SUB_TWCC], 'audio level and TWCC renumbered');
  assert.is(c.sender.cc.history.counters.sent, 100);
  assert.is(c.sender.counters.audio, 50);
  assert.is(c.sender.counters.video, 50);
  assert.is(c.sender.queued, 0, 'slots back');
  assert.is(c.sender.counters.queuedCopies, 0, 'nothing waited: every packet left from the caller\'s buffer, uncopied');
  // Payload and RTP header intact (werift-rtp reads the rest of the packet).
  const p = RtpPacket.deSerialize(c.fake.rtp[1]!);
  assert.is(p.header.ssrc, 0xb0);
  assert.equal([...p.payload], VP8_KEY);
});

test('two subscriber transports on one Receiver: each has its own seq space; the in-place seq write does not leak between them', () => {
  const up = new FakeTransport();
  const r = new Receiver({ trackId: 'A', kind: 'audio', ssrc: 0x1111, codec: { name: 'opus', clockRate: 48000, payloadType: 111 }, upstream: up, rtcpSsrc: 9 });
  const fakes = [new FakeTransport(), new FakeTransport(), new FakeTransport()];
  const senders = fakes.map((f, i) => new SubscriberSender({ transport: f, twccExtId: SUB_TWCC, pacer: 'pass-through', timer: false, cc: { initialSeq: 1000 * i } }));
  const plain = new FakeTransport(); // a third subscriber without TWCC: sees neither our seqs nor the publisher's
  const noTw = new Uint8Array(16); noTw[PUB_LEVEL] = SUB_LEVEL;
  senders.forEach((s, i) => new DownTrack({ receiver: r, transport: s.audio, ssrc: 0xa0 + i, payloadType: 111, extMap: extMap(), cname: 'c', initialSeq: 0, initialTs: 0 }).start(0));
  new DownTrack({ receiver: r, transport: plain, ssrc: 0xaf, payloadType: 111, extMap: noTw, cname: 'c', initialSeq: 0, initialTs: 0 }).start(0);
  for (let i = 0; i < 10; i++) feed(r, packet(0x1111, i, 960 * i, 111, [0xf8, i], [{ id: PUB_TWCC, value: [0x77, i] }, { id: PUB_LEVEL, value: [0x80 | 20] }]), i * 20);
  fakes.forEach((f, k) => assert.equal(f.rtp.map(twSeq), Array.from({ length: 10 }, (_, i) => 1000 * k + i), `transport ${k}`));
  for (const b of plain.rtp) assert.equal(RtpPacket.deSerialize(b).header.extensions.map((e) => e.id), [SUB_LEVEL], 'no TWCC element for the plain subscriber');
});

test('a packet without the TWCC element gets one (seq still in order)', () => {
  const c = call('pass-through');
  for (let i = 0; i < 3; i++) feed(c.audio, packet(0x1111, i, 960 * i, 111, [0xf8, i], i === 1 ? [] : [{ id: PUB_TWCC, value: [0, i] }]), i * 20);
  assert.equal(c.fake.rtp.map(twSeq), [0, 1, 2]);
  assert.is(c.sender.counters.extInserted, 1);
  assert.equal([...RtpPacket.deSerialize(c.fake.rtp[1]!).payload], [0xf8, 1]);
});

test('no TWCC negotiated: packets pass unchanged (no seq, pass-through pacer by default)', () => {
  const fake = new FakeTransport();
  const s = new SubscriberSender({ transport: fake, timer: false });
  assert.is(s.pacerMode, 'pass-through');
  const p = packet(1, 7, 0, 111, [1, 2, 3], [{ id: 3, value: [9, 9] }]);
  assert.ok(s.audio.sendRtp(p, 0, p.length, 0));
  assert.equal([...fake.rtp[0]!], [...p]);
  assert.is(s.cc.history.counters.sent, 0);
});

/** Subscriber side of the simulation: records arrivals of what the fake transport got, sends feedback. */
class FakeSubscriber {
  readonly rec = new TwccRecorder();
  readonly fb = Buffer.alloc(16 * 1024);
  seen = 0;
  constructor(readonly c: Call) {}
  /** Record every newly sent packet as arriving at `arrivalMs(sendIndex)`. */
  arrive(arrivalMs: (i: number) => number): void {
    const rtp = this.c.fake.rtp;
    for (; this.seen < rtp.length; this.seen++) this.rec.record(twSeq(rtp[this.seen]!), arrivalMs(this.seen) * 1000);
  }
  feedback(nowMs: number): number {
    const n = this.rec.buildFeedback(nowMs * 1000, this.fb, 0, 0x5ab, 0xb0);
    if (n > 0) this.c.rtcp.handle(this.fb, n, nowMs);
    return n;
  }
}

/** 1000-byte video packets at `bps` for `ms`, feedback every 50 ms with arrival = send + delay(t). */
function drive(c: Call, sub: FakeSubscriber, fromMs: number, ms: number, bps: number, delay: (tMs: number) => number, seq: { n: number }): void {
  const payload = new Uint8Array(1000);
  payload.set(VP8_DELTA);
  const gap = (1000 * 8 * 1000) / bps;
  const sendTimes: number[] = [];
  let next = fromMs;
  for (let t = fromMs; t < fromMs + ms; t++) {
    while (next <= t) {
      const base = c.fake.rtp.length;
      feed(c.video, packet(0x2222, seq.n & 0xffff, seq.n * 3000, 96, seq.n === 0 ? Uint8Array.from([...VP8_KEY, ...payload.subarray(VP8_KEY.length)]) : payload, [{ id: PUB_TWCC, value: [0, 0] }]), t);
      seq.n++;
      for (let i = base; i < c.fake.rtp.length; i++) sendTimes[i] = t;
      next += gap;
    }
    if (t % 50 === 0) {
      sub.arrive((i) => (sendTimes[i] ?? t) + delay(sendTimes[i] ?? t));
      sub.feedback(t);
    }
    if (t % 20 === 0) c.sender.tick(t);
  }
}

test('synthetic TWCC feedback: steady delay raises the estimate, growing delay lowers it; onEstimate reports both', () => {
  const seen: number[] = [];
  const c = call('pass-through', { onEstimate: (bps) => seen.push(bps) });
  const sub = new FakeSubscriber(c);
  const seq = { n: 0 };
  c.sender.tick(0);
  const start = c.sender.estimateBps;
  assert.is(start, 600_000, 'the configured start bitrate');
  drive(c, sub, 0, 8000, 1_200_000, () => 20, seq);
  const raised = c.sender.estimateBps;
  assert.ok(c.sender.cc.counters.feedbacks >= 150, `feedbacks routed: ${c.sender.cc.counters.feedbacks}`);
  assert.ok(raised > start * 1.2, `steady path: ${start} -> ${raised}`);
  // Queue building: every packet 5 ms later than the one before (a 1.2 Mbit/s sender on a ~0.6 Mbit/s link).
  drive(c, sub, 8000, 2000, 1_200_000, (t) => 20 + (t - 8000) * 0.5, seq);
  const lowered = c.sender.estimateBps;
  assert.ok(lowered < raised * 0.9, `overuse: ${raised} -> ${lowered}`);
  assert.ok(seen.length > 10 && seen[seen.length - 1] === lowered, 'onEstimate got the changes');
  assert.ok(seen.some((x) => x >= raised * 0.99), 'and the raised value');
  const st = c.sender.stats(10_000);
  assert.ok(st.ackedBps > 500_000, `acked bitrate ${st.ackedBps}`);
  assert.is(st.twccFeedbacks, c.sender.cc.counters.feedbacks);
});

test('REMB from the subscriber caps the estimate', () => {
  const c = call('pass-through');
  const sub = new FakeSubscriber(c);
  drive(c, sub, 0, 2000, 1_000_000, () => 20, { n: 0 });
  const b = Buffer.alloc(64);
  const n = writeRemb(b, 0, 0x5ab, 250_000, [0xb0]);
  assert.ok(n > 0);
  c.rtcp.handle(b, n, 2000);
  assert.is(c.sender.cc.counters.rembs, 1);
  assert.ok(Math.abs(c.sender.tick(2020) - 250_000) < 1000, `capped: ${c.sender.estimateBps}`);
});

test('leaky bucket: the release rate follows the estimate (x pacing factor), audio never waits behind queued video', () => {
  const c = call('leaky-bucket', { pacerConfig: { pacingFactor: 1, burstMs: 10, drainWithinMs: 0 } });
  c.sender.pacer.setRate(800_000); // 100 bytes/ms
  const s = c.sender;
  const video = new Uint8Array(1000);
  // 200 video packets (~200 KB) at t = 0: far more than the 10 ms burst.
  for (let i = 0; i < 200; i++) {
    const p = packet(0xb0, i, 0, 96, video, [{ id: SUB_TWCC, value: [0, 0] }]);
    assert.ok(s.video.sendRtp(p, 0, p.length, 0));
  }
  const early = c.fake.rtp.length;
  assert.ok(early <= 2, `only the burst leaves at once: ${early}`);
  // An audio packet now goes out at once, ahead of the queue.
  const ap = packet(0xa0, 1, 0, 111, [0xf8, 1], [{ id: SUB_TWCC, value: [0, 0] }]);
  assert.ok(s.audio.sendRtp(ap, 0, ap.length, 0));
  assert.is(c.fake.rtp.length, early + 1);
  assert.is(RtpPacket.deSerialize(c.fake.rtp[early]!).header.ssrc, 0xa0, 'audio released immediately');
  // Poll every 5 ms for 1 s: bytes released by time t stay within rate x t + one burst + one MTU.
  let bytes = 0;
  for (let t = 5; t <= 1000; t += 5) {
    s.poll(t);
    bytes = c.fake.rtp.reduce((a, b) => a + b.length, 0);
    assert.ok(bytes <= 100 * t + 1000 + 1500 + ap.length + 1500, `t=${t}: ${bytes} bytes released`);
  }
  assert.ok(bytes >= 100 * 1000 * 0.9, `and the link is used: ${bytes} bytes in 1 s`);
  // Seqs in release order (audio got its seq when it left, between the video packets).
  const seqs = c.fake.rtp.map(twSeq);
  for (let i = 0; i < seqs.length; i++) assert.is(seqs[i], i);
  assert.ok(s.counters.queuedCopies >= 190, `waiting packets were copied into the slab: ${s.counters.queuedCopies}`);
  const q = s.queueDelay(1000);
  assert.ok(q.p99 > 100, `video waited: p99 ${q.p99} ms`);
});

test('bounded queue: the oldest video goes first when full, slots are recycled, RTX goes before video', () => {
  const c = call('leaky-bucket', { slots: 9, pacerConfig: { pacingFactor: 1, burstMs: 1, drainWithinMs: 0 } });
  const s = c.sender;
  s.pacer.setRate(100_000);
  const v = new Uint8Array(1000);
  for (let i = 0; i < 20; i++) { const p = packet(0xb0, i, 0, 96, v, []); s.video.sendRtp(p, 0, p.length, 0); }
  assert.ok(s.queued <= 8, `queued ${s.queued}`);
  assert.ok(s.pacer.counters.droppedVideo >= 10, `dropped ${s.pacer.counters.droppedVideo}`);
  assert.is(s.queued + c.fake.rtp.length + s.pacer.counters.droppedVideo, 20, 'every packet queued, sent or dropped');
  const r = packet(0xb1, 99, 0, 97, [0, 5, 1, 2], []);
  s.rtx.sendRtp(r, 0, r.length, 0);
  const before = c.fake.rtp.length;
  for (let t = 100; t < 3000 && s.queued > 0; t += 100) s.poll(t);
  const after = c.fake.rtp.slice(before).map((b) => RtpPacket.deSerialize(b).header);
  assert.is(after[0]!.ssrc, 0xb1, 'the retransmission first');
  // The oldest video was dropped: the newest ones remain, in order.
  const vs = after.filter((h) => h.ssrc === 0xb0).map((h) => h.sequenceNumber);
  assert.equal(vs, [...vs].sort((a, b) => a - b));
  assert.is(vs[vs.length - 1], 19);
  assert.is(s.queued, 0);
  assert.is(s.counters.dropped, s.pacer.counters.droppedVideo);
});

test('default drain: a queue the estimate alone would hold for 6.4 s empties in about half that (control: no drain)', () => {
  const drainMs = (cfg: Record<string, number>): number => {
    const c = call('leaky-bucket', { pacerConfig: cfg });
    const s = c.sender;
    s.pacer.setRate(100_000); // x 2.5 pacing = 250 kbit/s: 200 KB take 6.4 s
    const v = new Uint8Array(1000);
    for (let i = 0; i < 200; i++) { const p = packet(0xb0, i, 0, 96, v, [{ id: SUB_TWCC, value: [0, 0] }]); s.video.sendRtp(p, 0, p.length, 0); }
    let t = 0;
    for (; t <= 10_000 && s.queued > 0; t += 5) s.poll(t);
    assert.is(s.queued, 0);
    assert.is(s.counters.dropped, 0);
    return t;
  };
  const withDrain = drainMs({}), without = drainMs({ drainWithinMs: 0 });
  assert.ok(without >= 6000, `no drain: ${without} ms`);
  assert.ok(withDrain <= 3200, `default drain: ${withDrain} ms`);
});

test('RR fraction lost feeds the loss-based rate only while no TWCC feedback came; close() frees everything', () => {
  const c = call('pass-through');
  c.sender.tick(0);
  c.sender.onFractionLost(128, 100); // 50 % loss
  c.sender.onFractionLost(128, 400);
  const lowered = c.sender.tick(500);
  assert.ok(lowered < 600_000, `loss lowers the estimate: ${lowered}`);
  c.sender.close();
  assert.ok(c.sender.closed);
  const p = packet(1, 1, 0, 111, [1], []);
  assert.not.ok(c.sender.audio.sendRtp(p, 0, p.length, 0));
  assert.is(c.sender.tick(600), 0);
  assert.is(PacketKind.AUDIO, 0);
  assert.is(RtpStatus.OK, 0);
});

test.run();
