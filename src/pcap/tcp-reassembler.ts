// TCP stream reassembly for captures: per direction of each connection (4-tuple), bytes
// come out in sequence order. Retransmitted and overlapping bytes are trimmed (counted),
// segments ahead of the next expected byte wait in a bounded per-stream queue; when the
// queue passes its bound (or at finish()), the hole is skipped: the stream resynchronises
// at the earliest waiting segment, the gap is counted and the consumer is told (onGap),
// so a deframer can look for the next frame start. Memory is bounded: per stream by
// maxPendingBytes / maxPendingSegments, in streams by maxStreams (oldest evicted).
// In-order segments are handed out in place (no copy); only early ones are copied.
import type { TcpLocation } from './tcp-segment.js';
import { TCP_SYN, TCP_RST } from './tcp-segment.js';
import { UdpFlow } from './udp-locator.js';

export interface TcpReassemblerOptions {
  /** Bytes held ahead of a hole per stream before it is skipped. Default 1 MiB. */
  maxPendingBytes?: number;
  /** Segments held ahead of a hole per stream. Default 1024. */
  maxPendingSegments?: number;
  /** Streams tracked at once (the least recently used is dropped). Default 4096. */
  maxStreams?: number;
  /** A segment further ahead than this is taken as a restart of the stream there. Default 64 MiB. */
  maxJump?: number;
}

export interface TcpCounts {
  segments: number;
  /** Payload bytes delivered in order. */
  bytes: number;
  /** Segments that arrived ahead of a hole (held, delivered later). */
  outOfOrder: number;
  /** Segments wholly already seen (retransmissions, duplicates). */
  retransmitted: number;
  /** Bytes trimmed because they were already delivered (retransmitted + overlapping). */
  overlapBytes: number;
  /** Holes skipped and their bytes (never captured). */
  gaps: number;
  gapBytes: number;
  /** Bytes that could not be placed: dropped with an evicted stream or a jump. */
  unplacedBytes: number;
  streams: number;
}

interface Held { seq: number; data: Buffer }

/** One direction of a TCP connection. `user` is for the consumer (its deframer). */
export class TcpStream<U = unknown> {
  readonly flow = new UdpFlow();
  nextSeq = 0;
  started = false;
  readonly held: Held[] = [];
  heldBytes = 0;
  user: U | undefined;
  constructor(readonly key: string) {}
}

export type TcpDataHandler<U> = (s: TcpStream<U>, buf: Uint8Array, off: number, len: number) => void;

export class TcpReassembler<U = unknown> {
  readonly counts: TcpCounts = { segments: 0, bytes: 0, outOfOrder: 0, retransmitted: 0, overlapBytes: 0, gaps: 0, gapBytes: 0, unplacedBytes: 0, streams: 0 };
  readonly streams = new Map<string, TcpStream<U>>();
  private readonly maxBytes: number;
  private readonly maxSegs: number;
  private readonly maxStreams: number;
  private readonly maxJump: number;

  constructor(
    private readonly onData: TcpDataHandler<U>,
    private readonly onGap: (s: TcpStream<U>) => void = () => {},
    opts: TcpReassemblerOptions = {},
  ) {
    this.maxBytes = opts.maxPendingBytes ?? 1 << 20;
    this.maxSegs = opts.maxPendingSegments ?? 1024;
    this.maxStreams = opts.maxStreams ?? 4096;
    this.maxJump = opts.maxJump ?? 64 << 20;
  }

  /** The stream of a located segment (created on first sight). */
  stream(l: TcpLocation): TcpStream<U> {
    const key = l.ipVersion === 4 ? `${l.srcIp}:${l.srcPort}>${l.dstIp}:${l.dstPort}` : `${hex(l.src6)}:${l.srcPort}>${hex(l.dst6)}:${l.dstPort}`;
    let s = this.streams.get(key);
    if (s) { this.streams.delete(key); this.streams.set(key, s); return s; } // keep LRU order
    if (this.streams.size >= this.maxStreams) {
      const [k, old] = this.streams.entries().next().value as [string, TcpStream<U>];
      this.counts.unplacedBytes += old.heldBytes;
      this.streams.delete(k);
    }
    s = new TcpStream<U>(key);
    const f = s.flow;
    f.ipVersion = l.ipVersion; f.srcIp = l.srcIp; f.dstIp = l.dstIp; f.src6.set(l.src6); f.dst6.set(l.dst6); f.srcPort = l.srcPort; f.dstPort = l.dstPort;
    this.streams.set(key, s);
    this.counts.streams++;
    return s;
  }

  /** Feed one located segment (payload in buf at l.payloadOffset). Returns its stream. */
  segment(buf: Uint8Array, l: TcpLocation): TcpStream<U> {
    const s = this.stream(l), c = this.counts;
    c.segments++;
    let seq = l.seq;
    let off = l.payloadOffset, len = l.payloadLength;
    if (l.flags & TCP_RST) return s;
    if (l.flags & TCP_SYN) {
      // a new connection on this 4-tuple: whatever waited for the old one is lost
      if (s.started && s.heldBytes) { c.unplacedBytes += s.heldBytes; s.held.length = 0; s.heldBytes = 0; }
      if (s.started) this.onGap(s);
      s.started = true;
      s.nextSeq = (seq + 1) >>> 0;
      seq = s.nextSeq;
    }
    if (len === 0) return s;
    if (!s.started) { s.started = true; s.nextSeq = seq; } // capture began mid-stream
    const d = (seq - s.nextSeq) | 0;
    if (d > this.maxJump || d < -this.maxJump) {
      // far away: a restarted stream (or garbage); resynchronise here
      c.unplacedBytes += s.heldBytes; s.held.length = 0; s.heldBytes = 0;
      c.gaps++;
      s.nextSeq = seq;
      this.onGap(s);
    } else if (d > 0) {
      this.hold(s, seq, buf, off, len);
      return s;
    } else if (d < 0) {
      const dup = Math.min(-d, len);
      c.overlapBytes += dup;
      if (dup === len) { c.retransmitted++; return s; }
      off += dup; len -= dup;
    }
    this.deliver(s, buf, off, len);
    this.drain(s);
    return s;
  }

  /** End of capture: skip every remaining hole and deliver what waited behind it. */
  finish(): void {
    for (const s of this.streams.values()) while (s.held.length) this.skipHole(s);
  }

  private hold(s: TcpStream<U>, seq: number, buf: Uint8Array, off: number, len: number): void {
    const c = this.counts;
    c.outOfOrder++;
    // sorted insert by distance from nextSeq (wrap-safe); duplicates of a held start are dropped
    const d = (seq - s.nextSeq) | 0;
    let i = s.held.length;
    while (i > 0 && ((s.held[i - 1].seq - s.nextSeq) | 0) > d) i--;
    if (i > 0 && s.held[i - 1].seq === seq && s.held[i - 1].data.length >= len) { c.retransmitted++; c.overlapBytes += len; return; }
    s.held.splice(i, 0, { seq, data: Buffer.from(buf.subarray(off, off + len)) });
    s.heldBytes += len;
    while (s.heldBytes > this.maxBytes || s.held.length > this.maxSegs) this.skipHole(s);
  }

  /** Jump over the hole before the earliest held segment. */
  private skipHole(s: TcpStream<U>): void {
    const first = s.held[0];
    const gap = (first.seq - s.nextSeq) | 0;
    if (gap > 0) {
      this.counts.gaps++;
      this.counts.gapBytes += gap;
      s.nextSeq = first.seq;
      this.onGap(s);
    }
    this.drain(s);
  }

  private drain(s: TcpStream<U>): void {
    const c = this.counts;
    while (s.held.length) {
      const h = s.held[0];
      const d = (h.seq - s.nextSeq) | 0;
      if (d > 0) return;
      s.held.shift();
      s.heldBytes -= h.data.length;
      const dup = Math.min(-d, h.data.length);
      if (dup) c.overlapBytes += dup;
      if (dup < h.data.length) this.deliver(s, h.data, dup, h.data.length - dup);
    }
  }

  private deliver(s: TcpStream<U>, buf: Uint8Array, off: number, len: number): void {
    this.counts.bytes += len;
    s.nextSeq = (s.nextSeq + len) >>> 0;
    this.onData(s, buf, off, len);
  }
}

function hex(b: Uint8Array): string { return Buffer.from(b).toString('hex'); }
