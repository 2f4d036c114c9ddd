// The SFU forward path without crypto or sockets: Receiver -> DownTrack (munge seq/ts,
// rewrite SSRC/PT/extension ids in place) -> a transport stub that only reads the packet
// (WebRtcTransport.sendRtp's copy into a send slot and SRTP are measured in srtp/net
// benches). Baseline: the obvious way with werift-rtp (parse to objects, change fields,
// serialize) per subscriber.
import type { MicroCase } from './case.js';
import { RtpPacket } from 'werift-rtp';
import * as R from '../../src/rtp/index.js';
import { DownTrack, Receiver } from '../../src/sfu/index.js';

const sink = { n: 0, sendRtp(buf: Buffer, off: number, len: number): boolean { this.n += buf[off + 3]! + len; return true; }, sendRtcp(): boolean { return true; } };

const pkt = Buffer.alloc(1200);
const pktLen = R.writeRtpPacket(pkt, 0, {
  payloadType: 111, sequenceNumber: 1, timestamp: 0, ssrc: 0x12345678,
  extensions: [{ id: 1, value: Buffer.from([0x9e]) }, { id: 3, value: Buffer.from([0, 7]) }, { id: 4, value: Buffer.from('0') }],
}, Buffer.alloc(120, 0x55));
const view = new R.RtpView();

function receiverWith(n: number): Receiver {
  const r = new Receiver({ trackId: 'TR', kind: 'audio', ssrc: 0x12345678, codec: { name: 'opus', clockRate: 48000, payloadType: 111 }, upstream: sink, rtcpSsrc: 1 });
  const map = new Uint8Array(256); map[1] = 2;
  for (let i = 0; i < n; i++) new DownTrack({ receiver: r, transport: sink, ssrc: 1000 + i, payloadType: 111, extMap: map, cname: 'c' }).start(0);
  return r;
}

function forwardCase(n: number): MicroCase {
  const r = receiverWith(n);
  let seq = 1, ts = 0, now = 0;
  return {
    name: `sfu: forward one 120-byte Opus packet to ${n} DownTrack(s)`,
    fn: () => {
      seq = (seq + 1) & 0xffff; ts = (ts + 960) >>> 0; now += 20;
      pkt[2] = seq >>> 8; pkt[3] = seq; pkt.writeUInt32BE(ts, 4);
      view.reset(pkt, 0, pktLen);
      r.onRtp(pkt, view, now);
    },
    baseline: {
      name: `werift-rtp parse + rewrite + serialize per subscriber (${n})`,
      fn: () => {
        seq = (seq + 1) & 0xffff;
        for (let i = 0; i < n; i++) {
          const p = RtpPacket.deSerialize(pkt.subarray(0, pktLen));
          p.header.ssrc = 1000 + i; p.header.sequenceNumber = seq; p.header.payloadType = 111;
          p.header.extensions = p.header.extensions.filter((e) => e.id === 1).map((e) => ({ id: 2, payload: e.payload }));
          const out = p.serialize();
          sink.sendRtp(out, 0, out.length);
        }
      },
    },
  };
}

export const cases: MicroCase[] = [forwardCase(1), forwardCase(10)];
