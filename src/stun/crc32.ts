// CRC-32 (ISO-HDLC / zlib polynomial 0xEDB88320, reflected), table driven, one byte per
// step. STUN's FINGERPRINT is this CRC over the message XOR 0x5354554e (RFC 8489 §14.7).

const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c;
}

/** CRC-32 of buf[off, off+len) as an unsigned 32-bit number. */
export function crc32(buf: Uint8Array, off: number, len: number): number {
  let c = -1;
  const end = off + len;
  for (let i = off; i < end; i++) c = TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
