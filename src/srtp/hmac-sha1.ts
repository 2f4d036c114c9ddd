// HMAC-SHA1 (RFC 2104, FIPS 180-4) in plain JavaScript, for SRTP/SRTCP authentication.
// The states after hashing key^ipad and key^opad are computed once per session key, so
// a 100-byte packet costs three compressions (two inner, one outer) and no allocation.
// node:crypto's createHmac needs a new object per message and a new Buffer per digest.

const W = new Int32Array(80);
const TAIL = new Uint8Array(128);

function compress(st: Int32Array, src: Uint8Array, p: number): void {
  const w = W;
  for (let t = 0; t < 16; t++, p += 4) w[t] = (src[p] << 24) | (src[p + 1] << 16) | (src[p + 2] << 8) | src[p + 3];
  for (let t = 16; t < 80; t++) {
    const x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16];
    w[t] = (x << 1) | (x >>> 31);
  }
  let a = st[0], b = st[1], c = st[2], d = st[3], e = st[4];
  let t = 0;
  for (; t < 20; t++) {
    const tmp = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + w[t] + 0x5a827999) | 0;
    e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = tmp;
  }
  for (; t < 40; t++) {
    const tmp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[t] + 0x6ed9eba1) | 0;
    e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = tmp;
  }
  for (; t < 60; t++) {
    const tmp = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + w[t] - 0x70e44324) | 0;
    e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = tmp;
  }
  for (; t < 80; t++) {
    const tmp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[t] - 0x359d3e2a) | 0;
    e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = tmp;
  }
  st[0] = (st[0] + a) | 0;
  st[1] = (st[1] + b) | 0;
  st[2] = (st[2] + c) | 0;
  st[3] = (st[3] + d) | 0;
  st[4] = (st[4] + e) | 0;
}

function initState(st: Int32Array): void {
  st[0] = 0x67452301; st[1] = 0xefcdab89 | 0; st[2] = 0x98badcfe | 0; st[3] = 0x10325476; st[4] = 0xc3d2e1f0 | 0;
}

/** A keyed HMAC-SHA1 whose pad states are precomputed; `mac` writes 5 words to `out`. */
export class HmacSha1 {
  private readonly inner = new Int32Array(5);
  private readonly outer = new Int32Array(5);
  private readonly st = new Int32Array(5);
  private readonly ob = new Uint8Array(64);

  constructor(key: Uint8Array) {
    if (key.length > 64) throw new RangeError('HMAC-SHA1 keys over 64 bytes are not used by SRTP');
    const pad = new Uint8Array(64);
    for (let pass = 0; pass < 2; pass++) {
      const fill = pass === 0 ? 0x36 : 0x5c;
      pad.fill(fill);
      for (let i = 0; i < key.length; i++) pad[i] = key[i] ^ fill;
      const s = pass === 0 ? this.inner : this.outer;
      initState(s);
      compress(s, pad, 0);
    }
    // The outer message is always the 20-byte inner digest: its padding never changes.
    this.ob[20] = 0x80;
    const bits = (64 + 20) * 8;
    this.ob[62] = bits >>> 8;
    this.ob[63] = bits & 0xff;
  }

  /**
   * HMAC over buf[off, off+len) followed, when hasTrailer, by the 4-byte big-endian
   * `trailer` (SRTP's ROC). Result in out[0..4] as big-endian words.
   */
  mac(buf: Uint8Array, off: number, len: number, hasTrailer: boolean, trailer: number, out: Int32Array): void {
    const st = this.st;
    st.set(this.inner);
    let p = off;
    const end = off + len;
    while (p + 64 <= end) {
      compress(st, buf, p);
      p += 64;
    }
    const tail = TAIL;
    tail.fill(0);
    let n = 0;
    while (p < end) tail[n++] = buf[p++];
    if (hasTrailer) {
      tail[n] = trailer >>> 24; tail[n + 1] = trailer >>> 16; tail[n + 2] = trailer >>> 8; tail[n + 3] = trailer;
      n += 4;
    }
    tail[n] = 0x80;
    const bits = (64 + len + (hasTrailer ? 4 : 0)) * 8;
    const blocks = n + 9 <= 64 ? 1 : 2;
    const lp = blocks * 64 - 4;
    tail[lp - 1] = bits / 0x100000000; // bits < 2^40 for any packet
    tail[lp] = bits >>> 24; tail[lp + 1] = bits >>> 16; tail[lp + 2] = bits >>> 8; tail[lp + 3] = bits;
    compress(st, tail, 0);
    if (blocks === 2) compress(st, tail, 64);
    // Outer hash: one block holding the inner digest.
    const ob = this.ob;
    for (let i = 0; i < 5; i++) {
      const w = st[i];
      ob[4 * i] = w >>> 24; ob[4 * i + 1] = w >>> 16; ob[4 * i + 2] = w >>> 8; ob[4 * i + 3] = w;
    }
    st.set(this.outer);
    compress(st, ob, 0);
    out.set(st);
  }
}
