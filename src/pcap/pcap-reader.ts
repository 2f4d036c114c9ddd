// Reader for classic pcap held in memory: either byte order, micro- or nanosecond magic.
// (Kept for existing callers; CaptureReader streams pcap AND pcapng from a file.)
// Iterate with `next()`; each OK leaves the record's timestamp and data window in fields.
import { PcapStatus } from './status.js';
import { PCAP_MAGIC_US, PCAP_MAGIC_NS, PCAP_GLOBAL_HEADER, PCAP_RECORD_HEADER } from './pcap-writer.js';

const EMPTY = Buffer.alloc(0);

export class PcapReader {
  buf: Buffer = EMPTY;
  linkType = 0;
  snapLen = 0;
  private le = true;
  private nanos = false;
  private pos = 0;
  /** Current record. */
  tsUs = 0;
  dataOffset = 0;
  capturedLength = 0;
  originalLength = 0;

  reset(buf: Buffer): number {
    this.buf = buf; this.pos = buf.length;
    if (buf.length < PCAP_GLOBAL_HEADER) return PcapStatus.BAD_MAGIC;
    const mLe = buf.readUInt32LE(0);
    const mBe = buf.readUInt32BE(0);
    if (mLe === PCAP_MAGIC_US || mLe === PCAP_MAGIC_NS) { this.le = true; this.nanos = mLe === PCAP_MAGIC_NS; } else if (mBe === PCAP_MAGIC_US || mBe === PCAP_MAGIC_NS) { this.le = false; this.nanos = mBe === PCAP_MAGIC_NS; } else return PcapStatus.BAD_MAGIC;
    this.snapLen = this.u32(16);
    this.linkType = this.u32(20) & 0xffff;
    this.pos = PCAP_GLOBAL_HEADER;
    return PcapStatus.OK;
  }

  next(): number {
    const b = this.buf, p = this.pos;
    if (p >= b.length) return PcapStatus.END;
    if (p + PCAP_RECORD_HEADER > b.length) { this.pos = b.length; return PcapStatus.TRUNCATED; }
    const incl = this.u32(p + 8);
    if (p + PCAP_RECORD_HEADER + incl > b.length) { this.pos = b.length; return PcapStatus.TRUNCATED; }
    const frac = this.u32(p + 4);
    this.tsUs = this.u32(p) * 1e6 + (this.nanos ? Math.floor(frac / 1000) : frac);
    this.capturedLength = incl;
    this.originalLength = this.u32(p + 12);
    this.dataOffset = p + PCAP_RECORD_HEADER;
    this.pos = this.dataOffset + incl;
    return PcapStatus.OK;
  }

  private u32(o: number): number { return this.le ? this.buf.readUInt32LE(o) : this.buf.readUInt32BE(o); }
}
