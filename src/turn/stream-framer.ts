// Splits a TCP byte stream from a TURN client into messages (RFC 8656 §12.5): STUN
// messages (first two bits 00, 20 + length bytes) and ChannelData (bits 01, 4 + length
// padded to 4). Whole messages inside a chunk are handed out in place; only a message
// split across chunks is copied, into one bounded buffer per connection.
import { CHANNEL_DATA_HEADER } from './constants.js';

/** The largest frame: a STUN header and a 65535-byte body (ChannelData tops out at 65542). */
export const MAX_FRAME = 20 + 0xffff;

export type FrameHandler = (buf: Buffer, off: number, len: number) => void;

export class StreamFramer {
  #pending: Buffer | null = null;
  #have = 0;
  /** Set when the stream held something neither STUN nor ChannelData; the caller closes. */
  broken = false;
  frames = 0;

  constructor(readonly onFrame: FrameHandler) {}

  /** Feeds one chunk. False once the stream is broken (everything after is ignored). */
  push(chunk: Buffer): boolean {
    if (this.broken) return false;
    let p = 0;
    const end = chunk.length;
    if (this.#have > 0) {
      // Complete the frame split across chunks: its 4-byte start first, then the rest.
      const buf = this.#pending!;
      if (this.#have < 4) {
        const take = Math.min(4 - this.#have, end - p);
        chunk.copy(buf, this.#have, p, p + take);
        this.#have += take; p += take;
        if (this.#have < 4) return true;
      }
      const need = frameLength(buf, 0);
      if (need < 0) return this.#break();
      const take = Math.min(need - this.#have, end - p);
      chunk.copy(buf, this.#have, p, p + take);
      this.#have += take; p += take;
      if (this.#have < need) return true;
      this.#have = 0;
      this.frames++;
      this.onFrame(buf, 0, need);
      if (this.broken) return false;
    }
    while (p < end) {
      if (end - p < 4) { this.#stash(chunk, p, end); return true; }
      const n = frameLength(chunk, p);
      if (n < 0) return this.#break();
      if (end - p < n) { this.#stash(chunk, p, end); return true; }
      this.frames++;
      this.onFrame(chunk, p, n);
      if (this.broken) return false;
      p += n;
    }
    return true;
  }

  /** Bytes of a split frame held until the rest arrives. */
  get pendingBytes(): number { return this.#have; }

  /** Back to a fresh stream (a reused connection slot, tests); keeps the stash buffer. */
  reset(): void {
    this.#have = 0;
    this.broken = false;
    this.frames = 0;
  }

  #stash(chunk: Buffer, from: number, to: number): void {
    this.#pending ??= Buffer.allocUnsafe(MAX_FRAME);
    chunk.copy(this.#pending, 0, from, to);
    this.#have = to - from;
  }

  #break(): false {
    this.broken = true;
    this.#have = 0;
    this.#pending = null;
    return false;
  }
}

/** Wire length of the message whose 4-byte start is at buf[p..], or -1 when it is neither kind. */
export function frameLength(buf: Uint8Array, p: number): number {
  const top = buf[p] & 0xc0;
  const len = (buf[p + 2] << 8) | buf[p + 3];
  if (top === 0x00) return (len & 3) ? -1 : 20 + len;
  if (top === 0x40) return (CHANNEL_DATA_HEADER + len + 3) & ~3;
  return -1;
}
