// A read-only view over one STUN message in a caller's buffer (RFC 8489 §5, §14).
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |0 0|     STUN Message Type     |         Message Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                         Magic Cookie                          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                     Transaction ID (96 bits)                  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// then attributes: Type(16) Length(16) Value, padded to 4 bytes.
//
// reset() walks the attributes once and remembers the offsets of the ones ICE uses; no
// object is made per attribute. Offsets are absolute indexes into `buf`.
import {
  ATTR_ALTERNATE_SERVER, ATTR_ERROR_CODE, ATTR_FINGERPRINT, ATTR_ICE_CONTROLLED, ATTR_ICE_CONTROLLING,
  ATTR_MAPPED_ADDRESS, ATTR_MESSAGE_INTEGRITY, ATTR_MESSAGE_INTEGRITY_SHA256, ATTR_NONCE, ATTR_PASSWORD_ALGORITHM,
  ATTR_PRIORITY, ATTR_REALM, ATTR_SOFTWARE, ATTR_UNKNOWN_ATTRIBUTES, ATTR_USE_CANDIDATE, ATTR_USERHASH,
  ATTR_USERNAME, ATTR_XOR_MAPPED_ADDRESS, FINGERPRINT_XOR, HEADER_LENGTH, MAGIC_COOKIE, ParseStatus,
} from './constants.js';
import { crc32 } from './crc32.js';
import type { HmacSha1 } from './hmac-sha1.js';

const EMPTY = new Uint8Array(0);
export const MAX_UNKNOWN_REPORTED = 8;

export class StunMessageView {
  buf: Uint8Array = EMPTY;
  /** Offset of the header in buf. */
  off = 0;
  /** Whole message length (header + attributes). */
  length = 0;
  type = 0;

  // Value offsets (absolute), -1 when absent; first occurrence wins (RFC 8489 §14).
  username = -1; usernameLength = 0;
  realm = -1; realmLength = 0;
  nonce = -1; nonceLength = 0;
  software = -1; softwareLength = 0;
  xorMappedAddress = -1; xorMappedAddressLength = 0;
  errorCode = -1; errorCodeLength = 0;
  priority = -1;
  iceControlling = -1;
  iceControlled = -1;
  useCandidate = false;
  /** Offset of the MESSAGE-INTEGRITY attribute header (not its value), -1 when absent. */
  integrity = -1;
  /** Offset of the FINGERPRINT attribute header, -1 when absent. */
  fingerprint = -1;
  /** Comprehension-required attribute types we do not know (before MESSAGE-INTEGRITY). */
  unknownRequiredCount = 0;
  readonly unknownRequired = new Uint16Array(MAX_UNKNOWN_REPORTED);

  /** Parses the header and walks the attributes. Never throws. */
  reset(buf: Uint8Array, off: number, len: number): ParseStatus {
    this.buf = buf; this.off = off; this.length = 0; this.type = 0;
    this.username = this.realm = this.nonce = this.software = this.xorMappedAddress = this.errorCode = -1;
    this.usernameLength = this.realmLength = this.nonceLength = this.softwareLength = 0;
    this.xorMappedAddressLength = this.errorCodeLength = 0;
    this.priority = this.iceControlling = this.iceControlled = this.integrity = this.fingerprint = -1;
    this.useCandidate = false;
    this.unknownRequiredCount = 0;
    if (len < HEADER_LENGTH || off + len > buf.length) return ParseStatus.TooShort;
    if (buf[off] & 0xc0) return ParseStatus.NotStun;
    const cookie = ((buf[off + 4] << 24) | (buf[off + 5] << 16) | (buf[off + 6] << 8) | buf[off + 7]) >>> 0;
    if (cookie !== MAGIC_COOKIE) return ParseStatus.BadMagicCookie;
    const bodyLen = (buf[off + 2] << 8) | buf[off + 3];
    if (bodyLen & 3) return ParseStatus.LengthNotMultipleOf4;
    if (bodyLen + HEADER_LENGTH !== len) return ParseStatus.LengthMismatch;
    this.type = (buf[off] << 8) | buf[off + 1];
    this.length = len;
    const end = off + len;
    let p = off + HEADER_LENGTH;
    while (p < end) {
      if (this.fingerprint >= 0) return ParseStatus.AttributeAfterFingerprint;
      if (p + 4 > end) return ParseStatus.AttributeOverrun;
      const t = (buf[p] << 8) | buf[p + 1];
      const l = (buf[p + 2] << 8) | buf[p + 3];
      const v = p + 4;
      const next = v + ((l + 3) & ~3);
      if (next > end) return ParseStatus.AttributeOverrun;
      if (t === ATTR_FINGERPRINT) {
        if (l !== 4) return ParseStatus.BadAttributeLength;
        this.fingerprint = p;
      } else if (this.integrity >= 0) {
        // RFC 8489 §14.5: everything after MESSAGE-INTEGRITY but FINGERPRINT (and
        // MESSAGE-INTEGRITY-SHA256) is ignored.
      } else if (!this.#take(t, l, v)) {
        return ParseStatus.BadAttributeLength;
      } else if (t === ATTR_MESSAGE_INTEGRITY) {
        this.integrity = p;
      }
      p = next;
    }
    return ParseStatus.Ok;
  }

  /** Records one attribute; false when its length is impossible for its type. */
  #take(t: number, l: number, v: number): boolean {
    switch (t) {
      case ATTR_USERNAME:
        if (l > 513) return false;
        if (this.username < 0) { this.username = v; this.usernameLength = l; }
        return true;
      case ATTR_MESSAGE_INTEGRITY: return l === 20;
      case ATTR_PRIORITY:
        if (l !== 4) return false;
        if (this.priority < 0) this.priority = v;
        return true;
      case ATTR_USE_CANDIDATE:
        if (l !== 0) return false;
        this.useCandidate = true;
        return true;
      case ATTR_ICE_CONTROLLING:
        if (l !== 8) return false;
        if (this.iceControlling < 0) this.iceControlling = v;
        return true;
      case ATTR_ICE_CONTROLLED:
        if (l !== 8) return false;
        if (this.iceControlled < 0) this.iceControlled = v;
        return true;
      case ATTR_XOR_MAPPED_ADDRESS:
        if (l !== 8 && l !== 20) return false;
        if (this.xorMappedAddress < 0) { this.xorMappedAddress = v; this.xorMappedAddressLength = l; }
        return true;
      case ATTR_ERROR_CODE:
        if (l < 4 || l > 4 + 763) return false;
        if (this.errorCode < 0) { this.errorCode = v; this.errorCodeLength = l; }
        return true;
      case ATTR_REALM:
        if (this.realm < 0) { this.realm = v; this.realmLength = l; }
        return true;
      case ATTR_NONCE:
        if (this.nonce < 0) { this.nonce = v; this.nonceLength = l; }
        return true;
      case ATTR_SOFTWARE:
        if (this.software < 0) { this.software = v; this.softwareLength = l; }
        return true;
      case ATTR_MAPPED_ADDRESS: case ATTR_UNKNOWN_ATTRIBUTES: case ATTR_MESSAGE_INTEGRITY_SHA256:
      case ATTR_PASSWORD_ALGORITHM: case ATTR_USERHASH: case ATTR_ALTERNATE_SERVER:
        return true; // understood, not used by ICE
      default:
        if (t < 0x8000 && this.unknownRequiredCount < MAX_UNKNOWN_REPORTED) this.unknownRequired[this.unknownRequiredCount++] = t;
        return true; // comprehension-optional: skipped
    }
  }

  /** Method bits (RFC 8489 §5: M11..M0 with the class bits taken out). */
  get method(): number {
    const t = this.type;
    return ((t & 0x3e00) >> 2) | ((t & 0x00e0) >> 1) | (t & 0x000f);
  }
  /** Class bits C1 C0 in place: 0x0000 request, 0x0010 indication, 0x0100 success, 0x0110 error. */
  get messageClass(): number { return this.type & 0x0110; }

  /** Offset of the 12-byte transaction id. */
  get transactionId(): number { return this.off + 8; }

  transactionIdEquals(other: Uint8Array, otherOff: number): boolean {
    const b = this.buf, o = this.off + 8;
    for (let i = 0; i < 12; i++) if (b[o + i] !== other[otherOff + i]) return false;
    return true;
  }

  // --- iteration by offset over every attribute (validated by reset) -----------------
  /** Offset of the first attribute header, or -1 when there is none. */
  firstAttribute(): number { return this.length > HEADER_LENGTH ? this.off + HEADER_LENGTH : -1; }
  /** Offset of the attribute after the one at pos, or -1 at the end. */
  nextAttribute(pos: number): number {
    const n = pos + 4 + ((this.attributeLength(pos) + 3) & ~3);
    return n < this.off + this.length ? n : -1;
  }
  attributeType(pos: number): number { return (this.buf[pos] << 8) | this.buf[pos + 1]; }
  attributeLength(pos: number): number { return (this.buf[pos + 2] << 8) | this.buf[pos + 3]; }

  // --- values ---------------------------------------------------------------------------
  readU32(v: number): number {
    const b = this.buf;
    return ((b[v] << 24) | (b[v + 1] << 16) | (b[v + 2] << 8) | b[v + 3]) >>> 0;
  }
  /** PRIORITY value, or -1 when absent. */
  get priorityValue(): number { return this.priority < 0 ? -1 : this.readU32(this.priority); }
  /** ERROR-CODE as class*100 + number, or 0 when absent. */
  get errorCodeValue(): number {
    if (this.errorCode < 0) return 0;
    return (this.buf[this.errorCode + 2] & 0x07) * 100 + this.buf[this.errorCode + 3];
  }
  /** ERROR-CODE reason phrase (allocates a string: API edge only). */
  errorReason(): string {
    if (this.errorCode < 0) return '';
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + this.errorCode + 4, this.errorCodeLength - 4).toString('utf8');
  }
  /** A text attribute value as a string (allocates: API edge only). */
  text(v: number, len: number): string {
    return v < 0 ? '' : Buffer.from(this.buf.buffer, this.buf.byteOffset + v, len).toString('utf8');
  }

  // --- checks -----------------------------------------------------------------------------
  /** True when FINGERPRINT is present and is CRC-32 of everything before it XOR 0x5354554e. */
  verifyFingerprint(): boolean {
    const fp = this.fingerprint;
    if (fp < 0) return false;
    // FINGERPRINT is last, so the header length already covers it.
    const want = (crc32(this.buf, this.off, fp - this.off) ^ FINGERPRINT_XOR) >>> 0;
    return want === this.readU32(fp + 4);
  }

  /**
   * True when MESSAGE-INTEGRITY is present and is HMAC-SHA1 (key) over the message up to
   * it, with the header length field covering only up to its end (RFC 8489 §14.5). The
   * length field is patched in place for the computation and restored.
   */
  verifyIntegrity(key: HmacSha1): boolean {
    const mi = this.integrity;
    if (mi < 0) return false;
    const b = this.buf, o = this.off;
    const h2 = b[o + 2], h3 = b[o + 3];
    const adjusted = mi + 24 - o - HEADER_LENGTH;
    b[o + 2] = adjusted >> 8; b[o + 3] = adjusted & 0xff;
    const ok = key.verify(b, o, mi - o, b, mi + 4);
    b[o + 2] = h2; b[o + 3] = h3;
    return ok;
  }
}
