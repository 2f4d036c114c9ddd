// Fuzz target for RFC 2198 RED (src/rtp/codecs/red.ts): the block-header parser must
// return a status for any input, and a parse that succeeds must describe blocks inside
// the input that rebuild to the same bytes; the primary-only rewrite must stay in bounds.
import type { FuzzTarget } from './harness.js';
import { RedView, RtpStatus, RtpView, rewriteRedToPrimaryInPlace, writeRedPayload, writeRedPrimary, writeRtpPacket } from '../../src/rtp/index.js';
import type { RedBlockInit } from '../../src/rtp/index.js';

const hex = (s: string) => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');
const fail = (msg: string): never => { throw new Error(msg); };

const red = new RedView();
const rtp = new RtpView();
const rebuilt = Buffer.alloc(70000);
const out = Buffer.alloc(70000);
const inPlace = Buffer.alloc(70000);

const payloadTarget: FuzzTarget = {
  name: 'red payload parse + rebuild',
  seeds: () => [hex('6f aabbcc'), hex('ef0f0005 6f 0102030405 aabbccdd'), hex('ef1e0003 ef0f0002 6f 111213 2122 3132333435'),
    hex('87 02 80 0e 05' + '44'.repeat(14) + '55'.repeat(84)), hex('ffffffff 7f' + '00'.repeat(1023) + '010203')],
  run(input) {
    const st = red.parse(input, 0, input.length);
    if (st !== RtpStatus.OK) {
      if (red.redundantCount !== 0 || red.primaryLength !== 0) fail('error left blocks behind');
      return;
    }
    const blocks: RedBlockInit[] = [];
    let p = red.headerLength;
    for (let i = 0; i < red.redundantCount; i++) {
      if (red.offsets[i] !== p) fail('blocks not contiguous');
      p += red.lengths[i];
      blocks.push({ payloadType: red.payloadTypes[i], tsOffset: red.tsOffsets[i], data: input.subarray(red.offsets[i], red.offsets[i] + red.lengths[i]) });
    }
    if (red.primaryOffset !== p || p + red.primaryLength !== input.length) fail('primary not at the end');
    const n = writeRedPayload(rebuilt, 0, blocks, { payloadType: red.primaryPayloadType, tsOffset: 0, data: input.subarray(p) });
    if (n !== input.length || !rebuilt.subarray(0, n).equals(input)) fail('rebuild differs');
  },
};

const packetTarget: FuzzTarget = {
  name: 'red packet -> primary-only opus packet',
  seeds: () => {
    const b = Buffer.alloc(400);
    const n = writeRtpPacket(b, 0, { payloadType: 63, sequenceNumber: 1, timestamp: 2, ssrc: 3, marker: true,
      extensions: [{ id: 1, value: hex('ff') }], paddingLength: 3 }, hex('ef0f0005 6f 0102030405 aabbccdd'));
    return [Buffer.from(b.subarray(0, n)), hex('80 3f 0001 00000002 00000003 6f aabb')];
  },
  run(input) {
    if (rtp.reset(input, 0, input.length) !== RtpStatus.OK) return;
    if (red.parse(input, rtp.payloadOffset, rtp.payloadLength) !== RtpStatus.OK) return;
    const w = writeRedPrimary(out, 0, rtp, red, 111);
    if (w < 0) fail(`primary rewrite refused a parsed packet: ${w}`);
    if (w !== rtp.headerLength + red.primaryLength) fail('wrong output length');
    if ((out[1] & 0x7f) !== 111 || (out[0] & 0x20) !== 0) fail('header not rewritten');
    if (rtp.reset(out, 0, w) !== RtpStatus.OK) fail('output is not a valid RTP packet');
    // In place on a copy gives the same bytes.
    input.copy(inPlace);
    rtp.reset(inPlace, 0, input.length);
    red.parse(inPlace, rtp.payloadOffset, rtp.payloadLength);
    const m = rewriteRedToPrimaryInPlace(rtp, red, 111);
    if (m !== w || !inPlace.subarray(0, m).equals(out.subarray(0, w))) fail('in-place rewrite differs');
  },
};

export const targets: FuzzTarget[] = [payloadTarget, packetTarget];
