// STUN wire constants (RFC 8489 §5, §18; ICE attributes RFC 8445 §16.1).

export const MAGIC_COOKIE = 0x2112a442;
export const HEADER_LENGTH = 20;
/** FINGERPRINT is CRC-32 of the message XOR this ("STUN" in ASCII). */
export const FINGERPRINT_XOR = 0x5354554e;

// Message types: method bits interleaved with class bits C1 (0x0100) and C0 (0x0010).
export const BINDING_REQUEST = 0x0001;
export const BINDING_INDICATION = 0x0011;
export const BINDING_SUCCESS = 0x0101;
export const BINDING_ERROR = 0x0111;

export const METHOD_BINDING = 0x001;
export const CLASS_REQUEST = 0x0000;
export const CLASS_INDICATION = 0x0010;
export const CLASS_SUCCESS = 0x0100;
export const CLASS_ERROR = 0x0110;

// Attribute types. Below 0x8000 = comprehension-required.
export const ATTR_MAPPED_ADDRESS = 0x0001;
export const ATTR_USERNAME = 0x0006;
export const ATTR_MESSAGE_INTEGRITY = 0x0008;
export const ATTR_ERROR_CODE = 0x0009;
export const ATTR_UNKNOWN_ATTRIBUTES = 0x000a;
export const ATTR_REALM = 0x0014;
export const ATTR_NONCE = 0x0015;
export const ATTR_MESSAGE_INTEGRITY_SHA256 = 0x001c;
export const ATTR_PASSWORD_ALGORITHM = 0x001d;
export const ATTR_USERHASH = 0x001e;
export const ATTR_XOR_MAPPED_ADDRESS = 0x0020;
export const ATTR_PRIORITY = 0x0024;
export const ATTR_USE_CANDIDATE = 0x0025;
export const ATTR_PASSWORD_ALGORITHMS = 0x8002;
export const ATTR_ALTERNATE_DOMAIN = 0x8003;
export const ATTR_SOFTWARE = 0x8022;
export const ATTR_ALTERNATE_SERVER = 0x8023;
export const ATTR_FINGERPRINT = 0x8028;
export const ATTR_ICE_CONTROLLED = 0x8029;
export const ATTR_ICE_CONTROLLING = 0x802a;

export const FAMILY_IPV4 = 0x01;
export const FAMILY_IPV6 = 0x02;

// ERROR-CODE values used by ICE (RFC 8489 §14.8, RFC 8445 §7.3.1.1).
export const ERR_BAD_REQUEST = 400;
export const ERR_UNAUTHENTICATED = 401;
export const ERR_UNKNOWN_ATTRIBUTE = 420;
export const ERR_ROLE_CONFLICT = 487;
export const ERR_SERVER_ERROR = 500;

/** Parse status returned by StunMessageView.reset (never throws). */
export const ParseStatus = {
  Ok: 0,
  /** Shorter than the 20-byte header. */
  TooShort: 1,
  /** First two bits not zero: not STUN (RFC 7983 demux should not have sent it here). */
  NotStun: 2,
  BadMagicCookie: 3,
  /** Header length field not a multiple of 4. */
  LengthNotMultipleOf4: 4,
  /** Header length field disagrees with the datagram length. */
  LengthMismatch: 5,
  /** An attribute (value or padding) runs past the end of the message. */
  AttributeOverrun: 6,
  /** An attribute follows FINGERPRINT, which must be last. */
  AttributeAfterFingerprint: 7,
  /** A known attribute with an impossible length (e.g. MESSAGE-INTEGRITY not 20). */
  BadAttributeLength: 8,
} as const;
export type ParseStatus = (typeof ParseStatus)[keyof typeof ParseStatus];

/** Names for logs and test messages. */
export function parseStatusName(s: number): string {
  for (const k of Object.keys(ParseStatus) as (keyof typeof ParseStatus)[]) if (ParseStatus[k] === s) return k;
  return `Unknown(${s})`;
}
