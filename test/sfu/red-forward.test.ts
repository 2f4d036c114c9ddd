// RED from a publisher: a subscriber that negotiated red gets the RED packets as they are
// (its RED payload type); one that did not gets the primary block alone as plain Opus
// (its Opus payload type), in one continuous stream with the publisher's plain Opus
// packets. The source packet is shared by the fan-out, so the order of DownTracks must
// not matter. A DTX silence (no packets, timestamps jump) is no loss.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RtpPacket, Red } from 'werift-rtp';
import { RtpView, writeRedPayload, writeRtpPacket } from '../../src/rtp/index.js';
import { DownTrack, Receiver, RedToPrimary } from '../../src/sfu/index.js';
import { FakeTransport } from './fake-transport.js';

const OPUS = 111, RED = 63;
const view = new RtpView();
const buf = Buffer.alloc(1500);

/** A RED packet: one redundant block (the previous frame) + the primary, or plain Opus when red is false. */
function packet(seq: number, ts: number, red: boolean, frame: number): Buffer {
  const primary = Uint8Array.from([0xfc, frame, frame, frame, frame]);
  const prev = Uint8Array.from([0xfc, frame - 1, frame - 1]);
  const payload = Buffer.alloc(200);
  const pl = red ? writeRedPayload(payload, 0, [{ payloadType: OPUS, data: prev, tsOffset: 960 }], { payloadType: OPUS, data: primary, tsOffset: 0 }) : primary.length;
  if (!red) payload.set(primary, 0);
  assert.ok(pl > 0);
  const n = writeRtpPacket(buf, 0, { payloadType: red ? RED : OPUS, sequenceNumber: seq, timestamp: ts, ssrc: 0x4242, extensions: [{ id: 1, value: Uint8Array.from([0x80 | 20]) }] }, payload.subarray(0, pl));
  assert.ok(n > 0);
  return buf.subarray(0, n);
}

test('RedToPrimary writes the primary block as plain Opus (werift-rtp parses the RED the same way)', () => {
  const p = packet(7, 96000, true, 9);
  assert.is(view.reset(p, 0, p.length), 0);
  const w = Red.deSerialize(RtpPacket.deSerialize(Buffer.from(p)).payload);
  assert.is(w.blocks.length, 2, 'werift: redundant + primary');
  const c = new RedToPrimary();
  const n = c.toPrimary(view, 109);
  assert.ok(n > 0);
  const out = RtpPacket.deSerialize(Buffer.from(c.buf.subarray(0, n)));
  assert.is(out.header.payloadType, 109);
  assert.is(out.header.sequenceNumber, 7);
  assert.is(out.header.timestamp, 96000);
  assert.equal([...out.payload], [...w.blocks[1]!.block], 'the primary block');
  assert.equal([...out.payload], [0xfc, 9, 9, 9, 9]);
  assert.equal(out.header.extensions.map((e) => e.id), [1], 'header extensions kept');
  // Malformed RED (a redundant block longer than the payload): refused, not thrown.
  const bad = Buffer.from(p);
  bad[view.payloadOffset + 3] = 0xff;
  view.reset(bad, 0, bad.length);
  assert.is(c.toPrimary(view, 109), 0);
  assert.is(c.failed, 1);
});

test('fan-out: RED subscriber gets RED, the other gets plain Opus; one continuous stream; DTX silence is no loss', () => {
  const r = new Receiver({ trackId: 'TR_a', kind: 'audio', ssrc: 0x4242, codec: { name: 'opus', clockRate: 48000, payloadType: OPUS }, upstream: new FakeTransport(), rtcpSsrc: 1, redPayloadType: RED });
  const tPlain = new FakeTransport(), tRed = new FakeTransport();
  const map = new Uint8Array(256); map[1] = 1;
  // The plain subscriber first: it must not spoil the shared packet for the RED one.
  const plain = new DownTrack({ receiver: r, transport: tPlain, ssrc: 0xa1, payloadType: 109, extMap: map, cname: 'c', initialSeq: 100, initialTs: 0 });
  const withRed = new DownTrack({ receiver: r, transport: tRed, ssrc: 0xa2, payloadType: 111, redPayloadType: 120, extMap: map, cname: 'c', initialSeq: 500, initialTs: 0 });
  plain.start(0); withRed.start(0);
  const kinds = [true, true, false, true, true, true];
  const tsOf = [0, 960, 1920, 2880, 2880 + 48000, 2880 + 48960]; // a 1 s DTX silence before the 5th packet
  for (let i = 0; i < kinds.length; i++) {
    const p = packet(1000 + i, tsOf[i]!, kinds[i]!, i + 1);
    view.reset(p, 0, p.length);
    r.onRtp(p, view, i * 20 + (i >= 4 ? 1000 : 0));
  }
  const a = tPlain.rtp.map((b) => RtpPacket.deSerialize(b));
  const b = tRed.rtp.map((x) => RtpPacket.deSerialize(x));
  assert.is(a.length, 6);
  assert.is(b.length, 6);
  for (let i = 0; i < 6; i++) {
    assert.is(a[i]!.header.payloadType, 109, 'plain Opus PT for the non-RED subscriber');
    assert.equal([...a[i]!.payload], [0xfc, i + 1, i + 1, i + 1, i + 1], `primary only (${i})`);
    assert.is(a[i]!.header.sequenceNumber, 100 + i);
    assert.is(a[i]!.header.timestamp, tsOf[i]);
    assert.is(b[i]!.header.sequenceNumber, 500 + i);
    assert.is(b[i]!.header.payloadType, kinds[i] ? 120 : 111, 'RED keeps RED (subscriber PT); plain stays Opus');
    if (kinds[i]) {
      const red = Red.deSerialize(b[i]!.payload);
      assert.is(red.blocks.length, 2);
      assert.equal([...red.blocks[1]!.block], [0xfc, i + 1, i + 1, i + 1, i + 1]);
    }
  }
  assert.is(r.stats.lost, 0, 'the DTX silence is not loss');
  assert.is(r.counters.otherPayloadType, 0);
  assert.is(plain.counters.packetsSent, 6);
});

test('without a negotiated RED payload type, RED packets are not forwarded (as before)', () => {
  const r = new Receiver({ trackId: 'TR_a', kind: 'audio', ssrc: 0x4242, codec: { name: 'opus', clockRate: 48000, payloadType: OPUS }, upstream: new FakeTransport(), rtcpSsrc: 1 });
  const t = new FakeTransport();
  new DownTrack({ receiver: r, transport: t, ssrc: 5, payloadType: 111, extMap: new Uint8Array(256), cname: 'c' }).start(0);
  const p = packet(1, 0, true, 1);
  view.reset(p, 0, p.length);
  r.onRtp(p, view, 0);
  assert.is(t.rtp.length, 0);
  assert.is(r.counters.otherPayloadType, 1);
});

test.run();
