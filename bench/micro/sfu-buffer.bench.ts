// Receive-side and retransmission cores: packet cache put+get of a 1200-byte packet,
// the NACK generator per packet (with a tick every 20 packets), RTX build from the
// cache, and the full per-packet ingress (unwrap + stats + cache + generator).
// Baselines: what a straightforward version does (Map of Buffer copies, werift-rtp's
// wrapRtx with parse + serialize).
import type { MicroCase } from './case.js';
import { RtpPacket, wrapRtx } from 'werift-rtp';
import { PacketCache, CachePut, SeqUnwrapper, StreamStats } from '../../src/sfu/buffer/index.js';
import { NackGenerator, writeRtx, wrapRtxInPlace, writeRtxFromCache, Sequencer, NackResponder } from '../../src/sfu/nack/index.js';
import { writeRtpPacket, RtpView } from '../../src/rtp/index.js';

const rv = new RtpView();

const SINK = new Float64Array(1);

// A 1200-byte video packet alone in its Buffer, as dgram hands it over.
const staging = Buffer.alloc(1500);
const len = writeRtpPacket(staging, 0, { payloadType: 96, sequenceNumber: 1, timestamp: 90000, ssrc: 0x12345678,
  extensions: [{ id: 1, value: Buffer.from([0x9e]) }, { id: 3, value: Buffer.from([0, 7]) }] }, Buffer.alloc(1200 - 24, 0x55));
const pkt = Buffer.from(staging.subarray(0, len));
// The same packet inside a larger receive slab at an offset (a recvmmsg-style backend).
const slabIn = Buffer.alloc(64 * 1024);
pkt.copy(slabIn, 4000);

const fail = (m: string): never => { throw new Error(`sfu-buffer bench setup: ${m}`); };
const cache = new PacketCache({ slotSize: 1500, slots: 2048 });
let ext = 100_000;
const cacheB = new PacketCache({ slotSize: 1500, slots: 2048 });
let extB = 100_000;

const mapCache = new Map<number, Buffer>();
let mext = 100_000;

const gen = new NackGenerator();
const nackOut = Buffer.alloc(1500);
let gext = 0, gnow = 0, gi = 0;

// RTX from a cached slot into a send buffer.
const cacheR = new PacketCache({ slotSize: 1500, slots: 2048 });
for (let e = 0; e < 2048; e++) if (cacheR.put(e + 1_000_000, pkt, 0, len, 0) !== CachePut.OK) fail('put');
if (cache.put(99_999, pkt, 0, len, 0) !== CachePut.OK || cacheB.put(99_999, slabIn, 4000, len, 0) !== CachePut.OK) fail('put');
if (!cacheB.slab.subarray(cacheB.get(99_999), cacheB.get(99_999) + len).equals(pkt)) fail('slab copy differs');
const sendBuf = Buffer.alloc(1600);
// A send-queue slot: its own 1536-byte view of a larger slab (src/net SendQueue).
const sendSlot = Buffer.allocUnsafeSlow(1536 * 8).subarray(1536 * 3, 1536 * 4);
let rtxSeq = 0, rext = 1_000_000;
const weriftPkt = RtpPacket.deSerialize(pkt);

// Full ingress.
const un = new SeqUnwrapper();
const stats = new StreamStats(90000);
const cache2 = new PacketCache({ slotSize: 1500, slots: 2048 });
const gen2 = new NackGenerator();
let iseq = 0;

// Responder: a NACK of 10 seqs against a full sequencer.
const sq = new Sequencer(2048);
for (let q = 0; q < 2048; q++) sq.push(q, q + 5000, q * 3000, 1200, 0);
const resp = new NackResponder(sq, { packetsPerSecond: 0, bytesPerSecond: 0, maxRetransmits: 255, minIntervalMs: 0, rttFactor: 0 });
const lost = new Uint16Array([100, 101, 102, 105, 200, 201, 300, 400, 500, 600]);
const slots = new Int32Array(16);
let rnow = 1;
if (writeRtx(cacheR.slab, cacheR.get(1_000_000), cacheR.length, sendBuf, 0, 1, 97, 1) !== len + 2) fail('rtx length');
if (writeRtxFromCache(cacheR, 1_000_000, sendSlot, 0, 1, 97, 1) !== len + 2 || !sendSlot.subarray(0, len + 2).equals(sendBuf.subarray(0, len + 2))) fail('rtx from cache');
if (resp.respond(lost, 10, 1, 50, slots) !== 10) fail('responder refused');
export const cases: MicroCase[] = [
  {
    name: 'sfu packet cache put + get, 1200 B (own Buffer, native copy)',
    fn: () => { SINK[0] += cache.put(ext, pkt, 0, len, 0) + cache.get(ext); ext++; },
    baseline: { name: 'Map<extSeq, Buffer> with Buffer.from copy + delete oldest', fn: () => { mapCache.set(mext, Buffer.from(pkt)); mapCache.delete(mext - 2048); SINK[0] += mapCache.get(mext)!.length; mext++; } },
  },
  {
    name: 'sfu packet cache put + get, 1200 B (offset in a slab, DataView copy)',
    fn: () => { SINK[0] += cacheB.put(extB, slabIn, 4000, len, 0) + cacheB.get(extB); extB++; },
  },
  {
    name: 'sfu nack generator per packet (2 % loss, tick every 20)',
    fn: () => {
      gext += (gi % 50 === 7) ? 2 : 1; // one missing in 50
      gnow += 1;
      gen.onPacket(gext, gnow);
      if (++gi % 20 === 0) SINK[0] += gen.tick(gnow, 50, nackOut, 0, 1, 2);
    },
  },
  {
    name: 'sfu rtx build 1200 B: writeRtxFromCache into a 1536 B send slot (whole-slot native copy)',
    fn: () => {
      SINK[0] += writeRtxFromCache(cacheR, rext, sendSlot, 0, 0xabcdef, 97, rtxSeq++ & 0xffff);
      rext = rext === 1_002_047 ? 1_000_000 : rext + 1;
    },
    baseline: { name: 'werift-rtp wrapRtx + serialize', fn: () => { SINK[0] += wrapRtx(weriftPkt, 97, rtxSeq++ & 0xffff, 0xabcdef).serialize().length; } },
  },
  {
    name: 'sfu DownTrack retransmit 1200 B: cache.copyTo(slot, 2) + munge in place + wrapRtxInPlace',
    fn: () => {
      const n = cacheR.copyTo(rext, sendSlot, 2);
      rv.reset(sendSlot, 2, n);
      rv.setSsrc(0x2000); rv.setSequenceNumber(rtxSeq & 0xffff); rv.setTimestamp(12345);
      SINK[0] += wrapRtxInPlace(sendSlot, 2, n, 0x2001, 97, rtxSeq++ & 0xffff);
      rext = rext === 1_002_047 ? 1_000_000 : rext + 1;
    },
  },
  {
    name: 'sfu rtx build 1200 B: writeRtx from slab offset (DataView copy)',
    fn: () => {
      const o = cacheR.get(rext);
      SINK[0] += writeRtx(cacheR.slab, o, cacheR.length, sendBuf, 0, 0xabcdef, 97, rtxSeq++ & 0xffff);
      rext = rext === 1_002_047 ? 1_000_000 : rext + 1;
    },
  },
  {
    name: 'sfu ingress per packet: unwrap seq/ts + stats + cache put + nack generator',
    fn: () => {
      const s = iseq++ & 0xffff;
      const e = un.unwrap(s);
      stats.update(e, (iseq * 3000) | 0, len, iseq);
      cache2.put(e, pkt, 0, len, iseq);
      gen2.onPacket(e, iseq);
    },
  },
  {
    name: 'sfu nack responder, NACK of 10 seqs',
    fn: () => { SINK[0] += resp.respond(lost, 10, rnow++ % 900 + 1, 50, slots); },
  },
];
