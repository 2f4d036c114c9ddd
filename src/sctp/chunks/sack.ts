// SACK (RFC 9260 §3.3.4): cumulative TSN ack, a_rwnd, gap ack blocks (offsets from the
// cumulative ack) and duplicate TSNs. Read in place; the association walks the blocks.
//
// +---------------+---------------+-------------------------------+
// |   Type = 3    |Chunk  Flags   |      Chunk Length             |
// |                      Cumulative TSN Ack                       |
// |          Advertised Receiver Window Credit (a_rwnd)           |
// | Number of Gap Ack Blocks = N  |  Number of Duplicate TSNs = M |
// |    Gap Ack Block #1 Start     |   Gap Ack Block #1 End        |  ... N
// |                       Duplicate TSN 1                         |  ... M
// +---------------------------------------------------------------+
import { ChunkType, Drop } from '../constants.js';
import { writeChunkHeader } from '../packet.js';

export class SackFields {
  cumulativeTsnAck = 0;
  rwnd = 0;
  gapCount = 0;
  dupCount = 0;
  /** Offset of the first gap block in the buffer. */
  gapsOffset = 0;
  buf: Buffer = Buffer.alloc(0);
  gapStart(i: number): number { return this.buf.readUInt16BE(this.gapsOffset + 4 * i); }
  gapEnd(i: number): number { return this.buf.readUInt16BE(this.gapsOffset + 4 * i + 2); }
  dupTsn(i: number): number { return this.buf.readUInt32BE(this.gapsOffset + 4 * this.gapCount + 4 * i); }
}

export function readSack(buf: Buffer, p: number, l: number, out: SackFields): number {
  if (l < 16) return Drop.BadChunk;
  out.buf = buf;
  out.cumulativeTsnAck = buf.readUInt32BE(p + 4);
  out.rwnd = buf.readUInt32BE(p + 8);
  out.gapCount = buf.readUInt16BE(p + 12);
  out.dupCount = buf.readUInt16BE(p + 14);
  out.gapsOffset = p + 16;
  if (16 + 4 * (out.gapCount + out.dupCount) > l) return Drop.BadChunk;
  for (let i = 0; i < out.gapCount; i++) {
    const s = out.gapStart(i);
    // Blocks are offsets >= 1 with start <= end (§3.3.4); anything else is malformed.
    if (s === 0 || out.gapEnd(i) < s) return Drop.BadChunk;
  }
  return Drop.None;
}

/**
 * Writes a SACK; gaps are [start, end] offset pairs in `gaps` (2*gapCount entries),
 * dups are TSNs. Returns the length (always a multiple of 4).
 */
export function writeSack(
  buf: Buffer, off: number, cumTsn: number, rwnd: number,
  gaps: Uint16Array, gapCount: number, dups: Uint32Array, dupCount: number,
): number {
  const len = 16 + 4 * (gapCount + dupCount);
  writeChunkHeader(buf, off, ChunkType.Sack, 0, len);
  buf.writeUInt32BE(cumTsn >>> 0, off + 4);
  buf.writeUInt32BE(rwnd >>> 0, off + 8);
  buf.writeUInt16BE(gapCount, off + 12);
  buf.writeUInt16BE(dupCount, off + 14);
  let p = off + 16;
  for (let i = 0; i < gapCount; i++) {
    buf.writeUInt16BE(gaps[2 * i], p);
    buf.writeUInt16BE(gaps[2 * i + 1], p + 2);
    p += 4;
  }
  for (let i = 0; i < dupCount; i++) { buf.writeUInt32BE(dups[i] >>> 0, p); p += 4; }
  return len;
}
