// Outgoing flights (RFC 6347 §4.2.4): the messages of one flight are kept so the whole
// flight can be sent again on timeout; each (re)send frames them into fresh records
// (new sequence numbers) and packs records into datagrams of at most `mtu` bytes,
// fragmenting handshake messages as needed (RFC 6347 §4.2.3).
import { ContentType, HANDSHAKE_HEADER_LEN } from './constants.js';
import { writeHandshakeHeader } from './handshake-header.js';
import type { RecordLayer } from './record-layer.js';

export interface OutMessage {
  /** A handshake message, or the ChangeCipherSpec that switches later messages to epoch 1. */
  kind: 'handshake' | 'ccs';
  msgType: number;
  messageSeq: number;
  body: Buffer;
  epoch: number;
}

/** Smallest handshake fragment worth starting in a partly filled datagram. */
const MIN_FRAGMENT = 32;
const CCS_BODY = Buffer.from([1]);

/** Frame `messages` into datagrams. Returns the datagrams (each a fresh Buffer). */
export function packFlight(messages: readonly OutMessage[], records: RecordLayer, mtu: number): Buffer[] {
  const out: Buffer[] = [];
  let dgram = Buffer.alloc(mtu);
  let used = 0;
  const flush = () => {
    if (used > 0) out.push(dgram.subarray(0, used));
    dgram = Buffer.alloc(mtu);
    used = 0;
  };
  for (const m of messages) {
    const overhead = records.overhead(m.epoch);
    if (m.kind === 'ccs') {
      if (used + overhead + 1 > mtu) flush();
      used += records.write(ContentType.changeCipherSpec, m.epoch, CCS_BODY, dgram, used);
      continue;
    }
    const total = m.body.length;
    let fragOff = 0;
    do {
      let room = mtu - used - overhead - HANDSHAKE_HEADER_LEN;
      if (room < Math.min(MIN_FRAGMENT, total - fragOff)) {
        flush();
        room = mtu - overhead - HANDSHAKE_HEADER_LEN;
      }
      if (room <= 0) throw new RangeError(`dtls: mtu ${mtu} too small`);
      const fragLen = Math.min(room, total - fragOff);
      const plain = Buffer.alloc(HANDSHAKE_HEADER_LEN + fragLen);
      writeHandshakeHeader(plain, 0, m.msgType, total, m.messageSeq, fragOff, fragLen);
      m.body.copy(plain, HANDSHAKE_HEADER_LEN, fragOff, fragOff + fragLen);
      used += records.write(ContentType.handshake, m.epoch, plain, dgram, used);
      fragOff += fragLen;
    } while (fragOff < total);
  }
  flush();
  return out;
}
