// Typed errors for API edges (configuration, start). Packet paths count and drop instead.
export type TurnErrorCode = 'ERR_TURN_BAD_CONFIG' | 'ERR_TURN_BAD_ADDRESS' | 'ERR_TURN_CLOSED';

export class TurnError extends Error {
  readonly code: TurnErrorCode;
  constructor(code: TurnErrorCode, message: string) {
    super(`turn: ${message}`);
    this.name = 'TurnError';
    this.code = code;
  }
}
