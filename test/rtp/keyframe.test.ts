import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  isKeyframe, Codec, codecFromName, Vp8Descriptor, Vp9Descriptor, RtpStatus,
  readVp8PictureId, writeVp8PictureId, readVp8Tl0PicIdx, writeVp8Tl0PicIdx, writeVp8Tid,
  readVp9PictureId, writeVp9PictureId, readVp9Tl0PicIdx, writeVp9Tl0PicIdx, writeVp9Tid,
  h264IsKeyframe, av1IsKeyframe,
} from '../../src/rtp/index.js';

const hex = (s: string) => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');
const kf = (c: number, h: string) => { const b = hex(h); return isKeyframe(c, b, 0, b.length); };

test('codec names', () => {
  assert.is(codecFromName('VP8'), Codec.VP8); assert.is(codecFromName('H264'), Codec.H264);
  assert.is(codecFromName('opus'), Codec.OPUS); assert.is(codecFromName('AV1'), Codec.AV1); assert.is(codecFromName('x'), -1);
});

test('Opus: every packet decodable', () => {
  assert.ok(kf(Codec.OPUS, 'fc')); assert.ok(kf(Codec.OPUS, ''));
});

// VP8 ------------------------------------------------------------------------
const VP8_TABLE: [string, string, boolean][] = [
  // X=0 S=1 PID=0 | payload hdr P=0
  ['minimal key frame (frame tag P=0, start code)', '10 504200 9d012a', true],
  ['minimal delta (P=1)', '10 514200', false],
  ['not start of partition', '00 9c', false],
  ['start but partition 1', '11 9c', false],
  // X=1 S=1 | I L T K = 1111 | M=1 picid 0x1234 | tl0 0x07 | tid=2 y=1 keyidx=3 | P=0
  ['extended, 15-bit picture id', '90 f0 9234 07 a3 9c', true],
  // X=1 | I only, 7-bit picture id 0x55 | P=1
  ['extended, 7-bit id, delta', '90 80 55 9d', false],
  ['descriptor only, no payload', '90 80 55', false],
];
for (const [name, h, want] of VP8_TABLE) test(`VP8 ${name}`, () => assert.is(kf(Codec.VP8, h), want));

test('VP8 fields and in-place rewrite', () => {
  const b = hex('90 f0 9234 07 a3 9c');
  const d = new Vp8Descriptor();
  assert.is(d.parse(b, 0, b.length), RtpStatus.OK);
  assert.is(readVp8PictureId(b, d), 0x1234); assert.is(d.pictureIdBits, 15);
  assert.is(readVp8Tl0PicIdx(b, d), 7); assert.is(d.tid, 2); assert.ok(d.layerSync);
  assert.is(d.payloadOffset, 6); assert.ok(d.keyframe);
  writeVp8PictureId(b, d, 0x7fff + 2); writeVp8Tl0PicIdx(b, d, 0x108); writeVp8Tid(b, d, 1);
  assert.is(b.toString('hex'), '90f0800108639c');
  assert.is(d.parse(b, 0, b.length), RtpStatus.OK);
  assert.is(readVp8PictureId(b, d), 1); assert.is(d.tid, 1);
  const s = hex('90 80 55 9d');
  d.parse(s, 0, s.length);
  assert.is(readVp8PictureId(s, d), 0x55); assert.is(d.pictureIdBits, 7); assert.is(readVp8Tl0PicIdx(s, d), -1);
  assert.not.ok(writeVp8Tid(s, d, 1));
  assert.is(d.parse(hex('90 80'), 0, 2), RtpStatus.BAD_PAYLOAD);
  assert.is(d.parse(hex('90 f0 92'), 0, 3), RtpStatus.BAD_PAYLOAD);
});

// VP9 ------------------------------------------------------------------------
const VP9_TABLE: [string, string, boolean][] = [
  // I=1 P=0 L=1 F=0 B=1 E=0 V=0 Z=0 = 0xa8 | M=1 pid 0x0102 | tid=0 u=0 sid=0 d=0 | tl0=5
  ['non-flexible key frame, base layer', 'a8 8102 00 05 aa', true],
  // same but SID=1 (0x02)
  ['non-flexible, spatial layer 1', 'a8 8102 02 05 aa', false],
  // P=1: 0xe8
  ['non-flexible inter frame', 'e8 8102 00 05 aa', false],
  // B=0: 0xa0
  ['not beginning of frame', 'a0 8102 00 05 aa', false],
  // flexible I=1 P=1 L=1 F=1 B=1 = 0xf8 | pid 7-bit 0x11 | layer | p_diff 0x03 (N=1) 0x04 (N=0)
  ['flexible inter frame with 2 p_diffs', 'f8 11 20 03 04 aa', false],
  // flexible I=1 P=0 L=0 F=1 B=1 V=1 = 0x9a | pid 0x22 | SS: N_S=0 Y=1 G=1 | 1 resolution (4 bytes) | N_G=1 | T=0 U=0 R=1 | p_diff 1
  ['flexible key frame with scalability structure', '9a 22 18 01400168 01 04 01 aa', true],
  ['truncated SS', '9a 22 18 0140', false],
];
for (const [name, h, want] of VP9_TABLE) test(`VP9 ${name}`, () => assert.is(kf(Codec.VP9, h), want));

test('VP9 fields and in-place rewrite', () => {
  const b = hex('a8 8102 40 05 aa');
  const d = new Vp9Descriptor();
  assert.is(d.parse(b, 0, b.length), RtpStatus.OK);
  assert.is(readVp9PictureId(b, d), 0x0102); assert.is(readVp9Tl0PicIdx(b, d), 5); assert.is(d.tid, 2);
  assert.is(d.payloadOffset, 5);
  writeVp9PictureId(b, d, 0x7abc); writeVp9Tl0PicIdx(b, d, 9); writeVp9Tid(b, d, 1);
  assert.is(b.toString('hex'), 'a8fabc2009aa');
  const f = hex('9a 22 18 01400168 01 04 01 aa');
  assert.is(d.parse(f, 0, f.length), RtpStatus.OK);
  assert.is(d.payloadOffset, f.length - 1); assert.is(readVp9Tl0PicIdx(f, d), -1);
  assert.is(d.parse(hex('f8 11 20 03 03 03 03 aa'), 0, 8), RtpStatus.BAD_PAYLOAD); // 4 p_diffs
});

// H.264 ----------------------------------------------------------------------
const H264_TABLE: [string, string, boolean][] = [
  ['single NAL IDR (type 5)', '65 88 80', true],
  ['single NAL SPS (type 7)', '67 42 c0 1f', true],
  ['single NAL PPS only', '68 ce 3c 80', false],
  ['single NAL non-IDR slice (type 1)', '41 9a 00', false],
  // STAP-A: size 4 SPS, size 2 PPS
  ['STAP-A with SPS + PPS', '78 0004 6742c01f 0002 68ce', true],
  ['STAP-A with SEI + IDR', '78 0002 0605 0002 6588', true],
  ['STAP-A with two non-IDR', '78 0002 4101 0002 4102', false],
  ['STAP-A with overrunning size', '78 00ff 6742', false],
  // FU-A: indicator 0x7c, header S=1 type 5
  ['FU-A start of IDR', '7c 85 aa', true],
  ['FU-A middle of IDR', '7c 05 aa', false],
  ['FU-A start of non-IDR', '7c 81 aa', false],
  ['empty', '', false],
];
for (const [name, h, want] of H264_TABLE) test(`H.264 ${name}`, () => {
  assert.is(kf(Codec.H264, h), want);
  const b = hex(h); assert.is(h264IsKeyframe(b, 0, b.length), want);
});

// AV1 ------------------------------------------------------------------------
const AV1_TABLE: [string, string, boolean][] = [
  // N=1 (0x08) W=1
  ['N bit (new coded video sequence)', '18 32 00', true],
  // W=2 Z=0 N=0: element 1 (len 2) = sequence header OBU type 1 (0x08), element 2 = frame OBU (0x32)
  ['sequence header OBU in W=2 packet', '20 02 0800 32 aa', true],
  // W=0: elements with leb128 lengths; temporal delimiter type 2 (0x12), then frame (0x32)
  ['W=0 without sequence header', '00 01 12 02 32aa', false],
  ['W=0 with sequence header second', '00 01 12 02 08aa', true],
  // Z=1: first element continues a previous OBU, whose payload byte looks like 0x08
  ['continuation element is not read as an OBU header', 'a0 02 0800 32 aa', false],
  ['W=1 frame OBU', '10 32 aa bb', false],
  ['truncated leb128', '00 ff', false],
];
for (const [name, h, want] of AV1_TABLE) test(`AV1 ${name}`, () => {
  const b = hex(h); assert.is(av1IsKeyframe(b, 0, b.length), want);
});

test.run();
