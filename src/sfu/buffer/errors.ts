// Typed errors for the API edges of src/sfu/buffer and src/sfu/nack (constructors and
// config checks). Per-packet methods never throw: they return status codes.

export class SfuBufferConfigError extends Error {
  /** Stable machine-readable code: 'SFU_BUFFER_BAD_CONFIG'. */
  readonly code = 'SFU_BUFFER_BAD_CONFIG';
  /** The config field that was rejected. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`sfu buffer: ${field}: ${message}`);
    this.name = 'SfuBufferConfigError';
    this.field = field;
  }
}

/** Throws unless `v` is an integer in [min, max]. */
export function checkInt(field: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new SfuBufferConfigError(field, `must be an integer in [${min}, ${max}], got ${v}`);
  return v;
}

/** Throws unless `v` is a finite number >= min. */
export function checkNum(field: string, v: number, min: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new SfuBufferConfigError(field, `must be a finite number >= ${min}, got ${v}`);
  return v;
}

/** Throws unless `v` is a power of two in [min, max]. */
export function checkPow2(field: string, v: number, min: number, max: number): number {
  checkInt(field, v, min, max);
  if ((v & (v - 1)) !== 0) throw new SfuBufferConfigError(field, `must be a power of two, got ${v}`);
  return v;
}
