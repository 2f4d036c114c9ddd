import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDecipheriv } from 'node:crypto';
import { CipherSuite } from '../../src/dtls/constants.js';
import { RecordCipher } from '../../src/dtls/record-cipher.js';
import { RecordStatus, RecordView, writeRecordHeader } from '../../src/dtls/record.js';
import { ReplayWindow } from '../../src/dtls/replay-window.js';
import { suiteInfo } from '../../src/dtls/suites.js';

for (const id of [CipherSuite.ECDHE_ECDSA_AES_128_GCM_SHA256, CipherSuite.ECDHE_ECDSA_AES_256_GCM_SHA384, CipherSuite.ECDHE_ECDSA_CHACHA20_POLY1305_SHA256]) {
  const s = suiteInfo(id)!;
  test(`${s.name}: seal/open round trip, tamper and wrong seq are rejected`, () => {
    const key = Buffer.alloc(s.keyLen, 0x11);
    const iv = Buffer.alloc(s.fixedIvLen, 0x22);
    const c = new RecordCipher(s, key, iv);
    const plain = Buffer.from('hello application data');
    const out = Buffer.alloc(200);
    const n = c.seal(1, 0x0102030405, 23, 0xfefd, plain, out, 0);
    assert.is(n, plain.length + c.overhead);
    const rec = out.subarray(0, n);
    assert.equal(c.open(1, 0x0102030405, 23, 0xfefd, rec), plain);
    const bad = Buffer.from(rec); bad[bad.length - 1] ^= 1;
    assert.is(c.open(1, 0x0102030405, 23, 0xfefd, bad), null);
    assert.is(c.open(1, 0x0102030405, 22, 0xfefd, rec), null, 'type is in the AAD');
    if (s.explicitNonceLen === 0) assert.is(c.open(1, 0x0102030406, 23, 0xfefd, rec), null, 'ChaCha nonce from seq');
    assert.is(c.open(1, 0, 23, 0xfefd, Buffer.alloc(5)), null, 'short');
  });
}

test('AES-128-GCM record layout: explicit nonce = epoch||seq, nonce = salt||explicit, AAD per RFC 5246 §6.2.3.3', () => {
  const s = suiteInfo(CipherSuite.ECDHE_ECDSA_AES_128_GCM_SHA256)!;
  const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
  const salt = Buffer.from('a0a1a2a3', 'hex');
  const c = new RecordCipher(s, key, salt);
  const out = Buffer.alloc(100);
  const plain = Buffer.from('abc');
  const n = c.seal(1, 5, 23, 0xfefd, plain, out, 0);
  assert.is(out.subarray(0, 8).toString('hex'), '0001000000000005');
  // Independent decryption with node's GCM and a hand-built nonce and AAD.
  const d = createDecipheriv('aes-128-gcm', key, Buffer.concat([salt, out.subarray(0, 8)]));
  d.setAAD(Buffer.from('0001000000000005' + '17' + 'fefd' + '0003', 'hex'));
  d.setAuthTag(out.subarray(n - 16, n));
  assert.is(Buffer.concat([d.update(out.subarray(8, n - 16)), d.final()]).toString(), 'abc');
});

test('RecordView parses header fields and refuses truncation/bad type/version', () => {
  const b = Buffer.alloc(13 + 4);
  writeRecordHeader(b, 0, 22, 0xfefd, 1, 0x010203040506, 4);
  const v = new RecordView();
  assert.is(v.reset(b, 0, b.length), RecordStatus.ok);
  assert.is(v.type, 22); assert.is(v.epoch, 1); assert.is(v.seq, 0x010203040506); assert.is(v.payloadLen, 4); assert.is(v.end, 17);
  assert.is(v.reset(b, 0, 16), RecordStatus.truncated);
  assert.is(v.reset(b, 0, 5), RecordStatus.truncated);
  b[0] = 99; assert.is(v.reset(b, 0, b.length), RecordStatus.badType); b[0] = 22;
  b[1] = 3; assert.is(v.reset(b, 0, b.length), RecordStatus.badVersion);
});

test('replay window: new accepted once, duplicates and too-old refused, reordering inside the window ok', () => {
  const w = new ReplayWindow();
  assert.ok(w.check(0)); w.mark(0);
  assert.not.ok(w.check(0));
  assert.ok(w.check(5)); w.mark(5);
  assert.ok(w.check(3)); w.mark(3);
  assert.not.ok(w.check(3));
  assert.ok(w.check(4));
  w.mark(100);
  assert.not.ok(w.check(36), 'exactly 64 behind is outside');
  assert.ok(w.check(37));
  assert.not.ok(w.check(5));
  w.mark(37);
  assert.not.ok(w.check(37));
  w.mark(1000);
  assert.ok(w.check(999));
  assert.not.ok(w.check(100));
  assert.is(w.highest, 1000);
});

test.run();
