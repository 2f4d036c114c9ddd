// Messages between the load-test runner (main thread) and its client worker threads.

export interface ParticipantPlan {
  identity: string;
  room: string;
  token: string;
  publishTracks: number;
  subscribe: boolean;
  /** ms after 'start' at which this participant joins (the ramp). */
  startAfterMs: number;
  seed: number;
}

export interface WorkerInit {
  index: number;
  url: string;
  participants: ParticipantPlan[];
  dtx: boolean;
  bitrate: number;
  timeoutMs: number;
  rtcp: boolean;
  wavPath?: string;
}

export type ToWorker = { type: 'start' } | { type: 'sample'; seq: number } | { type: 'stop-media' } | { type: 'finish' };

/** Cumulative counters of one worker (the runner takes differences for rates). */
export interface WorkerSnapshot {
  type: 'snapshot';
  index: number;
  /** The 'sample' request this answers (0 in the final snapshot). */
  seq: number;
  sentPackets: number;
  sentBytes: number;
  recvPackets: number;
  recvBytes: number;
  expected: number;
  lost: number;
  /** Cumulative latency histogram (LATENCY_BINS). */
  latency: number[];
  joined: number;
  failed: number;
  /** Subscriber transports connected. */
  subscribed: number;
  joinMs: number[];
  /** Time from start to the first media packet, of subscribers that got one since the last snapshot. */
  firstMediaMs: number[];
  errors: Record<string, number>;
  cpuMs: number;
  tid: number;
  sockets: number;
  /** This thread's V8 heap in use plus its ArrayBuffers (per isolate), bytes. */
  heapBytes: number;
  /** Kernel receive-buffer drops on this thread's client sockets (final snapshot only). */
  udpDrops: number;
}

export interface PublishedTrackResult {
  sid: string;
  room: string;
  identity: string;
  packets: number;
  bytes: number;
  dtxSkipped: number;
  dropped: number;
}

export interface ReceivedTrackResult {
  trackSid: string;
  subscriber: string;
  packets: number;
  bytes: number;
  expected: number;
  lost: number;
  jitterMs: number;
  latencyCount: number;
  latencySumMs: number;
  latencyMaxMs: number;
  /** Sparse histogram: [bin, count, bin, count, ...]. */
  latency: number[];
}

export interface WorkerFinal {
  type: 'final';
  index: number;
  published: PublishedTrackResult[];
  received: ReceivedTrackResult[];
  snapshot: WorkerSnapshot;
}

export type FromWorker = WorkerSnapshot | WorkerFinal | { type: 'ready'; index: number; speechSource: string; frames: number; heapBytes: number } | { type: 'fatal'; index: number; message: string };
