// The pieces wired the way the Receiver and DownTrack should use them, over a fake
// network with a fake clock: upstream NACK -> publisher RTX -> unwrap -> recovered;
// downstream forward -> subscriber NACK (its own seq space) -> RTX from the cache.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SeqUnwrapper, PacketCache, CachePut, StreamStats, StreamPacket } from '../../../src/sfu/buffer/index.js';
import { NackGenerator, NackPacket, Sequencer, NackResponder, writeRtx, wrapRtxInPlace, unwrapRtx, RtxMapping } from '../../../src/sfu/nack/index.js';
import { RtpView, RtpStatus, NackView, writeRtpPacket } from '../../../src/rtp/index.js';
import { RtpMunger, MungeResult } from '../../../src/sfu/rtp-munger.js';

const PUB_SSRC = 0x1000, PUB_RTX = 0x1001, SUB_SSRC = 0x2000, SUB_RTX = 0x2001;

function publisherPacket(seq: number): Buffer {
  const b = Buffer.alloc(1500);
  const n = writeRtpPacket(b, 0, { payloadType: 96, sequenceNumber: seq & 0xffff, timestamp: (seq * 3000) >>> 0, ssrc: PUB_SSRC,
    extensions: [{ id: 3, value: Buffer.from([seq >> 8, seq]) }] }, Buffer.alloc(200 + (seq % 50), seq & 0xff));
  return Buffer.from(b.subarray(0, n)); // alone in its Buffer, as from dgram
}

test('upstream: lost packets are NACKed, come back as RTX, are unwrapped and fill the gaps', () => {
  // Receiver state (one per published SSRC).
  const un = new SeqUnwrapper();
  const cache = new PacketCache({ slotSize: 1500, slots: 512 });
  const stats = new StreamStats(90000);
  const gen = new NackGenerator();
  const rtxMap = new RtxMapping().addSsrc(PUB_RTX, PUB_SSRC).addPt(97, 96);
  const v = new RtpView(), nv = new NackView();
  const scratch = Buffer.alloc(1500), rtcp = Buffer.alloc(1500), lost = new Uint16Array(512);
  // Publisher state: what it sent (for its own retransmissions).
  const sent = new Map<number, Buffer>();
  let pubRtxSeq = 100;
  const recovered: number[] = [];

  const ingress = (buf: Buffer, off: number, len: number, now: number) => {
    assert.is(v.reset(buf, off, len), RtpStatus.OK);
    const ext = un.unwrap(v.sequenceNumber);                        // 1. widen once
    stats.update(ext, v.timestamp, len, now);                       // 2. stats
    const put = cache.put(ext, buf, off, len, now);                 // 3. cache (for downstream NACKs)
    const g = gen.onPacket(ext, now);                               // 4. loss tracking
    if (g === NackPacket.RECOVERED) { recovered.push(v.sequenceNumber); assert.is(put, CachePut.OK); }
  };

  let now = 0;
  const dropped = new Set([65530, 65531, 0, 7, 8, 9, 40]);
  for (let i = 0; i < 120; i++) {
    const seq = (65500 + i) & 0xffff;
    const p = publisherPacket(seq);
    sent.set(seq, p);
    now += 5;
    if (!dropped.has(seq)) ingress(p, 0, p.length, now);
    if (i % 4 === 3) { // the Receiver's 20 ms RTCP tick
      const n = gen.tick(now, 30, rtcp, 0, 0xabc, PUB_SSRC);
      if (n > 0) {
        // Publisher side: parse the NACK, send RTX for each lost seq; the network delivers it 15 ms later (here: now).
        assert.is(nv.reset(rtcp, 0, n), RtpStatus.OK);
        const k = nv.fillLost(lost);
        for (let j = 0; j < k; j++) {
          const orig = sent.get(lost[j])!;
          const r = Buffer.alloc(1500);
          const rl = writeRtx(orig, 0, orig.length, r, 0, PUB_RTX, 97, pubRtxSeq++);
          assert.ok(rl > 0);
          // Receiver: an RTX SSRC -> unwrap into scratch, then the same ingress.
          const ul = unwrapRtx(r, 0, rl, rtxMap, scratch, 0);
          assert.is(ul, orig.length);
          ingress(scratch, 0, ul, now);
        }
      }
    }
  }
  assert.equal(recovered.sort((a, b) => a - b), [...dropped].sort((a, b) => a - b));
  assert.is(gen.missing, 0);
  assert.is(stats.lost, 0);
  assert.is(stats.reordered, dropped.size);
  for (let i = 0; i < 120; i++) {
    const seq = (65500 + i) & 0xffff;
    const o = cache.get(un.peek(seq));
    assert.ok(o >= 0 && cache.slab.subarray(o, o + cache.length).equals(sent.get(seq)!), `seq ${seq}`);
  }
  assert.is(stats.update(un.peek(65531), 0, 1, now), StreamPacket.DUPLICATE);
});

test('downstream: a subscriber NACK in its own seq space is answered with RTX of the right munged packets', () => {
  const un = new SeqUnwrapper();
  const cache = new PacketCache({ slotSize: 1500, slots: 512 });
  // DownTrack state.
  const munger = new RtpMunger(90000, 65530, 777); // subscriber seqs start near the wrap
  const sequencer = new Sequencer(512);
  const responder = new NackResponder(sequencer);
  const v = new RtpView();
  const sendSlot = Buffer.alloc(1536); // a send-queue slot
  const delivered = new Map<number, Buffer>(); // what the subscriber got (or should have), by its seq
  const subMap = new RtxMapping().addSsrc(SUB_RTX, SUB_SSRC).addPt(97, 96);
  let now = 0;
  for (let i = 0; i < 60; i++) {
    const p = publisherPacket(1000 + i);
    now += 5;
    const ext = un.unwrap(1000 + i);
    cache.put(ext, p, 0, p.length, now);
    // Forward: copy, munge in place, remember the mapping.
    assert.is(munger.translate(1000 + i, (((1000 + i) * 3000) >>> 0), now), MungeResult.Forward);
    const n = cache.copyTo(ext, sendSlot, 0);
    v.reset(sendSlot, 0, n);
    v.setSsrc(SUB_SSRC); v.setSequenceNumber(munger.outSeq); v.setTimestamp(munger.outTs);
    sequencer.push(munger.outSeq, ext, munger.outTs, n, now);
    delivered.set(munger.outSeq, Buffer.from(sendSlot.subarray(0, n)));
  }
  // The subscriber lost 65531, 65535, 0 and 20 of ITS sequence numbers.
  const lostSub = new Uint16Array([65531, 65535, 0, 20]);
  const slots = new Int32Array(16);
  const k = responder.respond(lostSub, 4, now + 10, 40, slots);
  assert.is(k, 4);
  let rtxSeq = 5;
  const back = Buffer.alloc(1500);
  for (let j = 0; j < k; j++) {
    const s = slots[j];
    // Retransmit: copy from the cache 2 bytes in, munge like the original send, wrap in place.
    const n = cache.copyTo(sequencer.srcExtSeq(s), sendSlot, 2);
    assert.ok(n > 0);
    v.reset(sendSlot, 2, n);
    v.setSsrc(SUB_SSRC); v.setSequenceNumber(sequencer.outSeq(s)); v.setTimestamp(sequencer.outTs(s));
    const rl = wrapRtxInPlace(sendSlot, 2, n, SUB_RTX, 97, rtxSeq++);
    assert.is(rl, n + 2);
    // Subscriber: unwrap and compare with what it lost.
    const ul = unwrapRtx(sendSlot, 0, rl, subMap, back, 0);
    assert.ok(back.subarray(0, ul).equals(delivered.get(lostSub[j])!), `sub seq ${lostSub[j]}`);
  }
  // The same NACK again right away: RTT-gated.
  assert.is(responder.respond(lostSub, 4, now + 20, 40, slots), 0);
  assert.is(responder.tooSoon, 4);
});

test.run();
