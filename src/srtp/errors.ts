// Errors thrown at the API edge only (construction, configuration). The packet path
// never throws: protect/unprotect return a negative SrtpStatus instead.

export type SrtpErrorCode =
  | 'SRTP_UNKNOWN_PROFILE'
  | 'SRTP_BAD_KEY_LENGTH'
  | 'SRTP_BAD_SALT_LENGTH'
  | 'SRTP_BAD_KEYING_MATERIAL'
  | 'SRTP_BAD_OPTION';

/** A bad profile, key, salt or option given to an SRTP constructor or helper. */
export class SrtpConfigError extends Error {
  override readonly name = 'SrtpConfigError';
  constructor(readonly code: SrtpErrorCode, message: string) {
    super(`srtp: ${message}`);
  }
}

/**
 * Results of protect/unprotect: a non-negative value is the new packet length, a
 * negative one is one of these. Stable numbers: callers may switch on them.
 */
export const SrtpStatus = {
  /** Shorter than a header (+ tag / index) can be. */
  TOO_SHORT: -1,
  /** Not RTP version 2, or a header (CSRC list / extension) longer than the packet. */
  MALFORMED: -2,
  /** Authentication tag mismatch: tampered, truncated, wrong key, or wrong ROC guess. */
  AUTH_FAILED: -3,
  /** The index was already received (inside the replay window). */
  REPLAYED: -4,
  /** The index is older than the replay window covers. */
  TOO_OLD: -5,
  /** A new SSRC while the context already tracks `maxSsrcs` of them. */
  SSRC_LIMIT: -6,
  /** protect: the buffer has no room for the tag (see headroom in index.ts). */
  NO_ROOM: -7,
} as const;
export type SrtpStatusCode = (typeof SrtpStatus)[keyof typeof SrtpStatus];

/** A name for a status code, for logs. */
export function srtpStatusName(code: number): string {
  for (const [k, v] of Object.entries(SrtpStatus)) if (v === code) return k;
  return code >= 0 ? 'OK' : `UNKNOWN(${code})`;
}
