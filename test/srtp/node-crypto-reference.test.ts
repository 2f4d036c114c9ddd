// A second independent check for every profile, including the two werift lacks
// (AES_CM_128_HMAC_SHA1_32 and AEAD_AES_256_GCM): a straightforward reference built on
// node:crypto (OpenSSL's AES-CTR, AES-GCM, HMAC-SHA1) from the RFC formulas, compared
// byte for byte with our protect output, and our unprotect of its output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { deriveSessionKeys, SrtpContext, srtpProfileInfo, SUPPORTED_SRTP_PROFILES } from '../../src/srtp/index.js';

function xorInto(dst: Buffer, src: Buffer, at: number) {
  for (let i = 0; i < src.length; i++) dst[at + i] ^= src[i];
}

function refProtectRtp(profile: number, mk: Buffer, ms: Buffer, pkt: Buffer, hdrLen: number, roc: number): Buffer {
  const p = srtpProfileInfo(profile);
  const k = deriveSessionKeys(profile, mk, ms);
  const ssrc = pkt.subarray(8, 12);
  const seq = pkt.readUInt16BE(2);
  if (p.aead) {
    const iv = Buffer.alloc(12);
    ssrc.copy(iv, 2); iv.writeUInt32BE(roc, 6); iv.writeUInt16BE(seq, 10);
    xorInto(iv, k.rtpSalt, 0);
    const c = createCipheriv(p.keyLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm', k.rtpKey, iv);
    c.setAAD(pkt.subarray(0, hdrLen));
    const ct = Buffer.concat([c.update(pkt.subarray(hdrLen)), c.final()]);
    return Buffer.concat([pkt.subarray(0, hdrLen), ct, c.getAuthTag()]);
  }
  const iv = Buffer.alloc(16);
  k.rtpSalt.copy(iv);
  xorInto(iv, ssrc, 4);
  const idx = Buffer.alloc(6); idx.writeUInt32BE(roc, 0); idx.writeUInt16BE(seq, 4);
  xorInto(iv, idx, 8);
  const c = createCipheriv('aes-128-ctr', k.rtpKey, iv);
  const out = Buffer.concat([pkt.subarray(0, hdrLen), c.update(pkt.subarray(hdrLen))]);
  const r = Buffer.alloc(4); r.writeUInt32BE(roc);
  const tag = createHmac('sha1', k.rtpAuthKey).update(out).update(r).digest().subarray(0, p.rtpTagLength);
  return Buffer.concat([out, tag]);
}

function refProtectRtcp(profile: number, mk: Buffer, ms: Buffer, pkt: Buffer, index: number): Buffer {
  const p = srtpProfileInfo(profile);
  const k = deriveSessionKeys(profile, mk, ms);
  const e = Buffer.alloc(4); e.writeUInt32BE((0x80000000 | index) >>> 0);
  if (p.aead) {
    const iv = Buffer.alloc(12);
    pkt.copy(iv, 2, 4, 8); iv.writeUInt32BE(index, 8);
    xorInto(iv, k.rtcpSalt, 0);
    const c = createCipheriv(p.keyLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm', k.rtcpKey, iv);
    c.setAAD(Buffer.concat([pkt.subarray(0, 8), e]));
    const ct = Buffer.concat([c.update(pkt.subarray(8)), c.final()]);
    return Buffer.concat([pkt.subarray(0, 8), ct, c.getAuthTag(), e]);
  }
  const iv = Buffer.alloc(16);
  k.rtcpSalt.copy(iv);
  xorInto(iv, pkt.subarray(4, 8), 4);
  const idx = Buffer.alloc(6); idx.writeUInt32BE(index, 2);
  xorInto(iv, idx, 8);
  const c = createCipheriv('aes-128-ctr', k.rtcpKey, iv);
  const out = Buffer.concat([pkt.subarray(0, 8), c.update(pkt.subarray(8)), e]);
  return Buffer.concat([out, createHmac('sha1', k.rtcpAuthKey).update(out).digest().subarray(0, 10)]);
}

for (const profile of SUPPORTED_SRTP_PROFILES) {
  const p = srtpProfileInfo(profile);
  test(`${p.name}: byte-identical to a node:crypto reference, RTP (with ROC 0 and 1) and SRTCP`, () => {
    const mk = randomBytes(p.keyLength);
    const ms = randomBytes(p.saltLength);
    const tx = new SrtpContext(profile, mk, ms);
    const rx = new SrtpContext(profile, mk, ms);
    const ssrc = 0xf00dbabe;
    let roc = 0;
    let prev = 65000;
    for (let i = 0; i < 40; i++) {
      const seq = (65000 + i * 30) & 0xffff;
      if (seq < prev) roc++;
      prev = seq;
      const len = 12 + ((i * 97) % 1300);
      const pkt = randomBytes(len);
      pkt[0] = 0x80; pkt.writeUInt16BE(seq, 2); pkt.writeUInt32BE(ssrc, 8);
      const want = refProtectRtp(profile, mk, ms, pkt, 12, roc);
      const buf = Buffer.alloc(len + 20);
      pkt.copy(buf);
      const n = tx.protectRtp(buf, len);
      assert.is(buf.subarray(0, n).toString('hex'), want.toString('hex'), `seq ${seq} len ${len}`);
      const w = Buffer.from(want);
      assert.is(rx.unprotectRtp(w, w.length), len);
      assert.equal(w.subarray(0, len), pkt);
    }
    assert.is(rx.rolloverCounter(ssrc), 1);
    for (let i = 0; i < 10; i++) {
      const pkt = randomBytes(8 + i * 28);
      pkt[0] = 0x80; pkt[1] = 201; pkt.writeUInt32BE(ssrc, 4);
      const want = refProtectRtcp(profile, mk, ms, pkt, i);
      const buf = Buffer.alloc(pkt.length + 20);
      pkt.copy(buf);
      const n = tx.protectRtcp(buf, pkt.length);
      assert.is(buf.subarray(0, n).toString('hex'), want.toString('hex'), `SRTCP index ${i}`);
      const w = Buffer.from(want);
      assert.is(rx.unprotectRtcp(w, w.length), pkt.length);
      assert.equal(w.subarray(0, pkt.length), pkt);
    }
  });
}

test.run();
