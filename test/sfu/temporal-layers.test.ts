// VP8 temporal layer selection through a Receiver and two DownTracks (temporal-filter.ts,
// RtpMunger.skip, Vp8Munger's picture numbering): an L1T3 stream shaped like Chromium's
// (TID pattern 0 2 1 2, layer-sync bits after key frames and periodically). One subscriber
// takes everything, one is stepped down to the base layer and back up. What the
// subscriber sees must stay one decodable stream: sequence numbers +1 per packet, picture
// ids +1 per picture, TL0PICIDX as sent, and no key frame asked for.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RtpPacket } from 'werift-rtp';
import { RtpView, Vp8Descriptor, readVp8PictureId, readVp8Tl0PicIdx, writeRtpPacket } from '../../src/rtp/index.js';
import { DownTrack, Receiver } from '../../src/sfu/index.js';
import { RtpMunger, MungeResult } from '../../src/sfu/rtp-munger.js';
import { FakeTransport } from './fake-transport.js';

const TIDS = [0, 2, 1, 2];
const buf = Buffer.alloc(1500);
const view = new RtpView();

interface Pic { pid: number; tl0: number; tid: number; sync: boolean; key: boolean; packets: number }

/** Pictures 0..n-1 of an L1T3 stream: key frame at 0 (and `keys`), sync bits on the first TID1/TID2 after each key and every 8th group. */
function stream(n: number, keys: number[] = []): Pic[] {
  const out: Pic[] = [];
  let tl0 = 40, sinceKey = 0, group = 0;
  for (let i = 0; i < n; i++) {
    const key = i === 0 || keys.includes(i);
    if (key) sinceKey = 0;
    const tid = key ? 0 : TIDS[sinceKey % 4]!;
    if (tid === 0) { tl0 = (tl0 + 1) & 0xff; group++; }
    const sync = !key && tid > 0 && (sinceKey < 4 || group % 8 === 0);
    out.push({ pid: (32700 + i) & 0x7fff, tl0, tid, sync, key, packets: key ? 3 : 1 + (i % 2) });
    sinceKey++;
  }
  return out;
}

function packetsOf(pics: Pic[]): Buffer[] {
  const out: Buffer[] = [];
  let seq = 65500;
  pics.forEach((p, i) => {
    for (let k = 0; k < p.packets; k++) {
      const desc = [k === 0 ? 0x90 : 0x80, 0xe0, 0x80 | (p.pid >> 8), p.pid & 0xff, p.tl0, (p.tid << 6) | (p.sync ? 0x20 : 0)];
      const body = k === 0 ? (p.key ? [0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 64, 0, 36, 0] : [0x11, 0x02, 0x00]) : [5, 5, 5];
      const n = writeRtpPacket(buf, 0, { payloadType: 96, sequenceNumber: seq++ & 0xffff, timestamp: (3000 * i) >>> 0, ssrc: 0x1234, marker: k === p.packets - 1 }, Uint8Array.from([...desc, ...body]));
      out.push(Buffer.from(buf.subarray(0, n)));
    }
  });
  return out;
}

const d = new Vp8Descriptor();
function described(b: Buffer): { seq: number; pid: number; tl0: number; tid: number; start: boolean } {
  const p = RtpPacket.deSerialize(b);
  const pl = Buffer.from(p.payload);
  assert.is(d.parse(pl, 0, pl.length), 0);
  return { seq: p.header.sequenceNumber, pid: readVp8PictureId(pl, d), tl0: readVp8Tl0PicIdx(pl, d), tid: d.tid, start: d.start };
}

function setup(): { r: Receiver; up: FakeTransport; all: FakeTransport; low: FakeTransport; dtLow: DownTrack; feed: (b: Buffer, t: number) => void } {
  const up = new FakeTransport();
  const r = new Receiver({ trackId: 'TR_v', kind: 'video', ssrc: 0x1234, codec: { name: 'VP8', clockRate: 90000, payloadType: 96 }, upstream: up, rtcpSsrc: 1 });
  const all = new FakeTransport(), low = new FakeTransport();
  const dtAll = new DownTrack({ receiver: r, transport: all, ssrc: 0xa1, payloadType: 96, extMap: new Uint8Array(256), cname: 'c', initialSeq: 10, initialTs: 0 });
  const dtLow = new DownTrack({ receiver: r, transport: low, ssrc: 0xa2, payloadType: 96, extMap: new Uint8Array(256), cname: 'c', initialSeq: 20, initialTs: 0 });
  dtAll.start(0); dtLow.start(0);
  const feed = (b: Buffer, t: number): void => { assert.is(view.reset(b, 0, b.length), 0); r.onRtp(b, view, t); };
  return { r, up, all, low, dtLow, feed };
}

/** Sequence numbers +1 per packet; picture ids +1 per new picture; returns the pictures' tids in order. */
function checkContinuous(pk: Buffer[], what: string): number[] {
  const tids: number[] = [];
  let prev: ReturnType<typeof described> | undefined;
  for (const b of pk) {
    const x = described(b);
    if (prev) {
      assert.is(x.seq, (prev.seq + 1) & 0xffff, `${what}: seq after ${prev.seq}`);
      if (x.start) assert.is(x.pid, (prev.pid + 1) & 0x7fff, `${what}: picture id after ${prev.pid}`);
      else assert.is(x.pid, prev.pid, `${what}: packets of one picture share its id`);
    }
    if (x.start) tids.push(x.tid);
    prev = x;
  }
  return tids;
}

test('base layer only, then back to all: no holes, pictures renumbered, TL0PICIDX kept, no key frame requested', () => {
  const s = setup();
  const pics = stream(80);
  const pk = packetsOf(pics);
  let i = 0, pic = 0;
  const sendPictures = (n: number): void => { for (const end = pic + n; pic < end; pic++) for (let k = 0; k < pics[pic]!.packets; k++) s.feed(pk[i++]!, pic * 33); };
  sendPictures(10);
  const plis = s.up.rtcp.length; // the start asked for one key frame
  assert.ok(s.dtLow.setMaxTemporal(0));
  sendPictures(30);
  assert.ok(s.dtLow.setMaxTemporal(3));
  sendPictures(40);
  assert.is(s.all.rtp.length, pk.length, 'the full subscriber gets every packet');
  const allTids = checkContinuous(s.all.rtp, 'all');
  assert.equal(allTids, pics.map((p) => p.tid));
  const lowTids = checkContinuous(s.low.rtp, 'stepped');
  // Pictures 10-39 at TID 0 only; up again at the first sync picture after 40.
  const firstSyncAfter = pics.findIndex((p, k) => k >= 40 && p.sync);
  assert.ok(firstSyncAfter > 40, 'the stream has a sync picture to go up at');
  const expected = pics.filter((p, k) => k < 10 || (k < firstSyncAfter ? p.tid === 0 : p.tid <= 3 && (k > firstSyncAfter || p.sync))).map((p) => p.tid);
  assert.equal(lowTids, expected.slice(0, lowTids.length));
  assert.is(lowTids.length, expected.length, `${lowTids.length} pictures vs ${expected.length}`);
  // TL0PICIDX passes through (base pictures are never dropped).
  const tl0s = s.low.rtp.map((b) => described(b).tl0);
  assert.equal([...new Set(tl0s)], [...new Set(pics.map((p) => p.tl0))]);
  const st = s.dtLow.temporal!.counters;
  assert.equal([st.switchesDown, st.switchesUp], [1, 1]);
  assert.ok(st.dropped > 0);
  assert.is(s.up.rtcp.length, plis, 'no PLI upstream: temporal switches need no key frame');
});

test('a middle layer (TID <= 1) keeps half the pictures; a key frame brings the target at once', () => {
  const s = setup();
  s.dtLow.setMaxTemporal(1);
  const pics = stream(41, [24]);
  const pk = packetsOf(pics);
  let i = 0;
  pics.forEach((p, k) => { for (let j = 0; j < p.packets; j++) s.feed(pk[i++]!, k * 33); });
  const lowTids = checkContinuous(s.low.rtp, 'mid');
  assert.ok(lowTids.every((t) => t <= 1), `${lowTids}`);
  assert.is(lowTids.length, pics.filter((p) => p.tid <= 1).length);
  s.dtLow.setMaxTemporal(0);
  s.dtLow.setMaxTemporal(2);
  assert.is(s.dtLow.temporal!.current, 1, 'a target change alone moves nothing until a picture comes');
});

test('RtpMunger.skip: later packets shift down; a late packet takes the offset of its own place', () => {
  const m = new RtpMunger(90000, 100, 0);
  const out = (seq: number): number => { assert.is(m.translate(seq, 0, 0), MungeResult.Forward); return m.outSeq; };
  assert.is(out(1000), 100);
  assert.is(out(1002), 102, '1001 missing: its place is kept');
  assert.ok(m.skip(1003));
  assert.is(out(1004), 103);
  assert.ok(m.skip(1005));
  assert.ok(m.skip(1006));
  assert.is(out(1007), 104);
  assert.is(out(1001), 101, 'the late packet fills its own hole');
  assert.not.ok(m.skip(1001), 'only the newest can be skipped');
  assert.is(m.lastSeq, 104);
  // Many skips (more than the ring keeps): the stream goes on; packets older than what is kept are stale.
  let seq = 1008, want = 105;
  for (let k = 0; k < 100; k++) { assert.ok(m.skip(seq++)); assert.is(out(seq++), want++); }
  assert.is(m.translate(1002, 0, 0), MungeResult.DropStale, 'too old to place');
});

test.run();
