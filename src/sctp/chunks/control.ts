// The small control chunks (RFC 9260 §3.3.5–§3.3.13): HEARTBEAT / HEARTBEAT ACK (one
// Heartbeat Info parameter, echoed as is), ABORT and ERROR (error causes), SHUTDOWN
// (cumulative TSN ack), SHUTDOWN ACK, SHUTDOWN COMPLETE, COOKIE ECHO (the cookie bytes),
// COOKIE ACK. The T flag (bit 0) of ABORT / SHUTDOWN COMPLETE means "tag reflected".
import { ChunkType, Drop, ParamType } from '../constants.js';
import { padChunk, writeChunkHeader } from '../packet.js';

export const FLAG_T = 1;

/** Writes a chunk with no value (SHUTDOWN ACK, COOKIE ACK, SHUTDOWN COMPLETE). */
export function writeEmptyChunk(buf: Buffer, off: number, type: number, flags = 0): number {
  return writeChunkHeader(buf, off, type, flags, 4);
}

export function writeShutdown(buf: Buffer, off: number, cumTsn: number): number {
  writeChunkHeader(buf, off, ChunkType.Shutdown, 0, 8);
  buf.writeUInt32BE(cumTsn >>> 0, off + 4);
  return 8;
}

export function readShutdown(_buf: Buffer, _p: number, l: number): number {
  return l === 8 ? Drop.None : Drop.BadChunk;
}

/** HEARTBEAT carrying an 8-byte send time plus a 4-byte nonce in its Heartbeat Info. */
export function writeHeartbeat(buf: Buffer, off: number, type: number, info: Buffer, from: number, to: number): number {
  const pl = 4 + (to - from);
  buf.writeUInt16BE(ParamType.HeartbeatInfo, off + 4);
  buf.writeUInt16BE(pl, off + 6);
  info.copy(buf, off + 8, from, to);
  writeChunkHeader(buf, off, type, 0, 4 + pl);
  return padChunk(buf, off, 4 + pl);
}

/** Checks a HEARTBEAT(-ACK): exactly one Heartbeat Info parameter filling the chunk. */
export function readHeartbeat(buf: Buffer, p: number, l: number): number {
  if (l < 8) return Drop.BadChunk;
  if (buf.readUInt16BE(p + 4) !== ParamType.HeartbeatInfo) return Drop.BadChunk;
  const pl = buf.readUInt16BE(p + 6);
  return pl >= 4 && 4 + pl <= l ? Drop.None : Drop.BadChunk;
}

/** ABORT or ERROR with one cause (code + optional info bytes). */
export function writeCause(
  buf: Buffer, off: number, type: number, flags: number, cause: number, info?: Buffer,
): number {
  const cl = 4 + (info ? info.length : 0);
  buf.writeUInt16BE(cause, off + 4);
  buf.writeUInt16BE(cl, off + 6);
  if (info) info.copy(buf, off + 8);
  writeChunkHeader(buf, off, type, flags, 4 + cl);
  return padChunk(buf, off, 4 + cl);
}

/** Checks the error-cause list of an ABORT/ERROR; returns the first cause code (0 if none) or -1. */
export function readFirstCause(buf: Buffer, p: number, l: number): number {
  const end = p + l;
  let q = p + 4;
  let first = 0;
  while (q < end) {
    if (q + 4 > end) return -1;
    const cl = buf.readUInt16BE(q + 2);
    if (cl < 4 || q + cl > end) return -1;
    if (!first) first = buf.readUInt16BE(q);
    q += (cl + 3) & ~3;
  }
  return first;
}

export function writeCookieEcho(buf: Buffer, off: number, cookie: Buffer): number {
  writeChunkHeader(buf, off, ChunkType.CookieEcho, 0, 4 + cookie.length);
  cookie.copy(buf, off + 4);
  return padChunk(buf, off, 4 + cookie.length);
}
