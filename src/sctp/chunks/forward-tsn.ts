// FORWARD TSN (RFC 3758 §3.2): moves the receiver's cumulative TSN past abandoned
// chunks; the (stream, SSN) pairs let ordered streams skip the abandoned messages.
//
// +---------------+---------------+-------------------------------+
// |   Type = 192  |  Flags = 0x00 |        Length = Variable      |
// |                      New Cumulative TSN                       |
// |         Stream-1              |       Stream Sequence-1       |  ...
// +---------------------------------------------------------------+
import { ChunkType, Drop } from '../constants.js';
import { writeChunkHeader } from '../packet.js';

export class ForwardTsnFields {
  newCumulativeTsn = 0;
  streamCount = 0;
  streamsOffset = 0;
  buf: Buffer = Buffer.alloc(0);
  stream(i: number): number { return this.buf.readUInt16BE(this.streamsOffset + 4 * i); }
  ssn(i: number): number { return this.buf.readUInt16BE(this.streamsOffset + 4 * i + 2); }
}

export function readForwardTsn(buf: Buffer, p: number, l: number, out: ForwardTsnFields): number {
  if (l < 8 || (l - 8) % 4 !== 0) return Drop.BadChunk;
  out.buf = buf;
  out.newCumulativeTsn = buf.readUInt32BE(p + 4);
  out.streamCount = (l - 8) / 4;
  out.streamsOffset = p + 8;
  return Drop.None;
}

/** streams: pairs [streamId, ssn] in a flat array. */
export function writeForwardTsn(buf: Buffer, off: number, newCumTsn: number, streams: Uint16Array, count: number): number {
  const len = 8 + 4 * count;
  writeChunkHeader(buf, off, ChunkType.ForwardTsn, 0, len);
  buf.writeUInt32BE(newCumTsn >>> 0, off + 4);
  for (let i = 0; i < count; i++) {
    buf.writeUInt16BE(streams[2 * i], off + 8 + 4 * i);
    buf.writeUInt16BE(streams[2 * i + 1], off + 10 + 4 * i);
  }
  return len;
}
