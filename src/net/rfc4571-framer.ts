// RFC 4571 §2: RTP (and, by RFC 6544 §3, everything ICE multiplexes: STUN, DTLS, SRTCP)
// over a TCP stream, each packet preceded by a 16-bit big-endian length.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   -----------------------------------------------------------------
//   |             LENGTH            |  packet (LENGTH bytes) ...    |
//   -----------------------------------------------------------------
//
// Every frame is handed out at offset 0 of one reassembly buffer owned by the framer
// (the upper layers decrypt in place and read from offset 0), so the receive path makes
// no object per packet. Never throws: an oversize frame marks the stream broken and the
// owner closes the connection. A zero-length frame carries nothing and is skipped.

/** The frame handler; `buf[0..len)` is valid only during the call. */
export type FrameHandler = (buf: Buffer, len: number) => void;

export class Rfc4571Framer {
  readonly maxFrame: number;
  /** Set by an oversize length; everything after is ignored and the owner closes. */
  broken = false;
  frames = 0;
  emptyFrames = 0;
  #buf: Buffer | null = null;
  #hdr = 0; // length bytes read so far (0..2) of the current header
  #len = 0; // the current frame's length, once the header is complete
  #have = 0; // bytes of the current frame's body read so far

  constructor(readonly onFrame: FrameHandler, maxFrame = 0xffff) {
    this.maxFrame = Math.max(1, Math.min(0xffff, maxFrame | 0));
  }

  /** Bytes held for a frame not yet complete (header or body). */
  get pendingBytes(): number {
    return this.#hdr === 2 ? 2 + this.#have : this.#hdr;
  }

  /** Feeds chunk[off..end). False once the stream is broken. */
  push(chunk: Uint8Array, off = 0, end = chunk.length): boolean {
    if (this.broken) return false;
    let p = off;
    while (p < end) {
      if (this.#hdr < 2) {
        this.#len = (this.#len << 8) | chunk[p++];
        if (++this.#hdr < 2) continue;
        if (this.#len === 0) { this.emptyFrames++; this.#hdr = 0; continue; }
        if (this.#len > this.maxFrame) { this.broken = true; this.#buf = null; return false; }
        this.#have = 0;
        continue;
      }
      const buf = (this.#buf ??= Buffer.allocUnsafe(this.maxFrame));
      const need = this.#len - this.#have;
      const take = need < end - p ? need : end - p;
      // A short loop beats Buffer#copy (a view object per call) for packet-sized copies.
      for (let i = 0, h = this.#have; i < take; i++) buf[h + i] = chunk[p + i];
      p += take;
      this.#have += take;
      if (this.#have < this.#len) return true;
      const len = this.#len;
      this.#hdr = 0;
      this.#len = 0;
      this.#have = 0;
      this.frames++;
      this.onFrame(buf, len);
      if (this.broken) return false;
    }
    return true;
  }

  /** Drops the reassembly buffer (the connection closed). */
  reset(): void {
    this.#buf = null;
    this.#hdr = 0;
    this.#len = 0;
    this.#have = 0;
  }
}

/** Writes the 2-byte RFC 4571 length of a `len`-byte packet at buf[off]. */
export function writeFrameHeader(buf: Uint8Array, off: number, len: number): void {
  buf[off] = len >>> 8;
  buf[off + 1] = len & 0xff;
}
