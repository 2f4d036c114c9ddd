// Typed errors of the client stack. Each has a stable `code`; the load tester counts
// failures by it ("errors by kind").
export type ClientErrorCode =
  | 'bad-params'
  | 'bad-sdp'
  | 'connect-failed' // the WebSocket did not open (HTTP 401 for a bad token, refused, ...)
  | 'timeout' // a bounded wait (join, answer, track published, transport connected) ran out
  | 'rejected' // the server answered with a RequestResponse error
  | 'signal-closed' // the WebSocket closed (or the server sent leave) while waiting
  | 'transport-failed' // ICE or DTLS failed / closed
  | 'closed';

export class ClientError extends Error {
  override name = 'ClientError';
  readonly code: ClientErrorCode;
  constructor(code: ClientErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** The code of any error (ClientError.code, else 'internal'), for counting by kind. */
export function errorKind(e: unknown): string {
  return e instanceof ClientError ? e.code : 'internal';
}
