// Typed errors of the signaling shim. Each has a stable `code` callers can branch on.

export type TokenErrorCode =
  | 'missing' // no token given
  | 'malformed' // not a JWT, not HS256, bad base64/JSON
  | 'unknown-key' // iss names an API key we do not have
  | 'bad-signature' // signature does not verify with that key's secret (forged)
  | 'expired' // exp is in the past
  | 'not-yet-valid' // nbf is in the future
  | 'bad-claims' // claims of the wrong type (video not an object, unknown source, ...)
  | 'no-identity' // no sub claim
  | 'no-join-grant' // video.roomJoin is not true
  | 'wrong-room'; // the room asked for is not the room granted

export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(readonly code: TokenErrorCode, message: string) {
    super(message);
  }
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'config';
  constructor(message: string) {
    super(message);
  }
}

/**
 * Thrown by a RoomService method (or by the shim's own checks) to answer one request
 * with a RequestResponse. `reason` is a RequestResponse.Reason number (RequestReason).
 */
export class RequestRejectedError extends Error {
  override readonly name = 'RequestRejectedError';
  readonly code = 'request-rejected';
  constructor(readonly reason: number, message: string) {
    super(message);
  }
}
