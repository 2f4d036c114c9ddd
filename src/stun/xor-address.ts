// XOR-MAPPED-ADDRESS (RFC 8489 §14.2):
//  0                   1                   2                   3
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |0 0 0 0 0 0 0 0|    Family     |         X-Port                |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                X-Address (32 bits or 128 bits)                |
// X-Port = port ^ (cookie >> 16); X-Address = address ^ (cookie || transaction id).
import { FAMILY_IPV4, FAMILY_IPV6, MAGIC_COOKIE } from './constants.js';
import { formatIpv4, formatIpv6 } from './ip.js';

const COOKIE_BYTES = Uint8Array.of(MAGIC_COOKIE >>> 24, (MAGIC_COOKIE >>> 16) & 0xff, (MAGIC_COOKIE >>> 8) & 0xff, MAGIC_COOKIE & 0xff);

/** A decoded address, reused between reads. */
export class XorAddress {
  family: 0 | 4 | 6 = 0;
  port = 0;
  readonly bytes = new Uint8Array(16);
  /** Address text (allocates; API edge). */
  address(): string {
    if (this.family === 4) return formatIpv4(this.bytes, 0);
    if (this.family === 6) return formatIpv6(this.bytes, 0);
    return '';
  }
}

/**
 * Decodes the XOR-address value at buf[v..v+len) using the transaction id at buf[tx..].
 * Returns false for a bad family or length.
 */
export function readXorAddress(buf: Uint8Array, v: number, len: number, tx: number, out: XorAddress): boolean {
  const fam = buf[v + 1];
  out.port = ((buf[v + 2] << 8) | buf[v + 3]) ^ (MAGIC_COOKIE >>> 16);
  if (fam === FAMILY_IPV4 && len === 8) {
    for (let i = 0; i < 4; i++) out.bytes[i] = buf[v + 4 + i] ^ COOKIE_BYTES[i];
    out.family = 4;
    return true;
  }
  if (fam === FAMILY_IPV6 && len === 20) {
    for (let i = 0; i < 4; i++) out.bytes[i] = buf[v + 4 + i] ^ COOKIE_BYTES[i];
    for (let i = 4; i < 16; i++) out.bytes[i] = buf[v + 4 + i] ^ buf[tx + i - 4];
    out.family = 6;
    return true;
  }
  out.family = 0;
  return false;
}

/**
 * Writes the XOR-address value (8 or 20 bytes) at out[v..] for address bytes addr[a..]
 * of family 4|6; tx is the offset of the transaction id in `out`. Returns the value length.
 */
export function writeXorAddress(out: Uint8Array, v: number, family: 4 | 6, addr: Uint8Array, a: number, port: number, tx: number): number {
  out[v] = 0;
  out[v + 1] = family === 4 ? FAMILY_IPV4 : FAMILY_IPV6;
  const xp = (port ^ (MAGIC_COOKIE >>> 16)) & 0xffff;
  out[v + 2] = xp >> 8; out[v + 3] = xp & 0xff;
  for (let i = 0; i < 4; i++) out[v + 4 + i] = addr[a + i] ^ COOKIE_BYTES[i];
  if (family === 4) return 8;
  for (let i = 4; i < 16; i++) out[v + 4 + i] = addr[a + i] ^ out[tx + i - 4];
  return 20;
}
