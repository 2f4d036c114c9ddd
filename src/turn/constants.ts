// TURN wire constants (RFC 8656 §18 methods, §18 attributes, §19 error codes).
// STUN's own constants (classes, MESSAGE-INTEGRITY, REALM, NONCE...) live in src/stun.

// Methods. TURN methods are all below 0x010, so type = method | class bits.
export const METHOD_ALLOCATE = 0x003;
export const METHOD_REFRESH = 0x004;
export const METHOD_SEND = 0x006;
export const METHOD_DATA = 0x007;
export const METHOD_CREATE_PERMISSION = 0x008;
export const METHOD_CHANNEL_BIND = 0x009;

export const SEND_INDICATION = 0x0016;
export const DATA_INDICATION = 0x0017;

// Attributes (comprehension-required below 0x8000).
export const ATTR_CHANNEL_NUMBER = 0x000c;
export const ATTR_LIFETIME = 0x000d;
export const ATTR_XOR_PEER_ADDRESS = 0x0012;
export const ATTR_DATA = 0x0013;
export const ATTR_XOR_RELAYED_ADDRESS = 0x0016;
export const ATTR_REQUESTED_ADDRESS_FAMILY = 0x0017;
export const ATTR_EVEN_PORT = 0x0018;
export const ATTR_REQUESTED_TRANSPORT = 0x0019;
export const ATTR_DONT_FRAGMENT = 0x001a;
export const ATTR_RESERVATION_TOKEN = 0x0022;
export const ATTR_ADDITIONAL_ADDRESS_FAMILY = 0x8000;
export const ATTR_ADDRESS_ERROR_CODE = 0x8001;
export const ATTR_ICMP = 0x8004;

/** REQUESTED-TRANSPORT protocol number for UDP (the only one RFC 8656 defines). */
export const TRANSPORT_UDP = 17;

// Error codes used by a TURN server (RFC 8656 §19, RFC 8489 §14.8).
export const ERR_TRY_ALTERNATE = 300;
export const ERR_BAD_REQUEST = 400;
export const ERR_UNAUTHENTICATED = 401;
export const ERR_FORBIDDEN = 403;
export const ERR_UNKNOWN_ATTRIBUTE = 420;
export const ERR_ALLOCATION_MISMATCH = 437;
export const ERR_STALE_NONCE = 438;
export const ERR_ADDRESS_FAMILY_NOT_SUPPORTED = 440;
export const ERR_WRONG_CREDENTIALS = 441;
export const ERR_UNSUPPORTED_TRANSPORT = 442;
export const ERR_PEER_ADDRESS_FAMILY_MISMATCH = 443;
export const ERR_ALLOCATION_QUOTA = 486;
export const ERR_SERVER_ERROR = 500;
export const ERR_INSUFFICIENT_CAPACITY = 508;

export const REASONS: Readonly<Record<number, string>> = Object.freeze({
  400: 'Bad Request', 401: 'Unauthenticated', 403: 'Forbidden', 420: 'Unknown Attribute',
  437: 'Allocation Mismatch', 438: 'Stale Nonce', 440: 'Address Family not Supported',
  441: 'Wrong Credentials', 442: 'Unsupported Transport Protocol', 443: 'Peer Address Family Mismatch',
  486: 'Allocation Quota Reached', 500: 'Server Error', 508: 'Insufficient Capacity',
});

// Channel numbers a client may bind (RFC 8656 §12).
export const CHANNEL_MIN = 0x4000;
export const CHANNEL_MAX = 0x4fff;
/** RFC 5766's upper bound, still seen from legacy clients (Debian's coturn 4.6.1 turnutils_uclient). */
export const CHANNEL_MAX_RFC5766 = 0x7fff;
export const CHANNEL_DATA_HEADER = 4;

// Times from RFC 8656 (seconds).
export const DEFAULT_LIFETIME_S = 600;
export const MAX_LIFETIME_S = 3600;
export const PERMISSION_LIFETIME_S = 300;
export const CHANNEL_LIFETIME_S = 600;

/** STUN message type from method and class bits (RFC 8489 §5); TURN methods need no bit spreading. */
export function messageType(method: number, cls: number): number {
  return ((method & 0xf80) << 2) | ((method & 0x070) << 1) | (method & 0x00f) | cls;
}
