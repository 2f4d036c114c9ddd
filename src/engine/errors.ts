// Typed errors of the engine API. Each has a stable `code`; they cross the worker
// MessagePort as { code, message } and are rebuilt on the main thread.
export type EngineErrorCode =
  | 'closed'
  | 'room-not-found'
  | 'participant-not-found'
  | 'track-not-found'
  | 'invalid-state'
  | 'invalid-argument'
  | 'bad-sdp'
  | 'unsupported'
  | 'worker-died'
  | 'internal';

export class EngineError extends Error {
  override name = 'EngineError';
  readonly code: EngineErrorCode;
  /** For 'bad-sdp': the SdpError code underneath. */
  readonly detail?: string;
  constructor(code: EngineErrorCode, message: string, detail?: string) {
    super(message);
    this.code = code;
    if (detail !== undefined) this.detail = detail;
  }
}

/** Plain form for postMessage. */
export interface SerializedError { code: EngineErrorCode; message: string; detail?: string }

export function serializeError(e: unknown): SerializedError {
  if (e instanceof EngineError) return e.detail !== undefined ? { code: e.code, message: e.message, detail: e.detail } : { code: e.code, message: e.message };
  const err = e as { name?: string; code?: unknown; message?: unknown };
  if (err?.name === 'SdpError') return { code: 'bad-sdp', message: String(err.message), detail: String(err.code) };
  return { code: 'internal', message: String(err?.message ?? e) };
}

export function deserializeError(s: SerializedError): EngineError {
  return new EngineError(s.code, s.message, s.detail);
}
