// Typed errors for API edges (constructor arguments, configuration). Packet paths
// return status numbers instead.
export type StunErrorCode = 'ERR_STUN_BAD_CREDENTIALS' | 'ERR_STUN_BAD_ADDRESS' | 'ERR_STUN_BAD_CONFIG';

export class StunError extends Error {
  readonly code: StunErrorCode;
  constructor(code: StunErrorCode, message: string) {
    super(`stun: ${message}`);
    this.name = 'StunError';
    this.code = code;
  }
}
