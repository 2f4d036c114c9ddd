// Fuzz targets for src/sfu/buffer and src/sfu/nack: the packet cache + unwrapper +
// stream stats + NACK generator driven by a mutated op stream, RTX unwrap/wrap of
// mutated packets, and the NACK responder fed mutated RTCP NACKs.
import type { FuzzTarget } from './harness.js';
import { PacketCache, CachePut, SeqUnwrapper, TsUnwrapper, StreamStats } from '../../src/sfu/buffer/index.js';
import { NackGenerator, Sequencer, NackResponder, writeRtx, wrapRtxInPlace, unwrapRtx, unwrapRtxInPlace, RtxMapping, rtxResult } from '../../src/sfu/nack/index.js';
import { RtpView, RtpStatus, NackView, writeNack, writeRtpPacket } from '../../src/rtp/index.js';

const hex = (s: string) => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');
const fail = (msg: string): never => { throw new Error(msg); };

// ---- cache / unwrapper / stats / generator: input = ops of 4 bytes [seqHi, seqLo, len, dtMs]
const cache = new PacketCache({ slotSize: 256, slots: 64 });
const pkt = Buffer.alloc(256);
const nackOut = Buffer.alloc(2048);
const nv = new NackView();
const lostScratch = new Uint16Array(4096);

const cacheTarget: FuzzTarget = {
  name: 'sfu packet cache + seq unwrap + stream stats + nack generator (op stream)',
  seeds: () => [
    hex('fff0 40 01 fff1 40 01 fff3 80 01 0001 20 05 fff2 40 02 0000 ff 10 0002 10 00'),
    hex('0000 10 00 0001 10 00 0400 10 0a 0002 10 00 8000 10 01 8001 10 01 0001 10 64'),
    Buffer.from(Array.from({ length: 200 }, (_, i) => [(i * 37) >> 8, (i * 37) & 0xff, 12 + (i % 200), i % 7]).flat()),
  ],
  run(input) {
    cache.reset();
    const un = new SeqUnwrapper(), ut = new TsUnwrapper();
    const stats = new StreamStats(90000, 64);
    const gen = new NackGenerator({ maxMissing: 64 });
    let now = 0;
    for (let p = 0; p + 4 <= input.length; p += 4) {
      const seq = input.readUInt16BE(p), len = input[p + 2];
      now += input[p + 3];
      const ext = un.unwrap(seq);
      pkt.fill(seq & 0xff, 0, 256); pkt.writeUInt16BE(seq, 2);
      const r = cache.put(ext, pkt, 0, len, now);
      if (r === CachePut.OK) {
        const o = cache.get(ext);
        if (o < 0 || cache.length !== len || (len >= 4 && cache.slab.readUInt16BE(o + 2) !== seq)) fail('put OK but get disagrees');
      } else if (r === CachePut.BAD_LENGTH && len > 0) fail('length refused');
      else if (r === CachePut.DUPLICATE && !cache.has(ext)) fail('duplicate of a packet not stored');
      stats.update(ext, ut.unwrap(seq * 3000), len, now);
      if (stats.lost < 0 && stats.received > stats.expected) fail('received more distinct packets than expected');
      gen.onPacket(ext, now);
      if (gen.missing > 64) fail('generator over its cap');
      if (p % 32 === 0) {
        const n = gen.tick(now, input[p + 3] * 3, nackOut, 0, 1, 2);
        if (n < 0 || n > nackOut.length) fail('bad nack length');
        if (n > 0) {
          if (nv.reset(nackOut, 0, n) !== RtpStatus.OK) fail('generator wrote an unparsable NACK');
          if (nv.fillLost(lostScratch) !== gen.lastCount) fail('NACK holds a different count');
        }
      }
    }
    // Everything get() returns belongs to the window and carries its own sequence number.
    const h = cache.highest;
    for (let e = h - 70; e <= h + 2; e++) {
      const o = cache.get(e);
      if (o >= 0 && (e <= h - 64 || e > h)) fail('get outside the window');
      if (o >= 0 && cache.length >= 4 && cache.slab.readUInt16BE(o + 2) !== (e & 0xffff)) fail('slot holds another packet');
    }
  },
};

// ---- RTX unwrap (and wrap) of mutated packets
const map = new RtxMapping().addSsrc(0x55667788, 0x11223344).addPt(97, 96).addPt(98, 100);
const copyA = Buffer.alloc(4096), copyB = Buffer.alloc(4096), out = Buffer.alloc(4096), wrapped = Buffer.alloc(4096);
const v = new RtpView(), v2 = new RtpView();

function rtxSeeds(): Buffer[] {
  const b = Buffer.alloc(1500);
  const seeds = [hex('80e1 0001 00000064 55667788 1234 deadbeef'), hex('a0 61 0009 00000064 55667788 1234 beef 0000 03'),
    hex('a0 61 000a 00000064 55667788 0000 0000 0004'), hex('8061 0001 00000064 55667788 12')];
  const n = writeRtpPacket(b, 0, { payloadType: 98, sequenceNumber: 5, timestamp: 9, ssrc: 0x55667788, csrcs: [1, 2],
    extensions: [{ id: 1, value: hex('9e') }, { id: 3, value: hex('0102') }], paddingLength: 3 }, hex('ffff 0102030405060708'));
  seeds.push(Buffer.from(b.subarray(0, n)));
  return seeds;
}

const rtxTarget: FuzzTarget = {
  name: 'sfu rtx unwrap (into a buffer and in place) + wrap round trip',
  seeds: rtxSeeds,
  run(input) {
    const len = input.length;
    input.copy(copyA); input.copy(copyB);
    const a = unwrapRtx(copyA, 0, len, map, out, 0);
    const b = unwrapRtxInPlace(copyB, 0, len, map);
    if (a !== b) fail(`into-buffer ${a} vs in-place ${b}`);
    if (a > 0) {
      if (a !== len - 2) fail('unwrapped length');
      if (!out.subarray(0, a).equals(copyB.subarray(2, 2 + a))) fail('in-place and into-buffer results differ');
      if (v.reset(out, 0, a) !== RtpStatus.OK) fail('unwrapped packet does not parse');
      if (v.ssrc !== 0x11223344 || v.sequenceNumber !== rtxResult.osn) fail('ssrc/osn not restored');
      // Wrap it again with the same RTX fields: back to the input minus nothing (RTX padding is kept both ways only when absent).
      const w = writeRtx(out, 0, a, wrapped, 0, 0x55667788, input[1] & 0x7f, input.readUInt16BE(2));
      if (w <= 0) fail('cannot re-wrap an unwrapped packet');
      if (v2.reset(wrapped, 0, w) !== RtpStatus.OK) fail('re-wrapped packet does not parse');
      if (v.paddingLength === 0 && !wrapped.subarray(0, w).equals(input)) fail('wrap(unwrap(x)) != x');
    } else if (a === 0 && !copyB.subarray(0, len).equals(input)) fail('padding-only unwrap changed the buffer');
    // writeRtx on any input: either a status or a packet that parses.
    const w = writeRtx(input, 0, len, wrapped, 0, 1, 97, 2);
    if (w > 0 && v2.reset(wrapped, 0, w) !== RtpStatus.OK) fail('writeRtx made an unparsable packet');
    // The in-place wrap gives the same bytes (or the same status).
    input.copy(copyA, 2);
    const wi = wrapRtxInPlace(copyA, 2, len, 1, 97, 2);
    if (wi !== w) fail(`wrapRtxInPlace ${wi} vs writeRtx ${w}`);
    if (w > 0 && !copyA.subarray(0, w).equals(wrapped.subarray(0, w))) fail('in-place wrap differs');
  },
};

// ---- NACK responder fed mutated RTCP NACKs
const seqr = new Sequencer(256);
for (let i = 0; i < 300; i++) seqr.push((65400 + i) & 0xffff, i % 17 === 0 ? -1 : 10_000 + i, i * 3000, 1000, i);
const lost = new Uint16Array(8192);
const slots = new Int32Array(8192);
const nackView = new NackView();

const responderTarget: FuzzTarget = {
  name: 'sfu nack responder from mutated RTCP NACKs',
  seeds: () => {
    const b = Buffer.alloc(200);
    return [Buffer.from(b.subarray(0, writeNack(b, 0, 1, 2, [65500, 65501, 65535, 0, 3, 90]))), Buffer.from(b.subarray(0, writeNack(b, 0, 1, 2, [1])))];
  },
  run(input) {
    if (nackView.reset(input, 0, input.length) !== RtpStatus.OK) return;
    const k = nackView.fillLost(lost);
    const r = new NackResponder(seqr, { packetsPerSecond: 1000 });
    const n = r.respond(lost, k, 300, input[0] & 0x3f, slots);
    if (n < 0 || n > k) fail('more retransmits than lost entries');
    for (let i = 0; i < n; i++) if (seqr.srcExtSeq(slots[i]) < 0) fail('padding entry chosen');
    if (r.retransmitted + r.notFound + r.tooOld + r.exhausted + r.tooSoon + r.rateLimited !== k) fail('counters do not add up');
  },
};

export const targets: FuzzTarget[] = [cacheTarget, rtxTarget, responderTarget];
