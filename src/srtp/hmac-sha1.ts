// HMAC-SHA1 (RFC 2104, FIPS 180-4) in plain JavaScript, for SRTP/SRTCP authentication.
// The states after hashing key^ipad and key^opad are computed once per session key, so
// a 100-byte packet costs three compressions (two inner, one outer) and no allocation.
// node:crypto's createHmac needs a new object per message and a new Buffer per digest.
import { sha1Compress } from '../crypto/sha1-compress.js';

const TAIL = new Uint8Array(128);
const compress = sha1Compress;

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
    let n = 0;
    while (p < end) tail[n++] = buf[p++];
    if (hasTrailer) {
      tail[n] = trailer >>> 24; tail[n + 1] = trailer >>> 16; tail[n + 2] = trailer >>> 8; tail[n + 3] = trailer;
      n += 4;
    }
    tail[n] = 0x80;
    const bits = (64 + len + (hasTrailer ? 4 : 0)) * 8;
    const blocks = n + 9 <= 64 ? 1 : 2;
    for (let z = n + 1; z < blocks * 64; z++) tail[z] = 0;
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
