// Status codes returned by every hot-path parser and builder in src/rtp. Parsers return
// `RtpStatus.OK` (0) or one of the codes below and never throw. Builders return bytes
// written (> 0) or the NEGATED code (e.g. `-RtpStatus.NO_SPACE`) when they cannot write.
export const RtpStatus = {
  OK: 0,
  /** Fewer bytes than the fixed header needs. */
  TOO_SHORT: 1,
  /** Version field is not 2. */
  BAD_VERSION: 2,
  /** CSRC list runs past the end of the packet. */
  CSRC_OVERRUN: 3,
  /** Header extension (4-byte header or its data) runs past the end. */
  EXTENSION_OVERRUN: 4,
  /** Padding count is 0 or larger than what follows the header. */
  PADDING_OVERRUN: 5,
  /** An extension element's length runs past the extension block. */
  BAD_EXTENSION: 6,
  /** The extension asked for is not in the packet. */
  NOT_FOUND: 7,
  /** An existing extension has the wrong size for the value (no room to write in place). */
  NO_ROOM: 8,
  /** The destination buffer is too small. */
  NO_SPACE: 9,
  /** A length field disagrees with the bytes present (RTCP). */
  BAD_LENGTH: 10,
  /** A packet type / format this reader does not handle. */
  WRONG_TYPE: 11,
  /** Field values out of range for the wire format (builder input). */
  BAD_VALUE: 12,
  /** End of a compound packet / list reached (iterators). */
  END: 13,
  /** A codec payload descriptor is truncated or malformed. */
  BAD_PAYLOAD: 14,
} as const;
export type RtpStatusCode = (typeof RtpStatus)[keyof typeof RtpStatus];

const NAMES: string[] = [];
for (const [k, v] of Object.entries(RtpStatus)) NAMES[v] = k;
/** Name of a status code (or of a negated builder result), for logs and errors. */
export function rtpStatusName(code: number): string {
  return NAMES[code < 0 ? -code : code] ?? `UNKNOWN_${code}`;
}
