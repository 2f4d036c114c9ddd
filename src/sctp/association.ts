// One SCTP association over DTLS (RFC 8261): the state machine of RFC 9260 §4 with the
// 4-way handshake in both roles (INIT collision per §5.2.1/§5.2.4 case D, which is how
// two WebRTC peers start: both send INIT), DATA/SACK, timers, shutdown and abort.
// Everything is driven by handlePacket() and poll(now); nothing here throws at the peer's
// input — bad packets are counted in stats.drops by reason and dropped. This file holds
// the public API and the receive side; association-core.ts the timers and transmit side.
import { CauseCode, ChunkType, Drop, ParamType } from './constants.js';
import { PacketView } from './packet.js';
import { InitFields, readInit, writeInit } from './chunks/init.js';
import { DataFields, readData } from './chunks/data.js';
import { SackFields, readSack } from './chunks/sack.js';
import { ForwardTsnFields, readForwardTsn } from './chunks/forward-tsn.js';
import { ReconfigParam, checkReconfig, readReconfigParam } from './chunks/reconfig.js';
import { FLAG_T, readFirstCause, readHeartbeat, readShutdown, writeCause, writeCookieEcho, writeEmptyChunk, writeHeartbeat } from './chunks/control.js';
import { emptyCookieState, makeCookie, openCookie } from './cookie.js';
import { Reassembled } from './reassembly.js';
import { Timer } from './timers.js';
import { SctpError } from './errors.js';
import { tsnAdd } from './serial.js';
import { AssociationCore, type SendOptions } from './association-core.js';

export type { SctpState, SendOptions, SctpStats } from './association-core.js';

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

export class SctpAssociation extends AssociationCore {
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
    this.die(null, reason);
  }

  /** Closes without telling the peer (the DTLS transport is gone). */
  close(): void { this.die(null, 'closed'); }

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
          const r = this.onData(buf, p, l);
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
  private onData(buf: Buffer, p: number, l: number): number {
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
    if (this.state.startsWith('shutdown')) { this.stats.drops[Drop.UnexpectedChunk]++; return; }
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
}
