// Writes one STUN message into a caller's buffer. Each append keeps the header length
// current, so MESSAGE-INTEGRITY and FINGERPRINT (appended last, in that order) are
// computed over exactly the bytes and length field RFC 8489 §14.5/§14.7 specify.
// On overflow the builder stops writing and end() returns 0.
import {
  ATTR_ERROR_CODE, ATTR_FINGERPRINT, ATTR_MESSAGE_INTEGRITY, ATTR_UNKNOWN_ATTRIBUTES, FINGERPRINT_XOR,
  HEADER_LENGTH, MAGIC_COOKIE,
} from './constants.js';
import { crc32 } from './crc32.js';
import type { HmacSha1 } from './hmac-sha1.js';
import { parseIp } from './ip.js';
import { writeXorAddress } from './xor-address.js';

const ipScratch = new Uint8Array(16);

/** Big-endian 32-bit store by bytes: no boxed number for values >= 2^30. */
function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24; b[o + 1] = v >>> 16; b[o + 2] = v >>> 8; b[o + 3] = v;
}

export class StunBuilder {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  pos = 0;
  limit = 0;
  overflow = false;

  /** Starts a message of `type` at out[off..], copying the transaction id from tx[txOff..+12]. */
  begin(out: Buffer, off: number, type: number, tx: Uint8Array, txOff: number): this {
    this.buf = out; this.start = off; this.pos = off + HEADER_LENGTH; this.limit = out.length;
    this.overflow = off + HEADER_LENGTH > out.length;
    if (this.overflow) return this;
    out[off] = (type >> 8) & 0x3f; out[off + 1] = type & 0xff;
    out[off + 2] = 0; out[off + 3] = 0;
    put32(out, off + 4, MAGIC_COOKIE);
    for (let i = 0; i < 12; i++) out[off + 8 + i] = tx[txOff + i];
    return this;
  }

  /** Reserves an attribute header + padded value; returns the value offset or -1. */
  #open(type: number, len: number): number {
    if (this.overflow) return -1;
    const p = this.pos, padded = (len + 3) & ~3;
    if (p + 4 + padded > this.limit) { this.overflow = true; return -1; }
    const b = this.buf;
    b[p] = type >> 8; b[p + 1] = type & 0xff; b[p + 2] = len >> 8; b[p + 3] = len & 0xff;
    for (let i = len; i < padded; i++) b[p + 4 + i] = 0;
    this.pos = p + 4 + padded;
    const body = this.pos - this.start - HEADER_LENGTH;
    b[this.start + 2] = body >> 8; b[this.start + 3] = body & 0xff;
    return p + 4;
  }

  /** Any attribute from raw bytes. */
  bytes(type: number, value: Uint8Array, off = 0, len = value.length - off): this {
    const v = this.#open(type, len);
    if (v >= 0) for (let i = 0; i < len; i++) this.buf[v + i] = value[off + i];
    return this;
  }

  /** A UTF-8 text attribute (USERNAME, SOFTWARE, REALM...). */
  text(type: number, s: string): this {
    const len = Buffer.byteLength(s, 'utf8');
    const v = this.#open(type, len);
    if (v >= 0) this.buf.write(s, v, len, 'utf8');
    return this;
  }

  /** A 32-bit attribute (PRIORITY). */
  u32(type: number, value: number): this {
    const v = this.#open(type, 4);
    if (v >= 0) put32(this.buf, v, value);
    return this;
  }

  /** A 64-bit attribute (ICE-CONTROLLING / ICE-CONTROLLED tiebreaker) as two 32-bit halves. */
  u64(type: number, hi: number, lo: number): this {
    const v = this.#open(type, 8);
    if (v >= 0) { put32(this.buf, v, hi); put32(this.buf, v + 4, lo); }
    return this;
  }

  /** An attribute with no value (USE-CANDIDATE). */
  flag(type: number): this {
    this.#open(type, 0);
    return this;
  }

  /** XOR-MAPPED-ADDRESS (or another XOR address type) from address bytes. */
  xorAddress(type: number, family: 4 | 6, addr: Uint8Array, addrOff: number, port: number): this {
    const v = this.#open(type, family === 4 ? 8 : 20);
    if (v >= 0) writeXorAddress(this.buf, v, family, addr, addrOff, port, this.start + 8);
    return this;
  }

  /** XOR address from text; a malformed address sets overflow (nothing sensible to write). */
  xorAddressText(type: number, address: string, port: number): this {
    const fam = parseIp(address, ipScratch, 0);
    if (fam === 0) { this.overflow = true; return this; }
    return this.xorAddress(type, fam, ipScratch, 0, port);
  }

  /** ERROR-CODE: class and number, then a UTF-8 reason phrase. */
  errorCode(code: number, reason: string): this {
    const rl = Buffer.byteLength(reason, 'utf8');
    const v = this.#open(ATTR_ERROR_CODE, 4 + rl);
    if (v < 0) return this;
    const b = this.buf;
    b[v] = 0; b[v + 1] = 0; b[v + 2] = Math.floor(code / 100) & 0x07; b[v + 3] = code % 100;
    b.write(reason, v + 4, rl, 'utf8');
    return this;
  }

  /** UNKNOWN-ATTRIBUTES: the first `count` types. */
  unknownAttributes(types: Uint16Array, count: number): this {
    const v = this.#open(ATTR_UNKNOWN_ATTRIBUTES, count * 2);
    if (v >= 0) for (let i = 0; i < count; i++) { this.buf[v + 2 * i] = types[i] >> 8; this.buf[v + 2 * i + 1] = types[i] & 0xff; }
    return this;
  }

  /** MESSAGE-INTEGRITY: HMAC-SHA1 over everything so far, length field covering the attribute. */
  integrity(key: HmacSha1): this {
    const p = this.pos;
    const v = this.#open(ATTR_MESSAGE_INTEGRITY, 20);
    if (v >= 0) key.sign(this.buf, this.start, p - this.start, this.buf, v);
    return this;
  }

  /** FINGERPRINT: CRC-32 over everything so far XOR 0x5354554e. Must be last. */
  fingerprint(): this {
    const p = this.pos;
    const v = this.#open(ATTR_FINGERPRINT, 4);
    if (v >= 0) put32(this.buf, v, crc32(this.buf, this.start, p - this.start) ^ FINGERPRINT_XOR);
    return this;
  }

  /** Bytes written, or 0 when the message did not fit. */
  end(): number {
    return this.overflow ? 0 : this.pos - this.start;
  }
}
