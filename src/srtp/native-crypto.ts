// node:crypto (OpenSSL, AES-NI/PCLMUL) paths for LARGE packets only. A cipher object per
// packet costs ~1.8 µs (AES-CTR) / ~2.9 µs (AES-GCM) before the first byte, and
// `update()` returns a new Buffer (it has no "into" form), so for audio-sized packets
// the JS code in aes.ts/ghash.ts is faster and allocation-free. Past the crossover
// measured in bench/micro/srtp.bench.ts (about 512 payload bytes for AES-CM, 384 for
// GCM) OpenSSL wins by 2-3x and we accept a few small objects per video packet.
import { createCipheriv, createDecipheriv, type CipherGCMTypes } from 'node:crypto';

const iv16 = Buffer.alloc(16);
const iv12 = Buffer.alloc(12);

/** AES-CTR keystream XOR over buf[off, off+len) with the initial counter (c0..c3). */
export function nativeCtrXor(alg: 'aes-128-ctr' | 'aes-256-ctr', key: Buffer, c0: number, c1: number, c2: number, c3: number, buf: Uint8Array, off: number, len: number): void {
  iv16.writeInt32BE(c0, 0); iv16.writeInt32BE(c1, 4); iv16.writeInt32BE(c2, 8); iv16.writeInt32BE(c3, 12);
  const out = createCipheriv(alg, key, iv16).update(buf.subarray(off, off + len));
  out.copy(buf, off);
}

function setIv12(iv0: number, iv1: number, iv2: number): Buffer {
  iv12.writeInt32BE(iv0, 0); iv12.writeInt32BE(iv1, 4); iv12.writeInt32BE(iv2, 8);
  return iv12;
}

/** GCM seal: AAD buf[0, aadLen), plaintext buf[aadLen, len) encrypted in place, tag to buf[len, len+16). */
export function nativeGcmSeal(alg: CipherGCMTypes, key: Buffer, iv0: number, iv1: number, iv2: number, buf: Uint8Array, aadLen: number, len: number): void {
  const c = createCipheriv(alg, key, setIv12(iv0, iv1, iv2));
  c.setAAD(buf.subarray(0, aadLen));
  c.update(buf.subarray(aadLen, len)).copy(buf, aadLen);
  c.final();
  c.getAuthTag().copy(buf, len);
}

/**
 * GCM open: AAD buf[0, aadLen), ciphertext buf[aadLen, end), tag buf[end, end+16).
 * Decrypts in place only when the tag verifies; returns false (buffer untouched) if not.
 */
export function nativeGcmOpen(alg: CipherGCMTypes, key: Buffer, iv0: number, iv1: number, iv2: number, buf: Uint8Array, aadLen: number, end: number): boolean {
  const d = createDecipheriv(alg, key, setIv12(iv0, iv1, iv2));
  d.setAAD(buf.subarray(0, aadLen));
  d.setAuthTag(buf.subarray(end, end + 16));
  const out = d.update(buf.subarray(aadLen, end));
  try {
    d.final(); // OpenSSL compares the tag in constant time
  } catch {
    return false;
  }
  out.copy(buf, aadLen);
  return true;
}
