// The pacer interface shared by the implementations (LiveKit pacer/: pass_through,
// no_queue, leaky_bucket). A pacer never touches packet bytes: the caller hands it an
// integer `handle` naming its packet slot and gets handles back, in release order, from
// poll(). Nothing here reads a clock or sets a timer: the caller passes nowMs and uses
// nextReleaseInMs() to decide when to poll again.

/** Priority classes: audio first (never queued behind video), then retransmissions, then video. */
export const PacketKind = { AUDIO: 0, RTX: 1, VIDEO: 2 } as const;
export type PacketKindCode = (typeof PacketKind)[keyof typeof PacketKind];

/** Called once per released (or cleared) handle. Make it once, not per poll. */
export type ReleaseFn = (handle: number) => void;

export interface PacerCounters {
  enqueued: number;
  released: number;
  releasedBytes: number;
  /** Dropped because the queue was full, per kind. */
  droppedAudio: number;
  droppedRtx: number;
  droppedVideo: number;
}

/** Queue-delay percentiles over a window (ms); filled by Pacer.queueDelay(). */
export class QueueDelaySummary {
  samples = 0;
  p50 = 0;
  p99 = 0;
  max = 0;
}

export interface Pacer {
  /**
   * Queue one packet of `size` bytes. Returns the handle of a packet dropped to make room
   * (the oldest video one, or this one) — the caller frees that slot — or -1.
   */
  enqueue(kind: number, handle: number, size: number, nowMs: number): number;
  /** Release what may go now, in priority order: out(handle) each. Returns how many. */
  poll(nowMs: number, out: ReleaseFn): number;
  /** Target rate of the transport (bps), e.g. the estimator's target. */
  setRate(bps: number): void;
  /** ms until poll() can release something: 0 now, -1 when nothing is queued. */
  nextReleaseInMs(nowMs: number): number;
  /** Empty the queues, out(handle) for each (e.g. on close). Returns how many. */
  clear(out: ReleaseFn): number;
  /** Queue delay of packets released within the last `windowMs`. */
  queueDelay(nowMs: number, out: QueueDelaySummary, windowMs?: number): QueueDelaySummary;
  readonly queuedPackets: number;
  readonly queuedBytes: number;
  readonly counters: PacerCounters;
}

export interface PacerConfig {
  /** Pacing rate = target × this; > 1 lets bursts (key frames) drain faster. Default 2.5. */
  pacingFactor: number;
  /** Budget that may build up while idle, in ms at the pacing rate (at least one MTU). Default 10. */
  burstMs: number;
  /** Audio goes out at once, charged to the budget (so video yields later). Default true. */
  audioBypass: boolean;
  /** Packets queued at most, all kinds together. Default 1024. */
  maxPackets: number;
  /**
   * When > 0, the rate rises so the queue drains within this many ms (libwebrtc: 2000).
   * Default 0 (off: the bounded queue drops old video instead).
   */
  drainWithinMs: number;
  /** Delay samples kept for percentiles. Default 2048. */
  delaySamples: number;
  /** Rate (bps) before setRate(). Default 1 Mbit/s. */
  initialRateBps: number;
}

export const defaultPacerConfig: Readonly<PacerConfig> = Object.freeze({
  pacingFactor: 2.5, burstMs: 10, audioBypass: true, maxPackets: 1024, drainWithinMs: 0, delaySamples: 2048, initialRateBps: 1_000_000,
});

export const MTU_BYTES = 1500;
