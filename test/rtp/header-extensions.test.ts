import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as X from '../../src/rtp/header-extensions.js';
import { RtpView, writeRtpPacket, RtpStatus } from '../../src/rtp/index.js';

const hex = (s: string) => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');

test('URIs are the registered strings', () => {
  assert.is(X.ExtensionUri.transportWideCc, 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01');
  assert.is(X.ExtensionUri.audioLevel, 'urn:ietf:params:rtp-hdrext:ssrc-audio-level');
  assert.is(X.ExtensionUri.sdesMid, 'urn:ietf:params:rtp-hdrext:sdes:mid');
  assert.is(X.ExtensionUri.absSendTime, 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time');
});

test('abs-send-time 6.18: 1.5 s = 0x060000, wraps at 64 s', () => {
  const b = Buffer.alloc(3);
  assert.is(X.absSendTimeFromMs(1500), 0x060000);
  assert.is(X.absSendTimeFromMs(64000 + 1500), 0x060000);
  X.writeAbsSendTime(b, 0, 0x060000);
  assert.is(b.toString('hex'), '060000');
  assert.is(X.readAbsSendTime(hex('fedcba'), 0), 0xfedcba);
  assert.is(X.absSendTimeToMs(0x040000), 1000);
});

test('transport-wide seq', () => {
  const b = Buffer.alloc(2);
  X.writeTransportSequence(b, 0, 0x1abcd);
  assert.is(b.toString('hex'), 'abcd');
  assert.is(X.readTransportSequence(b, 0), 0xabcd);
});

test('audio level (RFC 6464): V bit + level', () => {
  assert.is(X.readAudioLevel(hex('9e'), 0), 30);
  assert.is(X.readVoiceActivity(hex('9e'), 0), true);
  assert.is(X.readVoiceActivity(hex('7f'), 0), false);
  assert.is(X.readAudioLevel(hex('7f'), 0), 127);
  const b = Buffer.alloc(1);
  X.writeAudioLevel(b, 0, true, 127); assert.is(b[0], 0xff);
  X.writeAudioLevel(b, 0, false, 5); assert.is(b[0], 0x05);
});

test('playout delay 12+12 bits', () => {
  const b = Buffer.alloc(3);
  X.writePlayoutDelay(b, 0, 0x0ab, 0xcde);
  assert.is(b.toString('hex'), '0abcde');
  assert.is(X.readPlayoutDelayMin(b, 0), 0x0ab);
  assert.is(X.readPlayoutDelayMax(b, 0), 0xcde);
  X.writePlayoutDelay(b, 0, 4095, 0);
  assert.is(b.toString('hex'), 'fff000');
});

test('abs-capture-time with and without offset', () => {
  const b = Buffer.alloc(16);
  assert.is(X.writeAbsCaptureTime(b, 0, 0xe8000000, 0x80000000), 8);
  assert.is(b.subarray(0, 8).toString('hex'), 'e800000080000000');
  assert.is(X.readAbsCaptureNtpSeconds(b, 0), 0xe8000000);
  assert.is(X.readAbsCaptureNtpFraction(b, 0), 0x80000000);
  assert.is(X.readAbsCaptureTimeMs(b, 0), 0xe8000000 * 1000 + 500);
  assert.is(X.writeAbsCaptureTime(b, 0, 1, 2, -1.25), 16);
  assert.is(b.subarray(8).toString('hex'), 'fffffffec0000000');
  assert.ok(X.absCaptureHasOffset(16)); assert.not.ok(X.absCaptureHasOffset(8));
  assert.is(X.readAbsCaptureClockOffset(b, 0), -1.25);
});

test('mid / rid compared as bytes, string on the slow path, inside a packet', () => {
  const dst = Buffer.alloc(100);
  const n = writeRtpPacket(dst, 0, { payloadType: 96, sequenceNumber: 1, timestamp: 2, ssrc: 3,
    extensions: [{ id: 4, value: Buffer.from('0') }, { id: 10, value: Buffer.from('hi') }, { id: 11, value: Buffer.from('lo') }] }, hex('00'));
  const v = new RtpView();
  assert.is(v.reset(dst, 0, n), RtpStatus.OK);
  const RID_HI = Buffer.from('hi');
  v.findExtension(10);
  assert.ok(X.extensionEquals(dst, v.extValueOffset, v.extValueLength, RID_HI));
  v.findExtension(11);
  assert.not.ok(X.extensionEquals(dst, v.extValueOffset, v.extValueLength, RID_HI));
  assert.is(X.extensionString(dst, v.extValueOffset, v.extValueLength), 'lo');
  v.findExtension(4);
  assert.is(X.extensionString(dst, v.extValueOffset, v.extValueLength), '0');
  const w = Buffer.alloc(4);
  assert.is(X.writeExtensionString(w, 0, 'f'), 1);
  assert.is(w[0], 0x66);
});

test.run();
