// Stream reset (RFC 6525) as WebRTC uses it to close a data channel (RFC 8831 §6.7):
// we send an Outgoing SSN Reset Request for our side of the stream; the peer resets
// its incoming side and answers, then resets its own outgoing side the same way.
// One request of ours is outstanding at a time (§5.1.1); the peer's request is
// performed once every TSN up to its "last assigned TSN" arrived (§5.2.2).
import { ParamType, ReconfigResult } from './constants.js';
import { ReconfigParam, writeOutgoingReset, writeReconfigResponse } from './chunks/reconfig.js';
import { tsnAdd, tsnGe } from './serial.js';

export interface StreamResetHost {
  /** True while a message on this stream is still queued (its TSNs are not assigned yet). */
  hasQueued(streamId: number): boolean;
  lastAssignedTsn(): number;
  cumulativeTsn(): number;
  /** Peer reset its outgoing side of these streams: restart their incoming SSNs. */
  incomingReset(streams: number[]): void;
  /** Our outgoing reset was performed by the peer: restart our SSNs. */
  outgoingReset(streams: number[]): void;
}

export class StreamResets {
  private myReqSeq = 0;
  private peerExpected = 0;
  private readonly pending: number[] = [];
  private inFlight: number[] | null = null;
  private inFlightLastTsn = 0;
  private deferred: { seq: number; lastTsn: number; streams: number[] } | null = null;
  private lastResult: number = ReconfigResult.SuccessNothingToDo;
  requestDue = false;
  denied = 0;

  constructor(private readonly host: StreamResetHost) {}

  init(localInitialTsn: number, peerInitialTsn: number): void {
    // §5.1.1 / §5.2.1: request sequence numbers start at the initial TSN.
    this.myReqSeq = localInitialTsn >>> 0;
    this.peerExpected = peerInitialTsn >>> 0;
  }

  get outstanding(): boolean { return this.inFlight !== null; }

  request(streams: ArrayLike<number>): void {
    for (let i = 0; i < streams.length; i++) {
      const s = streams[i];
      if (!this.pending.includes(s) && !(this.inFlight?.includes(s))) this.pending.push(s);
    }
    this.requestDue = this.inFlight === null;
  }

  /** Writes our next Outgoing SSN Reset Request if one can go now; returns bytes written (0 if none). */
  writeRequest(buf: Buffer, off: number, retransmit: boolean): number {
    if (!this.inFlight) {
      // Streams with queued data wait: their data must get TSNs before the reset (§5.1.2).
      const ready = this.pending.filter((s) => !this.host.hasQueued(s));
      if (!ready.length) { this.requestDue = false; return 0; }
      for (const s of ready) this.pending.splice(this.pending.indexOf(s), 1);
      this.inFlight = ready;
      this.inFlightLastTsn = this.host.lastAssignedTsn();
    } else if (!retransmit) {
      return 0;
    }
    this.requestDue = false;
    return writeOutgoingReset(buf, off, this.myReqSeq, tsnAdd(this.peerExpected, -1), this.inFlightLastTsn, this.inFlight);
  }

  /** True when some pending stream could now be reset (its queue drained). */
  get canRequest(): boolean {
    return !this.inFlight && this.pending.some((s) => !this.host.hasQueued(s));
  }

  /** A Re-configuration Response: returns true if it finished our request (stop the timer). */
  onResponse(p: ReconfigParam): boolean {
    if (!this.inFlight || p.requestSeq !== this.myReqSeq) return false;
    const result = p.responseSeq;
    if (result === ReconfigResult.InProgress) return false; // retransmitted on the timer
    const streams = this.inFlight;
    this.inFlight = null;
    this.myReqSeq = tsnAdd(this.myReqSeq, 1);
    if (result === ReconfigResult.SuccessPerformed || result === ReconfigResult.SuccessNothingToDo) this.host.outgoingReset(streams);
    else this.denied++;
    this.requestDue = this.pending.length > 0;
    return true;
  }

  /** A peer request (13 or 14): writes the response chunk (or nothing), returns bytes written. */
  onRequest(p: ReconfigParam, buf: Buffer, off: number): number {
    if (p.requestSeq === tsnAdd(this.peerExpected, -1)) {
      // A retransmission of the last request: same answer (§5.2.1).
      const r = this.deferred && this.deferred.seq === p.requestSeq ? ReconfigResult.InProgress : this.lastResult;
      return writeReconfigResponse(buf, off, p.requestSeq, r);
    }
    if (p.requestSeq !== this.peerExpected) return writeReconfigResponse(buf, off, p.requestSeq, ReconfigResult.ErrorBadSequence);
    if (this.deferred) return writeReconfigResponse(buf, off, p.requestSeq, ReconfigResult.ErrorInProgress);
    this.peerExpected = tsnAdd(this.peerExpected, 1);
    if (p.type === ParamType.IncomingSsnReset) {
      // The peer asks us to reset our outgoing streams; WebRTC peers never do. Denied is allowed (§5.2.3).
      this.lastResult = ReconfigResult.Denied;
      return writeReconfigResponse(buf, off, p.requestSeq, ReconfigResult.Denied);
    }
    const streams: number[] = [];
    for (let i = 0; i < p.streamCount; i++) streams.push(p.stream(i));
    if (!tsnGe(this.host.cumulativeTsn(), p.lastTsn)) {
      this.deferred = { seq: p.requestSeq, lastTsn: p.lastTsn, streams };
      this.lastResult = ReconfigResult.InProgress;
      return writeReconfigResponse(buf, off, p.requestSeq, ReconfigResult.InProgress);
    }
    this.lastResult = ReconfigResult.SuccessPerformed;
    this.host.incomingReset(streams);
    return writeReconfigResponse(buf, off, p.requestSeq, ReconfigResult.SuccessPerformed);
  }

  /** After DATA / FORWARD TSN: performs a deferred request whose data all arrived. */
  writeDeferred(buf: Buffer, off: number): number {
    const d = this.deferred;
    if (!d || !tsnGe(this.host.cumulativeTsn(), d.lastTsn)) return 0;
    this.deferred = null;
    this.lastResult = ReconfigResult.SuccessPerformed;
    this.host.incomingReset(d.streams);
    return writeReconfigResponse(buf, off, d.seq, ReconfigResult.SuccessPerformed);
  }
}
