// Handshake reassembly (RFC 6347 §4.2.3): fragments may arrive out of order, repeated or
// overlapping; messages are released strictly in message_seq order. Memory is bounded:
// messages over MAX_HANDSHAKE_MESSAGE are refused, and only a few future messages are held.
import { MAX_HANDSHAKE_MESSAGE } from './constants.js';
import type { HandshakeFragmentView } from './handshake-header.js';

export const FragmentStatus = {
  /** Stored (or already had those bytes). */
  accepted: 0,
  /** message_seq below the next expected: the peer is retransmitting an old flight. */
  old: 1,
  /** Too far ahead of the expected message; dropped. */
  future: 2,
  /** Inconsistent with earlier fragments of the same message (type/length), or too large. */
  invalid: 3,
  tooLarge: 4,
} as const;

/** How far ahead of the expected message_seq we hold fragments. */
const LOOKAHEAD = 8;
/** Total bytes held across all partial messages. */
const MAX_HELD_BYTES = 2 * MAX_HANDSHAKE_MESSAGE;

interface Partial {
  msgType: number;
  epoch: number;
  body: Buffer;
  have: Uint8Array;
  missing: number;
}

export interface HandshakeMessage {
  msgType: number;
  /** Epoch of the records that carried it (Finished must arrive in epoch 1). */
  epoch: number;
  messageSeq: number;
  body: Buffer;
}

export class Reassembler {
  /** message_seq of the next message to release. */
  nextSeq = 0;
  #partials = new Map<number, Partial>();
  #held = 0;

  /** Add one fragment (view over `buf`). */
  add(frag: HandshakeFragmentView, buf: Buffer, epoch: number): number {
    const seq = frag.messageSeq;
    if (seq < this.nextSeq) return FragmentStatus.old;
    if (seq >= this.nextSeq + LOOKAHEAD) return FragmentStatus.future;
    if (frag.length > MAX_HANDSHAKE_MESSAGE) return FragmentStatus.tooLarge;
    let p = this.#partials.get(seq);
    if (!p) {
      if (this.#held + frag.length > MAX_HELD_BYTES) return FragmentStatus.future;
      p = { msgType: frag.msgType, epoch, body: Buffer.alloc(frag.length), have: new Uint8Array(frag.length), missing: frag.length };
      this.#partials.set(seq, p);
      this.#held += frag.length;
    } else if (p.msgType !== frag.msgType || p.body.length !== frag.length || p.epoch !== epoch) {
      return FragmentStatus.invalid;
    }
    const start = frag.fragmentOffset;
    buf.copy(p.body, start, frag.bodyOff, frag.bodyOff + frag.fragmentLength);
    for (let i = start, e = start + frag.fragmentLength; i < e; i++) {
      if (p.have[i] === 0) { p.have[i] = 1; p.missing--; }
    }
    return FragmentStatus.accepted;
  }

  /** The next complete message in order, or null. Advances nextSeq. */
  next(): HandshakeMessage | null {
    const p = this.#partials.get(this.nextSeq);
    if (!p || p.missing !== 0) return null;
    this.#partials.delete(this.nextSeq);
    this.#held -= p.body.length;
    return { msgType: p.msgType, epoch: p.epoch, messageSeq: this.nextSeq++, body: p.body };
  }

  /** Bytes currently held in partial messages (for tests of the bound). */
  get heldBytes(): number { return this.#held; }

  reset(nextSeq: number): void {
    this.#partials.clear();
    this.#held = 0;
    this.nextSeq = nextSeq;
  }
}
