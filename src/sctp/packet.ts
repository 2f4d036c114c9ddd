// The SCTP common header and the chunk walk (RFC 9260 §3.1, §3.2), as a view over the
// received bytes: nothing is copied, the association reads chunk fields by offset.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-------------------------------+-------------------------------+
// |     Source Port Number        |     Destination Port Number   |
// +-------------------------------+-------------------------------+
// |                      Verification Tag                         |
// +---------------------------------------------------------------+
// |                           Checksum                            |
// +---------------------------------------------------------------+
// | Chunk Type    | Chunk  Flags  |        Chunk Length           |  (repeated)
// +---------------+---------------+-------------------------------+
import { crc32c } from './crc32c.js';
import { CHUNK_HEADER_LENGTH, COMMON_HEADER_LENGTH, Drop } from './constants.js';

export class PacketView {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  chunkCount = 0;

  /** Checks header, checksum and that chunk lengths tile the packet. Returns a Drop code. */
  reset(buf: Buffer, off: number, len: number, verifyChecksum = true): number {
    this.buf = buf;
    this.start = off;
    this.end = off + len;
    this.chunkCount = 0;
    if (len < COMMON_HEADER_LENGTH + CHUNK_HEADER_LENGTH) return Drop.TooShort;
    if (verifyChecksum) {
      // Stored little-endian: the reflected CRC's bytes go out in the order they are computed
      // (RFC 9260 appendix A; usrsctp and the Linux kernel agree).
      if (crc32c(buf, off, this.end, off + 8) !== buf.readUInt32LE(off + 8)) return Drop.BadChecksum;
    }
    let p = off + COMMON_HEADER_LENGTH;
    while (p < this.end) {
      if (p + CHUNK_HEADER_LENGTH > this.end) return Drop.BadChunkLength;
      const l = buf.readUInt16BE(p + 2);
      if (l < CHUNK_HEADER_LENGTH || p + l > this.end) return Drop.BadChunkLength;
      this.chunkCount++;
      // The last chunk may omit its padding (§3.2 says MUST pad, but be liberal here).
      p += (l + 3) & ~3;
    }
    return Drop.None;
  }

  get sourcePort(): number { return this.buf.readUInt16BE(this.start); }
  get destinationPort(): number { return this.buf.readUInt16BE(this.start + 2); }
  get verificationTag(): number { return this.buf.readUInt32BE(this.start + 4); }

  firstChunk(): number { return this.start + COMMON_HEADER_LENGTH; }
  /** Offset of the chunk after `p`, or -1. */
  nextChunk(p: number): number {
    const n = p + ((this.buf.readUInt16BE(p + 2) + 3) & ~3);
    return n < this.end ? n : -1;
  }
  chunkType(p: number): number { return this.buf[p]; }
  chunkFlags(p: number): number { return this.buf[p + 1]; }
  chunkLength(p: number): number { return this.buf.readUInt16BE(p + 2); }
}

/** Writes the common header; chunks follow at off + 12. Checksum is filled by finishPacket. */
export function writeCommonHeader(buf: Buffer, off: number, srcPort: number, dstPort: number, vtag: number): number {
  buf.writeUInt16BE(srcPort, off);
  buf.writeUInt16BE(dstPort, off + 2);
  buf.writeUInt32BE(vtag >>> 0, off + 4);
  buf.writeUInt32BE(0, off + 8);
  return COMMON_HEADER_LENGTH;
}

/** Computes and stores the CRC32c over buf[off, off+len). */
export function finishPacket(buf: Buffer, off: number, len: number): void {
  buf.writeUInt32LE(crc32c(buf, off, off + len, off + 8), off + 8);
}

/** Writes a chunk header; returns 4. `length` excludes padding. */
export function writeChunkHeader(buf: Buffer, off: number, type: number, flags: number, length: number): number {
  buf[off] = type;
  buf[off + 1] = flags;
  buf.writeUInt16BE(length, off + 2);
  return CHUNK_HEADER_LENGTH;
}

/** Zero-fills padding after a chunk of `length` bytes at off; returns the padded length. */
export function padChunk(buf: Buffer, off: number, length: number): number {
  const padded = (length + 3) & ~3;
  for (let i = off + length; i < off + padded; i++) buf[i] = 0;
  return padded;
}
