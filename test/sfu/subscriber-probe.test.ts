// Bandwidth probing on the subscriber transport: SubscriberSender.maybeProbe sends a cluster
// of recent video packets re-sent as RTX (RFC 4588) through its probe sink, faster than the
// target, each with our transport-wide seq; the subscriber's TWCC feedback about them (a
// real TwccRecorder) gives the ProbeEstimator a result that raises the estimate. werift-rtp
// reads what was sent. ProbeController: rate limit and back-off.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RtpPacket } from 'werift-rtp';
import { RtpView, writeRtpPacket } from '../../src/rtp/index.js';
import { DownTrack, Receiver, SubscriberRtcp, SubscriberSender, type ProbeSource } from '../../src/sfu/index.js';
import { ProbeController } from '../../src/sfu/bwe/index.js';
import { TwccRecorder } from '../../src/sfu/twcc/index.js';
import { FakeTransport } from './fake-transport.js';

const PUB_TWCC = 3, SUB_TWCC = 5, RTX_SSRC = 0xc0, RTX_PT = 97;
const view = new RtpView();
const pktBuf = Buffer.alloc(1500);
const VP8_KEY = [0x10, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0, 0, 0, 0];

function twSeq(b: Buffer): number {
  const e = RtpPacket.deSerialize(b).header.extensions.find((x) => x.id === SUB_TWCC);
  assert.ok(e && e.payload.length === 2, 'transport-wide-cc element');
  return (e!.payload[0]! << 8) | e!.payload[1]!;
}

function setup(rtx: boolean, nowRef: { t: number }) {
  const fake = new FakeTransport();
  const sender = new SubscriberSender({ transport: fake, twccExtId: SUB_TWCC, pacer: 'pass-through', timer: false, now: () => nowRef.t });
  const video = new Receiver({ trackId: 'V', kind: 'video', ssrc: 0x2222, codec: { name: 'VP8', clockRate: 90000, payloadType: 96 }, upstream: new FakeTransport(), rtcpSsrc: 9 });
  const m = new Uint8Array(16); m[PUB_TWCC] = SUB_TWCC;
  const v = new DownTrack({ receiver: video, transport: sender.sinkFor('video'), retransmitTransport: sender.rtx, ssrc: 0xb0, payloadType: 96, extMap: m, cname: 'c', initialSeq: 0, initialTs: 0, ...(rtx ? { rtx: { ssrc: RTX_SSRC, payloadType: RTX_PT } } : {}) });
  v.start(0);
  const rtcp = new SubscriberRtcp();
  rtcp.add(v);
  rtcp.feedback = sender;
  const source: ProbeSource = { sendProbe: (sink, back) => v.retransmitter!.sendProbe(sink, back) };
  return { fake, sender, video, v, rtcp, source };
}

/** 40 x 1000-byte video packets, 25 ms apart (320 kbit/s), each arriving 20 ms later; feedback at the end. */
function warmUp(s: ReturnType<typeof setup>, rec: TwccRecorder, fb: Buffer): void {
  const payload = new Uint8Array(1000);
  for (let i = 0; i < 40; i++) {
    // A key frame every 10 packets (one packet each here), delta frames between.
    payload.set(VP8_KEY); if (i % 10 !== 0) payload[1] = 0x11;
    const n = writeRtpPacket(pktBuf, 0, { payloadType: 96, sequenceNumber: 100 + i, timestamp: 3000 * i, ssrc: 0x2222, extensions: [{ id: PUB_TWCC, value: Uint8Array.of(0, 0) }] }, payload);
    assert.is(view.reset(pktBuf, 0, n), 0);
    s.video.onRtp(pktBuf.subarray(0, n), view, i * 25);
    rec.record(twSeq(s.fake.rtp[s.fake.rtp.length - 1]!), (i * 25 + 20) * 1000);
    if (i % 4 === 3) { const k = rec.buildFeedback((i * 25 + 20) * 1000, fb, 0, 0x5ab, 0xb0); s.rtcp.handle(fb, k, i * 25 + 20); }
  }
  s.sender.tick(1000);
}

test('a probe cluster: 15 recent packets re-sent as RTX at ~2.5x the target, our seqs in order; the feedback raises the estimate', () => {
  const now = { t: 1000 };
  const s = setup(true, now);
  const rec = new TwccRecorder();
  const fb = Buffer.alloc(16 * 1024);
  warmUp(s, rec, fb);
  const before = s.sender.estimateBps;
  assert.ok(before > 0, `an estimate: ${before}`);
  const sentBefore = s.fake.rtp.length;
  assert.is(s.sender.maybeProbe(1000, false, s.source), false, 'not deficient: no probe');
  assert.ok(s.sender.maybeProbe(1000, true, s.source), 'deficient: a cluster starts');
  assert.ok(s.sender.probing);
  for (let t = 1000; t <= 1400 && s.sender.probing; t++) { now.t = t; s.sender.poll(t); }
  assert.not.ok(s.sender.probing, 'cluster done');
  const probes = s.fake.rtp.slice(sentBefore);
  assert.is(probes.length, 15);
  assert.is(s.sender.counters.probes, 15);
  assert.is(s.v.retransmitter!.counters.probes, 15);
  const firstTw = twSeq(probes[0]!);
  const media = new Map(s.fake.rtp.slice(0, sentBefore).map((b) => { const p = RtpPacket.deSerialize(b); return [p.header.sequenceNumber, p] as const; }));
  probes.forEach((b, i) => {
    const p = RtpPacket.deSerialize(b);
    assert.is(p.header.ssrc, RTX_SSRC);
    assert.is(p.header.payloadType, RTX_PT);
    assert.is(twSeq(b), (firstTw + i) & 0xffff, 'our transport-wide seq, +1 per probe');
    const osn = (p.payload[0]! << 8) | p.payload[1]!;
    const orig = media.get(osn);
    assert.ok(orig, `OSN ${osn} is a packet we sent`);
    assert.equal([...p.payload.subarray(2)], [...orig!.payload], 'RTX payload = the original payload');
    assert.is(p.payload[3]! & 1, 1, `probe ${i} is not a key frame packet (a receiver would restart from a lone copy)`);
  });
  // The newest packets first (back 0, 1, ...).
  assert.is((RtpPacket.deSerialize(probes[0]!).payload[0]! << 8 | RtpPacket.deSerialize(probes[0]!).payload[1]!), RtpPacket.deSerialize(s.fake.rtp[sentBefore - 1]!).header.sequenceNumber);
  // Spacing: 15 x ~1020 bytes at 2.5x the target.
  const rate = Math.max(300_000, before * 2.5);
  const spanMs = 14 * 1020 * 8000 / rate;
  assert.ok(now.t - 1000 >= spanMs * 0.8 && now.t - 1000 <= spanMs * 1.3 + 2, `span ${now.t - 1000} ms vs ${spanMs.toFixed(1)} ms`);
  // The path carried them as sent: arrivals = send times + 20 ms.
  for (let i = 0; i < probes.length; i++) rec.record(twSeq(probes[i]!), (1000 + (i * spanMs) / 14 + 20) * 1000);
  const k = rec.buildFeedback(1500 * 1000, fb, 0, 0x5ab, 0xb0);
  s.rtcp.handle(fb, k, 1500);
  assert.not.ok(s.sender.cc.probe.inProgress, 'cluster result in');
  assert.ok(s.sender.cc.probe.resultBps > before * 1.5, `probe result ${s.sender.cc.probe.resultBps} vs target ${before}`);
  assert.is(s.sender.probe.counters.successes, 1);
  s.sender.tick(1520);
  assert.ok(s.sender.estimateBps > before * 1.5, `estimate raised: ${before} -> ${s.sender.estimateBps}`);
  // Rate limit: no second cluster within 2 s of the first.
  assert.is(s.sender.maybeProbe(1600, true, s.source), false);
  assert.ok(s.sender.maybeProbe(3001, true, s.source), 'one after 2 s');
});

test('no RTX negotiated: nothing to probe with, no packet sent, no back-off', () => {
  const now = { t: 1000 };
  const s = setup(false, now);
  warmUp(s, new TwccRecorder(), Buffer.alloc(16 * 1024));
  const n = s.fake.rtp.length;
  s.sender.maybeProbe(1000, true, s.source);
  assert.not.ok(s.sender.probing);
  assert.is(s.fake.rtp.length, n);
  assert.is(s.sender.probe.counters.failures, 0);
  assert.not.ok(s.sender.cc.probe.inProgress);
});

test('ProbeController: not while congested, one cluster at a time, back-off doubles on no headroom and resets on success', () => {
  const c = new ProbeController({ minIntervalMs: 2000, maxIntervalMs: 8000 });
  assert.is(c.next(0, true, true, 500_000), 0, 'congested');
  assert.is(c.next(0, true, false, 500_000), 1_250_000);
  assert.is(c.next(1000, true, false, 500_000), 0, 'still running');
  c.onResult(520_000); // < 1.1 x target: no headroom
  assert.is(c.intervalMs, 4000);
  assert.is(c.next(3000, true, false, 500_000), 0, '4 s after the start only');
  assert.ok(c.next(4000, true, false, 500_000) > 0);
  c.onResult(-1);
  assert.is(c.intervalMs, 8000);
  assert.is(c.next(11_000, true, false, 500_000), 0);
  assert.ok(c.next(12_000, true, false, 500_000) > 0);
  // No result within timeoutMs: given up (a failure).
  assert.is(c.next(14_500, true, false, 500_000), 0);
  assert.is(c.counters.timeouts, 1);
  assert.is(c.intervalMs, 8000, 'capped');
  assert.ok(c.next(20_000, true, false, 500_000) > 0);
  c.onResult(900_000);
  assert.is(c.intervalMs, 2000);
  assert.is(c.counters.successes, 1);
});

test.run();
