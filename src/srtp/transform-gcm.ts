// AEAD_AES_128_GCM / AEAD_AES_256_GCM packet transform (RFC 7714 §8, §9).
//
// SRTP:  | RTP header (AAD) | ciphertext | tag (16) |
// SRTCP: | header+SSRC (8, AAD) | ciphertext | tag (16) | E(1)+index(31) (AAD) |
//   (E = 0: the whole RTCP packet is AAD and nothing is encrypted)
// IV (12 bytes) = salt XOR (00 00 | SSRC | ROC | SEQ)          for SRTP
//               = salt XOR (00 00 | SSRC | 00 00 | 0+index)    for SRTCP
// GCM proper: J0 = IV || 00000001, payload counters start at J0+1, tag = E(J0) ^ GHASH.
// Pure JS (AES T-tables + 8-bit-table GHASH) for small packets: no allocation, and for
// audio-sized packets about twice as fast as a node:crypto GCM cipher per packet; RTP
// payloads from `nativeMin` bytes up go to node:crypto, which wins there (see the bench).
import { aesEncryptWords, expandAesKey, type AesKey } from './aes.js';
import { ctrXor, prepareKey, releaseKey } from './keystream.js';
import { SrtpStatus } from './errors.js';
import { Ghash } from './ghash.js';
import type { SrtpSessionKeys } from './key-derivation.js';
import { nativeGcmOpen, nativeGcmSeal } from './native-crypto.js';

const blk = new Int32Array(4);
const tag = new Int32Array(4);

function word(b: Uint8Array, i: number): number {
  return (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
}

class GcmKey {
  readonly aes: AesKey;
  readonly ghash: Ghash;
  readonly s0: number; readonly s1: number; readonly s2: number;
  readonly keyBytes: Buffer;
  readonly alg: 'aes-128-gcm' | 'aes-256-gcm';
  constructor(key: Uint8Array, salt: Uint8Array) {
    this.keyBytes = Buffer.from(key);
    this.alg = key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm';
    this.aes = prepareKey(expandAesKey(key));
    aesEncryptWords(this.aes, 0, 0, 0, 0, blk);
    this.ghash = new Ghash(blk[0], blk[1], blk[2], blk[3]);
    this.s0 = word(salt, 0); this.s1 = word(salt, 4); this.s2 = word(salt, 8);
  }
}

/** tag[] = GHASH result XOR E(K, J0). */
function finishTag(k: GcmKey, iv0: number, iv1: number, iv2: number, aadLen: number, ctLen: number): void {
  k.ghash.finish(aadLen, ctLen, tag);
  aesEncryptWords(k.aes, iv0, iv1, iv2, 1, blk);
  tag[0] ^= blk[0]; tag[1] ^= blk[1]; tag[2] ^= blk[2]; tag[3] ^= blk[3];
}

function writeTag(buf: Uint8Array, p: number): void {
  for (let i = 0; i < 16; i++) buf[p + i] = tag[i >>> 2] >>> (24 - ((i & 3) << 3));
}

/** Constant-time comparison of the 16 tag bytes at buf[p..]. */
function tagDiffers(buf: Uint8Array, p: number): boolean {
  let diff = 0;
  for (let i = 0; i < 16; i++) diff |= buf[p + i] ^ ((tag[i >>> 2] >>> (24 - ((i & 3) << 3))) & 0xff);
  return diff !== 0;
}

export class GcmTransform {
  readonly rtpTagLength = 16;
  readonly rtcpTagLength = 16;
  readonly rtcpIndexFromEnd = 4;
  private readonly rtp: GcmKey;
  private readonly rtcp: GcmKey;
  /** RTP payloads of at least this many bytes go through node:crypto (see native-crypto.ts). */
  private readonly nativeMin: number;

  constructor(keys: SrtpSessionKeys, nativeMin: number) {
    this.nativeMin = nativeMin;
    this.rtp = new GcmKey(keys.rtpKey, keys.rtpSalt);
    this.rtcp = new GcmKey(keys.rtcpKey, keys.rtcpSalt);
  }

  /** Frees the wasm key slots (the transform still works, in JS). */
  close(): void {
    releaseKey(this.rtp.aes);
    releaseKey(this.rtcp.aes);
  }

  protectRtp(buf: Uint8Array, hdrLen: number, len: number, ssrc: number, roc: number, seq: number): number {
    const k = this.rtp;
    const iv0 = k.s0 ^ (ssrc >>> 16), iv1 = k.s1 ^ ((ssrc << 16) | (roc >>> 16)), iv2 = k.s2 ^ ((roc << 16) | seq);
    if (len - hdrLen >= this.nativeMin) {
      nativeGcmSeal(k.alg, k.keyBytes, iv0, iv1, iv2, buf, hdrLen, len);
      return len + 16;
    }
    ctrXor(k.aes, iv0, iv1, iv2, 2, buf, hdrLen, len - hdrLen);
    const g = k.ghash;
    g.reset();
    g.update(buf, 0, hdrLen);
    g.pad();
    g.update(buf, hdrLen, len - hdrLen);
    finishTag(k, iv0, iv1, iv2, hdrLen, len - hdrLen);
    writeTag(buf, len);
    return len + 16;
  }

  unprotectRtp(buf: Uint8Array, hdrLen: number, len: number, ssrc: number, roc: number, seq: number): number {
    const k = this.rtp;
    const end = len - 16;
    const iv0 = k.s0 ^ (ssrc >>> 16), iv1 = k.s1 ^ ((ssrc << 16) | (roc >>> 16)), iv2 = k.s2 ^ ((roc << 16) | seq);
    if (end - hdrLen >= this.nativeMin) {
      return nativeGcmOpen(k.alg, k.keyBytes, iv0, iv1, iv2, buf, hdrLen, end) ? end : SrtpStatus.AUTH_FAILED;
    }
    const g = k.ghash;
    g.reset();
    g.update(buf, 0, hdrLen);
    g.pad();
    g.update(buf, hdrLen, end - hdrLen);
    finishTag(k, iv0, iv1, iv2, hdrLen, end - hdrLen);
    if (tagDiffers(buf, end)) return SrtpStatus.AUTH_FAILED;
    ctrXor(k.aes, iv0, iv1, iv2, 2, buf, hdrLen, end - hdrLen);
    return end;
  }

  protectRtcp(buf: Uint8Array, len: number, ssrc: number, index: number): number {
    const k = this.rtcp;
    const iv0 = k.s0 ^ (ssrc >>> 16), iv1 = k.s1 ^ (ssrc << 16), iv2 = k.s2 ^ index;
    ctrXor(k.aes, iv0, iv1, iv2, 2, buf, 8, len - 8);
    const e = index | 0x80000000;
    const g = k.ghash;
    g.reset();
    g.update(buf, 0, 8);
    g.updateWord(e);
    g.pad();
    g.update(buf, 8, len - 8);
    finishTag(k, iv0, iv1, iv2, 12, len - 8);
    writeTag(buf, len);
    const p = len + 16;
    buf[p] = e >>> 24; buf[p + 1] = e >>> 16; buf[p + 2] = e >>> 8; buf[p + 3] = e;
    return len + 20;
  }

  unprotectRtcp(buf: Uint8Array, len: number, ssrc: number, index: number, encrypted: boolean): number {
    const k = this.rtcp;
    const tagAt = len - 20;
    const iv0 = k.s0 ^ (ssrc >>> 16), iv1 = k.s1 ^ (ssrc << 16), iv2 = k.s2 ^ index;
    const e = word(buf, len - 4);
    const g = k.ghash;
    g.reset();
    if (encrypted) {
      g.update(buf, 0, 8);
      g.updateWord(e);
      g.pad();
      g.update(buf, 8, tagAt - 8);
      finishTag(k, iv0, iv1, iv2, 12, tagAt - 8);
    } else {
      g.update(buf, 0, tagAt);
      g.updateWord(e);
      finishTag(k, iv0, iv1, iv2, tagAt + 4, 0);
    }
    if (tagDiffers(buf, tagAt)) return SrtpStatus.AUTH_FAILED;
    if (encrypted) ctrXor(k.aes, iv0, iv1, iv2, 2, buf, 8, tagAt - 8);
    return tagAt;
  }
}
