// CRC32c (Castagnoli, reflected polynomial 0x82F63B78) — the SCTP checksum (RFC 9260
// appendix A, RFC 3309). Slicing-by-4 tables: ~4x the byte-at-a-time loop, no allocation.

const T0 = new Int32Array(256);
const T1 = new Int32Array(256);
const T2 = new Int32Array(256);
const T3 = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  T0[n] = c;
}
for (let n = 0; n < 256; n++) {
  T1[n] = (T0[n] >>> 8) ^ T0[T0[n] & 0xff];
  T2[n] = (T1[n] >>> 8) ^ T0[T1[n] & 0xff];
  T3[n] = (T2[n] >>> 8) ^ T0[T2[n] & 0xff];
}

/** CRC32c of buf[start, end). `skipAt` >= 0 treats the 4 bytes there as zero (the checksum field). */
export function crc32c(buf: Uint8Array, start: number, end: number, skipAt = -1): number {
  let c = -1;
  let i = start;
  if (skipAt >= start && skipAt + 4 <= end) {
    c = update(c, buf, i, skipAt);
    c = update(c, ZERO4, 0, 4);
    i = skipAt + 4;
  }
  c = update(c, buf, i, end);
  return ~c >>> 0;
}

const ZERO4 = new Uint8Array(4);

function update(crc: number, buf: Uint8Array, start: number, end: number): number {
  let c = crc;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    c ^= buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24);
    c = T3[c & 0xff] ^ T2[(c >>> 8) & 0xff] ^ T1[(c >>> 16) & 0xff] ^ T0[c >>> 24];
  }
  for (; i < end; i++) c = T0[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return c;
}
