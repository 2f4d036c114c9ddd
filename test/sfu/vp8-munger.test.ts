// VP8 descriptor continuity across source switches (vp8-munger.ts): what a receiver's
// reference finder sees must never jump back or skip when the SFU switches simulcast layer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RtpPacket } from 'werift-rtp';
import { Vp8Descriptor, readVp8KeyIdx, readVp8PictureId, readVp8Tl0PicIdx } from '../../src/rtp/index.js';
import { Vp8Munger, Vp8Source, applyVp8Tag } from '../../src/sfu/vp8-munger.js';
import { DownTrack, PublisherRtcp, Receiver, SimulcastDemux, SimulcastReceiver, SubscriberRtcp } from '../../src/sfu/index.js';
import { writeNack, writeReceiverReport, writeRtpPacket, RtpView } from '../../src/rtp/index.js';
import { FakeTransport } from './fake-transport.js';

/** Descriptor bytes: X, I (15- or 7-bit pid), L (tl0), T+K (tid, keyIdx) as asked, then a 1-byte VP8 header. */
function desc(o: { pid?: number; bits?: 7 | 15; tl0?: number; tid?: number; keyIdx?: number; key?: boolean }): Buffer {
  const b: number[] = [0x90];
  const x = (o.pid !== undefined ? 0x80 : 0) | (o.tl0 !== undefined ? 0x40 : 0) | (o.tid !== undefined ? 0x20 : 0) | (o.keyIdx !== undefined ? 0x10 : 0);
  b.push(x);
  if (o.pid !== undefined) { if (o.bits === 7) b.push(o.pid & 0x7f); else b.push(0x80 | (o.pid >> 8), o.pid & 0xff); }
  if (o.tl0 !== undefined) b.push(o.tl0);
  if (o.tid !== undefined || o.keyIdx !== undefined) b.push(((o.tid ?? 0) << 6) | (o.keyIdx ?? 0));
  b.push(o.key ? 0x00 : 0x01, 0xaa);
  return Buffer.from(b);
}

const read = new Vp8Descriptor();
function fields(b: Buffer): [number, number, number] {
  assert.is(read.parse(b, 0, b.length), 0);
  return [readVp8PictureId(b, read), readVp8Tl0PicIdx(b, read), readVp8KeyIdx(b, read)];
}

function munge(m: Vp8Munger, b: Buffer, newest = true): number {
  const src = new Vp8Source();
  assert.ok(src.read(b, 0, b.length));
  return m.munge(b, src, newest);
}

test('first source passes through; a switch continues pid, TL0PICIDX and KEYIDX from the last sent (with wrap)', () => {
  const m = new Vp8Munger();
  const out: [number, number, number][] = [];
  for (let i = 0; i < 3; i++) { const b = desc({ pid: 100 + i, tl0: 5 + i, tid: 0, keyIdx: 3 }); munge(m, b); out.push(fields(b)); }
  assert.equal(out, [[100, 5, 3], [101, 6, 3], [102, 7, 3]], 'untouched before any switch');
  m.switchSource();
  for (let i = 0; i < 3; i++) { const b = desc({ pid: (32766 + i) & 0x7fff, tl0: (254 + i) & 0xff, tid: 0, keyIdx: 30, key: i === 0 }); munge(m, b); out.push(fields(b)); }
  assert.equal(out.slice(3), [[103, 8, 4], [104, 9, 4], [105, 10, 4]], 'new source re-based (its pid and tl0 wrap on the way)');
  m.switchSource();
  const b = desc({ pid: 7, tl0: 1, tid: 0, keyIdx: 0 });
  munge(m, b);
  assert.equal(fields(b), [106, 11, 5], 'and back');
});

test('packets of one picture share its values; an older packet (not newest) is rewritten but does not move the base', () => {
  const m = new Vp8Munger();
  munge(m, desc({ pid: 500, tl0: 9, tid: 0 }));
  m.switchSource();
  const p1 = desc({ pid: 20, tl0: 200, tid: 0, key: true }), p2 = desc({ pid: 20, tl0: 200, tid: 0 });
  munge(m, p1); munge(m, p2);
  assert.equal([fields(p1), fields(p2)], [[501, 10, -1], [501, 10, -1]]);
  const late = desc({ pid: 19, tl0: 199, tid: 2 });
  munge(m, late, false);
  assert.equal(fields(late), [500, 9, -1], 'mapped with the same offset');
  m.switchSource();
  const next = desc({ pid: 3000, tl0: 77, tid: 0, key: true });
  munge(m, next);
  assert.equal(fields(next), [502, 11, -1], 'continues from the newest, not the late one');
});

test('7-bit picture ids keep their width; absent fields are left alone; a switch point without a pid re-bases on the next one', () => {
  const m = new Vp8Munger();
  const a = desc({ pid: 126, bits: 7 });
  munge(m, a);
  m.switchSource();
  const noPid = desc({ tl0: 40 });
  munge(m, noPid);
  assert.equal(fields(noPid), [-1, 40, -1], 'no tl0 sent yet: passes through');
  const b = desc({ pid: 50, bits: 7 });
  munge(m, b);
  assert.is(b.length, desc({ pid: 50, bits: 7 }).length, 'same width');
  assert.equal(fields(b)[0], 127, 'pid re-based on the first packet carrying one');
  const c = desc({ pid: 51, bits: 7 });
  munge(m, c);
  assert.is(fields(c)[0], 0, '7-bit wrap');
});

test('a tag written back into a copy of the source packet reproduces what was sent', () => {
  const m = new Vp8Munger();
  munge(m, desc({ pid: 1000, tl0: 3, tid: 1, keyIdx: 7 }));
  m.switchSource();
  const sent = desc({ pid: 9, tl0: 250, tid: 1, keyIdx: 20, key: true });
  const copy = Buffer.from(sent);
  const tag = munge(m, sent);
  assert.ok(tag >= 0);
  assert.is(read.parse(copy, 0, copy.length), 0);
  applyVp8Tag(copy, read, tag);
  assert.equal([...copy], [...sent]);
  assert.equal(fields(copy), [1001, 4, 8]);
});

test('random switches between three sources: the output picture ids step by exactly 1 per picture, TL0PICIDX never steps back', () => {
  let seed = 7;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
  const pid = [rnd(32768), rnd(32768), rnd(32768)], tl0 = [rnd(256), rnd(256), rnd(256)];
  const m = new Vp8Munger();
  let cur = 0, lastPid = -1, lastTl0 = -1;
  for (let f = 0; f < 5000; f++) {
    let sw = false;
    if (rnd(20) === 0) { cur = rnd(3); m.switchSource(); sw = true; }
    for (let s = 0; s < 3; s++) { pid[s] = (pid[s]! + 1) & 0x7fff; if (f % 4 === 0 || sw) tl0[s] = (tl0[s]! + 1) & 0xff; }
    for (let k = 0; k < 1 + rnd(3); k++) {
      const b = desc({ pid: pid[cur], tl0: tl0[cur], tid: 0, key: sw && k === 0 });
      munge(m, b);
      const [p, t] = fields(b);
      if (lastPid >= 0 && k === 0) assert.is(p, (lastPid + 1) & 0x7fff, `frame ${f}`);
      if (lastTl0 >= 0) { const d = (t - lastTl0) & 0xff; assert.ok(d <= 1, `tl0 step ${d} at frame ${f}`); }
      lastPid = p; lastTl0 = t;
    }
  }
});

// Through the real simulcast path: two layers with unrelated picture ids; the subscriber
// sees one run of picture ids across the switch, and a NACK answer carries the same ones.
const SSRC = [0x1000, 0x2000];
const pkt = Buffer.alloc(1500);
function layerPacket(s: number, seq: number, ts: number, pid: number, tl0: number, key: boolean, rid: boolean): Buffer {
  const exts = rid ? [{ id: 1, value: Uint8Array.from(Buffer.from('1')) }, { id: 5, value: Uint8Array.from(Buffer.from(['q', 'h'][s]!)) }] : [];
  const payload = Buffer.concat([desc({ pid, tl0, tid: 0, key }).subarray(0, -2), key ? Buffer.from([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 64, 0, 36, 0]) : Buffer.from([0x11, 0x02, 0x00, 7])]);
  const n = writeRtpPacket(pkt, 0, { payloadType: 96, sequenceNumber: seq & 0xffff, timestamp: ts >>> 0, ssrc: SSRC[s]!, marker: true, extensions: exts }, payload);
  return pkt.subarray(0, n);
}

test('simulcast switch: picture ids and TL0PICIDX continue across layers; NACK answers carry the rewritten ones', () => {
  const up = new FakeTransport();
  const rtcp = new PublisherRtcp(0x5555);
  const codec = { name: 'VP8', clockRate: 90000, payloadType: 96 };
  const sim = new SimulcastReceiver({ trackId: 'TR_v', codec, rids: ['q', 'h'],
    factory: (_s, _rid, ssrc) => { const r = new Receiver({ trackId: 'TR_v', kind: 'video', ssrc, codec, upstream: up, rtcpSsrc: 0x5555, nack: true, upstreamNack: false }); rtcp.add(r); return r; } });
  const demux = new SimulcastDemux();
  demux.add('1', sim, { mid: 1, rid: 5, repairedRid: 6 });
  const out = new FakeTransport();
  const dt = new DownTrack({ receiver: sim, transport: out, ssrc: 0xabcdef, payloadType: 100, extMap: new Uint8Array(256), cname: 'c', initialSeq: 500, initialTs: 1000 });
  const view = new RtpView();
  const route = (p: Buffer, now: number): void => {
    assert.is(view.reset(p, 0, p.length), 0);
    const r = rtcp.get(view.ssrc) ?? demux.route(p, view);
    r?.onRtp(p, view, now);
  };
  dt.start(0);
  const pid0 = [30000, 12], tl00 = [200, 3];
  for (let i = 0; i < 12; i++) {
    if (i === 6) sim.setTargetLayer(dt, 1, i * 66);
    for (let s = 0; s < 2; s++) route(layerPacket(s, 100 * (s + 1) + i, 3000 * i, pid0[s]! + i, tl00[s]! + i, i === 0 || (s === 1 && i === 7), i < 2), i * 66);
  }
  const sent = out.rtp.map((b) => RtpPacket.deSerialize(b));
  assert.is(sent.length, 13, 'low frames 0-7 (frame 7 low came first), then high from its key frame at 7');
  const got = sent.map((p) => fields(Buffer.from(p.payload)));
  for (let i = 0; i < got.length; i++) assert.equal(got[i]!.slice(0, 2), [30000 + i, (200 + i) & 0xff], `packet ${i}: ${JSON.stringify(got)}`);
  out.rtp.length = 0;
  const srtcp = new SubscriberRtcp();
  srtcp.add(dt);
  const b = Buffer.alloc(200);
  let n = writeReceiverReport(b, 0, 42, []);
  n += writeNack(b, n, 42, 0xabcdef, [sent[3]!.header.sequenceNumber, sent[9]!.header.sequenceNumber]);
  srtcp.handle(b, n, 900);
  const re = out.rtp.map((x) => RtpPacket.deSerialize(x));
  assert.is(re.length, 2);
  assert.equal([...re[0]!.payload], [...sent[3]!.payload], 'low-layer packet resent as it was sent');
  assert.equal([...re[1]!.payload], [...sent[9]!.payload], 'high-layer packet resent with the rewritten picture id');
  dt.close();
  sim.close();
});

test.run();
