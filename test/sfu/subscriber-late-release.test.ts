// NACK age with a pacer that holds packets: the DownTrack's Sequencer records a packet when
// it is handed to the SubscriberSender; a leaky bucket may release it much later. With the
// late-release hook the Sequencer is re-dated to the release, so a NACK that comes soon
// after the packet really left is answered; the control (no hook) refuses it as too old.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RtpPacket } from 'werift-rtp';
import { RtpView, writeRtpPacket } from '../../src/rtp/index.js';
import { DownTrack, Receiver, SubscriberSender } from '../../src/sfu/index.js';
import { FakeTransport } from './fake-transport.js';

const view = new RtpView();
const pktBuf = Buffer.alloc(1500);

function run(hook: boolean): { dt: DownTrack; fake: FakeTransport; lastSeq: number; released: number[] } {
  const fake = new FakeTransport();
  // 80 kbit/s, no drain boost: a 1000-byte packet leaves every ~100 ms.
  const sender = new SubscriberSender({ transport: fake, twccExtId: 5, pacer: 'leaky-bucket', timer: false, now: () => 0, pacerConfig: { pacingFactor: 1, burstMs: 10, drainWithinMs: 0, initialRateBps: 80_000 } });
  const video = new Receiver({ trackId: 'V', kind: 'video', ssrc: 0x2222, codec: { name: 'VP8', clockRate: 90000, payloadType: 96 }, upstream: new FakeTransport(), rtcpSsrc: 9 });
  const m = new Uint8Array(16); m[3] = 5;
  const dt = new DownTrack({ receiver: video, transport: sender.sinkFor('video'), retransmitTransport: sender.rtx, ssrc: 0xb0, payloadType: 96, extMap: m, cname: 'c', initialSeq: 0, initialTs: 0, rtx: { ssrc: 0xc0, payloadType: 97 } });
  dt.start(0);
  const released: number[] = [];
  if (hook) sender.onLateRelease((ssrc, seq, nowMs) => { assert.is(ssrc, 0xb0); released.push(seq); dt.retransmitter!.sequencer.setSentMs(seq, nowMs); });
  const payload = new Uint8Array(1000); payload.set([0x10, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a]);
  for (let i = 0; i < 20; i++) {
    const n = writeRtpPacket(pktBuf, 0, { payloadType: 96, sequenceNumber: 100 + i, timestamp: 3000 * i, ssrc: 0x2222, extensions: [{ id: 3, value: Uint8Array.of(0, 0) }] }, payload);
    assert.is(view.reset(pktBuf, 0, n), 0);
    video.onRtp(pktBuf.subarray(0, n), view, 0);
  }
  assert.ok(fake.rtp.length <= 2, 'most packets wait in the pacer');
  for (let t = 10; t <= 2500; t += 10) sender.poll(t);
  assert.is(fake.rtp.length, 20, 'all released by 2.5 s');
  const lastSeq = RtpPacket.deSerialize(fake.rtp[19]!).header.sequenceNumber;
  return { dt, fake, lastSeq, released };
}

test('a packet released 1.9 s after it was handed in is dated at its release: a NACK 0.3 s later is answered', () => {
  const { dt, lastSeq, released } = run(true);
  assert.ok(released.length >= 18, `late releases reported: ${released.length}`);
  const sq = dt.retransmitter!.sequencer;
  const sent = sq.sentMs(sq.lookup(lastSeq));
  assert.ok(sent >= 1700 && sent <= 2500, `re-dated to its release: ${sent}`);
  const slots = new Int32Array(4);
  assert.is(dt.retransmitter!.responder.respond([lastSeq], 1, sent + 300, 10, slots), 1, 'answered');
});

test('control: without the hook the same NACK is refused as too old', () => {
  const { dt, lastSeq, released } = run(false);
  assert.is(released.length, 0);
  const sq = dt.retransmitter!.sequencer;
  assert.is(sq.sentMs(sq.lookup(lastSeq)), 0, 'dated at hand-in');
  const r = dt.retransmitter!.responder;
  assert.is(r.respond([lastSeq], 1, 2200, 10, new Int32Array(4)), 0);
  assert.is(r.tooOld, 1);
});

test('Sequencer.setSentMs: unknown seqs are refused', () => {
  const { dt } = run(false);
  assert.not.ok(dt.retransmitter!.sequencer.setSentMs(60_000, 5));
});

test.run();
