// SRTP/SRTCP protect and unprotect, 100-byte (Opus: 12-byte header + 88 payload) and
// 1200-byte (video) RTP packets, each against the naive node:crypto way measured in the
// same run: a new createCipheriv + createHmac (or a new GCM cipher) per packet.
// The 'srtp choice' cases force each path per size to show the crossover behind the
// defaults (JS below ~512 payload bytes for AES-CM and ~384 for GCM, node:crypto above).
// Plus the alternative we measured and did not pick: (b) a reused aes-128-ecb cipher
// making the CTR keystream in one update() call per packet, with our JS HMAC.
//
// Unprotect needs fresh packets (the replay window rejects repeats): each case reads
// from a ring of 4096 protected packets and re-protects the next 4096 sequence numbers
// (crossing the 16-bit wrap, so ROC moves) once per 4096 calls. That refill is one slow
// call in 4096: it moves the mean, not the median this harness reports, and it does
// not allocate. Every case copies its input packet into a work buffer first, like a
// receive slab would hold it (TypedArray.set of the exact-length packet: Buffer.copy with
// offsets costs more, and allocates a view for a partial source); the baselines pay the
// same copy.
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import type { MicroCase } from './case.js';
import { deriveSessionKeys, SrtpContext, SrtpProfile, srtpProfileInfo, type SrtpContextOptions } from '../../src/srtp/index.js';
import { HmacSha1 } from '../../src/srtp/hmac-sha1.js';

const RING = 4096;
const SSRC = 0x5501a0b2;

function masterFor(profile: number) {
  const p = srtpProfileInfo(profile);
  const key = Buffer.alloc(p.keyLength);
  const salt = Buffer.alloc(p.saltLength);
  for (let i = 0; i < key.length; i++) key[i] = i * 7 + 1;
  for (let i = 0; i < salt.length; i++) salt[i] = i * 11 + 3;
  return { key, salt, keys: deriveSessionKeys(profile, key, salt), p };
}

function plainPacket(size: number): Buffer {
  const b = Buffer.alloc(size);
  b[0] = 0x80; b[1] = 111;
  b.writeUInt32BE(SSRC, 8);
  for (let i = 12; i < size; i++) b[i] = (i * 31) & 0xff;
  return b;
}

/** protect: copy the template into the work slot, bump seq, protect in place. */
function protectCase(profile: number, size: number, opts?: SrtpContextOptions) {
  const { key, salt } = masterFor(profile);
  const tx = new SrtpContext(profile, key, salt, opts);
  const tpl = plainPacket(size);
  const work = Buffer.alloc(size + 20);
  let seq = 0;
  return () => {
    work.set(tpl);
    work[2] = seq >>> 8; work[3] = seq & 0xff;
    seq = (seq + 1) & 0xffff;
    if (tx.protectRtp(work, size) < 0) throw new Error('protect failed');
  };
}

/** A ring of protected packets, refilled with the next RING sequence numbers when used up. */
function protectedRing(profile: number, size: number) {
  const { key, salt, p } = masterFor(profile);
  const tx = new SrtpContext(profile, key, salt);
  const tpl = plainPacket(size);
  const ring: Buffer[] = [];
  // Exactly the protected length: Buffer.copy of a partial source allocates a view.
  for (let i = 0; i < RING; i++) ring.push(Buffer.alloc(size + p.rtpTagLength));
  const lens = new Int32Array(RING);
  let seq = 0;
  const refill = () => {
    for (let i = 0; i < RING; i++) {
      const b = ring[i];
      b.set(tpl);
      b[2] = seq >>> 8; b[3] = seq & 0xff;
      seq = (seq + 1) & 0xffff;
      lens[i] = tx.protectRtp(b, size);
    }
  };
  refill();
  return { ring, lens, refill, key, salt };
}

function unprotectCase(profile: number, size: number, opts?: SrtpContextOptions) {
  const r = protectedRing(profile, size);
  const rx = new SrtpContext(profile, r.key, r.salt, opts);
  const work = Buffer.alloc(size + 20);
  let i = 0;
  return () => {
    if (i === RING) { r.refill(); i = 0; }
    const n = r.lens[i];
    work.set(r.ring[i++]);
    if (rx.unprotectRtp(work, n) < 0) throw new Error('unprotect failed');
  };
}

// ---- the naive node:crypto baselines -------------------------------------------------

function cmIv(salt: Buffer, ssrc: number, roc: number, seq: number): Buffer {
  const iv = Buffer.alloc(16);
  salt.copy(iv);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  iv.writeUInt32BE((iv.readUInt32BE(8) ^ roc) >>> 0, 8);
  iv.writeUInt16BE(iv.readUInt16BE(12) ^ seq, 12);
  return iv;
}

function naiveCmProtect(size: number) {
  const { keys } = masterFor(SrtpProfile.AES128_CM_HMAC_SHA1_80);
  const tpl = plainPacket(size);
  const work = Buffer.alloc(size);
  const rocBuf = Buffer.alloc(4);
  let seq = 0;
  return () => {
    work.set(tpl);
    work.writeUInt16BE(seq, 2);
    seq = (seq + 1) & 0xffff;
    const c = createCipheriv('aes-128-ctr', keys.rtpKey, cmIv(keys.rtpSalt, SSRC, 0, work.readUInt16BE(2)));
    const enc = Buffer.concat([work.subarray(0, 12), c.update(work.subarray(12))]);
    const tag = createHmac('sha1', keys.rtpAuthKey).update(enc).update(rocBuf).digest().subarray(0, 10);
    if (Buffer.concat([enc, tag]).length !== size + 10) throw new Error('bad');
  };
}

function naiveCmUnprotect(size: number) {
  const r = protectedRing(SrtpProfile.AES128_CM_HMAC_SHA1_80, size);
  const { keys } = masterFor(SrtpProfile.AES128_CM_HMAC_SHA1_80);
  const work = Buffer.alloc(size + 20);
  const rocBuf = Buffer.alloc(4);
  let i = 0;
  let roc = 0;
  let last = 0;
  return () => {
    if (i === RING) { r.refill(); i = 0; }
    const n = r.lens[i];
    work.set(r.ring[i++]);
    const pkt = work.subarray(0, n);
    const seq = pkt.readUInt16BE(2);
    if (seq < last) rocBuf.writeUInt32BE(++roc);
    last = seq;
    const tag = createHmac('sha1', keys.rtpAuthKey).update(pkt.subarray(0, n - 10)).update(rocBuf).digest().subarray(0, 10);
    if (!timingSafeEqual(tag, pkt.subarray(n - 10))) throw new Error('auth');
    const d = createDecipheriv('aes-128-ctr', keys.rtpKey, cmIv(keys.rtpSalt, SSRC, roc, seq));
    d.update(pkt.subarray(12, n - 10)).copy(work, 12);
  };
}

function gcmIv(salt: Buffer, ssrc: number, roc: number, seq: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(ssrc, 2); iv.writeUInt32BE(roc, 6); iv.writeUInt16BE(seq, 10);
  for (let i = 0; i < 12; i++) iv[i] ^= salt[i];
  return iv;
}

function naiveGcmProtect(profile: number, size: number) {
  const { keys, p } = masterFor(profile);
  const alg = p.keyLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm';
  const tpl = plainPacket(size);
  const work = Buffer.alloc(size + 16);
  let seq = 0;
  return () => {
    work.set(tpl);
    work.writeUInt16BE(seq, 2);
    const c = createCipheriv(alg, keys.rtpKey, gcmIv(keys.rtpSalt, SSRC, 0, seq));
    seq = (seq + 1) & 0xffff;
    c.setAAD(work.subarray(0, 12));
    c.update(work.subarray(12, size)).copy(work, 12);
    c.final();
    c.getAuthTag().copy(work, size);
  };
}

function naiveGcmUnprotect(profile: number, size: number) {
  const r = protectedRing(profile, size);
  const { keys, p } = masterFor(profile);
  const alg = p.keyLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm';
  const work = Buffer.alloc(size + 20);
  let i = 0;
  let roc = 0;
  let last = 0;
  return () => {
    if (i === RING) { r.refill(); i = 0; }
    const n = r.lens[i];
    work.set(r.ring[i++]);
    const seq = work.readUInt16BE(2);
    if (seq < last) roc++;
    last = seq;
    const d = createDecipheriv(alg, keys.rtpKey, gcmIv(keys.rtpSalt, SSRC, roc, seq));
    d.setAAD(work.subarray(0, 12));
    d.setAuthTag(work.subarray(n - 16, n));
    d.update(work.subarray(12, n - 16)).copy(work, 12);
    d.final();
  };
}

// ---- alternative (b): reused aes-128-ecb cipher for the CTR keystream + JS HMAC --------

function ecbKeystreamProtect(size: number) {
  const { keys } = masterFor(SrtpProfile.AES128_CM_HMAC_SHA1_80);
  const ecb = createCipheriv('aes-128-ecb', keys.rtpKey, null);
  ecb.setAutoPadding(false);
  const hmac = new HmacSha1(keys.rtpAuthKey);
  const mac = new Int32Array(5);
  const blocks = Math.ceil((size - 12) / 16);
  const ctr = Buffer.alloc(blocks * 16);
  const tpl = plainPacket(size);
  const work = Buffer.alloc(size + 10);
  let seq = 0;
  return () => {
    work.set(tpl);
    work[2] = seq >>> 8; work[3] = seq & 0xff;
    for (let b = 0; b < blocks; b++) {
      const o = b * 16;
      for (let k = 0; k < 14; k++) ctr[o + k] = keys.rtpSalt[k];
      ctr[o + 4] ^= SSRC >>> 24; ctr[o + 5] ^= SSRC >>> 16; ctr[o + 6] ^= SSRC >>> 8; ctr[o + 7] ^= SSRC;
      ctr[o + 12] ^= seq >>> 8; ctr[o + 13] ^= seq;
      ctr[o + 14] = b >>> 8; ctr[o + 15] = b;
    }
    seq = (seq + 1) & 0xffff;
    const ks = ecb.update(ctr); // allocates: node:crypto has no update-into
    for (let k = 12; k < size; k++) work[k] ^= ks[k - 12];
    hmac.mac(work, 0, size, true, 0, mac);
    for (let k = 0; k < 10; k++) work[size + k] = mac[k >>> 2] >>> (24 - ((k & 3) << 3));
  };
}

function rtcpCase(profile: number, size: number) {
  const { key, salt } = masterFor(profile);
  const tx = new SrtpContext(profile, key, salt);
  const rx = new SrtpContext(profile, key, salt);
  const tpl = plainPacket(size);
  tpl[1] = 201;
  const work = Buffer.alloc(size + 20);
  return () => {
    work.set(tpl);
    const n = tx.protectRtcp(work, size);
    if (rx.unprotectRtcp(work, n) !== size) throw new Error('srtcp failed');
  };
}

const CM80 = SrtpProfile.AES128_CM_HMAC_SHA1_80;
const GCM128 = SrtpProfile.AEAD_AES_128_GCM;
const GCM256 = SrtpProfile.AEAD_AES_256_GCM;
const naive = 'naive node:crypto per packet';

export const cases: MicroCase[] = [];
for (const size of [100, 1200]) {
  cases.push(
    { name: `srtp cm80 protect ${size}B`, fn: protectCase(CM80, size), baseline: { name: `${naive} ctr+hmac protect ${size}B`, fn: naiveCmProtect(size) } },
    { name: `srtp cm80 unprotect ${size}B`, fn: unprotectCase(CM80, size), baseline: { name: `${naive} ctr+hmac unprotect ${size}B`, fn: naiveCmUnprotect(size) } },
    { name: `srtp gcm128 protect ${size}B`, fn: protectCase(GCM128, size), baseline: { name: `${naive} aes-128-gcm protect ${size}B`, fn: naiveGcmProtect(GCM128, size) } },
    { name: `srtp gcm128 unprotect ${size}B`, fn: unprotectCase(GCM128, size), baseline: { name: `${naive} aes-128-gcm unprotect ${size}B`, fn: naiveGcmUnprotect(GCM128, size) } },
    { name: `srtp gcm256 protect ${size}B`, fn: protectCase(GCM256, size), baseline: { name: `${naive} aes-256-gcm protect ${size}B`, fn: naiveGcmProtect(GCM256, size) } },
  );
}
// The per-size choice, measured: each path forced, against the default.
const allJs = { nativeCryptoMinPayload: Infinity };
const allNative = { nativeCryptoMinPayload: 0 };
for (const size of [100, 300, 600, 1200]) {
  cases.push(
    { name: `srtp choice cm80 protect ${size}B all-JS`, fn: protectCase(CM80, size, allJs), baseline: { name: `srtp choice cm80 protect ${size}B node:crypto AES-CTR + JS HMAC`, fn: protectCase(CM80, size, allNative) } },
    { name: `srtp choice gcm128 protect ${size}B all-JS`, fn: protectCase(GCM128, size, allJs), baseline: { name: `srtp choice gcm128 protect ${size}B node:crypto GCM`, fn: protectCase(GCM128, size, allNative) } },
  );
}
for (const size of [100, 1200]) {
  cases.push({ name: `srtp alt(b) ecb-keystream+js-hmac protect ${size}B`, fn: ecbKeystreamProtect(size), baseline: { name: `srtp cm80 protect ${size}B (ours)`, fn: protectCase(CM80, size) } });
}
cases.push(
  { name: 'srtp cm32 protect 100B', fn: protectCase(SrtpProfile.AES128_CM_HMAC_SHA1_32, 100), baseline: { name: `${naive} ctr+hmac protect 100B`, fn: naiveCmProtect(100) } },
  { name: 'srtcp cm80 protect+unprotect 100B', fn: rtcpCase(CM80, 100) },
  { name: 'srtcp gcm128 protect+unprotect 100B', fn: rtcpCase(GCM128, 100) },
);
