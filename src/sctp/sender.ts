// The sending half of an association: the queue of user messages, fragmentation into
// DATA chunks, the in-flight list (TSNs are consecutive, so a TSN's index is its distance
// from the head), SACK processing (RFC 9260 §6.2.1, §7.2.4 fast retransmit), the T3-rtx
// decisions (§6.3.3) and partial reliability (RFC 3758 §3.5: abandon, Advanced.Peer.Ack.Point).
import { DataFlag } from './constants.js';
import { writeData } from './chunks/data.js';
import { writeForwardTsn } from './chunks/forward-tsn.js';
import type { SackFields } from './chunks/sack.js';
import type { CongestionWindow, RtoEstimator } from './congestion.js';
import { tsnAdd, tsnDiff, tsnGe, tsnGt, tsnLe } from './serial.js';

export interface OutMessage {
  streamId: number;
  ppid: number;
  data: Buffer;
  ordered: boolean;
  ssn: number;
  /** -1: reliable. */
  maxRetransmits: number;
  expiresAt: number;
  /** Bytes of data already cut into chunks. */
  offset: number;
  abandoned: boolean;
}

interface OutChunk {
  tsn: number;
  msg: OutMessage;
  flags: number;
  from: number;
  to: number;
  sentAt: number;
  transmits: number;
  missReports: number;
  acked: boolean;
  inFlight: boolean;
  retransmit: boolean;
  abandoned: boolean;
}

export interface SenderHooks {
  /** Bytes of `streamId` left the send queue (first transmission or dropped unsent). */
  onDequeued(streamId: number, bytes: number): void;
}

export class Sender {
  nextTsn = 0;
  cumAck = 0;
  advancedPeerAckPoint = 0;
  flight = 0;
  peerRwnd = 0;
  /** Bytes held (queued + in flight, acked or not): the send buffer limit applies here. */
  buffered = 0;
  forwardTsnNeeded = false;
  partialReliability = false;
  /** Counters for stats. */
  retransmits = 0;
  fastRetransmits = 0;
  abandonedMessages = 0;
  dataChunksSent = 0;

  private readonly queue: OutMessage[] = [];
  private queueHead = 0;
  private readonly inflight: OutChunk[] = [];
  private head = 0;
  private fastRtxBudget = false;
  private readonly fwdStreams = new Uint16Array(2 * 256);

  constructor(
    private readonly maxFragment: number,
    private readonly cwnd: CongestionWindow,
    private readonly rto: RtoEstimator,
    private readonly hooks: SenderHooks,
  ) {}

  init(initialTsn: number, peerRwnd: number, partialReliability: boolean): void {
    this.nextTsn = initialTsn >>> 0;
    this.cumAck = tsnAdd(initialTsn, -1);
    this.advancedPeerAckPoint = this.cumAck;
    this.peerRwnd = peerRwnd;
    this.partialReliability = partialReliability;
  }

  enqueue(m: OutMessage): void {
    this.queue.push(m);
    this.buffered += m.data.length;
  }

  get outstanding(): number { return this.inflight.length - this.head; }
  get queuedMessages(): number { return this.queue.length - this.queueHead; }
  /** True while some queued (not fully cut) message is on one of these streams. */
  hasQueued(streamId: number): boolean {
    for (let i = this.queueHead; i < this.queue.length; i++) if (this.queue[i].streamId === streamId) return true;
    return false;
  }
  get lastAssignedTsn(): number { return tsnAdd(this.nextTsn, -1); }
  get idle(): boolean { return this.outstanding === 0 && this.queuedMessages === 0; }
  /** T3-rtx must run while something is unacked or a FORWARD TSN is unanswered. */
  get needsT3(): boolean {
    for (let i = this.head; i < this.inflight.length; i++) if (!this.inflight[i].acked) return true;
    return false;
  }

  /** Processes a SACK (or SHUTDOWN's cumulative ack when gaps is null). Returns true if it was new. */
  onSack(s: SackFields | null, cum: number, rwnd: number, now: number): boolean {
    if (tsnGt(this.cumAck, cum)) return false; // older than what we know (§6.2.1 D-i)
    if (tsnGe(cum, this.nextTsn)) return false; // acks a TSN never sent: ignore
    const flightBefore = this.flight;
    let bytesAcked = 0;
    let rtt = -1;
    let htna = -1; // highest TSN newly acknowledged (§7.2.4 "HTNA")
    while (this.head < this.inflight.length && tsnLe(this.inflight[this.head].tsn, cum)) {
      const c = this.inflight[this.head];
      if (!c.acked) {
        if (!c.abandoned) bytesAcked += c.to - c.from;
        if (c.transmits === 1 && !c.abandoned) rtt = now - c.sentAt;
        htna = c.tsn;
      }
      this.release(c);
      this.inflight[this.head++] = undefined as unknown as OutChunk;
    }
    if (this.head > 1024 && this.head * 2 > this.inflight.length) { this.inflight.splice(0, this.head); this.head = 0; }
    const advanced = tsnGt(cum, this.cumAck);
    this.cumAck = cum;
    if (s) {
      const base = this.head < this.inflight.length ? this.inflight[this.head].tsn : this.nextTsn;
      for (let g = 0; g < s.gapCount; g++) {
        const from = tsnAdd(cum, s.gapStart(g));
        const to = tsnAdd(cum, s.gapEnd(g));
        for (let t = from; tsnLe(t, to); t = tsnAdd(t, 1)) {
          const i = this.head + tsnDiff(t, base);
          if (i < this.head || i >= this.inflight.length) break;
          const c = this.inflight[i];
          if (c.acked) continue;
          c.acked = true;
          if (c.inFlight) { c.inFlight = false; this.flight -= chunkSize(c); }
          c.retransmit = false;
          if (!c.abandoned) bytesAcked += c.to - c.from;
          if (c.transmits === 1 && !c.abandoned) rtt = now - c.sentAt;
          htna = t;
        }
      }
    }
    if (htna >= 0 || (s && s.gapCount)) this.countMisses(htna, now);
    if (rtt >= 0) this.rto.sample(rtt);
    if (this.cwnd.inFastRecovery && tsnGe(cum, this.cwnd.fastRecoveryExit)) this.cwnd.exitFastRecovery();
    this.cwnd.onAck(bytesAcked, flightBefore);
    this.peerRwnd = Math.max(0, rwnd - this.flight);
    this.advanceAckPoint();
    return advanced || bytesAcked > 0;
  }

  /** T3-rtx expired (§6.3.3): everything unacked goes again (or is abandoned). */
  onT3(now: number): void {
    this.cwnd.onTimeout();
    this.rto.backoff();
    for (let i = this.head; i < this.inflight.length; i++) {
      const c = this.inflight[i];
      if (c.acked || c.abandoned) continue;
      this.markLost(c, now);
    }
    this.advanceAckPoint();
    if (tsnGt(this.advancedPeerAckPoint, this.cumAck)) this.forwardTsnNeeded = true;
  }

  /**
   * Writes retransmissions, then new DATA, into buf[off, end) within cwnd and the peer's
   * window. Returns the new offset. `sentData` is set when any DATA was written.
   */
  fill(buf: Buffer, off: number, end: number, now: number): number {
    let p = off;
    // Retransmissions first (§6.1 rule 3 / §7.2.4 step 3: one packet ignoring cwnd).
    for (let i = this.head; i < this.inflight.length; i++) {
      const c = this.inflight[i];
      if (!c.retransmit) continue;
      if (c.msg.abandoned) { c.retransmit = false; continue; }
      if (!this.fastRtxBudget && this.flight >= this.cwnd.cwnd) return p;
      const size = chunkSize(c);
      if (p + size > end) return p;
      p += writeData(buf, p, c.flags, c.tsn, c.msg.streamId, c.msg.ssn, c.msg.ppid, c.msg.data, c.from, c.to);
      c.retransmit = false;
      c.transmits++;
      c.sentAt = now;
      c.inFlight = true;
      this.flight += size;
      this.retransmits++;
    }
    this.fastRtxBudget = false;
    // New data.
    while (this.queueHead < this.queue.length) {
      const m = this.queue[this.queueHead];
      if (m.abandoned || (m.offset === 0 && now >= m.expiresAt)) {
        // Never sent and already dead (maxPacketLifeTime): dropped without using a TSN.
        if (!m.abandoned) { this.abandonedMessages++; m.abandoned = true; }
        this.hooks.onDequeued(m.streamId, m.data.length - m.offset);
        this.buffered -= m.data.length - m.offset;
        this.popQueue();
        continue;
      }
      if (m.offset > 0 && now >= m.expiresAt) { this.abandon(m); continue; }
      const len = Math.min(this.maxFragment, m.data.length - m.offset);
      const size = 16 + len;
      if (this.flight > 0 && this.flight + size > this.cwnd.cwnd + this.cwnd.mtu) break;
      if (this.flight > 0 && size > this.peerRwnd) break; // zero-window probe only with nothing in flight
      if (p + ((size + 3) & ~3) > end) break;
      let flags = m.ordered ? 0 : DataFlag.Unordered;
      if (m.offset === 0) flags |= DataFlag.Begin;
      if (m.offset + len === m.data.length) flags |= DataFlag.End;
      const c: OutChunk = {
        tsn: this.nextTsn, msg: m, flags, from: m.offset, to: m.offset + len, sentAt: now, transmits: 1,
        missReports: 0, acked: false, inFlight: true, retransmit: false, abandoned: false,
      };
      this.nextTsn = tsnAdd(this.nextTsn, 1);
      this.inflight.push(c);
      p += writeData(buf, p, flags, c.tsn, m.streamId, m.ssn, m.ppid, m.data, c.from, c.to);
      m.offset += len;
      this.flight += size;
      this.peerRwnd = Math.max(0, this.peerRwnd - size);
      this.dataChunksSent++;
      this.hooks.onDequeued(m.streamId, len);
      if (m.offset === m.data.length) this.popQueue();
    }
    return p;
  }

  /** Writes the FORWARD TSN for the current Advanced.Peer.Ack.Point (RFC 3758 §3.5 C). */
  writeForwardTsn(buf: Buffer, off: number, room: number): number {
    let n = 0;
    for (let i = this.head; i < this.inflight.length; i++) {
      const c = this.inflight[i];
      if (tsnGt(c.tsn, this.advancedPeerAckPoint)) break;
      if (!c.msg.ordered) continue;
      let k = 0;
      while (k < n && this.fwdStreams[2 * k] !== c.msg.streamId) k++;
      if (k === n) {
        if (n === 256 || 8 + 4 * (n + 1) > room) continue;
        n++;
        this.fwdStreams[2 * k] = c.msg.streamId;
      }
      this.fwdStreams[2 * k + 1] = c.msg.ssn;
    }
    this.forwardTsnNeeded = false;
    return writeForwardTsn(buf, off, this.advancedPeerAckPoint, this.fwdStreams, n);
  }

  /** Abandons every queued and in-flight message (association closing). */
  clear(): void {
    for (let i = this.queueHead; i < this.queue.length; i++) this.buffered -= this.queue[i].data.length - this.queue[i].offset;
    this.queue.length = 0;
    this.queueHead = 0;
    this.inflight.length = 0;
    this.head = 0;
    this.flight = 0;
    this.buffered = 0;
  }

  private countMisses(htna: number, now: number): void {
    if (htna < 0) return;
    let lost = false;
    let highest = this.cumAck;
    for (let i = this.head; i < this.inflight.length; i++) {
      const c = this.inflight[i];
      if (!tsnGt(htna, c.tsn)) break;
      if (c.acked || c.abandoned || c.retransmit) continue;
      if (++c.missReports === 3) {
        c.missReports = 0;
        this.markLost(c, now);
        if (!c.abandoned) { this.fastRetransmits++; lost = true; }
      }
    }
    for (let i = this.inflight.length - 1; i >= this.head; i--) if (this.inflight[i].inFlight) { highest = this.inflight[i].tsn; break; }
    if (lost) {
      this.cwnd.onFastRetransmit(highest);
      this.fastRtxBudget = true;
    }
  }

  /** A chunk is lost: retransmit it, unless its message's PR policy says abandon. */
  private markLost(c: OutChunk, now: number): void {
    if (c.inFlight) { c.inFlight = false; this.flight -= chunkSize(c); }
    const m = c.msg;
    if (this.partialReliability && ((m.maxRetransmits >= 0 && c.transmits > m.maxRetransmits) || now >= m.expiresAt)) {
      this.abandon(m);
      return;
    }
    c.retransmit = true;
  }

  /** RFC 3758 §3.5 A3/C: abandon every chunk of a message; the unsent rest is dropped. */
  private abandon(m: OutMessage): void {
    if (!m.abandoned) this.abandonedMessages++;
    m.abandoned = true;
    for (let i = this.head; i < this.inflight.length; i++) {
      const c = this.inflight[i];
      if (c.msg !== m || c.abandoned) continue;
      c.abandoned = true;
      c.retransmit = false;
      if (c.inFlight) { c.inFlight = false; this.flight -= chunkSize(c); }
    }
    if (m.offset < m.data.length) {
      this.hooks.onDequeued(m.streamId, m.data.length - m.offset);
      this.buffered -= m.data.length - m.offset;
      m.offset = m.data.length;
      // Still in the queue: fill() pops it when it reaches the head.
    }
    this.forwardTsnNeeded = true;
  }

  private advanceAckPoint(): void {
    if (tsnGt(this.cumAck, this.advancedPeerAckPoint)) this.advancedPeerAckPoint = this.cumAck;
    const before = this.advancedPeerAckPoint;
    for (let i = this.head; i < this.inflight.length; i++) {
      const c = this.inflight[i];
      if (c.tsn !== tsnAdd(this.advancedPeerAckPoint, 1)) break;
      if (!c.abandoned) break;
      this.advancedPeerAckPoint = c.tsn;
    }
    // C3: a FORWARD TSN goes as soon as the point moves past the cumulative ack.
    if (!tsnGt(this.advancedPeerAckPoint, this.cumAck)) this.forwardTsnNeeded = false;
    else if (this.advancedPeerAckPoint !== before) this.forwardTsnNeeded = true;
  }

  private release(c: OutChunk): void {
    if (c.inFlight) { c.inFlight = false; this.flight -= chunkSize(c); }
    this.buffered -= c.to - c.from;
  }

  private popQueue(): void {
    this.queue[this.queueHead++] = undefined as unknown as OutMessage;
    if (this.queueHead > 256 && this.queueHead * 2 > this.queue.length) { this.queue.splice(0, this.queueHead); this.queueHead = 0; }
    if (this.queueHead === this.queue.length) { this.queue.length = 0; this.queueHead = 0; }
  }
}

function chunkSize(c: OutChunk): number { return 16 + c.to - c.from; }
