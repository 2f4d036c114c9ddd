// Test helpers: frame handshake messages into datagrams, read records back, a fake link.
import { ContentType, HandshakeType } from '../../src/dtls/constants.js';
import { HandshakeFragmentView, writeHandshakeHeader } from '../../src/dtls/handshake-header.js';
import { RecordView, writeRecordHeader } from '../../src/dtls/record.js';

/** One plaintext epoch-0 handshake record holding [offset, offset+len) of `body`. */
export function handshakeRecord(msgType: number, messageSeq: number, body: Buffer, recordSeq: number, off = 0, len = body.length - off): Buffer {
  const out = Buffer.alloc(13 + 12 + len);
  writeRecordHeader(out, 0, ContentType.handshake, 0xfefd, 0, recordSeq, 12 + len);
  writeHandshakeHeader(out, 13, msgType, body.length, messageSeq, off, len);
  body.copy(out, 25, off, off + len);
  return out;
}

export interface SeenRecord { type: number; epoch: number; seq: number; payload: Buffer }

export function records(datagram: Buffer): SeenRecord[] {
  const v = new RecordView();
  const out: SeenRecord[] = [];
  let off = 0;
  while (off < datagram.length && v.reset(datagram, off, datagram.length) === 0) {
    out.push({ type: v.type, epoch: v.epoch, seq: v.seq, payload: datagram.subarray(v.payloadOff, v.end) });
    off = v.end;
  }
  return out;
}

export interface SeenFragment { msgType: number; messageSeq: number; length: number; offset: number; body: Buffer }

/** Plaintext handshake fragments in a list of datagrams (epoch 0 only). */
export function fragments(datagrams: Buffer[]): SeenFragment[] {
  const f = new HandshakeFragmentView();
  const out: SeenFragment[] = [];
  for (const d of datagrams) {
    for (const r of records(d)) {
      if (r.type !== ContentType.handshake || r.epoch !== 0) continue;
      let off = 0;
      while (off < r.payload.length && f.reset(r.payload, off, r.payload.length)) {
        out.push({ msgType: f.msgType, messageSeq: f.messageSeq, length: f.length, offset: f.fragmentOffset, body: r.payload.subarray(f.bodyOff, f.end) });
        off = f.end;
      }
    }
  }
  return out;
}

/** Reassemble an unfragmented-or-fragmented message of `msgType` from datagrams. */
export function message(datagrams: Buffer[], msgType: number): Buffer | undefined {
  const frags = fragments(datagrams).filter((x) => x.msgType === msgType);
  if (!frags.length) return undefined;
  const body = Buffer.alloc(frags[0].length);
  for (const x of frags) x.body.copy(body, x.offset);
  return body;
}

export const HT = HandshakeType;

/** xorshift32 PRNG for deterministic lossy links. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
}
