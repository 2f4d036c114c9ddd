import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RtcpPacketConverter } from 'werift-rtp';
import { RtpStatus, TwccFeedbackView, writeTwccFeedback } from '../../src/rtp/index.js';

const hex = (s: string) => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');

function decodeAll(b: Uint8Array, len = b.length) {
  const v = new TwccFeedbackView();
  const st = v.reset(b, 0, len);
  const seq = new Uint16Array(70000), status = new Uint8Array(70000), delta = new Int32Array(70000);
  const n = st === RtpStatus.OK ? v.decode(seq, status, delta) : 0;
  return { v, st, seq: Array.from(seq.subarray(0, n)), status: Array.from(status.subarray(0, n)), delta: Array.from(delta.subarray(0, n)) };
}

// Hand-built from the draft's field layout:
//  base seq 0xfffe, status count 9, reference time -1 (0xffffff), fb count 7
//  chunk 1: 2-bit vector  1 1 | sym: 1 2 0 1 2 0 0  = 11 01 10 00 01 10 00 00 -> 0xd860
//  chunk 2: run length, symbol 1 (small), run 2   = 0 01 0000000000010 -> 0x2002
//  deltas: 04 | fffc (-4) | 10 | 0100 (256) | 00 | ff  → 32 bytes, already aligned
const HAND = '8fcd 0007 00000001 00000002 fffe 0009 ffffff 07 d860 2002 04 fffc 10 0100 00 ff';
// The same with the P bit and 4 bytes of RTCP padding (count in the last byte).
const HAND_PADDED = 'afcd 0008 00000001 00000002 fffe 0009 ffffff 07 d860 2002 04 fffc 10 0100 00 ff 00000004';

test('decode hand-built feedback: 2-bit vector, run length, negative/large deltas, wrap, padding', () => {
  const b = hex(HAND_PADDED);
  const r = decodeAll(b);
  assert.equal(decodeAll(hex(HAND)).delta, r.delta);
  assert.is(r.st, RtpStatus.OK);
  assert.equal([r.v.senderSsrc, r.v.mediaSsrc, r.v.baseSeq, r.v.statusCount, r.v.referenceTime, r.v.fbPktCount], [1, 2, 0xfffe, 9, -1, 7]);
  assert.is(r.v.referenceTimeUs, -64000);
  assert.equal(r.seq, [0xfffe, 0xffff, 0, 1, 2, 3, 4, 5, 6]);
  assert.equal(r.status, [1, 2, 0, 1, 2, 0, 0, 1, 1]);
  assert.equal(r.delta, [1000, -1000, 0, 4000, 64000, 0, 0, 0, 63750]);
});

test('without the P bit, 4 trailing bytes are too many', () => {
  const b = hex(HAND);
  assert.is(decodeAll(b).st, RtpStatus.OK);
  const longer = Buffer.concat([b, hex('00000000')]);
  longer.writeUInt16BE(longer.length / 4 - 1, 2);
  assert.is(decodeAll(longer).st, RtpStatus.BAD_LENGTH);
});

test('truncated deltas and reserved symbols are rejected', () => {
  const b = hex(HAND);
  const t = Buffer.from(b.subarray(0, 28)); t.writeUInt16BE(6, 2); // cuts the deltas
  assert.is(decodeAll(t).st, RtpStatus.BAD_LENGTH);
  const r = Buffer.from(b); r[20] = 0x7f; // run-length chunk with symbol 3
  assert.is(decodeAll(r).st, RtpStatus.BAD_PAYLOAD);
  assert.is(decodeAll(b, 16).st, RtpStatus.BAD_LENGTH);
});

test('1-bit status vector and forEachPacket', () => {
  //  base 10, count 14, ref 1, fb 0; chunk 1-bit: 10 + 14 symbols 1,0,1,0... = 0b10_10101010101010 = 0xaaaa
  //  7 deltas: 01..07, then 1 byte alignment
  const b = hex('8fcd 0007 00000001 00000002 000a 000e 000001 00 aaaa 01020304050607 000000');
  const v = new TwccFeedbackView();
  assert.is(v.reset(b, 0, b.length), RtpStatus.OK);
  const got: number[][] = [];
  assert.is(v.forEachPacket((s, st, d) => got.push([s, st, d])), 14);
  assert.equal(got.slice(0, 4), [[10, 1, 250], [11, 0, 0], [12, 1, 500], [13, 0, 0]]);
  assert.equal(got[12], [22, 1, 1750]);
});

function roundTrip(arrival: number[], ref?: number) {
  const buf = Buffer.alloc(80000);
  const n = writeTwccFeedback(buf, 0, { senderSsrc: 9, mediaSsrc: 10, baseSeq: 65530, fbPktCount: 3, count: arrival.length, arrivalUs: arrival, referenceTime: ref });
  assert.ok(n > 0, `writer returned ${n}`);
  assert.is(n % 4, 0);
  const r = decodeAll(buf, n);
  assert.is(r.st, RtpStatus.OK);
  // Rebuild absolute arrival times from reference + deltas, compare on the 250 us grid.
  let t = r.v.referenceTimeUs;
  for (let i = 0; i < arrival.length; i++) {
    assert.is(r.seq[i], (65530 + i) & 0xffff);
    if (arrival[i] < 0) { assert.is(r.status[i], 0); continue; }
    t += r.delta[i];
    assert.is(t, Math.round(arrival[i] / 250) * 250, `packet ${i}`);
  }
  return { n, buf: buf.subarray(0, n), r };
}

test('encoder round trip: all received small deltas → one run-length chunk', () => {
  const a = Array.from({ length: 50 }, (_, i) => 1_000_000 + i * 5000);
  const { n, buf } = roundTrip(a);
  assert.is(n, 20 + 2 + 50); // one chunk, 50 deltas, aligned: no padding
  assert.is(buf.readUInt16BE(20), 0x2000 | 50);
  assert.is(buf[0] & 0x20, 0);
  const p = roundTrip(a.slice(0, 49));
  assert.is(p.n, 20 + 2 + 49 + 1);
  assert.is(p.buf[0] & 0x20, 0x20); // P bit with count in the last byte
  assert.is(p.buf[p.n - 1], 1);
});

test('encoder round trip: losses, reordering (negative deltas), large gaps, long loss runs', () => {
  const a: number[] = [];
  let t = 5_000_000;
  for (let i = 0; i < 300; i++) {
    if (i % 13 === 5 || (i > 100 && i < 160)) { a.push(-1); continue; }
    t += i % 17 === 3 ? 100_000 : 2_000;
    a.push(i % 11 === 4 ? t - 30_000 : t);
  }
  const { r } = roundTrip(a);
  assert.ok(r.status.includes(2) && r.status.includes(0) && r.status.includes(1));
});

test('encoder: chunk choice uses all three chunk types', () => {
  // 14 mixed 0/1 → 1-bit vector; 7 with a large → 2-bit; 20 lost → run length
  const a: number[] = [];
  let t = 0;
  for (let i = 0; i < 14; i++) a.push(i % 2 ? -1 : (t += 1000));
  for (let i = 0; i < 7; i++) a.push(i === 3 ? (t += 200_000) : (t += 1000));
  for (let i = 0; i < 20; i++) a.push(-1);
  a.push(t += 1000);
  const { buf } = roundTrip(a, 0);
  const c1 = buf.readUInt16BE(20), c2 = buf.readUInt16BE(22), c3 = buf.readUInt16BE(24), c4 = buf.readUInt16BE(26);
  assert.is(c1 >> 14, 2); // 1-bit vector
  assert.is(c2 >> 14, 3); // 2-bit vector
  assert.is(c3, 20); // run length of 20 "not received"
  assert.is(c4 >> 14, 2); // last packet
});

test('encoder rejects deltas beyond 16 bits and too small buffers', () => {
  assert.is(writeTwccFeedback(Buffer.alloc(100), 0, { senderSsrc: 1, mediaSsrc: 2, baseSeq: 0, fbPktCount: 0, count: 2, arrivalUs: [0, 9_000_000] }), -RtpStatus.BAD_VALUE);
  assert.is(writeTwccFeedback(Buffer.alloc(10), 0, { senderSsrc: 1, mediaSsrc: 2, baseSeq: 0, fbPktCount: 0, count: 1, arrivalUs: [0] }), -RtpStatus.NO_SPACE);
});

test('werift-rtp decodes our feedback to the same statuses and deltas', () => {
  const a: number[] = [];
  let t = 3_000_000;
  for (let i = 0; i < 40; i++) a.push(i % 7 === 2 ? -1 : (t += i % 9 === 0 ? 80_000 : 1_500));
  const { buf, r } = roundTrip(a);
  const [p] = RtcpPacketConverter.deSerialize(Buffer.from(buf)) as any[];
  const fb = p.feedback;
  assert.is(fb.baseSequenceNumber, r.v.baseSeq);
  assert.is(fb.packetStatusCount, r.v.statusCount);
  assert.is(fb.referenceTime, r.v.referenceTime);
  assert.is(fb.fbPktCount, r.v.fbPktCount);
  const recvd = r.delta.filter((_, i) => r.status[i] !== 0);
  assert.equal(fb.recvDeltas.map((d: any) => d.delta), recvd);
});

// Fewest chunks possible for a symbol sequence (dynamic programming over chunk choices).
function optimalChunks(sym: ArrayLike<number>): number {
  const n = sym.length;
  const best = new Array(n + 1).fill(Infinity);
  best[n] = 0;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i; j < n && j - i < 8191 && sym[j] === sym[i]; j++) best[i] = Math.min(best[i], 1 + best[j + 1]);
    const e14 = Math.min(n, i + 14);
    let ok = true;
    for (let j = i; j < e14; j++) if (sym[j] === 2) ok = false;
    if (ok && (e14 - i === 14 || e14 === n)) best[i] = Math.min(best[i], 1 + best[e14]);
    const e7 = Math.min(n, i + 7);
    if (e7 - i === 7 || e7 === n) best[i] = Math.min(best[i], 1 + best[e7]);
  }
  return best[0];
}

test('encoder chunk choice is within one chunk of optimal, and optimal in >= 99% of random feedbacks', () => {
  let seed = 5;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % n; };
  const buf = Buffer.alloc(20000);
  const v = new TwccFeedbackView();
  let optimal = 0;
  const trials = 500;
  for (let trial = 0; trial < trials; trial++) {
    const count = 1 + rnd(300);
    const arr: number[] = [];
    let t = 1e6;
    const pLost = rnd(10), pBig = rnd(10);
    for (let i = 0; i < count; i++) {
      if (rnd(10) < pLost) { arr.push(-1); continue; }
      t += rnd(10) < pBig ? 70_000 : rnd(3000);
      arr.push(t);
    }
    const n = writeTwccFeedback(buf, 0, { senderSsrc: 1, mediaSsrc: 2, baseSeq: 0, fbPktCount: 0, count, arrivalUs: arr });
    assert.is(v.reset(buf, 0, n), RtpStatus.OK);
    const st = new Uint8Array(count);
    v.decode(new Uint16Array(count), st, new Int32Array(count));
    let deltaBytes = 0;
    for (const x of st) deltaBytes += x;
    const pad = buf[0] & 0x20 ? buf[n - 1] : 0;
    const chunks = (n - pad - 20 - deltaBytes) / 2;
    const best = optimalChunks(st);
    assert.ok(chunks <= best + 1, `trial ${trial}: ${chunks} chunks, optimum ${best}`);
    if (chunks === best) optimal++;
  }
  assert.ok(optimal >= trials * 0.99, `${optimal}/${trials} optimal`);
});

test.run();
