// GHASH (NIST SP 800-38D §6.4) with Shoup's 8-bit table: M[b] = b(x)·H for every byte
// value b (4 KiB per key), so one block costs 16 table lookups and 16 byte shifts with a
// shared 256-entry reduction table. GCM's bit order is reflected: the most significant
// bit of byte 0 is the coefficient of x^0, and multiplying by x shifts right.

/** RED8[r]: (r in the low byte of the last word) · x^8 folded back, as the top 16 bits of word 0. */
const RED8 = new Int32Array(256);
(function buildReduction() {
  for (let r = 0; r < 256; r++) {
    let v0 = 0, v1 = 0, v2 = 0, v3 = r;
    for (let i = 0; i < 8; i++) {
      const lsb = v3 & 1;
      v3 = (v3 >>> 1) | (v2 << 31);
      v2 = (v2 >>> 1) | (v1 << 31);
      v1 = (v1 >>> 1) | (v0 << 31);
      v0 = v0 >>> 1;
      if (lsb) v0 ^= 0xe1000000;
    }
    RED8[r] = v0 | 0;
  }
})();

/** GHASH keyed by H (four big-endian words), absorbing bytes or whole words. */
export class Ghash {
  private readonly m = new Int32Array(256 * 4);
  /** y0..y3, then a 16-byte staging block for unaligned input. */
  private y0 = 0;
  private y1 = 0;
  private y2 = 0;
  private y3 = 0;
  private readonly stage = new Uint8Array(16);
  private staged = 0;

  constructor(h0: number, h1: number, h2: number, h3: number) {
    const m = this.m;
    m[0x80 * 4] = h0; m[0x80 * 4 + 1] = h1; m[0x80 * 4 + 2] = h2; m[0x80 * 4 + 3] = h3;
    for (let b = 0x40; b >= 1; b >>>= 1) {
      const s = (b << 1) * 4;
      const lsb = m[s + 3] & 1;
      m[b * 4 + 3] = (m[s + 3] >>> 1) | (m[s + 2] << 31);
      m[b * 4 + 2] = (m[s + 2] >>> 1) | (m[s + 1] << 31);
      m[b * 4 + 1] = (m[s + 1] >>> 1) | (m[s] << 31);
      m[b * 4] = (m[s] >>> 1) ^ (lsb ? 0xe1000000 | 0 : 0);
    }
    for (let p = 2; p < 256; p <<= 1) {
      for (let j = 1; j < p; j++) {
        for (let k = 0; k < 4; k++) m[(p + j) * 4 + k] = m[p * 4 + k] ^ m[j * 4 + k];
      }
    }
  }

  reset(): void {
    this.y0 = this.y1 = this.y2 = this.y3 = 0;
    this.staged = 0;
  }

  /** Y = (Y ^ X) · H for one block given as words. Horner over bytes 15..0, unrolled. */
  block(x0: number, x1: number, x2: number, x3: number): void {
    const m = this.m;
    const a0 = this.y0 ^ x0, a1 = this.y1 ^ x1, a2 = this.y2 ^ x2, a3 = this.y3 ^ x3;
    let i = (a3 & 255) << 2;
    let z0 = m[i], z1 = m[i + 1], z2 = m[i + 2], z3 = m[i + 3], r = 0;
    // Each step: Z = Z·x^8 (shift right one byte, fold the byte out back in) ^ M[next byte].
    r = z3 & 255; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ RED8[r];
    i = ((a3 >>> 8) & 255) << 2; z0 ^= m[i]; z1 ^= m[i + 1]; z2 ^= m[i + 2]; z3 ^= m[i + 3];
    r = z3 & 255; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ RED8[r];
    i = ((a3 >>> 16) & 255) << 2; z0 ^= m[i]; z1 ^= m[i + 1]; z2 ^= m[i + 2]; z3 ^= m[i + 3];
    r = z3 & 255; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ RED8[r];
    i = (a3 >>> 24) << 2; z0 ^= m[i]; z1 ^= m[i + 1]; z2 ^= m[i + 2]; z3 ^= m[i + 3];
    r = z3 & 255; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ RED8[r];
    i = (a2 & 255) << 2; z0 ^= m[i]; z1 ^= m[i + 1]; z2 ^= m[i + 2]; z3 ^= m[i + 3];
    r = z3 & 255; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ RED8[r];
    i = ((a2 >>> 8) & 255) << 2; z0 ^= m[i]; z1 ^= m[i + 1]; z2 ^= m[i + 2]; z3 ^= m[i + 3];
    r = z3 & 255; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ RED8[r];
    i = ((a2 >>> 16) & 255) << 2; z0 ^= m[i]; z1 ^= m[i + 1]; z2 ^= m[i + 2]; z3 ^= m[i + 3];
    r = z3 & 255; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ RED8[r];
    i = (a2 >>> 24) << 2; z0 ^= m[i]; z1 ^= m[i + 1]; z2 ^= m[i + 2]; z3 ^= m[i + 3];
    r = z3 & 255; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ RED8[r];
    i = (a1 & 255) << 2; z0 ^= m[i]; z1 ^= m[i + 1]; z2 ^= m[i + 2]; z3 ^= m[i + 3];
    r = z3 & 255; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ RED8[r];
    i = ((a1 >>> 8) & 255) << 2; z0 ^= m[i]; z1 ^= m[i + 1]; z2 ^= m[i + 2]; z3 ^= m[i + 3];
    r = z3 & 255; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ RED8[r];
    i = ((a1 >>> 16) & 255) << 2; z0 ^= m[i]; z1 ^= m[i + 1]; z2 ^= m[i + 2]; z3 ^= m[i + 3];
    r = z3 & 255; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ RED8[r];
    i = (a1 >>> 24) << 2; z0 ^= m[i]; z1 ^= m[i + 1]; z2 ^= m[i + 2]; z3 ^= m[i + 3];
    r = z3 & 255; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ RED8[r];
    i = (a0 & 255) << 2; z0 ^= m[i]; z1 ^= m[i + 1]; z2 ^= m[i + 2]; z3 ^= m[i + 3];
    r = z3 & 255; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ RED8[r];
    i = ((a0 >>> 8) & 255) << 2; z0 ^= m[i]; z1 ^= m[i + 1]; z2 ^= m[i + 2]; z3 ^= m[i + 3];
    r = z3 & 255; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ RED8[r];
    i = ((a0 >>> 16) & 255) << 2; z0 ^= m[i]; z1 ^= m[i + 1]; z2 ^= m[i + 2]; z3 ^= m[i + 3];
    r = z3 & 255; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ RED8[r];
    i = (a0 >>> 24) << 2; z0 ^= m[i]; z1 ^= m[i + 1]; z2 ^= m[i + 2]; z3 ^= m[i + 3];
    this.y0 = z0; this.y1 = z1; this.y2 = z2; this.y3 = z3;
  }

  /** Absorbs buf[off, off+len); whole blocks go straight from the buffer. */
  update(buf: Uint8Array, off: number, len: number): void {
    let p = off;
    const end = off + len;
    if (this.staged) {
      while (this.staged < 16 && p < end) this.stage[this.staged++] = buf[p++];
      if (this.staged < 16) return;
      this.flushStage();
    }
    while (p + 16 <= end) {
      this.block(
        (buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3],
        (buf[p + 4] << 24) | (buf[p + 5] << 16) | (buf[p + 6] << 8) | buf[p + 7],
        (buf[p + 8] << 24) | (buf[p + 9] << 16) | (buf[p + 10] << 8) | buf[p + 11],
        (buf[p + 12] << 24) | (buf[p + 13] << 16) | (buf[p + 14] << 8) | buf[p + 15],
      );
      p += 16;
    }
    while (p < end) this.stage[this.staged++] = buf[p++];
  }

  /** Absorbs one big-endian 32-bit word as 4 bytes. */
  updateWord(w: number): void {
    const s = this.stage;
    for (let k = 0; k < 4; k++) {
      s[this.staged++] = w >>> (24 - 8 * k);
      if (this.staged === 16) this.flushStage();
    }
  }

  /** Zero-pads a partial block (GCM pads AAD and ciphertext separately). */
  pad(): void {
    if (!this.staged) return;
    this.stage.fill(0, this.staged);
    this.flushStage();
  }

  private flushStage(): void {
    const s = this.stage;
    this.block(
      (s[0] << 24) | (s[1] << 16) | (s[2] << 8) | s[3],
      (s[4] << 24) | (s[5] << 16) | (s[6] << 8) | s[7],
      (s[8] << 24) | (s[9] << 16) | (s[10] << 8) | s[11],
      (s[12] << 24) | (s[13] << 16) | (s[14] << 8) | s[15],
    );
    this.staged = 0;
  }

  /** Pads, absorbs len(A) || len(C) in bits, and writes the hash words to out[0..3]. */
  finish(aadBytes: number, ctBytes: number, out: Int32Array): void {
    this.pad();
    const ab = aadBytes * 8;
    const cb = ctBytes * 8;
    this.block((ab / 0x100000000) | 0, ab | 0, (cb / 0x100000000) | 0, cb | 0);
    out[0] = this.y0; out[1] = this.y1; out[2] = this.y2; out[3] = this.y3;
  }
}
