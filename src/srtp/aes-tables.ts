// AES forward tables (FIPS 197 §5.1), built once at load: the S-box from the
// multiplicative inverse and the affine map, the four T-tables (SubBytes+ShiftRows+
// MixColumns per byte lane) and the S-box pre-shifted into each lane for the last round.
// Shared by the JS rounds (aes.ts) and the wasm rounds (wasm-aes.ts).

export const SBOX = new Uint8Array(256);
export const TE0 = new Int32Array(256);
export const TE1 = new Int32Array(256);
export const TE2 = new Int32Array(256);
export const TE3 = new Int32Array(256);
/** S-box shifted into each byte lane, for the last round without table rotation cost. */
export const S3 = new Int32Array(256);
export const S2 = new Int32Array(256);
export const S1 = new Int32Array(256);

export function xtime(b: number): number {
  return ((b << 1) ^ (b & 0x80 ? 0x1b : 0)) & 0xff;
}

(function buildTables() {
  // Walk the multiplicative group with generator 3 to get inverses, then the affine map.
  const pow = new Uint8Array(256);
  const log = new Uint8Array(256);
  let x = 1;
  for (let i = 0; i < 255; i++) {
    pow[i] = x;
    log[x] = i;
    x ^= xtime(x);
  }
  for (let i = 0; i < 256; i++) {
    const inv = i === 0 ? 0 : pow[(255 - log[i]) % 255];
    let s = inv;
    let r = inv;
    for (let k = 0; k < 4; k++) {
      r = ((r << 1) | (r >>> 7)) & 0xff;
      s ^= r;
    }
    SBOX[i] = s ^ 0x63;
  }
  for (let i = 0; i < 256; i++) {
    const s = SBOX[i];
    const s2 = xtime(s);
    const s3 = s2 ^ s;
    const t = (s2 << 24) | (s << 16) | (s << 8) | s3;
    TE0[i] = t;
    TE1[i] = (t >>> 8) | (t << 24);
    TE2[i] = (t >>> 16) | (t << 16);
    TE3[i] = (t >>> 24) | (t << 8);
    S3[i] = s << 24;
    S2[i] = s << 16;
    S1[i] = s << 8;
  }
})();

