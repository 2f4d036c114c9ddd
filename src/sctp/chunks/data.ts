// DATA chunk (RFC 9260 §3.3.1). The payload stays a range of the packet buffer.
//
// +---------------+---------------+-------------------------------+
// |   Type = 0    |  Res  |I|U|B|E|       Length                  |
// +---------------+---------------+-------------------------------+
// |                              TSN                              |
// |      Stream Identifier S      |   Stream Sequence Number n    |
// |                  Payload Protocol Identifier                  |
// |                 User Data (seq n of Stream S)                 |
// +---------------------------------------------------------------+
import { ChunkType, DATA_HEADER_LENGTH, Drop } from '../constants.js';
import { padChunk, writeChunkHeader } from '../packet.js';

export class DataFields {
  flags = 0;
  tsn = 0;
  streamId = 0;
  ssn = 0;
  ppid = 0;
  payloadOffset = 0;
  payloadLength = 0;
}

export function readData(buf: Buffer, p: number, l: number, out: DataFields): number {
  // §3.3.1: a DATA chunk with no user data is a protocol violation (cause No User Data).
  if (l <= DATA_HEADER_LENGTH) return Drop.BadChunk;
  out.flags = buf[p + 1];
  out.tsn = buf.readUInt32BE(p + 4);
  out.streamId = buf.readUInt16BE(p + 8);
  out.ssn = buf.readUInt16BE(p + 10);
  out.ppid = buf.readUInt32BE(p + 12);
  out.payloadOffset = p + DATA_HEADER_LENGTH;
  out.payloadLength = l - DATA_HEADER_LENGTH;
  return Drop.None;
}

/** Writes one DATA chunk carrying src[from, to); returns the padded length. */
export function writeData(
  buf: Buffer, off: number, flags: number, tsn: number, streamId: number, ssn: number, ppid: number,
  src: Buffer, from: number, to: number,
): number {
  const len = DATA_HEADER_LENGTH + (to - from);
  writeChunkHeader(buf, off, ChunkType.Data, flags, len);
  buf.writeUInt32BE(tsn >>> 0, off + 4);
  buf.writeUInt16BE(streamId, off + 8);
  buf.writeUInt16BE(ssn & 0xffff, off + 10);
  buf.writeUInt32BE(ppid >>> 0, off + 12);
  src.copy(buf, off + DATA_HEADER_LENGTH, from, to);
  return padChunk(buf, off, len);
}
