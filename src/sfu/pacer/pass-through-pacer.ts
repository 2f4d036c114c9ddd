// No pacing: poll() releases everything queued, in priority order (audio, retransmissions,
// video). Same interface and bounded queue as the leaky bucket, for transports where the
// estimate is not trusted yet or pacing is configured off (LiveKit's pass_through).
import { PacerBase } from './pacer-base.js';
import type { ReleaseFn } from './pacer.js';

export class PassThroughPacer extends PacerBase {
  poll(nowMs: number, out: ReleaseFn): number {
    let n = 0;
    for (let k = 0; k < 3; k++) while (this.queues[k].length > 0) { this.release(k, nowMs, out); n++; }
    return n;
  }

  nextReleaseInMs(): number { return this.queuedPackets > 0 ? 0 : -1; }
}
