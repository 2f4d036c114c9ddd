// The machinery of one SCTP association that is not packet parsing: fields, timers
// (one deadline set, one host timer), packet building and sending, state changes. The
// receive side and the public API are in association.ts (SctpAssociation extends this).
import { CauseCode, ChunkType, DROP_REASONS } from './constants.js';
import { finishPacket, writeCommonHeader } from './packet.js';
import { writeInit } from './chunks/init.js';
import { writeSack } from './chunks/sack.js';
import { writeCause, writeCookieEcho, writeEmptyChunk, writeHeartbeat, writeShutdown } from './chunks/control.js';
import { CongestionWindow, RtoEstimator } from './congestion.js';
import { Sender } from './sender.js';
import { TsnTracker } from './tsn-tracker.js';
import { Reassembly } from './reassembly.js';
import { StreamResets } from './stream-reset.js';
import { Timer, TimerSet } from './timers.js';
import { SctpError, type SctpErrorCode } from './errors.js';
import { type ResolvedSctpOptions, type SctpOptions, resolveOptions } from './options.js';
import { randomBytes } from 'node:crypto';
export type SctpState =
  | 'closed' | 'cookie-wait' | 'cookie-echoed' | 'established'
  | 'shutdown-pending' | 'shutdown-sent' | 'shutdown-received' | 'shutdown-ack-sent';

export interface SendOptions {
  ordered?: boolean;           // default true
  maxRetransmits?: number;     // RFC 3758 "limited retransmissions"
  maxPacketLifeTime?: number;  // ms, RFC 3758 "timed reliability"
}

export interface SctpStats {
  packetsReceived: number;
  packetsSent: number;
  dataChunksReceived: number;
  dataChunksSent: number;
  retransmits: number;
  fastRetransmits: number;
  abandonedMessages: number;
  duplicateTsns: number;
  /** Dropped packets/chunks by reason (DROP_REASONS names the index). */
  drops: Uint32Array;
}


const hbInfo = Buffer.alloc(12);

export abstract class AssociationCore {
  readonly options: ResolvedSctpOptions;
  state: SctpState = 'closed';
  /** Set when the association ended (graceful: null). */
  closedReason: SctpError | null | undefined = undefined;
  readonly stats: SctpStats = {
    packetsReceived: 0, packetsSent: 0, dataChunksReceived: 0, dataChunksSent: 0, retransmits: 0,
    fastRetransmits: 0, abandonedMessages: 0, duplicateTsns: 0, drops: new Uint32Array(DROP_REASONS.length),
  };
  /** Streams usable in each direction once established (min of both offers). */
  outboundStreams = 0;
  inboundStreams = 0;
  forwardTsn = false;
  reconfig = false;

  // Callbacks, set once by the owner (DataChannelEndpoint).
  onMessage: (streamId: number, ppid: number, data: Buffer) => void = noop;
  onStateChange: (state: SctpState) => void = noop;
  onClose: (error: SctpError | null) => void = noop;
  /** Peer reset its outgoing side of these streams (data channel closing). */
  onIncomingReset: (streams: number[]) => void = noop;
  /** Our outgoing reset of these streams was performed. */
  onOutgoingReset: (streams: number[]) => void = noop;
  /** Bytes of a stream left the send queue (bufferedAmount bookkeeping). */
  onDequeued: (streamId: number, bytes: number) => void = noop;

  readonly localTag: number;
  readonly localInitialTsn: number;
  peerTag = 0;
  protected peerRwnd = 0;
  protected peerInitialTsn = 0;
  protected peerOs = 0;
  protected peerMis = 0;
  protected cookie: Buffer | null = null;
  protected readonly out: Buffer;
  protected readonly ctrl: Buffer;
  protected ctrlLen = 0;
  protected readonly timers = new TimerSet();
  protected armedAt = Infinity;
  protected hostTimer: ReturnType<typeof setTimeout> | null = null;
  protected readonly rto: RtoEstimator;
  protected readonly cwnd: CongestionWindow;
  readonly sender: Sender;
  protected readonly tsn = new TsnTracker();
  protected readonly reasm: Reassembly;
  protected readonly resets: StreamResets;
  protected readonly outSsn = new Map<number, number>();
  protected sackNeeded = false;
  protected packetsSinceSack = 0;
  protected errorCount = 0;
  protected t1Retries = 0;
  protected t1Rto = 0;
  protected t2Retries = 0;
  protected hbNonce = 0;
  protected hbOutstanding = false;
  protected flushScheduled = false;
  protected inHandler = false;
  protected inOutput = false;

  constructor(opts: SctpOptions) {
    this.options = resolveOptions(opts);
    const o = this.options;
    this.out = Buffer.alloc(o.mtu);
    this.ctrl = Buffer.alloc(2 * o.mtu);
    const r = randomBytes(8);
    this.localTag = r.readUInt32BE(0) || 1;
    this.localInitialTsn = r.readUInt32BE(4);
    this.rto = new RtoEstimator({ initialMs: o.rtoInitialMs, minMs: o.rtoMinMs, maxMs: o.rtoMaxMs });
    this.cwnd = new CongestionWindow(o.mtu, 65536);
    // A DATA chunk and its header fit one packet, with room for a SACK beside it.
    const maxFragment = ((o.mtu - 12 - 16) & ~3);
    this.sender = new Sender(maxFragment, this.cwnd, this.rto, { onDequeued: (s, b) => this.onDequeued(s, b) });
    this.reasm = new Reassembly(o.maxMessageSize, (s, p, d) => this.onMessage(s, p, d));
    this.resets = new StreamResets({
      hasQueued: (s) => this.sender.hasQueued(s),
      lastAssignedTsn: () => this.sender.lastAssignedTsn,
      cumulativeTsn: () => this.tsn.cumulative,
      incomingReset: (streams) => { this.reasm.resetStreams(streams); this.onIncomingReset(streams); },
      outgoingReset: (streams) => { for (const s of streams) this.outSsn.delete(s); this.onOutgoingReset(streams); },
    });
  }

  /** Runs expired timers (the host timer calls it). */
  abstract poll(now?: number): void;

  get rtoMs(): number { return this.rto.rto; }
  get srttMs(): number { return this.rto.srtt; }
  get congestionWindow(): number { return this.cwnd.cwnd; }
  /** Bytes queued or unacknowledged. */
  get bufferedBytes(): number { return this.sender.buffered; }
  get established(): boolean { return this.state === 'established'; }
  get closed(): boolean { return this.closedReason !== undefined; }

  // ---- state -------------------------------------------------------------------

  protected adoptPeer(tag: number, rwnd: number, os: number, mis: number, initialTsn: number, fwd: boolean, reconfig: boolean): void {
    this.peerTag = tag;
    this.peerRwnd = rwnd;
    this.peerOs = os;
    this.peerMis = mis;
    this.peerInitialTsn = initialTsn;
    this.forwardTsn = fwd;
    this.reconfig = reconfig;
  }

  protected establish(now: number): void {
    this.timers.stop(Timer.T1);
    this.cookie = null;
    this.tsn.reset(this.peerInitialTsn);
    this.sender.init(this.localInitialTsn, this.peerRwnd, this.forwardTsn);
    this.cwnd.ssthresh = this.peerRwnd;
    this.outboundStreams = Math.min(this.options.maxStreams, this.peerMis);
    this.inboundStreams = Math.min(this.options.maxStreams, this.peerOs);
    this.resets.init(this.localInitialTsn, this.peerInitialTsn);
    this.timers.start(Timer.Heartbeat, now + this.options.heartbeatIntervalMs);
    this.setState('established');
  }

  protected setState(s: SctpState): void {
    if (this.state === s) return;
    this.state = s;
    this.onStateChange(s);
  }

  protected violation(reason: number, message: string, cause: number = CauseCode.ProtocolViolation, code: SctpErrorCode = 'malformed-packet'): void {
    this.stats.drops[reason]++;
    this.sendAbort(cause, Buffer.from(message));
    this.die(code, message);
  }

  protected die(code: SctpErrorCode | null, message: string): void {
    if (this.closed) return;
    const err = code ? new SctpError(code, message) : null;
    this.closedReason = err;
    this.timers.stopAll();
    if (this.hostTimer) { clearTimeout(this.hostTimer); this.hostTimer = null; }
    this.armedAt = Infinity;
    this.sender.clear();
    this.ctrlLen = 0;
    this.state = 'closed';
    this.onStateChange('closed');
    this.onClose(err);
  }

  // ---- timers ------------------------------------------------------------------

  protected onTimer(t: number, now: number): void {
    const o = this.options;
    switch (t) {
      case Timer.T1:
        if (++this.t1Retries > o.maxInitRetransmissions) { this.die('setup-timeout', `no answer to ${this.state === 'cookie-wait' ? 'INIT' : 'COOKIE ECHO'} after ${this.t1Retries - 1} retransmissions`); return; }
        this.t1Rto = Math.min(this.t1Rto * 2, o.rtoMaxMs);
        if (this.state === 'cookie-wait') this.sendInit();
        else if (this.state === 'cookie-echoed' && this.cookie) this.queueCtrl((b, q) => writeCookieEcho(b, q, this.cookie!), 4 + this.cookie.length);
        this.timers.start(Timer.T1, now + this.t1Rto);
        break;
      case Timer.T2:
        if (++this.t2Retries > o.maxRetransmissions) { this.die('max-retransmits', 'no answer to SHUTDOWN'); return; }
        this.rto.backoff();
        if (this.state === 'shutdown-sent') this.queueCtrl((b, q) => writeShutdown(b, q, this.tsn.cumulative), 8);
        else if (this.state === 'shutdown-ack-sent') this.queueCtrl((b, q) => writeEmptyChunk(b, q, ChunkType.ShutdownAck), 4);
        this.timers.start(Timer.T2, now + this.rto.rto);
        break;
      case Timer.T3:
        if (++this.errorCount > o.maxRetransmissions) { this.die('max-retransmits', `peer unreachable: ${this.errorCount - 1} retransmission timeouts`); return; }
        this.sender.onT3(now);
        if (this.sender.needsT3) this.timers.start(Timer.T3, now + this.rto.rto);
        break;
      case Timer.DelayedSack:
        this.sackNeeded = true;
        break;
      case Timer.Heartbeat:
        if (this.state !== 'established') break;
        if (this.hbOutstanding && ++this.errorCount > o.maxRetransmissions) { this.die('max-retransmits', 'peer unreachable: heartbeats unanswered'); return; }
        this.hbNonce = (Math.random() * 0x100000000) >>> 0;
        hbInfo.writeDoubleBE(now, 0);
        hbInfo.writeUInt32BE(this.hbNonce, 8);
        this.hbOutstanding = true;
        this.queueCtrl((b, q) => writeHeartbeat(b, q, ChunkType.Heartbeat, hbInfo, 0, 12), 16);
        this.timers.start(Timer.Heartbeat, now + o.heartbeatIntervalMs + this.rto.rto);
        break;
      case Timer.Reconfig:
        if (this.state !== 'established') break;
        if (this.resets.outstanding) {
          this.queueCtrl((b, q) => this.resets.writeRequest(b, q, true), 16 + 2 * 512);
          this.timers.start(Timer.Reconfig, now + this.rto.rto);
        }
        break;
    }
  }

  protected arm(now: number): void {
    if (this.closed) return;
    const next = this.timers.next();
    if (this.options.schedule) {
      if (next !== this.armedAt) { this.armedAt = next; if (next !== Infinity) this.options.schedule(next); }
      return;
    }
    // One host timer; moved only when a deadline comes earlier. A timer that fires early
    // (a deadline moved later) finds nothing due and re-arms.
    if (next === Infinity || next >= this.armedAt) return;
    if (this.hostTimer) clearTimeout(this.hostTimer);
    this.armedAt = next;
    this.hostTimer = setTimeout(() => { this.hostTimer = null; this.armedAt = Infinity; this.poll(); }, Math.max(0, next - now));
    this.hostTimer.unref?.();
  }

  // ---- transmit ----------------------------------------------------------------

  protected scheduleFlush(): void {
    if (this.inHandler || this.flushScheduled) return;
    this.flushScheduled = true;
    // Messages sent in one turn share packets; one microtask per association per turn.
    queueMicrotask(() => {
      this.flushScheduled = false;
      if (this.closed) return;
      const now = this.options.now();
      this.flush(now);
      this.arm(now);
    });
  }

  /** Writes a control chunk into the pending-control buffer (sent first in the next packet). */
  protected queueCtrl(write: (b: Buffer, off: number) => number, maxLen: number): void {
    if (this.ctrlLen + maxLen > this.ctrl.length || maxLen > this.options.mtu - 12) return; // dropped: the peer retries
    this.ctrlLen += write(this.ctrl, this.ctrlLen);
  }

  protected queueDeferredReset(): void {
    if (this.state === 'established') this.queueCtrl((b, o) => this.resets.writeDeferred(b, o), 16);
  }

  protected queueResetRequest(now: number): void {
    if (this.state !== 'established' || this.resets.outstanding || !this.resets.canRequest) return;
    const before = this.ctrlLen;
    this.queueCtrl((b, o) => this.resets.writeRequest(b, o, false), 16 + 2 * 512);
    if (this.ctrlLen > before) this.timers.start(Timer.Reconfig, now + this.rto.rto);
  }

  protected flush(now: number): void {
    if (this.closed) return;
    const o = this.options;
    const dataOk = this.state === 'established' || this.state === 'shutdown-pending' || this.state === 'shutdown-received';
    if (this.resets.requestDue || (this.state === 'established' && this.resets.canRequest)) this.queueResetRequest(now);
    for (let guard = 0; guard < 64; guard++) {
      const buf = this.out;
      let p = writeCommonHeader(buf, 0, o.localPort, o.remotePort, this.peerTag);
      // Pending control chunks (COOKIE ECHO / ACK first, as §5.1 requires), whole chunks only.
      let c = 0;
      while (c < this.ctrlLen) {
        const cl = (this.ctrl.readUInt16BE(c + 2) + 3) & ~3;
        if (p + cl > o.mtu) break;
        this.ctrl.copy(buf, p, c, c + cl);
        p += cl;
        c += cl;
      }
      if (c > 0) { this.ctrl.copy(this.ctrl, 0, c, this.ctrlLen); this.ctrlLen -= c; }
      if (this.sackNeeded && this.peerTag && (this.state === 'established' || this.state.startsWith('shutdown'))) {
        this.tsn.buildGaps();
        const gaps = Math.min(this.tsn.gapCount, (o.mtu - p - 16 - 4 * this.tsn.dupCount) >> 2);
        if (gaps >= 0) {
          const rwnd = Math.max(0, o.receiveBufferBytes - this.reasm.bytes);
          p += writeSack(buf, p, this.tsn.cumulative, rwnd, this.tsn.gaps, gaps, this.tsn.dups, this.tsn.dupCount);
          this.tsn.clearDups();
          this.sackNeeded = false;
          this.packetsSinceSack = 0;
          this.timers.stop(Timer.DelayedSack);
        }
      }
      if (dataOk && this.sender.forwardTsnNeeded && this.forwardTsn && p + 8 + 16 <= o.mtu) {
        p += this.sender.writeForwardTsn(buf, p, o.mtu - p);
      }
      if (dataOk) {
        const before = p;
        p = this.sender.fill(buf, p, o.mtu, now);
        if (p > before && !this.timers.running(Timer.T3)) this.timers.start(Timer.T3, now + this.rto.rto);
      }
      if (p === 12) break;
      finishPacket(buf, 0, p);
      this.stats.packetsSent++;
      if (!this.emitPacket(buf, p)) return;
    }
    this.stats.dataChunksSent = this.sender.dataChunksSent;
    this.stats.retransmits = this.sender.retransmits;
    this.stats.fastRetransmits = this.sender.fastRetransmits;
    this.stats.abandonedMessages = this.sender.abandonedMessages;
    // Shutdown sequencing (§9.2) once everything outstanding is acknowledged.
    if (this.sender.idle) {
      if (this.state === 'shutdown-pending') {
        this.setState('shutdown-sent');
        this.t2Retries = 0;
        this.queueCtrl((b, q) => writeShutdown(b, q, this.tsn.cumulative), 8);
        this.timers.start(Timer.T2, now + this.rto.rto);
        this.flush(now);
      } else if (this.state === 'shutdown-received') {
        this.sendShutdownAck(now);
        this.flush(now);
      }
    }
  }

  protected sendShutdownAck(now: number): void {
    this.setState('shutdown-ack-sent');
    this.t2Retries = 0;
    this.timers.stop(Timer.T3);
    this.queueCtrl((b, q) => writeEmptyChunk(b, q, ChunkType.ShutdownAck), 4);
    this.timers.start(Timer.T2, now + this.rto.rto);
  }

  protected initParams() {
    const o = this.options;
    return { initiateTag: this.localTag, rwnd: o.receiveBufferBytes, outboundStreams: o.maxStreams, inboundStreams: o.maxStreams, initialTsn: this.localInitialTsn };
  }

  protected sendInit(): void { this.sendAlone((b, o) => writeInit(b, o, this.initParams()), 0); }

  protected sendAbort(cause: number, info: Buffer): void {
    this.sendAlone((b, o) => writeCause(b, o, ChunkType.Abort, 0, cause, info.length > 256 ? info.subarray(0, 256) : info), this.peerTag);
  }

  /** A packet with one chunk, sent now (INIT, INIT ACK, ABORT, SHUTDOWN COMPLETE are never bundled). */
  protected sendAlone(write: (b: Buffer, off: number) => number, vtag: number): void {
    const o = this.options;
    const buf = this.out;
    const p = writeCommonHeader(buf, 0, o.localPort, o.remotePort, vtag);
    const n = p + write(buf, p);
    finishPacket(buf, 0, n);
    this.stats.packetsSent++;
    this.emitPacket(buf, n);
  }

  /** Hands a packet to the owner; an output that throws ends the association, not the caller. */
  protected emitPacket(buf: Buffer, len: number): boolean {
    this.inOutput = true;
    try {
      this.options.output(buf, len);
    } catch (e) {
      this.inOutput = false;
      this.die('invalid-state', `output failed: ${(e as Error)?.message ?? e}`);
      return false;
    }
    this.inOutput = false;
    return !this.closed;
  }
}

function noop(): void { /* default callback */ }
