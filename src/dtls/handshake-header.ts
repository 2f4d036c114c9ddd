// DTLS handshake header (RFC 6347 §4.2.2):
//   msg_type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3) | fragment
import { HANDSHAKE_HEADER_LEN } from './constants.js';

export class HandshakeFragmentView {
  msgType = 0;
  length = 0;
  messageSeq = 0;
  fragmentOffset = 0;
  fragmentLength = 0;
  bodyOff = 0;
  end = 0;

  /** Parse the fragment at `off` (within `end`); returns true when well-formed. Never throws. */
  reset(buf: Buffer, off: number, end: number): boolean {
    if (end - off < HANDSHAKE_HEADER_LEN) return false;
    this.msgType = buf[off];
    this.length = buf.readUIntBE(off + 1, 3);
    this.messageSeq = buf.readUInt16BE(off + 4);
    this.fragmentOffset = buf.readUIntBE(off + 6, 3);
    this.fragmentLength = buf.readUIntBE(off + 9, 3);
    this.bodyOff = off + HANDSHAKE_HEADER_LEN;
    this.end = this.bodyOff + this.fragmentLength;
    if (this.end > end) return false;
    if (this.fragmentOffset + this.fragmentLength > this.length) return false;
    return true;
  }
}

/** The header of an unfragmented message, as it is hashed into the transcript (RFC 6347 §4.2.6). */
export function writeHandshakeHeader(out: Buffer, off: number, msgType: number, length: number, messageSeq: number, fragOff: number, fragLen: number): number {
  out[off] = msgType;
  out.writeUIntBE(length, off + 1, 3);
  out.writeUInt16BE(messageSeq, off + 4);
  out.writeUIntBE(fragOff, off + 6, 3);
  out.writeUIntBE(fragLen, off + 9, 3);
  return HANDSHAKE_HEADER_LEN;
}

/** header(fragment = whole message) + body: the form hashed in the transcript. */
export function wholeMessage(msgType: number, messageSeq: number, body: Buffer): Buffer {
  const out = Buffer.alloc(HANDSHAKE_HEADER_LEN + body.length);
  writeHandshakeHeader(out, 0, msgType, body.length, messageSeq, 0, body.length);
  body.copy(out, HANDSHAKE_HEADER_LEN);
  return out;
}
