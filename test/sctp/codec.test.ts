// The SCTP packet codec: CRC32c against RFC 3720 appendix B.4 (iSCSI, the vectors RFC
// 3309 points to), and every chunk we write parsed by werift's independent codec and
// every chunk werift writes parsed by ours. Malformed input gives a Drop code, no throw.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crc32c } from '../../src/sctp/crc32c.js';
import { ChunkType, Drop, ParamType } from '../../src/sctp/constants.js';
import { PacketView, finishPacket, writeCommonHeader } from '../../src/sctp/packet.js';
import { InitFields, readInit, writeInit } from '../../src/sctp/chunks/init.js';
import { DataFields, readData, writeData } from '../../src/sctp/chunks/data.js';
import { SackFields, readSack, writeSack } from '../../src/sctp/chunks/sack.js';
import { ForwardTsnFields, readForwardTsn, writeForwardTsn } from '../../src/sctp/chunks/forward-tsn.js';
import { ReconfigParam, checkReconfig, readReconfigParam, writeOutgoingReset, writeReconfigResponse } from '../../src/sctp/chunks/reconfig.js';
import { FLAG_T, readFirstCause, readHeartbeat, writeCause, writeCookieEcho, writeEmptyChunk, writeHeartbeat, writeShutdown } from '../../src/sctp/chunks/control.js';
import { COOKIE_LENGTH, emptyCookieState, makeCookie, openCookie } from '../../src/sctp/cookie.js';
import { weriftChunk, weriftParam } from './werift-chunks.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('CRC32c: RFC 3720 B.4 vectors (stored little-endian as in the RFC listing)', () => {
  const stored = (b: Uint8Array) => { const o = Buffer.alloc(4); o.writeUInt32LE(crc32c(b, 0, b.length)); return o.toString('hex'); };
  assert.is(stored(new Uint8Array(32)), 'aa36918a');
  assert.is(stored(new Uint8Array(32).fill(0xff)), '43aba862');
  assert.is(stored(Uint8Array.from({ length: 32 }, (_, i) => i)), '4e79dd46');
  assert.is(stored(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), '5cdb3f11');
  const iscsiRead = hex(`01c00000 00000000 00000000 00000000 14000000 00000400 00000014 00000018
    28000000 00000000 02000000 00000000`);
  assert.is(crc32c(iscsiRead, 0, iscsiRead.length), 0xd9963a56); // iSCSI SCSI Read (10) command PDU
  assert.is(crc32c(Buffer.from('123456789'), 0, 9), 0xe3069283); // the CRC catalogue check value
});

test('CRC32c: skipping the checksum field equals computing over zeros there', () => {
  const b = Buffer.from(Array.from({ length: 77 }, (_, i) => (i * 37) & 0xff));
  const z = Buffer.from(b); z.fill(0, 8, 12);
  assert.is(crc32c(b, 0, b.length, 8), crc32c(z, 0, z.length));
  assert.is(crc32c(b, 3, 50, 11), crc32c(Buffer.concat([b.subarray(3, 11), Buffer.alloc(4), b.subarray(15, 50)]), 0, 47));
});

function packet(tag: number, ...writers: ((b: Buffer, off: number) => number)[]): Buffer {
  const b = Buffer.alloc(1500);
  let p = writeCommonHeader(b, 0, 5000, 5000, tag);
  for (const w of writers) p += w(b, p);
  finishPacket(b, 0, p);
  return b.subarray(0, p);
}

test('INIT and INIT ACK: werift reads ours, we read werift\'s', () => {
  const cookie = Buffer.from('0123456789abcdef0123');
  const ours = packet(0, (b, o) => writeInit(b, o, { initiateTag: 0xdeadbeef, rwnd: 131072, outboundStreams: 1024, inboundStreams: 1023, initialTsn: 0xfffffff0 }, cookie));
  const [, , tag, chunks] = weriftChunk.parsePacket(ours);
  assert.is(tag, 0);
  const c = chunks[0] as unknown as { type: number; initiateTag: number; advertisedRwnd: number; outboundStreams: number; inboundStreams: number; initialTsn: number; params: [number, Buffer][] };
  assert.is(c.type, ChunkType.InitAck);
  assert.is(c.initiateTag, 0xdeadbeef);
  assert.is(c.advertisedRwnd, 131072);
  assert.is(c.outboundStreams, 1024);
  assert.is(c.inboundStreams, 1023);
  assert.is(c.initialTsn, 0xfffffff0);
  const params = new Map(c.params.map(([t, v]) => [t, v]));
  assert.ok(params.has(ParamType.ForwardTsnSupported));
  assert.equal([...params.get(ParamType.SupportedExtensions)!], [ChunkType.Reconfig, ChunkType.ForwardTsn]);
  assert.equal(params.get(ParamType.StateCookie), cookie);

  const W = weriftChunk as unknown as Record<string, new (f?: number, b?: Buffer) => Record<string, unknown>>;
  const init = new W.InitChunk();
  Object.assign(init, { initiateTag: 1234567, advertisedRwnd: 65536, outboundStreams: 65535, inboundStreams: 65535, initialTsn: 42 });
  (init.params as [number, Buffer][]).push([ParamType.ForwardTsnSupported, Buffer.alloc(0)], [ParamType.SupportedExtensions, Buffer.from([130])]);
  const theirs = weriftChunk.serializePacket(5000, 5000, 0, init as never);
  const v = new PacketView();
  assert.is(v.reset(theirs, 0, theirs.length), Drop.None);
  const f = new InitFields();
  const p = v.firstChunk();
  assert.is(v.chunkType(p), ChunkType.Init);
  assert.is(readInit(theirs, p, v.chunkLength(p), f), Drop.None);
  assert.equal([f.initiateTag, f.rwnd, f.outboundStreams, f.inboundStreams, f.initialTsn, f.forwardTsn, f.reconfig, f.cookieOffset], [1234567, 65536, 65535, 65535, 42, true, true, -1]);
});

test('INIT: zero tag or zero streams are invalid; unknown skip-params are skipped, stop-params end parsing', () => {
  const b = packet(0, (buf, o) => writeInit(buf, o, { initiateTag: 0, rwnd: 1, outboundStreams: 1, inboundStreams: 1, initialTsn: 1 }));
  const f = new InitFields();
  assert.is(readInit(b, 12, b.readUInt16BE(14), f), Drop.BadChunk);
  const c = Buffer.from(packet(0, (buf, o) => writeInit(buf, o, { initiateTag: 9, rwnd: 1, outboundStreams: 1, inboundStreams: 1, initialTsn: 1 })));
  c.writeUInt16BE(0x8001, 12 + 20); // forward-tsn param turned into an unknown "skip" param
  assert.is(readInit(c, 12, c.readUInt16BE(14), f), Drop.None);
  assert.is(f.forwardTsn, true, 'the extensions list still says FORWARD-TSN');
  c.writeUInt16BE(0x0001, 12 + 20); // unknown "stop" param: the rest is not read
  assert.is(readInit(c, 12, c.readUInt16BE(14), f), Drop.None);
  assert.is(f.reconfig, false);
  c.writeUInt16BE(200, 12 + 22); // parameter longer than the chunk
  assert.is(readInit(c, 12, c.readUInt16BE(14), f), Drop.BadChunk);
});

test('DATA: flags, TSN, stream, SSN, PPID and payload both ways', () => {
  const payload = Buffer.from('hello, data channel');
  const ours = packet(0x11223344, (b, o) => writeData(b, o, 3, 0xffffffff, 7, 65535, 51, payload, 0, payload.length));
  const [, , tag, chunks] = weriftChunk.parsePacket(ours);
  assert.is(tag, 0x11223344);
  const d = chunks[0] as unknown as { flags: number; tsn: number; streamId: number; streamSeqNum: number; protocol: number; userData: Buffer };
  assert.equal([d.flags, d.tsn, d.streamId, d.streamSeqNum, d.protocol, d.userData.toString()], [3, 0xffffffff, 7, 65535, 51, 'hello, data channel']);

  const W = weriftChunk as unknown as Record<string, new (f?: number, b?: Buffer) => Record<string, unknown>>;
  const wd = new W.DataChunk(4 | 2);
  Object.assign(wd, { tsn: 99, streamId: 2, streamSeqNum: 0, protocol: 53, userData: Buffer.from([1, 2, 3]) });
  const theirs = weriftChunk.serializePacket(5000, 5000, 1, wd as never);
  const v = new PacketView();
  assert.is(v.reset(theirs, 0, theirs.length), Drop.None);
  const f = new DataFields();
  assert.is(readData(theirs, v.firstChunk(), v.chunkLength(v.firstChunk()), f), Drop.None);
  assert.equal([f.flags, f.tsn, f.streamId, f.ssn, f.ppid, [...theirs.subarray(f.payloadOffset, f.payloadOffset + f.payloadLength)]], [6, 99, 2, 0, 53, [1, 2, 3]]);
  // A DATA chunk with no user data is refused (RFC 9260 §3.3.1 No User Data).
  const empty = packet(1, (b, o) => writeData(b, o, 3, 1, 0, 0, 51, payload, 0, 0));
  assert.is(readData(empty, 12, 16, f), Drop.BadChunk);
});

test('SACK: gap blocks and duplicate TSNs both ways; bad blocks refused', () => {
  const gaps = Uint16Array.from([2, 3, 5, 9]);
  const dups = Uint32Array.from([100, 0xfffffffe]);
  const ours = packet(5, (b, o) => writeSack(b, o, 1000, 65000, gaps, 2, dups, 2));
  const s = weriftChunk.parsePacket(ours)[3][0] as unknown as { cumulativeTsn: number; advertisedRwnd: number; gaps: number[][]; duplicates: number[] };
  assert.equal([s.cumulativeTsn, s.advertisedRwnd, s.gaps, s.duplicates], [1000, 65000, [[2, 3], [5, 9]], [100, 0xfffffffe]]);
  const W = weriftChunk as unknown as Record<string, new (f?: number, b?: Buffer) => Record<string, unknown>>;
  const ws = new W.SackChunk();
  Object.assign(ws, { cumulativeTsn: 7, advertisedRwnd: 1 << 20, gaps: [[1, 1], [4, 6]], duplicates: [3] });
  const theirs = weriftChunk.serializePacket(5000, 5000, 1, ws as never);
  const v = new PacketView();
  assert.is(v.reset(theirs, 0, theirs.length), Drop.None);
  const f = new SackFields();
  assert.is(readSack(theirs, 12, v.chunkLength(12), f), Drop.None);
  assert.equal([f.cumulativeTsnAck, f.rwnd, f.gapCount, f.dupCount, f.gapStart(0), f.gapEnd(0), f.gapStart(1), f.gapEnd(1), f.dupTsn(0)], [7, 1 << 20, 2, 1, 1, 1, 4, 6, 3]);
  const bad = Buffer.from(ours); bad.writeUInt16BE(4, 12 + 16); // block start 4 > end 3
  assert.is(readSack(bad, 12, bad.readUInt16BE(14), f), Drop.BadChunk);
  const short = Buffer.from(ours); short.writeUInt16BE(60, 12 + 12); // 60 blocks do not fit
  assert.is(readSack(short, 12, short.readUInt16BE(14), f), Drop.BadChunk);
});

test('FORWARD TSN: new cumulative TSN and stream/SSN pairs both ways', () => {
  const ours = packet(5, (b, o) => writeForwardTsn(b, o, 0x80000001, Uint16Array.from([1, 5, 3, 65535]), 2));
  const c = weriftChunk.parsePacket(ours)[3][0] as unknown as { type: number; cumulativeTsn: number; streams: number[][] };
  assert.equal([c.type, c.cumulativeTsn, c.streams], [192, 0x80000001, [[1, 5], [3, 65535]]]);
  const f = new ForwardTsnFields();
  assert.is(readForwardTsn(ours, 12, ours.readUInt16BE(14), f), Drop.None);
  assert.equal([f.newCumulativeTsn, f.streamCount, f.stream(1), f.ssn(1)], [0x80000001, 2, 3, 65535]);
  assert.is(readForwardTsn(ours, 12, 10, f), Drop.BadChunk);
});

test('RE-CONFIG: outgoing reset request and response both ways', () => {
  const ours = packet(5, (b, o) => writeOutgoingReset(b, o, 10, 20, 30, [1, 3, 5]));
  const c = weriftChunk.parsePacket(ours)[3][0] as unknown as { type: number; params: [number, Buffer][] };
  assert.is(c.type, ChunkType.Reconfig);
  const P = weriftParam as { OutgoingSSNResetRequestParam: { parse(b: Buffer): { requestSequence: number; responseSequence: number; lastTsn: number; streams: number[] } } };
  const r = P.OutgoingSSNResetRequestParam.parse(c.params[0][1]);
  assert.equal([c.params[0][0], r.requestSequence, r.responseSequence, r.lastTsn, r.streams], [13, 10, 20, 30, [1, 3, 5]]);
  assert.is(checkReconfig(ours, 12, ours.readUInt16BE(14)), Drop.None);
  const rp = new ReconfigParam();
  assert.is(readReconfigParam(ours, 16, rp), 24);
  assert.equal([rp.type, rp.requestSeq, rp.responseSeq, rp.lastTsn, rp.streamCount, rp.stream(2)], [13, 10, 20, 30, 3, 5]);
  const resp = packet(5, (b, o) => writeReconfigResponse(b, o, 10, 1));
  const rc = weriftChunk.parsePacket(resp)[3][0] as unknown as { params: [number, Buffer][] };
  assert.equal([rc.params[0][0], rc.params[0][1].readUInt32BE(0), rc.params[0][1].readUInt32BE(4)], [16, 10, 1]);
  assert.is(readReconfigParam(resp, 16, rp), 12);
  assert.equal([rp.type, rp.requestSeq, rp.responseSeq], [16, 10, 1]);
  const bad = Buffer.from(ours); bad.writeUInt16BE(17, 18); // odd parameter length
  assert.is(readReconfigParam(bad, 16, rp), -1);
});

test('control chunks: HEARTBEAT, ABORT (T flag), SHUTDOWN, COOKIE ECHO/ACK read by werift', () => {
  const info = Buffer.from('0011223344556677aabbccdd', 'hex');
  const hb = packet(1, (b, o) => writeHeartbeat(b, o, ChunkType.Heartbeat, info, 0, info.length));
  const h = weriftChunk.parsePacket(hb)[3][0] as unknown as { type: number; params: [number, Buffer][] };
  assert.equal([h.type, h.params[0][0], h.params[0][1].toString('hex')], [4, 1, info.toString('hex')]);
  assert.is(readHeartbeat(hb, 12, hb.readUInt16BE(14)), Drop.None);
  const ab = packet(1, (b, o) => writeCause(b, o, ChunkType.Abort, FLAG_T, 12, Buffer.from('bye')));
  const a = weriftChunk.parsePacket(ab)[3][0] as unknown as { type: number; flags: number; params: [number, Buffer][] };
  assert.equal([a.type, a.flags, a.params[0][0], a.params[0][1].toString()], [6, 1, 12, 'bye']);
  assert.is(readFirstCause(ab, 12, ab.readUInt16BE(14)), 12);
  const sd = packet(1, (b, o) => writeShutdown(b, o, 77), (b, o) => writeEmptyChunk(b, o, ChunkType.CookieAck));
  const [s, ca] = weriftChunk.parsePacket(sd)[3] as unknown as { type: number; cumulativeTsn: number }[];
  assert.equal([s.type, s.cumulativeTsn, ca.type], [7, 77, 11]);
  const ce = packet(1, (b, o) => writeCookieEcho(b, o, Buffer.from('cookie!')));
  const e = weriftChunk.parsePacket(ce)[3][0] as unknown as { type: number; body: Buffer };
  assert.equal([e.type, e.body.toString()], [10, 'cookie!']);
});

test('packet view: every malformed shape gives its Drop code and never throws', () => {
  const ok = packet(9, (b, o) => writeShutdown(b, o, 1), (b, o) => writeEmptyChunk(b, o, ChunkType.ShutdownAck));
  const v = new PacketView();
  assert.is(v.reset(ok, 0, ok.length), Drop.None);
  assert.is(v.chunkCount, 2);
  assert.is(v.verificationTag, 9);
  assert.is(v.reset(ok, 0, 15), Drop.TooShort);
  const badSum = Buffer.from(ok); badSum[20] ^= 1;
  assert.is(v.reset(badSum, 0, badSum.length), Drop.BadChecksum);
  const long = Buffer.from(ok); long.writeUInt16BE(200, 14); finishPacket(long, 0, long.length);
  assert.is(v.reset(long, 0, long.length), Drop.BadChunkLength);
  const zero = Buffer.from(ok); zero.writeUInt16BE(0, 14); finishPacket(zero, 0, zero.length);
  assert.is(v.reset(zero, 0, zero.length), Drop.BadChunkLength);
  const tail = Buffer.concat([ok, Buffer.from([1, 2])]); finishPacket(tail, 0, tail.length);
  assert.is(v.reset(tail, 0, tail.length), Drop.BadChunkLength);
  // Offsets inside a larger buffer work (the DTLS record's plaintext is a range).
  const big = Buffer.concat([Buffer.alloc(7), ok, Buffer.alloc(5)]);
  assert.is(v.reset(big, 7, ok.length), Drop.None);
  assert.is(v.chunkType(v.nextChunk(v.firstChunk())), ChunkType.ShutdownAck);
});

test('state cookie: verifies, refuses tampering, wrong key, wrong length and age', () => {
  const key = Buffer.alloc(32, 7);
  const peer = new InitFields();
  Object.assign(peer, { initiateTag: 5, rwnd: 1000, outboundStreams: 10, inboundStreams: 11, initialTsn: 77, forwardTsn: true, reconfig: false });
  const c = makeCookie(key, 1234, 5678, peer, 1_000_000, 5000, 5001);
  assert.is(c.length, COOKIE_LENGTH);
  const out = emptyCookieState();
  assert.is(openCookie(key, c, 0, c.length, 1_000_500, 60_000, out), Drop.None);
  assert.equal([out.localTag, out.localInitialTsn, out.peerTag, out.peerRwnd, out.peerOutboundStreams, out.peerInboundStreams, out.peerInitialTsn, out.forwardTsn, out.reconfig, out.localPort, out.peerPort],
    [1234, 5678, 5, 1000, 10, 11, 77, true, false, 5000, 5001]);
  for (let i = 0; i < c.length; i++) {
    const t = Buffer.from(c); t[i] ^= 0x40;
    assert.is(openCookie(key, t, 0, t.length, 1_000_500, 60_000, out), Drop.BadCookie, `byte ${i} flipped`);
  }
  assert.is(openCookie(Buffer.alloc(32, 8), c, 0, c.length, 1_000_500, 60_000, out), Drop.BadCookie);
  assert.is(openCookie(key, c, 0, c.length - 1, 1_000_500, 60_000, out), Drop.BadCookie);
  assert.is(openCookie(key, c, 0, c.length, 1_000_000 + 60_001, 60_000, out), Drop.BadCookie);
});

test.run();
