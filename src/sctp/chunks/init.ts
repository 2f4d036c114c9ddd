// INIT and INIT ACK (RFC 9260 §3.3.2, §3.3.3) with the parameters WebRTC uses:
// State Cookie (INIT ACK), Forward-TSN-Supported (RFC 3758 §3.1), Supported Extensions
// (RFC 5061 §4.2.7, listing RE-CONFIG and FORWARD-TSN).
//
// +---------------+---------------+-------------------------------+
// |  Type = 1/2   |  Chunk Flags  |      Chunk Length             |
// +---------------+---------------+-------------------------------+
// |                         Initiate Tag                          |
// |           Advertised Receiver Window Credit (a_rwnd)          |
// |  Number of Outbound Streams   |  Number of Inbound Streams    |
// |                          Initial TSN                          |
// |              Optional/Variable-Length Parameters              |
// +---------------------------------------------------------------+
import { ChunkType, Drop, ParamType } from '../constants.js';
import { padChunk, writeChunkHeader } from '../packet.js';

export const INIT_FIXED_LENGTH = 20;

/** Fields of one INIT / INIT ACK, filled in place by readInit. */
export class InitFields {
  initiateTag = 0;
  rwnd = 0;
  outboundStreams = 0;
  inboundStreams = 0;
  initialTsn = 0;
  forwardTsn = false;
  reconfig = false;
  /** Offset/length of the State Cookie parameter value in the packet buffer (-1 if absent). */
  cookieOffset = -1;
  cookieLength = 0;
}

/** Parses the chunk at p (length l). Returns a Drop code. */
export function readInit(buf: Buffer, p: number, l: number, out: InitFields): number {
  if (l < INIT_FIXED_LENGTH) return Drop.BadChunk;
  out.initiateTag = buf.readUInt32BE(p + 4);
  out.rwnd = buf.readUInt32BE(p + 8);
  out.outboundStreams = buf.readUInt16BE(p + 12);
  out.inboundStreams = buf.readUInt16BE(p + 14);
  out.initialTsn = buf.readUInt32BE(p + 16);
  out.forwardTsn = false;
  out.reconfig = false;
  out.cookieOffset = -1;
  out.cookieLength = 0;
  // §3.3.2: a zero tag or zero stream counts are invalid mandatory parameters.
  if (out.initiateTag === 0 || out.outboundStreams === 0 || out.inboundStreams === 0) return Drop.BadChunk;
  const end = p + l;
  let q = p + INIT_FIXED_LENGTH;
  while (q < end) {
    if (q + 4 > end) return Drop.BadChunk;
    const type = buf.readUInt16BE(q);
    const pl = buf.readUInt16BE(q + 2);
    if (pl < 4 || q + pl > end) return Drop.BadChunk;
    switch (type) {
      case ParamType.StateCookie:
        out.cookieOffset = q + 4;
        out.cookieLength = pl - 4;
        break;
      case ParamType.ForwardTsnSupported:
        out.forwardTsn = true;
        break;
      case ParamType.SupportedExtensions:
        for (let i = q + 4; i < q + pl; i++) {
          if (buf[i] === ChunkType.Reconfig) out.reconfig = true;
          if (buf[i] === ChunkType.ForwardTsn) out.forwardTsn = true;
        }
        break;
      default:
        // Unknown parameter: the top two bits say what to do (§3.2.1). 00/01: stop
        // processing the rest of the parameters; 10/11: skip it. We never report them.
        if ((type & 0x8000) === 0) return Drop.None;
    }
    q += (pl + 3) & ~3;
  }
  return Drop.None;
}

export interface InitParams {
  initiateTag: number;
  rwnd: number;
  outboundStreams: number;
  inboundStreams: number;
  initialTsn: number;
}

/**
 * Writes an INIT (cookie undefined) or INIT ACK (with the cookie) at off; returns the
 * padded length. Always advertises FORWARD-TSN and RE-CONFIG.
 */
export function writeInit(buf: Buffer, off: number, f: InitParams, cookie?: Buffer): number {
  let p = off + 4;
  buf.writeUInt32BE(f.initiateTag >>> 0, p); p += 4;
  buf.writeUInt32BE(f.rwnd >>> 0, p); p += 4;
  buf.writeUInt16BE(f.outboundStreams, p); p += 2;
  buf.writeUInt16BE(f.inboundStreams, p); p += 2;
  buf.writeUInt32BE(f.initialTsn >>> 0, p); p += 4;
  buf.writeUInt16BE(ParamType.ForwardTsnSupported, p);
  buf.writeUInt16BE(4, p + 2);
  p += 4;
  buf.writeUInt16BE(ParamType.SupportedExtensions, p);
  buf.writeUInt16BE(6, p + 2);
  buf[p + 4] = ChunkType.Reconfig;
  buf[p + 5] = ChunkType.ForwardTsn;
  buf[p + 6] = 0;
  buf[p + 7] = 0;
  p += 8;
  if (cookie) {
    buf.writeUInt16BE(ParamType.StateCookie, p);
    buf.writeUInt16BE(4 + cookie.length, p + 2);
    cookie.copy(buf, p + 4);
    p += padChunk(buf, p, 4 + cookie.length);
  }
  writeChunkHeader(buf, off, cookie ? ChunkType.InitAck : ChunkType.Init, 0, p - off);
  return p - off;
}

/** Upper bound of writeInit's output for a cookie of n bytes. */
export function initLength(cookieLength: number): number {
  return INIT_FIXED_LENGTH + 4 + 8 + (cookieLength ? ((4 + cookieLength + 3) & ~3) : 0);
}
