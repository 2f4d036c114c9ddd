// What simulcast adds per forwarded packet: a layer Receiver's fan-out goes through the
// LayerMeter (bytes, key-frame size) and one LayerTap per DownTrack (Forwarder decision,
// layer-offset seq for the NACK cache) before the DownTrack, against the same-run
// baseline of a plain Receiver -> DownTrack; plus the cost of a packet of a layer the
// subscriber does not get (meter + tap drop). And RED -> primary (plain Opus) per packet
// for a subscriber without red, against forwarding the RED packet as it is.
import type { MicroCase } from './case.js';
import * as R from '../../src/rtp/index.js';
import { DownTrack, Receiver, SimulcastReceiver } from '../../src/sfu/index.js';

const sink = { n: 0, sendRtp(buf: Buffer, off: number, len: number): boolean { this.n += buf[off + 3]! + len; return true; }, sendRtcp(): boolean { return true; } };
const VP8 = { name: 'VP8', clockRate: 90000, payloadType: 96 };
const OPUS = { name: 'opus', clockRate: 48000, payloadType: 111 };

function packet(pt: number, ssrc: number, payload: Uint8Array): { pkt: Buffer; len: number } {
  const pkt = Buffer.alloc(1500);
  const len = R.writeRtpPacket(pkt, 0, { payloadType: pt, sequenceNumber: 1, timestamp: 0, ssrc, extensions: [{ id: 1, value: Buffer.from([0x9e]) }] }, payload);
  return { pkt, len };
}

/** Feeds `r` a packet with a fresh seq/ts each call (byte stores, no boxing). */
function feeder(pkt: Buffer, len: number, step: number): (r: Receiver) => void {
  const view = new R.RtpView();
  const st = new Float64Array(3);
  return (r) => {
    const seq = (st[0] + 1) & 0xffff; st[0] = seq; st[1] = (st[1] + step) % 4294967296; st[2] += 1;
    const ts = st[1];
    pkt[2] = seq >>> 8; pkt[3] = seq; pkt[4] = ts / 16777216; pkt[5] = ts / 65536; pkt[6] = ts / 256; pkt[7] = ts;
    pkt[16] = 0x10; // restore the extension id the DownTrack rewrote
    view.reset(pkt, 0, len);
    r.onRtp(pkt, view, st[2]);
  };
}

function simulcastCase(forwarded: boolean): MicroCase {
  const payload = new Uint8Array(1100).fill(0x55);
  payload.set([0x90, 0x80, 0x80, 0x01, 0x11]); // VP8 delta frame, 15-bit picture id
  const map = new Uint8Array(256); map[1] = 2;
  const sim = new SimulcastReceiver({ trackId: 'TR', codec: VP8, rids: ['q', 'h', 'f'], factory: (_s, _r, ssrc) => new Receiver({ trackId: 'TR', kind: 'video', ssrc, codec: VP8, upstream: sink, rtcpSsrc: 1 }) });
  for (let s = 0; s < 3; s++) sim.addLayer(['q', 'h', 'f'][s]!, 0x100 + s);
  const dt = new DownTrack({ receiver: sim, transport: sink, ssrc: 1000, payloadType: 96, extMap: map, cname: 'c' });
  dt.start(0);
  const f = sim.forwarderOf(dt)!;
  f.setTarget(2); f.current = 2; (dt as unknown as { munger: { switchSource(): void } }).munger.switchSource();
  // The DownTrack starts waiting for a key frame: feed one through the forwarded layer first.
  const key = packet(96, 0x102, Uint8Array.from([0x90, 0x80, 0x80, 0x01, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xb4, 0x00]));
  feeder(key.pkt, key.len, 3000)(sim.layers[2]!);
  const p = packet(96, forwarded ? 0x102 : 0x100, payload);
  const one = feeder(p.pkt, p.len, 3000);
  const layer = sim.layers[forwarded ? 2 : 0]!;
  const plain = new Receiver({ trackId: 'TR', kind: 'video', ssrc: 0x100, codec: VP8, upstream: sink, rtcpSsrc: 1 });
  const pdt = new DownTrack({ receiver: plain, transport: sink, ssrc: 1001, payloadType: 96, extMap: map, cname: 'c' });
  pdt.start(0);
  const k2 = packet(96, 0x100, Uint8Array.from([0x90, 0x80, 0x80, 0x01, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xb4, 0x00]));
  feeder(k2.pkt, k2.len, 3000)(plain);
  const q = packet(96, 0x100, payload);
  const base = feeder(q.pkt, q.len, 3000);
  return {
    name: forwarded ? `simulcast: ${p.len}-byte VP8 packet of the forwarded layer -> meter + tap/Forwarder -> DownTrack` : `simulcast: ${p.len}-byte VP8 packet of a layer not forwarded (meter + tap drop)`,
    fn: () => one(layer),
    baseline: { name: 'plain Receiver -> DownTrack (one SSRC)', fn: () => base(plain) },
  };
}

function redCase(): MicroCase {
  const red = new Uint8Array(200);
  const pl = R.writeRedPayload(red, 0, [{ payloadType: 111, data: new Uint8Array(60).fill(1), tsOffset: 960 }], { payloadType: 111, data: new Uint8Array(70).fill(2), tsOffset: 0 });
  const map = new Uint8Array(256); map[1] = 2;
  const mk = (redPt?: number): { r: Receiver; one: (r: Receiver) => void } => {
    const r = new Receiver({ trackId: 'TA', kind: 'audio', ssrc: 0x200, codec: OPUS, upstream: sink, rtcpSsrc: 1, redPayloadType: 63 });
    new DownTrack({ receiver: r, transport: sink, ssrc: 2000, payloadType: 111, extMap: map, cname: 'c', ...(redPt !== undefined ? { redPayloadType: redPt } : {}) }).start(0);
    const p = packet(63, 0x200, red.subarray(0, pl));
    return { r, one: feeder(p.pkt, p.len, 960) };
  };
  const conv = mk(), keep = mk(63);
  return {
    name: 'RED audio packet -> DownTrack without red (primary block as plain Opus, scratch copy)',
    fn: () => conv.one(conv.r),
    baseline: { name: 'RED audio packet -> DownTrack with red (forwarded as is)', fn: () => keep.one(keep.r) },
  };
}

export const cases: MicroCase[] = [simulcastCase(true), simulcastCase(false), redCase()];
