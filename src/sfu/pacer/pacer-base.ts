// What every pacer shares: three priority FIFOs (audio, retransmissions, video) bounded
// together by `maxPackets`, the drop policy when full, counters and queue-delay stats.
// Drop policy (full queue): the oldest queued video packet goes; with no video queued an
// incoming video packet is refused; otherwise the oldest retransmission, then the
// oldest audio packet. Subclasses decide how much poll() releases.
import { PacketKind, QueueDelaySummary, defaultPacerConfig, type Pacer, type PacerConfig, type PacerCounters, type ReleaseFn } from './pacer.js';
import { HandleQueue } from './handle-queue.js';
import { QueueDelayStats } from './queue-delay-stats.js';

export abstract class PacerBase implements Pacer {
  readonly config: Readonly<PacerConfig>;
  readonly counters: PacerCounters = { enqueued: 0, released: 0, releasedBytes: 0, droppedAudio: 0, droppedRtx: 0, droppedVideo: 0 };
  /** Indexed by PacketKind. */
  protected readonly queues: readonly [HandleQueue, HandleQueue, HandleQueue];
  protected rateBps = 0;
  private readonly delays: QueueDelayStats;

  constructor(config: Partial<PacerConfig> = {}) {
    this.config = Object.freeze({ ...defaultPacerConfig, ...config });
    const n = this.config.maxPackets;
    this.queues = [new HandleQueue(n), new HandleQueue(n), new HandleQueue(n)];
    this.delays = new QueueDelayStats(this.config.delaySamples);
    this.rateBps = this.config.initialRateBps;
  }

  get queuedPackets(): number { return this.queues[0].length + this.queues[1].length + this.queues[2].length; }
  get queuedBytes(): number { return this.queues[0].bytes + this.queues[1].bytes + this.queues[2].bytes; }
  get targetRateBps(): number { return this.rateBps; }

  setRate(bps: number): void { if (bps > 0 && Number.isFinite(bps)) this.rateBps = bps; }

  enqueue(kind: number, handle: number, size: number, nowMs: number): number {
    const k = kind === PacketKind.AUDIO ? 0 : kind === PacketKind.RTX ? 1 : 2;
    let dropped = -1;
    if (this.queuedPackets >= this.config.maxPackets) {
      const q = this.queues;
      if (q[2].length > 0) { dropped = q[2].shift(); this.counters.droppedVideo++; } else if (k === 2) { this.counters.droppedVideo++; return handle; } else if (q[1].length > 0) { dropped = q[1].shift(); this.counters.droppedRtx++; } else if (q[0].length > 0) { dropped = q[0].shift(); this.counters.droppedAudio++; } else return handle; // maxPackets 0
    }
    this.queues[k].push(handle, size, nowMs);
    this.counters.enqueued++;
    return dropped;
  }

  abstract poll(nowMs: number, out: ReleaseFn): number;
  abstract nextReleaseInMs(nowMs: number): number;

  clear(out: ReleaseFn): number {
    let n = 0;
    for (const q of this.queues) while (q.length > 0) { out(q.shift()); n++; }
    return n;
  }

  queueDelay(nowMs: number, out: QueueDelaySummary, windowMs = 10_000): QueueDelaySummary {
    return this.delays.summarize(nowMs, windowMs, out);
  }

  /** Pop the head of queue k, record its delay, hand it out. Returns its size. */
  protected release(k: number, nowMs: number, out: ReleaseFn): number {
    const q = this.queues[k];
    const size = q.headSize;
    this.delays.add(nowMs, nowMs - q.headTime);
    const handle = q.shift();
    this.counters.released++;
    this.counters.releasedBytes += size;
    out(handle);
    return size;
  }
}
