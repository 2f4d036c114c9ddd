// The cost of loss repair bookkeeping on the forward path: Receiver with its packet cache
// (a copy of every packet), NACK generator and per-DownTrack Sequencer, against the same
// Receiver -> DownTrack forward with loss repair off (nack: false) — the plain forward
// measured in the same run. Plus answering one subscriber NACK of 16 packets as RTX.
import type { MicroCase } from './case.js';
import * as R from '../../src/rtp/index.js';
import { DownTrack, Receiver, SubscriberRtcp } from '../../src/sfu/index.js';

const sink = { n: 0, sendRtp(buf: Buffer, off: number, len: number): boolean { this.n += buf[off + 3]! + len; return true; }, sendRtcp(): boolean { return true; } };
const view = new R.RtpView();

function packet(payloadBytes: number, pt: number): { buf: Buffer; len: number; head: Uint8Array } {
  const buf = Buffer.alloc(1500);
  const len = R.writeRtpPacket(buf, 0, {
    payloadType: pt, sequenceNumber: 1, timestamp: 0, ssrc: 0x12345678,
    extensions: [{ id: 1, value: Buffer.from([0x9e]) }, { id: 3, value: Buffer.from([0, 7]) }, { id: 4, value: Buffer.from('0') }],
  }, Buffer.alloc(payloadBytes, 0x55));
  // Alone in a Buffer of its own size (as from dgram): the cache copies it natively.
  return { buf: Buffer.from(buf.subarray(0, len)), len, head: Uint8Array.from(buf.subarray(0, 24)) };
}

/** Restore the header + extension block the last DownTrack rewrote in place, set seq/ts. */
function reload(p: { buf: Buffer; head: Uint8Array }, seq: number, ts: number): void {
  const b = p.buf, h = p.head;
  for (let i = 0; i < 24; i++) b[i] = h[i]!;
  b[2] = seq >>> 8; b[3] = seq; b.writeUInt32BE(ts, 4);
}

// Video-sized packets go through an 'audio' Receiver (every packet forwardable, no key
// frame wait) with the video cache size; the per-packet work is the same.
function setup(kind: 'audio' | 'video', n: number, nack: boolean): { r: Receiver; dts: DownTrack[] } {
  const codec = kind === 'audio' ? { name: 'opus', clockRate: 48000, payloadType: 111 } : { name: 'H264', clockRate: 90000, payloadType: 102 };
  const r = new Receiver({ trackId: 'TR', kind: 'audio', ssrc: 0x12345678, codec, upstream: sink, rtcpSsrc: 1, nack, cache: { slots: kind === 'audio' ? 512 : 2048 } });
  const map = new Uint8Array(256); map[1] = 2;
  const dts: DownTrack[] = [];
  for (let i = 0; i < n; i++) {
    const d = new DownTrack({ receiver: r, transport: sink, ssrc: 1000 + i, payloadType: codec.payloadType, extMap: map, cname: 'c', rtx: { ssrc: 2000 + i, payloadType: 103 } });
    d.start(0);
    dts.push(d);
  }
  return { r, dts };
}

function forward(kind: 'audio' | 'video', payloadBytes: number, n: number): MicroCase {
  const p = packet(payloadBytes, kind === 'audio' ? 111 : 102);
  const withNack = setup(kind, n, true), plain = setup(kind, n, false);
  const state = { seq: 1, ts: 0, now: 0 };
  const step = (r: Receiver): void => {
    const s = state;
    s.seq = (s.seq + 1) & 0xffff; s.ts = (s.ts + 960) >>> 0; s.now += 1;
    reload(p, s.seq, s.ts);
    view.reset(p.buf, 0, p.len);
    r.onRtp(p.buf, view, s.now);
  };
  return {
    name: `sfu-nack: forward ${payloadBytes}-byte ${kind} to ${n} DownTrack(s) with cache + NACK bookkeeping`,
    fn: () => step(withNack.r),
    baseline: { name: `same forward, loss repair off (nack: false)`, fn: () => step(plain.r) },
  };
}

function nackAnswer(): MicroCase {
  const mk = (): { r: Receiver; d: DownTrack; sub: SubscriberRtcp } => {
    const r = new Receiver({ trackId: 'TR', kind: 'audio', ssrc: 0x12345678, codec: { name: 'H264', clockRate: 90000, payloadType: 102 }, upstream: sink, rtcpSsrc: 1, cache: { slots: 2048 } });
    const map = new Uint8Array(256); map[1] = 2;
    // Unlimited rate so every round resends all 16 (the rate limit is tested elsewhere).
    const d = new DownTrack({ receiver: r, transport: sink, ssrc: 1000, payloadType: 102, extMap: map, cname: 'c', rtx: { ssrc: 2000, payloadType: 103 }, nackResponder: { packetsPerSecond: 0, bytesPerSecond: 0 } });
    d.start(0);
    const sub = new SubscriberRtcp(); sub.add(d);
    return { r, d, sub };
  };
  const a = mk(), b = mk();
  const p = packet(1100, 102);
  const lost = new Uint16Array(16);
  const nb = Buffer.alloc(200);
  const st = { seq: 1, now: 0 };
  const round = (x: { r: Receiver; d: DownTrack; sub: SubscriberRtcp }, answer: boolean): void => {
    st.now += 20;
    for (let i = 0; i < 16; i++) {
      st.seq = (st.seq + 1) & 0xffff;
      reload(p, st.seq, st.seq * 3000);
      view.reset(p.buf, 0, p.len);
      x.r.onRtp(p.buf, view, st.now);
    }
    if (!answer) return;
    const hi = x.d.munger.lastSeq;
    for (let i = 0; i < 16; i++) lost[i] = (hi - 15 + i) & 0xffff;
    const n = R.writeNack(nb, 0, 42, 1000, lost);
    x.sub.handle(nb, n, st.now + 5);
  };
  return {
    name: 'sfu-nack: forward 16 1100-byte packets, then answer a NACK for all 16 (RTX from the cache, re-munged)',
    fn: () => round(a, true),
    baseline: { name: 'forward the 16 packets only', fn: () => round(b, false) },
  };
}

export const cases: MicroCase[] = [forward('audio', 120, 1), forward('audio', 120, 10), forward('video', 1100, 1), forward('video', 1100, 10), nackAnswer()];
