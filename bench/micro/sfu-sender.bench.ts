// What TWCC + pacing add per forwarded packet: Receiver -> DownTrack -> SubscriberSender
// (copy into the transport's slab, pacer enqueue/poll, our transport-wide seq written at
// release, SendHistory.onSent) -> a transport stub, against the same-run baseline of plain
// forwarding (Receiver -> DownTrack -> the stub). Neither includes SRTP or the socket
// (WebRtcTransport.sendRtp); both end in the same stub that reads the packet.
import type { MicroCase } from './case.js';
import * as R from '../../src/rtp/index.js';
import { DownTrack, Receiver, SubscriberSender, type PacerMode } from '../../src/sfu/index.js';

const sink = { n: 0, sendRtp(buf: Buffer, off: number, len: number): boolean { this.n += buf[off + 3]! + len; return true; }, sendRtcp(): boolean { return true; } };
const VP8_KEY = [0x10, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a];

function makePacket(kind: 'audio' | 'video'): { pkt: Buffer; len: number } {
  const pkt = Buffer.alloc(1500);
  const size = kind === 'audio' ? 120 : 1100;
  const payload = Buffer.alloc(size, 0x55);
  if (kind === 'video') payload.set(VP8_KEY);
  const len = R.writeRtpPacket(pkt, 0, {
    payloadType: kind === 'audio' ? 111 : 96, sequenceNumber: 1, timestamp: 0, ssrc: 0x12345678,
    extensions: [{ id: 1, value: Buffer.from([0x9e]) }, { id: 3, value: Buffer.from([0, 7]) }, { id: 4, value: Buffer.from('0') }],
  }, payload);
  return { pkt, len };
}

function path(kind: 'audio' | 'video', pacer: PacerMode | null): { r: Receiver; sender: SubscriberSender | null } {
  const r = new Receiver({ trackId: 'TR', kind, ssrc: 0x12345678, codec: kind === 'audio' ? { name: 'opus', clockRate: 48000, payloadType: 111 } : { name: 'VP8', clockRate: 90000, payloadType: 96 }, upstream: sink, rtcpSsrc: 1 });
  const map = new Uint8Array(256); map[1] = 2; map[3] = 5;
  let sender: SubscriberSender | null = null;
  if (pacer !== null) {
    sender = new SubscriberSender({ transport: sink, twccExtId: 5, pacer, timer: false });
    sender.pacer.setRate(10_000_000_000); // never the limit here: the cost of the machinery, not of waiting
  }
  new DownTrack({ receiver: r, transport: sender ? sender.sinkFor(kind) : sink, ssrc: 1000, payloadType: kind === 'audio' ? 111 : 96, extMap: map, cname: 'c' }).start(0);
  return { r, sender };
}

function sendCase(kind: 'audio' | 'video', pacer: PacerMode): MicroCase {
  const { pkt, len } = makePacket(kind);
  const view = new R.RtpView();
  const st = new Float64Array(3); // seq, ts, now (typed: no boxing)
  const a = path(kind, pacer);
  const b = path(kind, null);
  const step = kind === 'audio' ? 960 : 3000;
  const one = (r: Receiver): void => {
    const seq = (st[0] + 1) & 0xffff; st[0] = seq; st[1] = (st[1] + step) % 4294967296; st[2] += 1;
    const ts = st[1];
    pkt[2] = seq >>> 8; pkt[3] = seq; pkt[4] = ts / 16777216; pkt[5] = ts / 65536; pkt[6] = ts / 256; pkt[7] = ts; // byte stores: no boxed double argument
    pkt[0] |= 0x10; // extension bit (rewrites never clear it)
    view.reset(pkt, 0, len);
    r.onRtp(pkt, view, st[2]);
  };
  return {
    name: `sfu send: ${len}-byte ${kind} packet -> DownTrack -> SubscriberSender (${pacer}, TWCC seq + history)`,
    fn: () => {
      // Restore the publisher's extension ids (the DownTrack rewrote them in place).
      pkt[16] = 0x10; pkt[18] = 0x31; pkt[21] = 0x40;
      one(a.r);
    },
    baseline: {
      name: `plain forwarding: ${len}-byte ${kind} packet -> DownTrack -> transport stub`,
      fn: () => { pkt[16] = 0x10; pkt[18] = 0x31; pkt[21] = 0x40; one(b.r); },
    },
  };
}

export const cases: MicroCase[] = [
  sendCase('audio', 'pass-through'),
  sendCase('audio', 'leaky-bucket'),
  sendCase('video', 'pass-through'),
  sendCase('video', 'leaky-bucket'),
];
