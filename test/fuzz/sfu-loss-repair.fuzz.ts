// Fuzz target for the loss repair path of src/sfu: untrusted bytes arrive as the
// publisher's RTX stream (unwrapped in place and fed in as the original), as media, and
// as a subscriber's RTCP (NACKs answered from the cache as RTX, PLIs), interleaved with
// the RTCP tick. Nothing may throw, and every packet handed to a transport must lie
// inside its buffer.
import type { FuzzTarget } from './harness.js';
import * as R from '../../src/rtp/index.js';
import { writeRtx } from '../../src/sfu/nack/index.js';
import { DownTrack, PublisherRtcp, Receiver, SubscriberRtcp } from '../../src/sfu/index.js';

const PUB = 0x11223344, PUB_RTX = 0x11223345;
const sink = {
  n: 0,
  sendRtp(b: Buffer, o: number, len: number): boolean { if (o < 0 || len < 12 || o + len > b.length) throw new Error(`RTP out of bounds ${o}+${len}/${b.length}`); this.n += len; return true; },
  sendRtcp(b: Buffer, o: number, len: number): boolean { if (o < 0 || len < 4 || o + len > b.length) throw new Error(`RTCP out of bounds ${o}+${len}/${b.length}`); this.n += len; return true; },
};
const view = new R.RtpView();

function setup(): { r: Receiver; sub: SubscriberRtcp; pub: PublisherRtcp } {
  const r = new Receiver({ trackId: 'TR', kind: 'video', ssrc: PUB, codec: { name: 'VP8', clockRate: 90000, payloadType: 96 }, upstream: sink, rtcpSsrc: 9,
    rtx: { ssrc: PUB_RTX, payloadType: 97 }, cache: { slots: 64 } });
  const sub = new SubscriberRtcp();
  const pub = new PublisherRtcp(9);
  pub.add(r);
  const maps = [new Uint8Array(256).map((_, i) => (i * 7) & 0xff), new Uint8Array(16)];
  maps.forEach((m, i) => {
    const d = new DownTrack({ receiver: r, transport: sink, ssrc: 100 + i, payloadType: 96, extMap: m, cname: 'c', initialSeq: 10, initialTs: 0,
      ...(i === 0 ? { rtx: { ssrc: 200, payloadType: 97 } } : {}), nackResponder: { packetsPerSecond: 0, bytesPerSecond: 0, minIntervalMs: 0, rttFactor: 0 } });
    d.start(0);
    sub.add(d);
  });
  return { r, sub, pub };
}

function media(seq: number, key: boolean): Buffer {
  const b = Buffer.alloc(200);
  const payload = key ? [0x10, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0, 0, 0, 0, 1, 2, 3] : [0x10, 0x11, 0, 0, 5, 6, 7];
  const n = R.writeRtpPacket(b, 0, { payloadType: 96, sequenceNumber: seq, timestamp: seq * 3000, ssrc: PUB, extensions: [{ id: 1, value: Buffer.from([seq & 0xff]) }] }, Buffer.from(payload));
  return Buffer.from(b.subarray(0, n));
}

// Input: a sequence of records [op, len, bytes...]: op % 4 = 0 media (bytes as a packet),
// 1 RTX (bytes), 2 subscriber RTCP (bytes), 3 tick (len = ms to advance).
function seeds(): Buffer[] {
  const recs: Buffer[] = [];
  const rec = (op: number, body: Buffer): void => { recs.push(Buffer.from([op, body.length & 0xff]), body.subarray(0, 255)); };
  rec(0, media(1, true)); rec(0, media(2, false)); rec(0, media(4, false)); rec(3, Buffer.alloc(30));
  const o = media(3, false); const x = Buffer.alloc(300); const n = writeRtx(o, 0, o.length, x, 0, PUB_RTX, 97, 7);
  rec(1, x.subarray(0, n));
  const b = Buffer.alloc(200);
  let k = R.writeReceiverReport(b, 0, 1, []);
  k += R.writeNack(b, k, 1, 100, [10, 11, 12, 13]);
  k += R.writePli(b, k, 1, 101);
  rec(2, b.subarray(0, k));
  rec(2, b.subarray(0, R.writeNack(b, 0, 1, 101, [11, 65535, 0])));
  return [Buffer.concat(recs)];
}

export const targets: FuzzTarget[] = [{
  name: 'sfu/loss-repair',
  seeds,
  run(input: Buffer): void {
    const { r, sub, pub } = setup();
    let now = 0;
    for (let i = 0; i + 2 <= input.length;) {
      const op = input[i]! & 3, len = Math.min(input[i + 1]!, input.length - i - 2);
      const body = Buffer.from(input.subarray(i + 2, i + 2 + len)); // alone in its Buffer, as from dgram
      i += 2 + len;
      now += 1;
      if (op === 3) { now += len; pub.tick(now); continue; }
      if (op === 2) { if (len >= 4) sub.handle(body, len, now); continue; }
      if (view.reset(body, 0, len) !== R.RtpStatus.OK) continue;
      if (op === 1) r.onRtxRtp(body, view, now); else r.onRtp(body, view, now);
    }
  },
}];
