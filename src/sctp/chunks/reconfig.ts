// RE-CONFIG chunk (RFC 6525 §3.1) and the parameters WebRTC uses to close channels
// (RFC 8831 §6.7): Outgoing SSN Reset Request (§4.1), Incoming SSN Reset Request (§4.2),
// Re-configuration Response (§4.4). A chunk carries one or two parameters.
//
// Outgoing SSN Reset Request Parameter (type 13):
// |     Parameter Type = 13       | Parameter Length = 16 + 2 * N |
// |           Re-configuration Request Sequence Number            |
// |           Re-configuration Response Sequence Number           |
// |                Sender's Last Assigned TSN                     |
// |  Stream Number 1 (optional)   |    Stream Number 2 (optional) |
// Incoming SSN Reset Request (type 14): request seq, stream numbers.
// Re-configuration Response (type 16): response seq, result [, sender's/receiver's next TSN].
import { ChunkType, Drop, ParamType } from '../constants.js';
import { padChunk, writeChunkHeader } from '../packet.js';

export class ReconfigParam {
  type = 0;
  requestSeq = 0;   // 13, 14: request seq; 16: response seq
  responseSeq = 0;  // 13: response seq; 16: result
  lastTsn = 0;      // 13 only
  streamCount = 0;
  streamsOffset = 0;
  buf: Buffer = Buffer.alloc(0);
  stream(i: number): number { return this.buf.readUInt16BE(this.streamsOffset + 2 * i); }
}

/** Validates the chunk's parameter list (1 or 2 known parameters). Returns a Drop code. */
export function checkReconfig(buf: Buffer, p: number, l: number): number {
  let q = p + 4;
  const end = p + l;
  let n = 0;
  while (q < end) {
    if (q + 4 > end) return Drop.BadChunk;
    const pl = buf.readUInt16BE(q + 2);
    if (pl < 4 || q + pl > end) return Drop.BadChunk;
    n++;
    q += (pl + 3) & ~3;
  }
  return n === 0 || n > 2 ? Drop.BadChunk : Drop.None;
}

/** Reads the parameter at q (inside a chunk checked by checkReconfig); returns its padded length or -1. */
export function readReconfigParam(buf: Buffer, q: number, out: ReconfigParam): number {
  const type = buf.readUInt16BE(q);
  const pl = buf.readUInt16BE(q + 2);
  out.type = type;
  out.buf = buf;
  out.streamCount = 0;
  switch (type) {
    case ParamType.OutgoingSsnReset:
      if (pl < 16 || (pl - 16) % 2) return -1;
      out.requestSeq = buf.readUInt32BE(q + 4);
      out.responseSeq = buf.readUInt32BE(q + 8);
      out.lastTsn = buf.readUInt32BE(q + 12);
      out.streamsOffset = q + 16;
      out.streamCount = (pl - 16) / 2;
      break;
    case ParamType.IncomingSsnReset:
      if (pl < 8 || (pl - 8) % 2) return -1;
      out.requestSeq = buf.readUInt32BE(q + 4);
      out.streamsOffset = q + 8;
      out.streamCount = (pl - 8) / 2;
      break;
    case ParamType.ReconfigResponse:
      if (pl !== 12 && pl !== 20) return -1;
      out.requestSeq = buf.readUInt32BE(q + 4);
      out.responseSeq = buf.readUInt32BE(q + 8);
      break;
    default:
      out.type = -1; // other RE-CONFIG requests (add streams, TSN reset): not supported
  }
  return (pl + 3) & ~3;
}

/** Writes a RE-CONFIG chunk with one Outgoing SSN Reset Request; returns the padded length. */
export function writeOutgoingReset(
  buf: Buffer, off: number, reqSeq: number, respSeq: number, lastTsn: number, streams: ArrayLike<number>,
): number {
  const pl = 16 + 2 * streams.length;
  const q = off + 4;
  buf.writeUInt16BE(ParamType.OutgoingSsnReset, q);
  buf.writeUInt16BE(pl, q + 2);
  buf.writeUInt32BE(reqSeq >>> 0, q + 4);
  buf.writeUInt32BE(respSeq >>> 0, q + 8);
  buf.writeUInt32BE(lastTsn >>> 0, q + 12);
  for (let i = 0; i < streams.length; i++) buf.writeUInt16BE(streams[i], q + 16 + 2 * i);
  const padded = padChunk(buf, q, pl);
  writeChunkHeader(buf, off, ChunkType.Reconfig, 0, 4 + pl);
  return 4 + padded;
}

/** Writes a RE-CONFIG chunk with one Incoming SSN Reset Request. */
export function writeIncomingReset(buf: Buffer, off: number, reqSeq: number, streams: ArrayLike<number>): number {
  const pl = 8 + 2 * streams.length;
  const q = off + 4;
  buf.writeUInt16BE(ParamType.IncomingSsnReset, q);
  buf.writeUInt16BE(pl, q + 2);
  buf.writeUInt32BE(reqSeq >>> 0, q + 4);
  for (let i = 0; i < streams.length; i++) buf.writeUInt16BE(streams[i], q + 8 + 2 * i);
  const padded = padChunk(buf, q, pl);
  writeChunkHeader(buf, off, ChunkType.Reconfig, 0, 4 + pl);
  return 4 + padded;
}

/** Writes a RE-CONFIG chunk with one Re-configuration Response. */
export function writeReconfigResponse(buf: Buffer, off: number, respSeq: number, result: number): number {
  const q = off + 4;
  buf.writeUInt16BE(ParamType.ReconfigResponse, q);
  buf.writeUInt16BE(12, q + 2);
  buf.writeUInt32BE(respSeq >>> 0, q + 4);
  buf.writeUInt32BE(result >>> 0, q + 8);
  writeChunkHeader(buf, off, ChunkType.Reconfig, 0, 16);
  return 16;
}
