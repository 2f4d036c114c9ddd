// Status codes of the pcap readers and the UDP locator (they never throw on bad input),
// and the typed error thrown at API edges (file helpers, writers, the CLI).
export const PcapStatus = {
  OK: 0,
  /** Not a pcap / pcapng file (unknown magic) or its header is truncated. */
  BAD_MAGIC: 1,
  /** A record / block header or its data runs past the end of the input. */
  TRUNCATED: 2,
  /** No more records. */
  END: 3,
  /** The frame is not IPv4/IPv6 + UDP (or the link type is not handled). */
  NOT_UDP: 4,
  /** IP/UDP header lengths disagree with the frame. */
  BAD_LENGTH: 5,
  /** A pcapng block is malformed: total length not a multiple of 4 or < 12, trailer length differs, unknown interface, bad version. */
  BAD_BLOCK: 6,
  /** A block / record is longer than the reader's bound (`maxBlockLength`): refused, nothing allocated. */
  BLOCK_TOO_LARGE: 7,
  /** An IPv4 / IPv6 fragment: reported and skipped (not reassembled). */
  FRAGMENT: 8,
  /** Push mode only: the reader needs more bytes (push() them, or end() at EOF). */
  NEED_MORE: 9,
  /** The byte source failed (read error); the message is in reader.errorMessage. */
  IO_ERROR: 10,
} as const;
export type PcapStatusCode = (typeof PcapStatus)[keyof typeof PcapStatus];

const NAMES: string[] = [];
for (const [k, v] of Object.entries(PcapStatus)) NAMES[v] = k;
export function pcapStatusName(code: number): string {
  return NAMES[code] ?? `UNKNOWN_${code}`;
}

export type PcapErrorCode =
  | 'PCAP_BAD_LINKTYPE' | 'PCAP_BAD_MAGIC' | 'PCAP_TRUNCATED' | 'PCAP_BAD_BLOCK'
  | 'PCAP_BLOCK_TOO_LARGE' | 'PCAP_IO' | 'PCAP_BAD_OPTION' | 'PCAP_BAD_INTERFACE' | 'PCAP_CLOSED';

export class PcapError extends Error {
  readonly code: string;
  constructor(code: PcapErrorCode | string, message: string) {
    super(message);
    this.name = 'PcapError';
    this.code = code;
  }

  /** The error for a reader status (BAD_MAGIC, TRUNCATED, BAD_BLOCK, BLOCK_TOO_LARGE, IO_ERROR) at a file offset. */
  static fromStatus(status: number, fileOffset: number, detail = ''): PcapError {
    const at = ` at byte ${fileOffset}${detail ? `: ${detail}` : ''}`;
    switch (status) {
      case PcapStatus.BAD_MAGIC: return new PcapError('PCAP_BAD_MAGIC', `pcap: not a pcap or pcapng file${at}`);
      case PcapStatus.TRUNCATED: return new PcapError('PCAP_TRUNCATED', `pcap: file truncated${at}`);
      case PcapStatus.BAD_BLOCK: return new PcapError('PCAP_BAD_BLOCK', `pcap: malformed block${at}`);
      case PcapStatus.BLOCK_TOO_LARGE: return new PcapError('PCAP_BLOCK_TOO_LARGE', `pcap: block or record too large${at}`);
      case PcapStatus.IO_ERROR: return new PcapError('PCAP_IO', `pcap: read failed${at}`);
      default: return new PcapError('PCAP_BAD_BLOCK', `pcap: reader status ${pcapStatusName(status)}${at}`);
    }
  }
}
