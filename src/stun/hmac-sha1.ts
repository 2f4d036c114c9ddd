// HMAC-SHA1 (RFC 2104 over FIPS 180-4 SHA-1) with the keyed inner and outer states
// computed once per key. STUN's MESSAGE-INTEGRITY (RFC 8489 §14.5) signs ~100-byte
// messages with the same ICE password many times; node:crypto's createHmac would
// rehash the key and allocate a Hmac object and a digest Buffer every time.
import { createHash } from 'node:crypto';
import { sha1Compress as compress } from '../crypto/sha1-compress.js';

const IV = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0);
const state = new Int32Array(5);
const tail = new Uint8Array(128);

/** Hashes `len` bytes starting at `off`, continuing from `h`, that follow `prefixBytes` already hashed. */
function finish(h: Int32Array, data: Uint8Array, off: number, len: number, prefixBytes: number): void {
  let p = off;
  const end = off + len;
  while (end - p >= 64) { compress(h, data, p); p += 64; }
  const rest = end - p;
  const blocks = rest + 9 > 64 ? 2 : 1;
  for (let i = 0; i < rest; i++) tail[i] = data[p + i];
  tail[rest] = 0x80;
  for (let i = rest + 1, z = blocks * 64 - 8; i < z; i++) tail[i] = 0;
  const bits = (prefixBytes + len) * 8; // < 2^53, split into two 32-bit words
  const lastWord = blocks * 64 - 4;
  tail[lastWord] = bits >>> 24; tail[lastWord + 1] = bits >>> 16; tail[lastWord + 2] = bits >>> 8; tail[lastWord + 3] = bits;
  const hi = Math.floor(bits / 0x100000000);
  tail[lastWord - 4] = hi >>> 24; tail[lastWord - 3] = hi >>> 16; tail[lastWord - 2] = hi >>> 8; tail[lastWord - 1] = hi;
  compress(h, tail, 0);
  if (blocks === 2) compress(h, tail, 64);
}

const inner = new Uint8Array(20);

export class HmacSha1 {
  readonly #ipad = new Int32Array(5);
  readonly #opad = new Int32Array(5);

  constructor(key: Uint8Array) {
    let k = key;
    if (k.length > 64) k = createHash('sha1').update(k).digest();
    const block = new Uint8Array(64);
    block.set(k);
    for (let i = 0; i < 64; i++) block[i] ^= 0x36;
    this.#ipad.set(IV); compress(this.#ipad, block, 0);
    for (let i = 0; i < 64; i++) block[i] ^= 0x36 ^ 0x5c;
    this.#opad.set(IV); compress(this.#opad, block, 0);
  }

  /** Writes HMAC-SHA1(key, data[off, off+len)) (20 bytes) to out[outOff..]. */
  sign(data: Uint8Array, off: number, len: number, out: Uint8Array, outOff: number): void {
    state.set(this.#ipad);
    finish(state, data, off, len, 64);
    for (let i = 0; i < 5; i++) {
      const v = state[i];
      inner[i * 4] = v >>> 24; inner[i * 4 + 1] = v >>> 16; inner[i * 4 + 2] = v >>> 8; inner[i * 4 + 3] = v;
    }
    state.set(this.#opad);
    finish(state, inner, 0, 20, 64);
    for (let i = 0; i < 5; i++) {
      const v = state[i], o = outOff + i * 4;
      out[o] = v >>> 24; out[o + 1] = v >>> 16; out[o + 2] = v >>> 8; out[o + 3] = v;
    }
  }

  /** True when HMAC(data[off, off+len)) equals the 20 bytes at mac[macOff..]; compares all 20. */
  verify(data: Uint8Array, off: number, len: number, mac: Uint8Array, macOff: number): boolean {
    this.sign(data, off, len, scratchMac, 0);
    let diff = 0;
    for (let i = 0; i < 20; i++) diff |= scratchMac[i] ^ mac[macOff + i];
    return diff === 0;
  }
}

const scratchMac = new Uint8Array(20);
