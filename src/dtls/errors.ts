// Typed errors at the API edge of the DTLS endpoint. `code` is stable; callers branch on it.
import { AlertDescription } from './constants.js';

export type DtlsErrorCode =
  | 'handshake-timeout'
  | 'alert-received'
  | 'bad-certificate'
  | 'fingerprint-mismatch'
  | 'bad-signature'
  | 'bad-finished'
  | 'no-extended-master-secret'
  | 'no-common-cipher'
  | 'no-common-srtp-profile'
  | 'protocol-version'
  | 'unexpected-message'
  | 'decode-error'
  | 'illegal-parameter'
  | 'message-too-large'
  | 'renegotiation-refused'
  | 'invalid-state'
  | 'internal';

const alertNames = new Map<number, string>(Object.entries(AlertDescription).map(([k, v]) => [v, k]));

/** Name of an alert description number, e.g. 42 -> 'badCertificate'. */
export function alertName(description: number): string {
  return alertNames.get(description) ?? `alert(${description})`;
}

export class DtlsError extends Error {
  override readonly name = 'DtlsError';
  constructor(
    readonly code: DtlsErrorCode,
    message: string,
    /** The alert description involved: the one we sent, or the one the peer sent (`code: 'alert-received'`). */
    readonly alert?: number,
    /** true when the peer sent the alert, false when we detected the problem and sent it. */
    readonly remote = false,
  ) {
    super(`dtls: ${message}${alert !== undefined ? ` (alert ${alert} ${alertName(alert)})` : ''}`);
  }
}
