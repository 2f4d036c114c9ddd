// Standard test vectors, byte for byte: RFC 3711 B.2 (AES-CM keystream), B.3 (key
// derivation), RFC 7714 §16 (SRTP GCM) and §17 (SRTCP GCM), from fixtures/srtp/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { aesCtrXor, expandAesKey } from '../../src/srtp/aes.js';
import { deriveSrtpKey, deriveSessionKeys } from '../../src/srtp/key-derivation.js';
import { SrtpContext, SrtpProfile, SrtpStatus, type SrtpSessionKeys } from '../../src/srtp/index.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/srtp/${name}`, import.meta.url), 'utf8'));
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

const b2 = fixture('rfc3711-b2-aes-cm-keystream.json');
const b3 = fixture('rfc3711-b3-key-derivation.json');
const g16 = fixture('rfc7714-16-srtp-aead-aes-gcm.json');
const g17 = fixture('rfc7714-17-srtcp-aead-aes-gcm.json');

test('RFC 3711 B.2: AES-CM keystream over the whole 1044512-byte segment', () => {
  const salt = hex(b2.sessionSalt);
  const iv = Buffer.alloc(16);
  salt.copy(iv);
  const ks = Buffer.alloc(b2.keystreamLength);
  aesCtrXor(expandAesKey(hex(b2.sessionKey)), iv.readInt32BE(0), iv.readInt32BE(4), iv.readInt32BE(8), iv.readInt32BE(12), ks, 0, ks.length);
  for (const blk of b2.blocks) {
    const ctr = hex(blk.counter);
    assert.equal(ctr.subarray(0, 14), salt, 'counter prefix is the salt');
    const at = ctr.readUInt16BE(14) * 16;
    assert.is(ks.subarray(at, at + 16).toString('hex'), blk.keystream.toLowerCase(), `block ${blk.counter}`);
  }
  assert.is(ks.length / 16, 65282);
});

test('RFC 3711 B.2: the keystream through SrtpContext.protectRtp (SSRC 0, seq 0, ROC 0)', () => {
  // A session-key context whose RTP salt is the B.2 salt: the payload of zeros encrypts to the keystream.
  const keys: SrtpSessionKeys = {
    rtpKey: hex(b2.sessionKey), rtpSalt: hex(b2.sessionSalt), rtpAuthKey: Buffer.alloc(20),
    rtcpKey: hex(b2.sessionKey), rtcpSalt: hex(b2.sessionSalt), rtcpAuthKey: Buffer.alloc(20),
  };
  const ctx = SrtpContext.fromSessionKeys(SrtpProfile.AES128_CM_HMAC_SHA1_80, keys);
  const buf = Buffer.alloc(12 + 48 + 10);
  buf[0] = 0x80;
  const n = ctx.protectRtp(buf, 60);
  assert.is(n, 70);
  const want = b2.blocks.slice(0, 3).map((b: { keystream: string }) => b.keystream).join('').toLowerCase();
  assert.is(buf.subarray(12, 60).toString('hex'), want);
});

test('RFC 3711 B.3: cipher key, cipher salt and the 94-byte auth key', () => {
  const mk = hex(b3.masterKey);
  const ms = hex(b3.masterSalt);
  assert.is(deriveSrtpKey(mk, ms, b3.cipherKey.label, 16).toString('hex'), b3.cipherKey.value.toLowerCase());
  assert.is(deriveSrtpKey(mk, ms, b3.cipherSalt.label, 14).toString('hex'), b3.cipherSalt.value.toLowerCase());
  assert.is(deriveSrtpKey(mk, ms, b3.authKey.label, 94).toString('hex'), b3.authKey.value.toLowerCase());
  const keys = deriveSessionKeys(SrtpProfile.AES128_CM_HMAC_SHA1_80, mk, ms);
  assert.is(keys.rtpKey.toString('hex'), b3.cipherKey.value.toLowerCase());
  assert.is(keys.rtpSalt.toString('hex'), b3.cipherSalt.value.toLowerCase());
  assert.is(keys.rtpAuthKey.toString('hex'), b3.authKey.value.toLowerCase().slice(0, 40));
});

function gcmKeys(key: string, salt: string): SrtpSessionKeys {
  return { rtpKey: hex(key), rtpSalt: hex(salt), rtpAuthKey: Buffer.alloc(0), rtcpKey: hex(key), rtcpSalt: hex(salt), rtcpAuthKey: Buffer.alloc(0) };
}

for (const c of g16.cases) {
  test(`RFC 7714 §${c.section}: SRTP ${c.profile === 7 ? 'AEAD_AES_128_GCM' : 'AEAD_AES_256_GCM'} protect and unprotect`, () => {
    const plain = hex(g16.plaintext);
    const tx = SrtpContext.fromSessionKeys(c.profile, gcmKeys(c.sessionKey, g16.sessionSalt));
    const buf = Buffer.alloc(plain.length + 16);
    plain.copy(buf);
    const n = tx.protectRtp(buf, plain.length);
    assert.is(buf.subarray(0, n).toString('hex'), c.protected);

    const rx = SrtpContext.fromSessionKeys(c.profile, gcmKeys(c.sessionKey, g16.sessionSalt));
    const wire = hex(c.protected);
    const m = rx.unprotectRtp(wire, wire.length);
    assert.is(m, plain.length);
    assert.is(wire.subarray(0, m).toString('hex'), g16.plaintext);
    // The same packet again is a replay.
    const again = hex(c.protected);
    assert.is(rx.unprotectRtp(again, again.length), SrtpStatus.REPLAYED);
    assert.is(rx.stats.replayed, 1);
  });
}

for (const c of g17.cases) {
  const name = c.profile === 7 ? 'AEAD_AES_128_GCM' : 'AEAD_AES_256_GCM';
  test(`RFC 7714 §${c.section}: SRTCP ${name} ${c.encrypted ? 'encrypted' : 'authenticated only (E=0)'}`, () => {
    const plain = hex(g17.plaintext);
    const ssrc = parseInt(g17.ssrc, 16);
    if (c.encrypted) {
      // We always protect with E=1, so only the encrypted vectors can be produced.
      const tx = SrtpContext.fromSessionKeys(c.profile, gcmKeys(c.sessionKey, g17.sessionSalt));
      tx.setNextSrtcpIndex(ssrc, g17.srtcpIndex);
      const buf = Buffer.alloc(plain.length + 20);
      plain.copy(buf);
      const n = tx.protectRtcp(buf, plain.length);
      assert.is(buf.subarray(0, n).toString('hex'), c.protected);
    }
    const rx = SrtpContext.fromSessionKeys(c.profile, gcmKeys(c.sessionKey, g17.sessionSalt));
    const wire = hex(c.protected);
    const m = rx.unprotectRtcp(wire, wire.length);
    assert.is(m, plain.length);
    assert.is(wire.subarray(0, m).toString('hex'), g17.plaintext);
    const again = hex(c.protected);
    assert.is(rx.unprotectRtcp(again, again.length), SrtpStatus.REPLAYED);
    // Flip one bit of the tag: rejected.
    const bad = hex(c.protected);
    bad[bad.length - 5] ^= 1;
    const rx2 = SrtpContext.fromSessionKeys(c.profile, gcmKeys(c.sessionKey, g17.sessionSalt));
    assert.is(rx2.unprotectRtcp(bad, bad.length), SrtpStatus.AUTH_FAILED);
  });
}

test.run();
