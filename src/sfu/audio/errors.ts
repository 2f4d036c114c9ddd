// Typed errors at the API edge of src/sfu/audio (constructor validation only; the
// per-packet and per-tick paths never throw).
export class AudioLevelConfigError extends RangeError {
  /** Stable machine-readable code. */
  readonly code = 'AUDIO_LEVEL_BAD_CONFIG';
  constructor(message: string) {
    super(`audio level observer: ${message}`);
    this.name = 'AudioLevelConfigError';
  }
}
