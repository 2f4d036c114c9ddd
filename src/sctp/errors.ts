// Typed errors at the API edge of SCTP and DCEP. `code` is stable; callers branch on it.
// Inside the association parsers return status codes; only the API edge builds these.

export type SctpErrorCode =
  | 'malformed-packet'     // bad common header / chunk length / parameter: association aborted
  | 'bad-checksum'         // CRC32c mismatch: packet dropped (counted), never aborts
  | 'bad-verification-tag' // packet for another association: dropped (counted)
  | 'bad-cookie'           // COOKIE-ECHO with a bad HMAC or an expired cookie: dropped
  | 'protocol-violation'   // a well-formed chunk that makes no sense here (e.g. TSN beyond window)
  | 'peer-abort'           // the peer sent ABORT
  | 'setup-timeout'        // INIT / COOKIE-ECHO retransmitted Max.Init.Retransmits times
  | 'max-retransmits'      // Association.Max.Retrans exceeded: peer unreachable
  | 'message-too-large'    // send() above max-message-size
  | 'send-buffer-full'     // send() above limits.sendBufferBytes
  | 'receive-buffer-full'  // reassembly limit reached by the peer
  | 'invalid-state'        // API call in a state that does not allow it
  | 'invalid-argument'     // API call with a bad argument (stream id, label, ...)
  | 'dcep-malformed';      // a DATA_CHANNEL_OPEN/ACK that does not parse

export class SctpError extends Error {
  override readonly name = 'SctpError';
  constructor(readonly code: SctpErrorCode, message: string) {
    super(`sctp: ${message}`);
  }
}
