// Pacers for subscriber transports: a shared interface (pacer.ts), the leaky bucket and a
// pass-through. They queue integer handles, never packet bytes; callers pass nowMs.
export { PacketKind, QueueDelaySummary, defaultPacerConfig, MTU_BYTES, type Pacer, type PacerConfig, type PacerCounters, type ReleaseFn, type PacketKindCode } from './pacer.js';
export { PacerBase } from './pacer-base.js';
export { LeakyBucketPacer } from './leaky-bucket-pacer.js';
export { PassThroughPacer } from './pass-through-pacer.js';
export { HandleQueue } from './handle-queue.js';
