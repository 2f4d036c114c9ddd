import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Sequencer, NackResponder } from '../../../src/sfu/nack/index.js';
import { SeqUnwrapper, PacketCache, CachePut } from '../../../src/sfu/buffer/index.js';
import { RtpMunger, MungeResult } from '../../../src/sfu/rtp-munger.js';
import { NackView, writeNack, RtpStatus } from '../../../src/rtp/index.js';

test('maps outgoing seqs back to source extended seqs across the 16-bit wrap', () => {
  const s = new Sequencer(64);
  for (let i = 0; i < 40; i++) s.push((65520 + i) & 0xffff, 500_000 + i, 1000 + i * 3000, 1200, i);
  for (let i = 0; i < 40; i++) {
    const slot = s.lookup((65520 + i) & 0xffff);
    assert.ok(slot >= 0, `i=${i}`);
    assert.is(s.srcExtSeq(slot), 500_000 + i);
    assert.is(s.outTs(slot), 1000 + i * 3000);
    assert.is(s.sentMs(slot), i);
    assert.is(s.bytes(slot), 1200);
    assert.is(s.rtxCount(slot), 0);
  }
  assert.is(s.highest, (65520 + 39) & 0xffff);
  assert.is(s.lookup(24), -1); // after highest (23): never sent
  assert.is(s.lookup(65519), -1); // before the first
});

test('entries older than the ring are gone; skipped sequence numbers do not alias', () => {
  const s = new Sequencer(16);
  for (let q = 0; q < 40; q++) s.push(q, q + 1000, 0, 100, 0);
  assert.is(s.lookup(23), -1);
  assert.is(s.srcExtSeq(s.lookup(24)), 1024);
  s.push(50, 2000, 0, 100, 0); // 40..49 never sent (e.g. dropped by the forwarder)
  assert.is(s.lookup(45), -1);
  assert.is(s.lookup(34), -1); // same slot as 50 - 16, but out of the window
  assert.is(s.srcExtSeq(s.lookup(39)), 1039);
  s.push(100, 3000, 0, 100, 0); // a jump larger than the ring clears it
  for (let q = 85; q < 100; q++) assert.is(s.lookup(q), -1);
  assert.is(s.srcExtSeq(s.lookup(100)), 3000);
});

test('with the munger: a source switch changes the offset; NACKed outgoing seqs find the right source packets in the cache', () => {
  // One Receiver (cache + unwrapper) per source SSRC, as with simulcast layers; the
  // sequencer entry stores the source seq with the layer in the high part to pick the cache.
  const caches = [new PacketCache({ slotSize: 200, slots: 256 }), new PacketCache({ slotSize: 200, slots: 256 })];
  const seq = new Sequencer(256);
  const munger = new RtpMunger(90000, 65500, 0); // subscriber starts near the wrap
  const unA = new SeqUnwrapper(), unB = new SeqUnwrapper();
  const pkt = Buffer.alloc(100);
  let now = 0;
  const sendFrom = (un: SeqUnwrapper, inSeq: number, tag: number) => {
    const ext = un.unwrap(inSeq);
    pkt.fill(tag); pkt[0] = 0x80; pkt.writeUInt16BE(inSeq, 2);
    assert.is(caches[tag - 1].put(ext, pkt, 0, 100, now), CachePut.OK);
    assert.is(munger.translate(inSeq, inSeq * 3000, now), MungeResult.Forward);
    seq.push(munger.outSeq, ext + tag * 1_000_000, munger.outTs, 100, now);
    now += 10;
  };
  for (let q = 30000; q < 30020; q++) sendFrom(unA, q, 1);
  munger.switchSource();
  for (let q = 65530; q < 65536 + 20; q++) sendFrom(unB, q & 0xffff, 2);
  // Outgoing 65500..65519 came from A 30000..30019; 65520..9 (wrapping) from B 65530..65555.
  assert.is(seq.lookup(10), -1);
  const nacked = [65505, 65519, 65520, 65535, 0, 9];
  const want = [[1, 30005], [1, 30019], [2, 65530], [2, 65545], [2, 65546], [2, 65555]];
  nacked.forEach((o, i) => {
    const slot = seq.lookup(o);
    assert.ok(slot >= 0, `out ${o}`);
    const src = seq.srcExtSeq(slot);
    const cache = caches[Math.floor(src / 1_000_000) - 1];
    const off = cache.get(src % 1_000_000);
    assert.ok(off >= 0);
    assert.is(cache.slab[off + 4], want[i][0]);
    assert.is(cache.slab.readUInt16BE(off + 2), want[i][1] & 0xffff);
  });
});

test('responder: RTT gating, max retransmits, too old, unknown and padding entries', () => {
  const s = new Sequencer(64);
  for (let q = 0; q < 10; q++) s.push(q, q === 7 ? -1 : 100 + q, 0, 1000, 0);
  const r = new NackResponder(s, { maxRetransmits: 2, maxAgeMs: 1000, minIntervalMs: 10, packetsPerSecond: 0, bytesPerSecond: 0 });
  const out = new Int32Array(16);
  assert.is(r.respond([1, 2, 7, 40], 4, 100, 50, out), 2);
  assert.equal([s.srcExtSeq(out[0]), s.srcExtSeq(out[1])], [101, 102]);
  assert.is(r.notFound, 2); // 7 is padding, 40 never sent
  assert.is(r.respond([1], 1, 149, 50, out), 0); // 49 ms < RTT 50 ms
  assert.is(r.tooSoon, 1);
  assert.is(r.respond([1], 1, 150, 50, out), 1);
  assert.is(s.rtxCount(out[0]), 2);
  assert.is(r.respond([1], 1, 300, 50, out), 0);
  assert.is(r.exhausted, 1);
  assert.is(r.respond([3], 1, 1001, 50, out), 0); // first sent at 0
  assert.is(r.tooOld, 1);
  assert.is(r.respond([3], 1, 1000, 0, out), 1); // rtt unknown -> default 100 ms gate, but first rtx
  assert.is(r.retransmitted, 4);
});

test('responder: packets/s and bytes/s token buckets limit bursts and refill over time', () => {
  const s = new Sequencer(1024);
  for (let q = 0; q < 1000; q++) s.push(q, q, 0, 1000, 0);
  const out = new Int32Array(1024);
  const all = Array.from({ length: 1000 }, (_, i) => i);
  // 100 packets/s with a 200 ms burst = 20 packets at once.
  const r = new NackResponder(s, { packetsPerSecond: 100, bytesPerSecond: 0, burstMs: 200, maxRetransmits: 100 });
  assert.is(r.respond(all, 1000, 0, 10, out), 20);
  assert.is(r.rateLimited, 980);
  assert.is(r.respond(all.slice(20), 980, 100, 10, out), 10); // 100 ms refills 10
  assert.is(r.respond(all.slice(30), 970, 10_000, 10, out), 0); // too old now (maxAge 1000)
  // 50 kB/s with a 200 ms burst = 10 kB = 10 packets of 1000 bytes.
  const s2 = new Sequencer(1024);
  for (let q = 0; q < 100; q++) s2.push(q, q, 0, 1000, 0);
  const b = new NackResponder(s2, { packetsPerSecond: 0, bytesPerSecond: 50_000, burstMs: 200 });
  assert.is(b.respond(all, 100, 0, 10, out), 10);
  assert.is(b.respond(all.slice(10), 90, 20, 10, out), 1); // 20 ms = 1000 bytes
});

test('responder takes a real NACK: lost list from NackView.fillLost across the wrap', () => {
  const s = new Sequencer(128);
  for (let i = 0; i < 100; i++) s.push((65500 + i) & 0xffff, 1000 + i, 0, 500, 0);
  const nack = Buffer.alloc(100);
  const lostIn = [65530, 65531, 65535, 0, 5, 30];
  const n = writeNack(nack, 0, 1, 2, lostIn);
  const v = new NackView();
  assert.is(v.reset(nack, 0, n), RtpStatus.OK);
  const lost = new Uint16Array(64);
  const k = v.fillLost(lost);
  const out = new Int32Array(64);
  const r = new NackResponder(s);
  assert.is(r.respond(lost, k, 10, 50, out), 6);
  assert.equal(Array.from(out.subarray(0, 6), (x) => s.srcExtSeq(x)), [1030, 1031, 1035, 1036, 1041, 1066]);
});

test.run();
