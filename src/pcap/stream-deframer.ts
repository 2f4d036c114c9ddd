// Splits a reassembled TCP byte stream into the datagrams it carries:
//   RFC 4571 (ICE-TCP, RFC 6544): a 2-byte length, then that many bytes;
//   TURN over TCP (RFC 8656 §12.5): STUN messages (first bits 00, 20 + length bytes) and
//   ChannelData (first bits 01: channel 0x4000-0x7FFF as in RFC 5766, 4 + length bytes, padded to 4).
// The framing is chosen from the stream's first bytes. After a hole in the stream
// (gap()) or a header that makes no sense, it resynchronises: it scans byte by byte for
// a plausible frame start (a STUN header with the magic cookie, DTLS, RTP/RTCP, or a
// ChannelData header whose data looks like one of those) and counts what it skipped.
// Bytes go through one bounded buffer per stream (the largest frame plus a chunk).

export const Framing = { UNKNOWN: 0, RFC4571: 1, TURN: 2, NONE: 3 } as const;
export const FRAMING_NAMES = ['unknown', 'rfc4571', 'turn', 'none'];

/** A frame: RFC 4571 gives the datagram; TURN gives the whole STUN message or ChannelData (header + data, no padding). */
export type FrameHandler = (buf: Buffer, off: number, len: number, framing: number) => void;

const MAX_FRAME = 4 + 0xffff + 3;
const COOKIE = 0x2112a442;

export interface DeframerCounts {
  frames: number;
  /** Bytes skipped while looking for a frame start. */
  skippedBytes: number;
  /** Times the stream was (re)synchronised after a gap or a bad header. */
  resyncs: number;
  /** Streams that were neither RFC 4571 nor TURN framed (ignored). */
  unframed: number;
}

export function newDeframerCounts(): DeframerCounts { return { frames: 0, skippedBytes: 0, resyncs: 0, unframed: 0 }; }

export class StreamDeframer {
  framing: number = Framing.UNKNOWN;
  private buf: Buffer | null = null;
  private have = 0;
  private lost = false; // looking for a frame start
  private ended = false;

  /** `counts` may be shared by many deframers (a capture's totals). */
  constructor(private readonly onFrame: FrameHandler, readonly counts: DeframerCounts = newDeframerCounts()) {}

  /** Bytes waiting for the rest of their frame. */
  get pendingBytes(): number { return this.have; }

  /** The stream had a hole: what is buffered is unusable, look for the next frame start. */
  gap(): void {
    if (this.framing === Framing.NONE) return;
    this.counts.skippedBytes += this.have;
    this.have = 0;
    this.lost = true;
  }

  /** No more bytes will come: a resync still waiting settles on what it has. */
  end(): void {
    if (this.ended || this.framing === Framing.NONE) return;
    this.ended = true;
    if (this.have > 0) this.parse();
  }

  push(src: Uint8Array, off: number, len: number): void {
    if (this.framing === Framing.NONE) return;
    while (len > 0) {
      // grows with need only: most streams never hold more than a frame or two
      if (!this.buf || (this.buf.length - this.have < len && this.buf.length < 2 * MAX_FRAME)) {
        const nb = Buffer.allocUnsafe(Math.min(2 * MAX_FRAME, Math.max(2048, 2 * (this.buf?.length ?? 0), this.have + len)));
        if (this.buf) this.buf.copy(nb, 0, 0, this.have);
        this.buf = nb;
      }
      const b = this.buf;
      const n = Math.min(len, b.length - this.have);
      b.set(src.subarray(off, off + n), this.have);
      this.have += n; off += n; len -= n;
      this.parse();
    }
  }

  private parse(): void {
    const b = this.buf!;
    let p = 0;
    const end = this.have;
    if (this.framing === Framing.UNKNOWN) {
      if (end < 10) return;
      this.framing = detect(b, 0);
      if (this.framing === Framing.NONE) { this.counts.unframed++; this.have = 0; this.buf = null; return; }
    }
    const turn = this.framing === Framing.TURN;
    for (;;) {
      if (this.lost) {
        // resync: a plausible start whose frame ends at a plausible start (or past what we have)
        // (a candidate whose successor is not in yet waits for more bytes, so the outcome
        // does not depend on how the stream was chunked; at end() it needs only to fit)
        let found = -1, wait = -1;
        for (let q = p; q + 10 <= end; q++) {
          if (!plausible(b, q, end, turn)) continue;
          const n = frameSize(b, q, turn);
          if (q + n + 10 > end) {
            if (!this.ended) { wait = q; break; }
            if (q + n > end) continue;
          } else if (!plausible(b, q + n, end, turn)) continue;
          found = q; break;
        }
        if (wait >= 0) { this.counts.skippedBytes += wait - p; p = wait; break; }
        if (found < 0) {
          const keep = Math.min(end - p, 9);
          this.counts.skippedBytes += end - p - keep;
          p = end - keep;
          break;
        }
        this.counts.skippedBytes += found - p;
        this.counts.resyncs++;
        p = found;
        this.lost = false;
      }
      if (end - p < 4) break;
      if (!plausibleHeader(b, p, turn)) { this.lost = true; continue; }
      const n = frameSize(b, p, turn);
      if (end - p < n) break;
      this.counts.frames++;
      if (turn) {
        const top = b[p] & 0xc0;
        this.onFrame(b, p, top === 0x40 ? 4 + ((b[p + 2] << 8) | b[p + 3]) : n, Framing.TURN);
      } else this.onFrame(b, p + 2, n - 2, Framing.RFC4571);
      p += n;
    }
    if (p > 0) { b.copy(b, 0, p, end); this.have = end - p; }
  }
}

/** Framing of a stream from its first 10 bytes. */
function detect(b: Uint8Array, p: number): number {
  const top = b[p] & 0xc0;
  if (top === 0 && r32(b, p + 4) === COOKIE) return Framing.TURN;
  if (top === 0x40 && plausible(b, p, p + 10, true)) return Framing.TURN;
  if (plausible(b, p, p + 10, false)) return Framing.RFC4571;
  return Framing.NONE;
}

function frameSize(b: Uint8Array, p: number, turn: boolean): number {
  const len = (b[p + 2] << 8) | b[p + 3];
  if (!turn) return 2 + ((b[p] << 8) | b[p + 1]);
  return (b[p] & 0xc0) === 0 ? 20 + len : (4 + len + 3) & ~3;
}

/** Header checks that hold for every frame (used while in sync). */
function plausibleHeader(b: Uint8Array, p: number, turn: boolean): boolean {
  if (!turn) return ((b[p] << 8) | b[p + 1]) > 0;
  const top = b[p] & 0xc0;
  if (top === 0) return (b[p + 3] & 3) === 0;
  return top === 0x40;
}

/** Stricter: the frame starts like STUN (with cookie), DTLS or RTP/RTCP (for resync and detection). */
function plausible(b: Uint8Array, p: number, end: number, turn: boolean): boolean {
  if (end - p < 10) return true;
  if (!plausibleHeader(b, p, turn)) return false;
  if (turn) {
    if ((b[p] & 0xc0) === 0) return r32(b, p + 4) === COOKIE;
    const len = (b[p + 2] << 8) | b[p + 3];
    return len >= 4 && innerStart(b, p + 4);
  }
  const len = (b[p] << 8) | b[p + 1];
  if (len < 4) return false;
  const c = b[p + 2];
  if (c <= 3) return len >= 20 && r32(b, p + 6) === COOKIE;
  return innerStart(b, p + 2) && (c < 128 || len >= 12);
}

/** RFC 7983 first byte of a datagram: DTLS 20-63 (content types 20-25) or RTP/RTCP 128-191. */
function innerStart(b: Uint8Array, p: number): boolean {
  const c = b[p];
  return (c >= 20 && c <= 25) || (c >= 128 && c <= 191);
}

function r32(b: Uint8Array, o: number): number { return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0; }
