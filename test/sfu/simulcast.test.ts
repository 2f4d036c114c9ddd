// Simulcast receive + Forwarder: three VP8 layers on SSRCs that are only announced by the
// rid header extension, one DownTrack that starts on the low layer and is switched up and
// down. The subscriber must see one continuous stream (werift-rtp parses it), switches
// only at a key frame of the target layer, PLIs go to the target layer's SSRC.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RtpPacket, RtcpPacketConverter, RtcpPayloadSpecificFeedback, PictureLossIndication } from 'werift-rtp';
import { RtpView, writeNack, writeReceiverReport, writeRtpPacket } from '../../src/rtp/index.js';
import { DownTrack, Forwarder, FwdDecision, PublisherDemux, PublisherRtcp, Receiver, SimulcastDemux, SimulcastReceiver, SubscriberRtcp, spatialOfRid } from '../../src/sfu/index.js';
import { FakeTransport } from './fake-transport.js';
import { writeRtx } from '../../src/sfu/nack/index.js';
import { RtcpTransportLayerFeedback, GenericNack } from 'werift-rtp';

const MID_ID = 1, RID_ID = 5, RRID_ID = 6;
const SSRC = [0x1000, 0x2000, 0x3000];
const RIDS = ['q', 'h', 'f'];
const SIZES = [[320, 180], [640, 360], [1280, 720]];
const view = new RtpView();
const buf = Buffer.alloc(1500);
const codec = { name: 'VP8', clockRate: 90000, payloadType: 96 };
/** A layer Receiver as the engine makes it (no packet cache: layer RTX is not mapped). */
function layerOptions(ssrc: number, up: FakeTransport, rtcpSsrc: number, nack = false): ConstructorParameters<typeof Receiver>[0] {
  const o = { trackId: 'TR_v', kind: 'video' as const, ssrc, codec, upstream: up, rtcpSsrc, nack, upstreamNack: false };
  return o;
}

/** A VP8 packet of layer s: picture id pid (15 bit), key frame header with the layer's size when key. */
function vp8(s: number, seq: number, ts: number, pid: number, key: boolean, withRid: boolean, ssrc = SSRC[s]!, extra: { id: number; value: number[] }[] = []): Buffer {
  const desc = [0x90, 0x80, 0x80 | ((pid >> 8) & 0x7f), pid & 0xff];
  const [w, h] = SIZES[s]!;
  const body = key ? [0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, w & 0xff, w >> 8, h & 0xff, h >> 8, 1, 2, 3] : [0x11, 0x02, 0x00, 7, 7, 7];
  const exts = withRid ? [{ id: MID_ID, value: [...Buffer.from('1')] }, { id: RID_ID, value: [...Buffer.from(RIDS[s]!)] }] : [];
  const n = writeRtpPacket(buf, 0, { payloadType: 96, sequenceNumber: seq & 0xffff, timestamp: ts >>> 0, ssrc, marker: true,
    extensions: [...exts, ...extra].map((e) => ({ id: e.id, value: Uint8Array.from(e.value) })) }, Uint8Array.from([...desc, ...body]));
  assert.ok(n > 0);
  return buf.subarray(0, n);
}

function setup(nack = false): { sim: SimulcastReceiver; demux: SimulcastDemux; rtcp: PublisherRtcp; up: FakeTransport; out: FakeTransport; dt: DownTrack; route: (p: Buffer, now: number) => void } {
  const up = new FakeTransport();
  const rtcp = new PublisherRtcp(0x5555);
  const sim = new SimulcastReceiver({
    trackId: 'TR_v', codec, rids: RIDS,
    factory: (_s, _rid, ssrc) => { const r = new Receiver(layerOptions(ssrc, up, 0x5555, nack)); rtcp.add(r); return r; },
  });
  const demux = new SimulcastDemux();
  demux.add('1', sim, { mid: MID_ID, rid: RID_ID, repairedRid: RRID_ID });
  const out = new FakeTransport();
  const dt = new DownTrack({ receiver: sim, transport: out, ssrc: 0xabcdef, payloadType: 100, extMap: new Uint8Array(256), cname: 'c', initialSeq: 500, initialTs: 1000 });
  const route = (p: Buffer, now: number): void => {
    assert.is(view.reset(p, 0, p.length), 0);
    const r = rtcp.get(view.ssrc) ?? demux.route(p, view);
    if (r) r.onRtp(p, view, now);
  };
  return { sim, demux, rtcp, up, out, dt, route };
}

function plisTo(up: FakeTransport): number[] {
  const ssrcs: number[] = [];
  for (const b of up.rtcp) for (const p of RtcpPacketConverter.deSerialize(b)) {
    if (p instanceof RtcpPayloadSpecificFeedback && p.feedback instanceof PictureLossIndication) ssrcs.push(p.feedback.mediaSsrc);
  }
  return ssrcs;
}

test('rid names and list order map to spatial layers', () => {
  assert.equal(['q', 'h', 'f'].map((r) => spatialOfRid(r, ['f', 'h', 'q'])), [0, 1, 2]);
  assert.equal(['a', 'b', 'c'].map((r) => spatialOfRid(r, ['a', 'b', 'c'])), [0, 1, 2]);
  assert.is(spatialOfRid('x', ['a', 'b']), -1);
});

test('Forwarder: forwards the current layer until a key frame of the target, then switches; -1 stops', () => {
  const f = new Forwarder(0);
  assert.is(f.accept(1, true, 0), FwdDecision.Drop, 'not the target');
  assert.is(f.accept(0, false, 0), FwdDecision.Drop, 'start needs a key frame');
  assert.is(f.accept(0, true, 1), FwdDecision.Switch);
  assert.is(f.accept(0, false, 2), FwdDecision.Forward);
  assert.ok(f.setTarget(2));
  assert.ok(f.switching);
  assert.is(f.accept(2, false, 3), FwdDecision.Drop, 'delta frame of the target: wait');
  assert.is(f.accept(0, false, 3), FwdDecision.Forward, 'current keeps flowing meanwhile');
  assert.is(f.accept(1, true, 4), FwdDecision.Drop, 'key frame of a layer that is not the target');
  assert.is(f.accept(2, true, 5), FwdDecision.Switch);
  assert.is(f.accept(0, false, 6), FwdDecision.Drop);
  assert.equal([f.current, f.counters.switchesUp, f.counters.switchesDown, f.lastSwitchMs], [2, 1, 0, 5]);
  f.setTarget(-1);
  assert.is(f.current, -1);
  assert.is(f.accept(2, true, 7), FwdDecision.Drop);
});

test('layers appear by rid; one continuous stream across switches up and down; PLIs to the target SSRC', () => {
  const { sim, up, out, dt, route, rtcp } = setup();
  dt.start(0);
  const seq = [100, 30000, 65530], ts0 = [1000, 50000, 900000], pid = [10, 2000, 32760];
  const layerOf: number[] = []; // source layer of each packet the subscriber got
  let sentBefore = 0;
  const frame = (i: number, keyLayers: number[]): void => {
    for (let s = 0; s < 3; s++) {
      const p = vp8(s, seq[s]! + i, ts0[s]! + 3000 * i, pid[s]! + i, i === 0 || keyLayers.includes(s), i < 3);
      route(p, i * 33);
      if (out.rtp.length > sentBefore) { layerOf.push(s); sentBefore = out.rtp.length; }
    }
  };
  for (let i = 0; i < 10; i++) frame(i, []);
  assert.equal(sim.layers.map((r) => r?.ssrc), SSRC, 'a Receiver per rid, by first packet');
  assert.is(rtcp.size, 3);
  assert.equal(sim.layerSize(2), { width: 1280, height: 720 }, 'size read from the VP8 key frame');
  assert.ok(!layerOf.some((s) => s !== 0) && layerOf.length === 10, `initial layer 0: ${layerOf}`);
  const plisBefore = plisTo(up).length;
  sim.setTargetLayer(dt, 2, 400);
  assert.equal(plisTo(up).slice(plisBefore), [SSRC[2]], 'PLI with the target layer SSRC');
  for (let i = 10; i < 15; i++) frame(i, []);
  assert.ok(!layerOf.slice(10).some((s) => s !== 0), 'low layer flows until the high key frame');
  frame(15, [2]);
  for (let i = 16; i < 20; i++) frame(i, []);
  assert.is(layerOf[15], 0, 'frame 15: the low packet came before the high key frame');
  assert.ok(layerOf.slice(16).every((s) => s === 2), `then only the high layer: ${layerOf.slice(16)}`);
  sim.setTargetLayer(dt, 1, 700);
  frame(20, [1]);
  for (let i = 21; i < 25; i++) frame(i, []);
  assert.ok(layerOf.slice(21).every((s) => s === 1), `${layerOf.slice(21)}`);
  assert.is(layerOf.length, 26);
  const f = sim.forwarderOf(dt)!;
  assert.equal([f.current, f.counters.switchesUp, f.counters.switchesDown], [1, 1, 1]);
  // The subscriber's view: one SSRC, seq +1 each packet, timestamps rising (3000 a frame within a layer).
  const pk = out.rtp.map((b) => RtpPacket.deSerialize(b));
  assert.is(pk.length, 26);
  for (let i = 0; i < pk.length; i++) {
    assert.is(pk[i]!.header.ssrc, 0xabcdef);
    assert.is(pk[i]!.header.payloadType, 100);
    assert.is(pk[i]!.header.sequenceNumber, 500 + i);
    if (i > 0) assert.ok(((pk[i]!.header.timestamp - pk[i - 1]!.header.timestamp) >>> 0) > 0 && ((pk[i]!.header.timestamp - pk[i - 1]!.header.timestamp) >>> 0) < 90000, `ts step at ${i}`);
    if (i > 0 && layerOf[i] === layerOf[i - 1]) assert.is((pk[i]!.header.timestamp - pk[i - 1]!.header.timestamp) >>> 0, 3000);
  }
  assert.is(pk[16]!.payload[0], 0x90, 'payload forwarded as is');
  assert.is(pk[16]!.payload[4]! & 1, 0, 'the switch packet is the key frame');
  dt.close();
  sim.close();
});

test('subscriber NACKs are answered from the cache of the layer each packet came from, across a switch', () => {
  const { sim, out, dt, route } = setup(true);
  dt.start(0);
  for (let i = 0; i < 6; i++) for (let s = 0; s < 3; s++) route(vp8(s, 100 * (s + 1) + i, 1000 * s + 3000 * i, i, i === 0, i < 3), i * 33);
  sim.setTargetLayer(dt, 2, 200);
  for (let i = 6; i < 10; i++) for (let s = 0; s < 3; s++) route(vp8(s, 100 * (s + 1) + i, 1000 * s + 3000 * i, i, i === 6, false), i * 33);
  const sent = out.rtp.map((b) => RtpPacket.deSerialize(b));
  assert.is(sent.length, 11, '7 low (frame 6 low came before the high key frame) + 4 high');
  out.rtp.length = 0;
  const rtcp = new SubscriberRtcp();
  rtcp.add(dt);
  const b = Buffer.alloc(200);
  let n = writeReceiverReport(b, 0, 42, []);
  n += writeNack(b, n, 42, 0xabcdef, [sent[2]!.header.sequenceNumber, sent[9]!.header.sequenceNumber]);
  rtcp.handle(b, n, 600);
  const re = out.rtp.map((x) => RtpPacket.deSerialize(x));
  assert.is(re.length, 2, 'both resent (no RTX negotiated: plain retransmissions)');
  for (const [k, j] of [[0, 2], [1, 9]] as const) {
    assert.is(re[k]!.header.sequenceNumber, sent[j]!.header.sequenceNumber);
    assert.is(re[k]!.header.timestamp, sent[j]!.header.timestamp);
    assert.equal([...re[k]!.payload], [...sent[j]!.payload], `payload of packet ${j} from its own layer`);
  }
  assert.is(dt.counters.retransmits, 2);
});

test('RTX of a layer (repaired-rid) is ignored without a negotiated RTX payload type; an unknown mid or rid makes no layer', () => {
  const { sim, demux, route, rtcp } = setup();
  route(vp8(0, 1, 0, 1, true, false, 0x7777, [{ id: MID_ID, value: [0x31] }, { id: RRID_ID, value: [0x71] }]), 0);
  route(vp8(0, 1, 0, 1, true, false, 0x8888, [{ id: MID_ID, value: [0x32] }, { id: RID_ID, value: [0x71] }]), 0);
  route(vp8(0, 1, 0, 1, true, false, 0x9999, [{ id: MID_ID, value: [0x31] }, { id: RID_ID, value: [0x7a] }]), 0);
  assert.is(rtcp.size, 0);
  assert.ok(sim.layers.every((r) => r === null));
  assert.is(demux.unmapped, 2);
});

test('layer bitrates are measured per layer over 500 ms windows; a silent layer reads 0', () => {
  const { sim, route } = setup();
  sim.layerBitrates(0);
  for (let i = 0; i < 30; i++) for (let s = 0; s < (i < 15 ? 3 : 2); s++) route(vp8(s, i, i * 3000, i, i === 0, i < 3), i * 33);
  const b = sim.layerBitrates(990);
  assert.ok(b[0]! > 0 && b[1]! > 0 && b[2]! > 0, `${[...b]}`);
  const b2 = [...sim.layerBitrates(2100)];
  assert.is(b2[2], 0, 'f stopped 1.6 s ago');
});

test('layer RTX (repaired-rid) is mapped to its layer on first sight: upstream NACKs per layer SSRC, RTX unwrapped into the layer', () => {
  const up = new FakeTransport(), out = new FakeTransport();
  const rtcp = new PublisherRtcp(0x5555);
  const sim = new SimulcastReceiver({
    trackId: 'TR_v', codec, rids: RIDS,
    factory: (_s, _rid, ssrc) => { const r = new Receiver({ trackId: 'TR_v', kind: 'video', ssrc, codec, upstream: up, rtcpSsrc: 0x5555, nack: true, upstreamNack: true }); rtcp.add(r); return r; },
  });
  const demux = new SimulcastDemux();
  demux.add('1', sim, { mid: MID_ID, rid: RID_ID, repairedRid: RRID_ID, rtxPt: 97 });
  const dt = new DownTrack({ receiver: sim, transport: out, ssrc: 0xabcdef, payloadType: 100, extMap: new Uint8Array(256), cname: 'c', initialSeq: 500, initialTs: 1000 });
  dt.start(0);
  // The publisher's path (PublisherDemux): media SSRC, known RTX SSRC, else the simulcast demux.
  const pd = new PublisherDemux(rtcp, demux);
  const route = (p: Buffer, now: number): void => {
    assert.is(view.reset(p, 0, p.length), 0);
    pd.onRtp(p, view, now);
  };
  const rrid = (r: string) => [{ id: MID_ID, value: [0x31] }, { id: RRID_ID, value: [...Buffer.from(r)] }];
  /** The RTX packet (RFC 4588) of layer s's packet i, on rtxSsrc, with the given extensions. */
  const rtxOf = (s: number, i: number, rtxSsrc: number, rtxSeq: number, ext: { id: number; value: number[] }[], pt = 97): Buffer => {
    const orig = Buffer.from(vp8(s, 100 * (s + 1) + i, 3000 * i, i, false, false, SSRC[s]!, ext));
    const x = Buffer.alloc(1500);
    const n = writeRtx(orig, 0, orig.length, x, 0, rtxSsrc, pt, rtxSeq);
    assert.ok(n > 0);
    return x.subarray(0, n);
  };
  // Layers q and h; q loses packet 3, h loses packet 4.
  for (let i = 0; i < 6; i++) for (let s = 0; s < 2; s++) {
    if ((s === 0 && i === 3) || (s === 1 && i === 4)) continue;
    route(vp8(s, 100 * (s + 1) + i, 3000 * i, i, i === 0, i < 3), i * 33);
  }
  const forwarded = out.rtp.length;
  assert.is(forwarded, 5, 'layer q forwarded, one lost');
  for (const now of [200, 260, 320, 400]) rtcp.tick(now);
  const nacked = new Map<number, number[]>();
  for (const b of up.rtcp) for (const p of RtcpPacketConverter.deSerialize(b)) {
    if (p instanceof RtcpTransportLayerFeedback && p.feedback instanceof GenericNack) nacked.set(p.feedback.mediaSourceSsrc, [...(nacked.get(p.feedback.mediaSourceSsrc) ?? []), ...p.feedback.lost]);
  }
  assert.equal([...new Set(nacked.get(SSRC[0]!))], [103], 'NACK for layer q with its SSRC (werift-rtp reads it)');
  assert.equal([...new Set(nacked.get(SSRC[1]!))], [204], 'NACK for layer h with its SSRC');

  // RTX of h before it names its layer: not mapped. RTX naming f (no such layer yet) or with another PT: not mapped.
  route(rtxOf(1, 4, 0x2001, 1, []), 410);
  route(rtxOf(2, 4, 0x3001, 1, rrid('f')), 410);
  route(rtxOf(1, 4, 0x2001, 1, rrid('h'), 98), 410);
  assert.is(demux.rtxMapped, 0);
  assert.is(sim.layers[1]!.rtxSsrc, 0);

  // The answers: each RTX stream becomes its layer's on first sight, the original goes into the layer.
  route(rtxOf(0, 3, 0x1001, 7, rrid('q')), 420);
  route(rtxOf(1, 4, 0x2001, 9, rrid('h')), 420);
  assert.is(demux.rtxMapped, 2);
  assert.is(sim.layers[0]!.rtxSsrc, 0x1001);
  assert.is(sim.layers[1]!.rtxSsrc, 0x2001);
  assert.is(rtcp.getByRtxSsrc(0x2001), sim.layers[1]!);
  for (const s of [0, 1]) assert.is(sim.layers[s]!.counters.rtxRecovered, 1, `layer ${s} recovered one`);
  assert.ok(sim.layers[0]!.cache!.has(0x10000 + 103));
  assert.ok(sim.layers[1]!.cache!.has(0x10000 + 204));
  assert.is(out.rtp.length, forwarded + 1, 'the recovered q packet reached the subscriber (h is not forwarded)');
  const re = RtpPacket.deSerialize(out.rtp[forwarded]!);
  assert.equal([...re.payload], [...RtpPacket.deSerialize(vp8(0, 103, 9000, 3, false, false)).payload], 'payload of q packet 3');

  // Later RTX packets of a mapped stream carry no extensions any more: routed by SSRC.
  route(rtxOf(1, 5, 0x2001, 10, []), 430);
  assert.is(sim.layers[1]!.counters.rtxPackets, 2);
  assert.is(sim.layers[1]!.counters.duplicates, 1, 'packet 5 of h was already there');
});

test.run();
