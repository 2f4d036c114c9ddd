// Typed errors for the SDP layer. Every problem has a stable `code`; parser errors also
// carry the 1-based line number and the line text so a caller can show what was wrong.

export type SdpErrorCode =
  // parse
  | 'empty'
  | 'bad-line' // not "<letter>=<value>"
  | 'bad-version'
  | 'bad-origin'
  | 'bad-connection'
  | 'bad-timing'
  | 'bad-media'
  | 'bad-attribute' // a known attribute whose value does not parse
  | 'missing-origin'
  | 'missing-version'
  | 'line-too-long'
  | 'too-large'
  // negotiation
  | 'missing-ice-credentials'
  | 'missing-fingerprint'
  | 'bad-setup'
  | 'not-bundled'
  | 'no-rtcp-mux'
  | 'no-common-codec'
  | 'unsupported-protocol'
  | 'no-usable-media'
  | 'mid-mismatch'
  | 'codec-mismatch'
  | 'missing-mid'
  | 'bad-params';

export class SdpError extends Error {
  override readonly name = 'SdpError';
  constructor(
    readonly code: SdpErrorCode,
    message: string,
    /** 1-based line number in the SDP text, when the problem is on one line. */
    readonly line?: number,
    /** The offending line's text (truncated to 200 characters). */
    readonly text?: string,
    /** The mid of the media section concerned, for negotiation errors. */
    readonly mid?: string,
  ) {
    super(line !== undefined ? `sdp ${code} at line ${line}: ${message}${text !== undefined ? ` [${text}]` : ''}` : `sdp ${code}: ${message}`);
  }
}
