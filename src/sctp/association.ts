// One SCTP association over DTLS (RFC 8261): the state machine of RFC 9260 §4 with the
// 4-way handshake in both roles (INIT collision per §5.2.1/§5.2.4 case D, which is how
// two WebRTC peers start: both send INIT), DATA/SACK, timers, shutdown and abort.
// Everything is driven by handlePacket() and poll(now); nothing here throws at the peer's
// input — bad packets are counted in stats.drops by reason and dropped.
import { CauseCode, ChunkType, DROP_REASONS, Drop, ParamType } from './constants.js';
import { PacketView, finishPacket, writeCommonHeader } from './packet.js';
import { InitFields, readInit, writeInit } from './chunks/init.js';
import { DataFields, readData } from './chunks/data.js';
import { SackFields, readSack, writeSack } from './chunks/sack.js';
import { ForwardTsnFields, readForwardTsn } from './chunks/forward-tsn.js';
import { ReconfigParam, checkReconfig, readReconfigParam } from './chunks/reconfig.js';
import { FLAG_T, readFirstCause, readHeartbeat, readShutdown, writeCause, writeCookieEcho, writeEmptyChunk, writeHeartbeat, writeShutdown } from './chunks/control.js';
import { emptyCookieState, makeCookie, openCookie } from './cookie.js';
import { CongestionWindow, RtoEstimator } from './congestion.js';
import { Sender } from './sender.js';
import { TsnTracker } from './tsn-tracker.js';
import { Reassembled, Reassembly } from './reassembly.js';
import { StreamResets } from './stream-reset.js';
import { Timer, TimerSet } from './timers.js';
import { SctpError, type SctpErrorCode } from './errors.js';
import { type ResolvedSctpOptions, type SctpOptions, resolveOptions } from './options.js';
import { randomBytes } from 'node:crypto';
import { tsnAdd } from './serial.js';

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

// Scratch shared by every association on the thread (all work here is synchronous).
const view = new PacketView();
const initF = new InitFields();
const dataF = new DataFields();
const sackF = new SackFields();
const fwdF = new ForwardTsnFields();
const rcfg = new ReconfigParam();
const cookieS = emptyCookieState();
const fwdIds = new Uint16Array(16384);
const fwdSsns = new Uint16Array(16384);
const hbInfo = Buffer.alloc(12);

export class SctpAssociation {
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
  private peerRwnd = 0;
  private peerInitialTsn = 0;
  private peerOs = 0;
  private peerMis = 0;
  private cookie: Buffer | null = null;
  private readonly out: Buffer;
  private readonly ctrl: Buffer;
  private ctrlLen = 0;
  private readonly timers = new TimerSet();
  private armedAt = Infinity;
  private hostTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly rto: RtoEstimator;
  private readonly cwnd: CongestionWindow;
  readonly sender: Sender;
  private readonly tsn = new TsnTracker();
  private readonly reasm: Reassembly;
  private readonly resets: StreamResets;
  private readonly outSsn = new Map<number, number>();
  private sackNeeded = false;
  private packetsSinceSack = 0;
  private errorCount = 0;
  private t1Retries = 0;
  private t1Rto = 0;
  private t2Retries = 0;
  private hbNonce = 0;
  private hbOutstanding = false;
  private flushScheduled = false;
  private inHandler = false;
  private inOutput = false;

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

  get rtoMs(): number { return this.rto.rto; }
  get srttMs(): number { return this.rto.srtt; }
  get congestionWindow(): number { return this.cwnd.cwnd; }
  /** Bytes queued or unacknowledged. */
  get bufferedBytes(): number { return this.sender.buffered; }
  get established(): boolean { return this.state === 'established'; }
  get closed(): boolean { return this.closedReason !== undefined; }

  /** Sends INIT (either side may; both usually do). No-op unless closed and never started. */
  connect(): void {
    if (this.state !== 'closed' || this.closed) return;
    const now = this.options.now();
    this.setState('cookie-wait');
    this.t1Retries = 0;
    this.t1Rto = this.options.rtoInitialMs;
    this.sendInit();
    this.timers.start(Timer.T1, now + this.t1Rto);
    this.arm(now);
  }

  /** One SCTP packet (a DTLS record's plaintext). Never throws. */
  handlePacket(buf: Buffer, off = 0, len = buf.length - off): void {
    if (this.closed) return;
    if (this.inOutput) {
      // Our output callback delivered straight into us (an in-memory pipe): later, not inside flush.
      const copy = Buffer.from(buf.subarray(off, off + len));
      queueMicrotask(() => this.handlePacket(copy));
      return;
    }
    const now = this.options.now();
    this.inHandler = true;
    try {
      this.receive(buf, off, len, now);
      this.flush(now);
    } catch {
      // A bug of ours must not take the worker down; the association cannot be trusted after it.
      this.stats.drops[Drop.BadChunk]++;
      this.die('protocol-violation', 'internal error while handling a packet');
    } finally {
      this.inHandler = false;
    }
    this.arm(now);
  }

  /** Runs expired timers. Called by the host timer (or the caller's wheel) at the armed deadline. */
  poll(now = this.options.now()): void {
    if (this.closed) return;
    for (let t = this.timers.takeExpired(now); t >= 0; t = this.timers.takeExpired(now)) {
      this.onTimer(t, now);
      if (this.closed) return;
    }
    this.flush(now);
    this.arm(now);
  }

  /** Deadline of the next timer (Infinity when none). */
  nextDeadline(): number { return this.timers.next(); }

  /** Queues a message. Throws SctpError at this API edge for a bad call. */
  send(streamId: number, ppid: number, data: Buffer, opts: SendOptions = {}): void {
    if (this.closed || this.state === 'shutdown-pending' || this.state === 'shutdown-sent' || this.state === 'shutdown-received' || this.state === 'shutdown-ack-sent') {
      throw new SctpError('invalid-state', `send in state ${this.closed ? 'closed' : this.state}`);
    }
    if (!Number.isInteger(streamId) || streamId < 0 || streamId > 65534 || (this.outboundStreams && streamId >= this.outboundStreams)) {
      throw new SctpError('invalid-argument', `stream id ${streamId} outside 0..${(this.outboundStreams || 65535) - 1}`);
    }
    const max = this.options.remoteMaxMessageSize;
    if (max && data.length > max) throw new SctpError('message-too-large', `message of ${data.length} bytes above the peer's max-message-size ${max}`);
    if (data.length === 0) throw new SctpError('invalid-argument', 'empty message (DATA carries at least one byte; use an empty PPID)');
    if (this.sender.buffered + data.length > this.options.sendBufferBytes) {
      throw new SctpError('send-buffer-full', `send buffer full (${this.sender.buffered} + ${data.length} > ${this.options.sendBufferBytes} bytes)`);
    }
    const now = this.options.now();
    const ordered = opts.ordered !== false;
    let ssn = 0;
    if (ordered) {
      ssn = this.outSsn.get(streamId) ?? 0;
      this.outSsn.set(streamId, (ssn + 1) & 0xffff);
    }
    this.sender.enqueue({
      streamId, ppid, data, ordered, ssn, offset: 0, abandoned: false,
      maxRetransmits: opts.maxRetransmits !== undefined && opts.maxRetransmits >= 0 ? opts.maxRetransmits : -1,
      expiresAt: opts.maxPacketLifeTime !== undefined && opts.maxPacketLifeTime >= 0 ? now + opts.maxPacketLifeTime : Infinity,
    });
    this.scheduleFlush();
  }

  /** Resets our outgoing side of these streams (closing data channels). */
  resetStreams(streams: ArrayLike<number>): void {
    if (this.closed) return;
    this.resets.request(streams);
    this.scheduleFlush();
  }

  /** Graceful shutdown (§9.2): queued data is delivered first. */
  shutdown(): void {
    if (this.closed) return;
    if (this.state !== 'established') { this.abort('shutdown before established'); return; }
    this.setState('shutdown-pending');
    this.scheduleFlush();
  }

  /** Sends ABORT and closes at once. */
  abort(reason = 'closed by the application'): void {
    if (this.closed) return;
    if (this.peerTag) this.sendAbort(CauseCode.UserAbort, Buffer.from(reason.slice(0, 200)));
    this.die(null, reason, true);
  }

  /** Closes without telling the peer (the DTLS transport is gone). */
  close(): void { this.die(null, 'closed', true); }

  // ---- receive ------------------------------------------------------------------

  private receive(buf: Buffer, off: number, len: number, now: number): void {
    const drops = this.stats.drops;
    const status = view.reset(buf, off, len);
    if (status !== Drop.None) { drops[status]++; return; }
    if (view.destinationPort !== this.options.localPort || view.sourcePort !== this.options.remotePort) { drops[Drop.BadPort]++; return; }
    const first = view.firstChunk();
    const firstType = view.chunkType(first);
    const vtag = view.verificationTag;
    if (firstType === ChunkType.Init || firstType === ChunkType.InitAck || firstType === ChunkType.ShutdownComplete) {
      if (view.chunkCount !== 1) { drops[Drop.InitNotAlone]++; return; } // §6.10: never bundled
    }
    // Verification tag rules (§8.5, §8.5.1).
    if (firstType === ChunkType.Init) {
      if (vtag !== 0) { drops[Drop.BadVerificationTag]++; return; }
    } else if (vtag !== this.localTag) {
      const reflected = (firstType === ChunkType.Abort || firstType === ChunkType.ShutdownComplete) && (view.chunkFlags(first) & FLAG_T) !== 0;
      if (!(reflected && this.peerTag !== 0 && vtag === this.peerTag)) { drops[Drop.BadVerificationTag]++; return; }
    }
    this.stats.packetsReceived++;
    let sawData = false;
    let immediate = false;
    for (let p = first; p >= 0 && !this.closed; p = view.nextChunk(p)) {
      const type = view.chunkType(p);
      const l = view.chunkLength(p);
      switch (type) {
        case ChunkType.Data: {
          sawData = true;
          const r = this.onData(buf, p, l, now);
          if (r < 0) return;
          if (r > 0) immediate = true;
          break;
        }
        case ChunkType.Init: this.onInit(buf, p, l, now); break;
        case ChunkType.InitAck: this.onInitAck(buf, p, l, now); break;
        case ChunkType.CookieEcho: if (!this.onCookieEcho(buf, p, l, now)) return; break;
        case ChunkType.CookieAck: if (this.state === 'cookie-echoed') this.establish(now); break;
        case ChunkType.Sack: if (!this.onSack(buf, p, l, now)) return; break;
        case ChunkType.Heartbeat:
          if (readHeartbeat(buf, p, l) !== Drop.None) { drops[Drop.BadChunk]++; break; }
          // HEARTBEAT ACK echoes the Heartbeat Info parameter as it came (§8.3).
          this.queueCtrl((b, o) => writeHeartbeat(b, o, ChunkType.HeartbeatAck, buf, p + 8, p + 4 + buf.readUInt16BE(p + 6)), 4 + (buf.readUInt16BE(p + 6)));
          break;
        case ChunkType.HeartbeatAck: this.onHeartbeatAck(buf, p, l, now); break;
        case ChunkType.Abort:
          readFirstCause(buf, p, l);
          this.die('peer-abort', 'the peer sent ABORT');
          return;
        case ChunkType.Shutdown:
          if (readShutdown(buf, p, l) !== Drop.None) { this.violation(Drop.BadChunk, 'malformed SHUTDOWN'); return; }
          this.onShutdown(buf.readUInt32BE(p + 4), now);
          break;
        case ChunkType.ShutdownAck:
          if (this.state === 'shutdown-sent' || this.state === 'shutdown-ack-sent') {
            this.sendAlone((b, o) => writeEmptyChunk(b, o, ChunkType.ShutdownComplete), this.peerTag);
            this.die(null, 'shutdown complete');
            return;
          }
          drops[Drop.UnexpectedChunk]++;
          break;
        case ChunkType.ShutdownComplete:
          if (this.state === 'shutdown-ack-sent') { this.die(null, 'shutdown complete'); return; }
          drops[Drop.UnexpectedChunk]++;
          break;
        case ChunkType.Error:
          if (readFirstCause(buf, p, l) < 0) drops[Drop.BadChunk]++;
          break;
        case ChunkType.ForwardTsn: if (!this.onForwardTsn(buf, p, l)) return; this.sackNeeded = true; break;
        case ChunkType.Reconfig: if (!this.onReconfig(buf, p, l, now)) return; break;
        default:
          drops[Drop.UnknownChunk]++;
          // §3.2: the two high bits say stop (00/01) or skip (10/11); 01 and 11 also report it.
          if (type & 0x40 && l <= 256 && this.peerTag) {
            this.queueCtrl((b, o) => writeCause(b, o, ChunkType.Error, 0, CauseCode.UnrecognizedChunk, buf.subarray(p, p + l)), 8 + l);
          }
          if (!(type & 0x80)) return;
      }
    }
    if (sawData && !this.closed) {
      this.packetsSinceSack++;
      // §6.2: SACK at once on gaps, duplicates, every second packet, or when not established.
      if (immediate || this.tsn.hasGaps || this.tsn.dupCount > 0 || this.packetsSinceSack >= 2 || this.state !== 'established') this.sackNeeded = true;
      else if (!this.timers.running(Timer.DelayedSack)) this.timers.start(Timer.DelayedSack, now + this.options.delayedSackMs);
      this.queueDeferredReset();
    }
  }

  /** Returns -1 when the association was aborted, 1 when a SACK must go at once, 0 otherwise. */
  private onData(buf: Buffer, p: number, l: number, now: number): number {
    void now;
    const drops = this.stats.drops;
    if (!(this.state === 'established' || this.state === 'shutdown-pending' || this.state === 'shutdown-sent')) {
      drops[Drop.UnexpectedChunk]++;
      return 0;
    }
    if (readData(buf, p, l, dataF) !== Drop.None) {
      this.violation(Drop.BadChunk, 'DATA chunk without user data', CauseCode.NoUserData);
      return -1;
    }
    this.stats.dataChunksReceived++;
    const c = this.tsn.classify(dataF.tsn);
    if (c === 0) { this.stats.duplicateTsns++; return 1; }
    if (c < 0) { drops[Drop.TsnOutOfWindow]++; return 1; }
    const next = tsnAdd(this.tsn.cumulative, 1) === dataF.tsn;
    if (this.reasm.bytes + dataF.payloadLength > this.options.receiveBufferBytes && !next) {
      drops[Drop.ReceiveBufferFull]++; // not acked: the peer retransmits once the window opens
      return 1;
    }
    this.tsn.mark(dataF.tsn);
    if (dataF.streamId >= this.inboundStreams) {
      // §6.8: acknowledge, discard, and report Invalid Stream Identifier.
      const info = Buffer.alloc(4);
      info.writeUInt16BE(dataF.streamId, 0);
      this.queueCtrl((b, o) => writeCause(b, o, ChunkType.Error, 0, CauseCode.InvalidStreamId, info), 12);
      return 1;
    }
    const r = this.reasm.insert(dataF.tsn, dataF.streamId, dataF.ssn, dataF.ppid, dataF.flags, buf, dataF.payloadOffset, dataF.payloadLength);
    if (r === Reassembled.TooLarge) {
      this.violation(Drop.ReceiveBufferFull, `the peer sent a message above our max-message-size ${this.options.maxMessageSize}`, CauseCode.OutOfResource, 'receive-buffer-full');
      return -1;
    }
    return dataF.flags & 8 ? 1 : 0; // I bit: the sender asks for an immediate SACK (RFC 7053)
  }

  private onInit(buf: Buffer, p: number, l: number, now: number): void {
    if (readInit(buf, p, l, initF) !== Drop.None) { this.stats.drops[Drop.BadChunk]++; return; }
    if (this.state === 'shutdown-ack-sent' || this.state.startsWith('shutdown')) { this.stats.drops[Drop.UnexpectedChunk]++; return; }
    // Stateless answer (§5.1.3): everything we need later is in the signed cookie. In
    // COOKIE-WAIT/ECHOED this is the collision case (§5.2.1): same tag and TSN as our INIT.
    const cookie = makeCookie(this.options.cookieSecret, this.localTag, this.localInitialTsn, initF, now, this.options.localPort, this.options.remotePort);
    const peerTag = initF.initiateTag;
    this.sendAlone((b, o) => writeInit(b, o, this.initParams(), cookie), peerTag);
  }

  private onInitAck(buf: Buffer, p: number, l: number, now: number): void {
    if (this.state !== 'cookie-wait') { this.stats.drops[Drop.UnexpectedChunk]++; return; }
    if (readInit(buf, p, l, initF) !== Drop.None || initF.cookieOffset < 0) { this.stats.drops[Drop.BadChunk]++; return; }
    this.adoptPeer(initF.initiateTag, initF.rwnd, initF.outboundStreams, initF.inboundStreams, initF.initialTsn, initF.forwardTsn, initF.reconfig);
    this.cookie = Buffer.from(buf.subarray(initF.cookieOffset, initF.cookieOffset + initF.cookieLength));
    this.setState('cookie-echoed');
    this.t1Retries = 0;
    this.queueCtrl((b, o) => writeCookieEcho(b, o, this.cookie!), 4 + this.cookie.length);
    this.timers.start(Timer.T1, now + this.t1Rto);
  }

  /** Returns false when the rest of the packet must be ignored. */
  private onCookieEcho(buf: Buffer, p: number, l: number, now: number): boolean {
    const o = this.options;
    const st = openCookie(o.cookieSecret, buf, p + 4, l - 4, now, o.cookieLifetimeMs, cookieS);
    if (st !== Drop.None || cookieS.localTag !== this.localTag) { this.stats.drops[Drop.BadCookie]++; return false; }
    if (this.state === 'established' || this.state.startsWith('shutdown')) {
      // §5.2.4 case D (tags match): our COOKIE ACK was lost; send it again. Restart (new peer tag) is not supported.
      if (cookieS.peerTag !== this.peerTag) { this.stats.drops[Drop.UnexpectedChunk]++; return false; }
      this.queueCtrl((b, q) => writeEmptyChunk(b, q, ChunkType.CookieAck), 4);
      return true;
    }
    this.adoptPeer(cookieS.peerTag, cookieS.peerRwnd, cookieS.peerOutboundStreams, cookieS.peerInboundStreams, cookieS.peerInitialTsn, cookieS.forwardTsn, cookieS.reconfig);
    this.queueCtrl((b, q) => writeEmptyChunk(b, q, ChunkType.CookieAck), 4);
    this.establish(now);
    return true;
  }

  private onSack(buf: Buffer, p: number, l: number, now: number): boolean {
    if (readSack(buf, p, l, sackF) !== Drop.None) { this.violation(Drop.BadChunk, 'malformed SACK'); return false; }
    if (!(this.state === 'established' || this.state.startsWith('shutdown'))) { this.stats.drops[Drop.UnexpectedChunk]++; return true; }
    this.ackProgress(this.sender.onSack(sackF, sackF.cumulativeTsnAck, sackF.rwnd, now), now);
    return true;
  }

  private ackProgress(progressed: boolean, now: number): void {
    if (progressed) this.errorCount = 0;
    if (!this.sender.needsT3) this.timers.stop(Timer.T3);
    else if (progressed) this.timers.start(Timer.T3, now + this.rto.rto);
  }

  private onForwardTsn(buf: Buffer, p: number, l: number): boolean {
    if (!this.forwardTsn || this.state !== 'established' && !this.state.startsWith('shutdown')) { this.stats.drops[Drop.UnexpectedChunk]++; return true; }
    if (readForwardTsn(buf, p, l, fwdF) !== Drop.None) { this.violation(Drop.BadChunk, 'malformed FORWARD TSN'); return false; }
    const n = Math.min(fwdF.streamCount, fwdIds.length);
    for (let i = 0; i < n; i++) { fwdIds[i] = fwdF.stream(i); fwdSsns[i] = fwdF.ssn(i); }
    this.tsn.forwardTo(fwdF.newCumulativeTsn);
    if (this.reasm.forward(fwdF.newCumulativeTsn, fwdIds, fwdSsns, n) === Reassembled.TooLarge) {
      this.violation(Drop.ReceiveBufferFull, 'message above max-message-size', CauseCode.OutOfResource, 'receive-buffer-full');
      return false;
    }
    this.queueDeferredReset();
    return true;
  }

  private onReconfig(buf: Buffer, p: number, l: number, now: number): boolean {
    if (!this.reconfig || this.state !== 'established') { this.stats.drops[Drop.UnexpectedChunk]++; return true; }
    if (checkReconfig(buf, p, l) !== Drop.None) { this.violation(Drop.BadChunk, 'malformed RE-CONFIG'); return false; }
    for (let q = p + 4; q < p + l;) {
      const n = readReconfigParam(buf, q, rcfg);
      if (n < 0) { this.violation(Drop.BadChunk, 'malformed RE-CONFIG parameter'); return false; }
      q += n;
      if (rcfg.type === ParamType.ReconfigResponse) {
        if (this.resets.onResponse(rcfg)) { this.timers.stop(Timer.Reconfig); this.queueResetRequest(now); }
      } else if (rcfg.type === ParamType.OutgoingSsnReset || rcfg.type === ParamType.IncomingSsnReset) {
        this.queueCtrl((b, o) => this.resets.onRequest(rcfg, b, o), 20);
      } else {
        this.stats.drops[Drop.UnknownChunk]++;
      }
    }
    return true;
  }

  private onHeartbeatAck(buf: Buffer, p: number, l: number, now: number): void {
    if (readHeartbeat(buf, p, l) !== Drop.None || buf.readUInt16BE(p + 6) !== 16) { this.stats.drops[Drop.BadChunk]++; return; }
    if (buf.readUInt32BE(p + 16) !== this.hbNonce || !this.hbOutstanding) return; // not ours, or late
    const sentAt = buf.readDoubleBE(p + 8);
    this.hbOutstanding = false;
    this.errorCount = 0;
    if (sentAt <= now) this.rto.sample(now - sentAt);
  }

  private onShutdown(cum: number, now: number): void {
    if (!(this.state === 'established' || this.state.startsWith('shutdown'))) { this.stats.drops[Drop.UnexpectedChunk]++; return; }
    this.ackProgress(this.sender.onSack(null, cum, this.sender.peerRwnd + this.sender.flight, now), now);
    if (this.state === 'established' || this.state === 'shutdown-pending') this.setState('shutdown-received');
    else if (this.state === 'shutdown-sent') { this.sendShutdownAck(now); }
  }

  // ---- state -------------------------------------------------------------------

  private adoptPeer(tag: number, rwnd: number, os: number, mis: number, initialTsn: number, fwd: boolean, reconfig: boolean): void {
    this.peerTag = tag;
    this.peerRwnd = rwnd;
    this.peerOs = os;
    this.peerMis = mis;
    this.peerInitialTsn = initialTsn;
    this.forwardTsn = fwd;
    this.reconfig = reconfig;
  }

  private establish(now: number): void {
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

  private setState(s: SctpState): void {
    if (this.state === s) return;
    this.state = s;
    this.onStateChange(s);
  }

  private violation(reason: number, message: string, cause: number = CauseCode.ProtocolViolation, code: SctpErrorCode = 'malformed-packet'): void {
    this.stats.drops[reason]++;
    this.sendAbort(cause, Buffer.from(message));
    this.die(code, message);
  }

  private die(code: SctpErrorCode | null, message: string, local = false): void {
    if (this.closed) return;
    const err = code ? new SctpError(code, message) : null;
    this.closedReason = err;
    this.timers.stopAll();
    if (this.hostTimer) { clearTimeout(this.hostTimer); this.hostTimer = null; }
    this.armedAt = Infinity;
    this.sender.clear();
    this.ctrlLen = 0;
    this.state = 'closed';
    void local;
    this.onStateChange('closed');
    this.onClose(err);
  }

  // ---- timers ------------------------------------------------------------------

  private onTimer(t: number, now: number): void {
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

  private arm(now: number): void {
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

  private scheduleFlush(): void {
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
  private queueCtrl(write: (b: Buffer, off: number) => number, maxLen: number): void {
    if (this.ctrlLen + maxLen > this.ctrl.length || maxLen > this.options.mtu - 12) return; // dropped: the peer retries
    this.ctrlLen += write(this.ctrl, this.ctrlLen);
  }

  private queueDeferredReset(): void {
    if (this.state === 'established') this.queueCtrl((b, o) => this.resets.writeDeferred(b, o), 16);
  }

  private queueResetRequest(now: number): void {
    if (this.state !== 'established' || this.resets.outstanding || !this.resets.canRequest) return;
    const before = this.ctrlLen;
    this.queueCtrl((b, o) => this.resets.writeRequest(b, o, false), 16 + 2 * 512);
    if (this.ctrlLen > before) this.timers.start(Timer.Reconfig, now + this.rto.rto);
  }

  private flush(now: number): void {
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
      this.inOutput = true;
      try { o.output(buf, p); } finally { this.inOutput = false; }
      if (this.closed) return;
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

  private sendShutdownAck(now: number): void {
    this.setState('shutdown-ack-sent');
    this.t2Retries = 0;
    this.timers.stop(Timer.T3);
    this.queueCtrl((b, q) => writeEmptyChunk(b, q, ChunkType.ShutdownAck), 4);
    this.timers.start(Timer.T2, now + this.rto.rto);
  }

  private initParams() {
    const o = this.options;
    return { initiateTag: this.localTag, rwnd: o.receiveBufferBytes, outboundStreams: o.maxStreams, inboundStreams: o.maxStreams, initialTsn: this.localInitialTsn };
  }

  private sendInit(): void { this.sendAlone((b, o) => writeInit(b, o, this.initParams()), 0); }

  private sendAbort(cause: number, info: Buffer): void {
    this.sendAlone((b, o) => writeCause(b, o, ChunkType.Abort, 0, cause, info.length > 256 ? info.subarray(0, 256) : info), this.peerTag);
  }

  /** A packet with one chunk, sent now (INIT, INIT ACK, ABORT, SHUTDOWN COMPLETE are never bundled). */
  private sendAlone(write: (b: Buffer, off: number) => number, vtag: number): void {
    const o = this.options;
    const buf = this.out;
    const p = writeCommonHeader(buf, 0, o.localPort, o.remotePort, vtag);
    const n = p + write(buf, p);
    finishPacket(buf, 0, n);
    this.stats.packetsSent++;
    this.inOutput = true;
    try { o.output(buf, n); } finally { this.inOutput = false; }
  }
}

function noop(): void { /* default callback */ }
