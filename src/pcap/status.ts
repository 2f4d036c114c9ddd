// Status codes of the pcap reader (it never throws on bad input).
export const PcapStatus = {
  OK: 0,
  /** Not a classic pcap file (unknown magic) or header truncated. */
  BAD_MAGIC: 1,
  /** A record header or its data runs past the end of the buffer. */
  TRUNCATED: 2,
  /** No more records. */
  END: 3,
  /** The frame is not IPv4/UDP (or the link type is not handled). */
  NOT_UDP: 4,
  /** IPv4/UDP header lengths disagree with the frame. */
  BAD_LENGTH: 5,
} as const;

export class PcapError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'PcapError';
    this.code = code;
  }
}
