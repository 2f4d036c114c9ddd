// AES encryption (FIPS 197) in plain JavaScript with 32-bit T-tables, encrypt direction
// only: SRTP needs AES only as a keystream generator (AES-CM, GCM's CTR and the KDF).
// Why JS and not node:crypto: `Cipher.update()` allocates a new Buffer for every call,
// and a 100-byte audio packet needs only 6 blocks, so the call overhead dominates.
// Round keys and tables are Int32Arrays so every value stays a V8 small integer.

import * as tables from './aes-tables.js';

// Module-local copies of the table references: V8 constant-folds a module's own
// `const` bindings in optimized code but re-loads (and hole-checks) imported ones,
// which made every table lookup measurably slower (aes block 88 -> 151 ns).
const { SBOX, S1, S2, S3, TE0, TE1, TE2, TE3, xtime } = tables;

/** An expanded AES key: round keys as big-endian words, and the round count. */
export interface AesKey {
  readonly rk: Int32Array;
  readonly rounds: number;
  /** Address of the round keys in wasm memory (keystream.ts), -1 until placed there. */
  wasmPtr: number;
}

/** Expands a 16- or 32-byte key (AES-128 / AES-256). Done once per session key. */
export function expandAesKey(key: Uint8Array): AesKey {
  const nk = key.length >>> 2;
  if (key.length !== 16 && key.length !== 32) throw new RangeError(`AES key must be 16 or 32 bytes, got ${key.length}`);
  const rounds = nk + 6;
  const total = 4 * (rounds + 1);
  const rk = new Int32Array(total);
  for (let i = 0; i < nk; i++) rk[i] = (key[4 * i] << 24) | (key[4 * i + 1] << 16) | (key[4 * i + 2] << 8) | key[4 * i + 3];
  let rcon = 1;
  for (let i = nk; i < total; i++) {
    let t = rk[i - 1];
    if (i % nk === 0) {
      t = (t << 8) | (t >>> 24); // RotWord
      t = (SBOX[t >>> 24] << 24) | (SBOX[(t >>> 16) & 255] << 16) | (SBOX[(t >>> 8) & 255] << 8) | SBOX[t & 255];
      t ^= rcon << 24;
      rcon = xtime(rcon);
    } else if (nk > 6 && i % nk === 4) {
      t = (SBOX[t >>> 24] << 24) | (SBOX[(t >>> 16) & 255] << 16) | (SBOX[(t >>> 8) & 255] << 8) | SBOX[t & 255];
    }
    rk[i] = rk[i - nk] ^ t;
  }
  return { rk, rounds, wasmPtr: -1 };
}

/**
 * Encrypts the block (x0, x1, x2, x3) (big-endian words) and writes the four output
 * words to out[0..3]. No allocation.
 */
export function aesEncryptWords(k: AesKey, x0: number, x1: number, x2: number, x3: number, out: Int32Array): void {
  const rk = k.rk;
  let s0 = x0 ^ rk[0];
  let s1 = x1 ^ rk[1];
  let s2 = x2 ^ rk[2];
  let s3 = x3 ^ rk[3];
  let p = 4;
  const last = k.rounds * 4;
  while (p < last) {
    const t0 = TE0[s0 >>> 24] ^ TE1[(s1 >>> 16) & 255] ^ TE2[(s2 >>> 8) & 255] ^ TE3[s3 & 255] ^ rk[p];
    const t1 = TE0[s1 >>> 24] ^ TE1[(s2 >>> 16) & 255] ^ TE2[(s3 >>> 8) & 255] ^ TE3[s0 & 255] ^ rk[p + 1];
    const t2 = TE0[s2 >>> 24] ^ TE1[(s3 >>> 16) & 255] ^ TE2[(s0 >>> 8) & 255] ^ TE3[s1 & 255] ^ rk[p + 2];
    const t3 = TE0[s3 >>> 24] ^ TE1[(s0 >>> 16) & 255] ^ TE2[(s1 >>> 8) & 255] ^ TE3[s2 & 255] ^ rk[p + 3];
    s0 = t0; s1 = t1; s2 = t2; s3 = t3;
    p += 4;
  }
  out[0] = (S3[s0 >>> 24] | S2[(s1 >>> 16) & 255] | S1[(s2 >>> 8) & 255] | SBOX[s3 & 255]) ^ rk[p];
  out[1] = (S3[s1 >>> 24] | S2[(s2 >>> 16) & 255] | S1[(s3 >>> 8) & 255] | SBOX[s0 & 255]) ^ rk[p + 1];
  out[2] = (S3[s2 >>> 24] | S2[(s3 >>> 16) & 255] | S1[(s0 >>> 8) & 255] | SBOX[s1 & 255]) ^ rk[p + 2];
  out[3] = (S3[s3 >>> 24] | S2[(s0 >>> 16) & 255] | S1[(s1 >>> 8) & 255] | SBOX[s2 & 255]) ^ rk[p + 3];
}

const ks = new Int32Array(4);

/**
 * AES counter mode over buf[off, off+len): block j uses the counter (c0, c1, c2, c3 + j)
 * where only the low 32-bit word counts (SRTP and GCM both keep the count below 2^16 /
 * 2^32 within one packet). Encrypts and decrypts alike.
 */
export function aesCtrXor(k: AesKey, c0: number, c1: number, c2: number, c3: number, buf: Uint8Array, off: number, len: number): void {
  const end = off + len;
  let p = off;
  while (p + 16 <= end) {
    aesEncryptWords(k, c0, c1, c2, c3, ks);
    c3 = (c3 + 1) | 0;
    let w = ks[0];
    buf[p] ^= w >>> 24; buf[p + 1] ^= w >>> 16; buf[p + 2] ^= w >>> 8; buf[p + 3] ^= w;
    w = ks[1];
    buf[p + 4] ^= w >>> 24; buf[p + 5] ^= w >>> 16; buf[p + 6] ^= w >>> 8; buf[p + 7] ^= w;
    w = ks[2];
    buf[p + 8] ^= w >>> 24; buf[p + 9] ^= w >>> 16; buf[p + 10] ^= w >>> 8; buf[p + 11] ^= w;
    w = ks[3];
    buf[p + 12] ^= w >>> 24; buf[p + 13] ^= w >>> 16; buf[p + 14] ^= w >>> 8; buf[p + 15] ^= w;
    p += 16;
  }
  if (p < end) {
    aesEncryptWords(k, c0, c1, c2, c3, ks);
    for (let i = 0; p < end; i++, p++) buf[p] ^= ks[i >>> 2] >>> (24 - ((i & 3) << 3));
  }
}
