// Streaming reader for classic pcap (both byte orders, µs / ns magic) and pcapng (SHB,
// IDB, EPB, SPB, obsolete PB; both byte orders, several sections and interfaces, each
// with its own link type, snap length, if_tsresol and if_tsoffset; other blocks skipped).
//
// Memory is bounded: bytes come through one window buffer (default 256 KiB) that grows
// only for a block larger than itself, and never past `maxBlockLength` (default 16 MiB):
// a longer block or record (e.g. a 4 GB length field) is refused with BLOCK_TOO_LARGE
// before anything is allocated. So a 2 GB capture reads in constant memory.
//
// Pull API, one packet per call, nothing allocated per packet:
//   const r = CaptureReader.openFile(path);      // or new CaptureReader(source) / push mode
//   let s;
//   while ((s = r.next()) === PcapStatus.OK) {
//     // r.buf[r.dataOffset, +r.capturedLength) is the frame, r.linkType its link type,
//     // r.ts.sec / r.ts.ns (exact) or r.tsUs its time, r.interfaceId its interface.
//   }
//   if (s !== PcapStatus.END) throw r.error(s);  // typed PcapError with a file offset
//   r.close();
// The frame bytes and fields are valid until the next next() or push() call (the window
// moves). Push mode (no source): next() returns NEED_MORE; push(chunk) bytes in, end() at
// EOF; readCaptureStream() does that loop for an async stream (a Readable).
// Allocation: none per packet; the window is allocated once, and again only to grow for
// a block longer than itself (up to maxBlockLength). Errors are sticky status codes.
import { closeSync, openSync } from 'node:fs';
import { PcapStatus, PcapError } from './status.js';
import { Timestamp, unitsToTimestamp } from './timestamp.js';
import { type ByteSource, fdSource } from './byte-source.js';

export interface CaptureReaderOptions {
  /** Initial window size in bytes. Default 256 KiB. */
  bufferSize?: number;
  /** Longest block / record accepted (the window never grows past it). Default 16 MiB. */
  maxBlockLength?: number;
}

/** One pcapng interface (classic pcap: a single one from the global header). */
export interface CaptureInterface {
  linkType: number;
  /** 0 = no limit. */
  snapLen: number;
  /** if_tsresol byte: 6 = µs, 9 = ns, 0x80|k = 2^-k. */
  tsresol: number;
  /** if_tsoffset, seconds added to every timestamp. */
  tsOffset: number;
}

const SHB = 0x0a0d0d0a, BOM = 0x1a2b3c4d;
const PCAP_US = 0xa1b2c3d4, PCAP_NS = 0xa1b23c4d;

export class CaptureReader {
  /** 'pcap' or 'pcapng' once the magic was read; '' before. */
  format: '' | 'pcap' | 'pcapng' = '';
  /** Interfaces of the current section (index = interface id). */
  interfaces: CaptureInterface[] = [];
  /** Current packet: the window buffer and the frame's place in it. */
  buf: Buffer;
  dataOffset = 0;
  capturedLength = 0;
  originalLength = 0;
  interfaceId = 0;
  linkType = 0;
  readonly ts = new Timestamp();
  /** False for pcapng Simple Packet Blocks (they carry no time; ts is 0). */
  hasTimestamp = true;
  /** File offset of the current (or failing) block / record. */
  blockOffset = 0;
  /** pcapng sections seen (each Section Header Block starts one; interface ids restart). */
  section = 0;
  /** Packets returned so far. */
  packets = 0;
  /** Detail for the last error status. */
  errorMessage = '';

  private readonly maxBlock: number;
  private start = 0;
  private filled = 0;
  private base = 0; // file offset of buf[0]
  private eof = false;
  private le = true;
  private nanos = false;
  private failed = 0;
  private fd = -1;

  constructor(private readonly source: ByteSource | null = null, opts: CaptureReaderOptions = {}) {
    this.maxBlock = opts.maxBlockLength ?? 16 * 1024 * 1024;
    this.buf = Buffer.alloc(Math.min(opts.bufferSize ?? 256 * 1024, this.maxBlock));
  }

  /** A reader over a file, read in chunks through a file descriptor; close() it. */
  static openFile(path: string, opts: CaptureReaderOptions = {}): CaptureReader {
    const fd = openSync(path, 'r');
    const r = new CaptureReader(fdSource(fd), opts);
    r.fd = fd;
    return r;
  }

  close(): void { if (this.fd >= 0) { closeSync(this.fd); this.fd = -1; } }

  /** µs since 1970 of the current packet. */
  get tsUs(): number { return this.ts.sec * 1e6 + Math.floor(this.ts.ns / 1000); }

  /** A typed error for a status returned by next(). */
  error(status: number): PcapError { return PcapError.fromStatus(status, this.blockOffset, this.errorMessage); }

  /** Push mode: copy bytes in; returns how many were taken (less when the window is full: call next() and push the rest). */
  push(chunk: Uint8Array, off = 0, len = chunk.length - off): number {
    if (this.start > 0) this.compact();
    const n = Math.min(len, this.buf.length - this.filled);
    this.buf.set(chunk.subarray(off, off + n), this.filled);
    this.filled += n;
    return n;
  }

  /** Push mode: no more bytes will come. */
  end(): void { this.eof = true; }

  /** Advance to the next packet: OK, END, NEED_MORE (push mode) or an error status (sticky). */
  next(): number {
    if (this.failed) return this.failed;
    for (;;) {
      const s = this.format === 'pcapng' ? this.nextBlock() : this.format === 'pcap' ? this.nextRecord() : this.readMagic();
      if (s === -1) continue; // a non-packet block was consumed
      if (s === PcapStatus.OK) this.packets++;
      else if (s !== PcapStatus.NEED_MORE && s !== PcapStatus.END) this.failed = s;
      return s;
    }
  }

  private readMagic(): number {
    this.blockOffset = 0;
    const s = this.need(4);
    if (s !== PcapStatus.OK) return s === PcapStatus.NEED_MORE || s === PcapStatus.IO_ERROR ? s : this.fail(PcapStatus.BAD_MAGIC, 'shorter than any capture header');
    const b = this.buf, p = this.start;
    const mLe = b.readUInt32LE(p), mBe = b.readUInt32BE(p);
    if (mLe === SHB) { this.format = 'pcapng'; return -1; }
    if (mLe === PCAP_US || mLe === PCAP_NS) { this.le = true; this.nanos = mLe === PCAP_NS; } else if (mBe === PCAP_US || mBe === PCAP_NS) { this.le = false; this.nanos = mBe === PCAP_NS; } else return this.fail(PcapStatus.BAD_MAGIC, `unknown magic 0x${mBe.toString(16).padStart(8, '0')}`);
    const h = this.need(24);
    if (h !== PcapStatus.OK) return h === PcapStatus.NEED_MORE || h === PcapStatus.IO_ERROR ? h : this.fail(PcapStatus.BAD_MAGIC, 'pcap global header truncated');
    this.format = 'pcap';
    const snap = this.u32(this.start + 16);
    this.interfaces = [{ linkType: this.u32(this.start + 20) & 0xffff, snapLen: snap, tsresol: this.nanos ? 9 : 6, tsOffset: 0 }];
    this.linkType = this.interfaces[0].linkType;
    this.start += 24;
    return -1;
  }

  private nextRecord(): number {
    this.blockOffset = this.base + this.start;
    let s = this.need(16);
    if (s !== PcapStatus.OK) return s;
    const p = this.start;
    const incl = this.u32(p + 8);
    if (16 + incl > this.maxBlock) return this.fail(PcapStatus.BLOCK_TOO_LARGE, `record of ${incl} bytes (limit ${this.maxBlock})`);
    s = this.need(16 + incl);
    if (s !== PcapStatus.OK) return s === PcapStatus.END ? PcapStatus.TRUNCATED : s;
    const q = this.start; // need() may have moved the window
    const frac = this.u32(q + 4);
    this.ts.sec = this.u32(q);
    this.ts.ns = this.nanos ? frac : frac * 1000;
    this.capturedLength = incl;
    this.originalLength = this.u32(q + 12);
    this.dataOffset = q + 16;
    this.interfaceId = 0;
    this.start = q + 16 + incl;
    return PcapStatus.OK;
  }

  private nextBlock(): number {
    this.blockOffset = this.base + this.start;
    let s = this.need(12);
    if (s !== PcapStatus.OK) return s;
    let p = this.start;
    const b = this.buf;
    const type0 = b.readUInt32LE(p);
    if (type0 === SHB) {
      const bomLe = b.readUInt32LE(p + 8);
      if (bomLe === BOM) this.le = true;
      else if (b.readUInt32BE(p + 8) === BOM) this.le = false;
      else return this.fail(PcapStatus.BAD_BLOCK, 'section header with an unknown byte-order magic');
    }
    const type = this.u32(p);
    const total = this.u32(p + 4);
    if (total < 12 || total % 4 !== 0) return this.fail(PcapStatus.BAD_BLOCK, `block length ${total}`);
    if (total > this.maxBlock) return this.fail(PcapStatus.BLOCK_TOO_LARGE, `block of ${total} bytes (limit ${this.maxBlock})`);
    s = this.need(total);
    if (s !== PcapStatus.OK) return s === PcapStatus.END ? PcapStatus.TRUNCATED : s;
    p = this.start;
    if (this.u32(p + total - 4) !== total) return this.fail(PcapStatus.BAD_BLOCK, 'trailing block length differs');
    this.start = p + total;
    switch (type) {
      case SHB: return this.sectionHeader(p, total);
      case 1: return this.interfaceDescription(p, total);
      case 6: return this.packet(p, total, this.u32(p + 8), 12, 20, 28);
      case 2: return this.packet(p, total, this.u16(p + 8), 12, 20, 28); // obsolete Packet Block
      case 3: return this.simplePacket(p, total);
      default: return -1; // NRB, ISB, DSB, custom...: skipped
    }
  }

  private sectionHeader(p: number, total: number): number {
    if (total < 28) return this.fail(PcapStatus.BAD_BLOCK, 'section header too short');
    if (this.u16(p + 12) !== 1) return this.fail(PcapStatus.BAD_BLOCK, `pcapng major version ${this.u16(p + 12)}`);
    this.interfaces = [];
    this.section++;
    return -1;
  }

  private interfaceDescription(p: number, total: number): number {
    if (total < 20) return this.fail(PcapStatus.BAD_BLOCK, 'interface description too short');
    const ifc: CaptureInterface = { linkType: this.u16(p + 8), snapLen: this.u32(p + 12), tsresol: 6, tsOffset: 0 };
    const end = p + total - 4;
    for (let o = p + 16; o + 4 <= end;) {
      const code = this.u16(o), len = this.u16(o + 2);
      if (code === 0 || o + 4 + len > end) break;
      if (code === 9 && len >= 1) ifc.tsresol = this.buf[o + 4];
      else if (code === 14 && len >= 8) {
        const hi = this.le ? this.buf.readInt32LE(o + 8) : this.buf.readInt32BE(o + 4);
        const lo = this.le ? this.buf.readUInt32LE(o + 4) : this.buf.readUInt32BE(o + 8);
        ifc.tsOffset = hi * 4294967296 + lo;
      }
      o += 4 + ((len + 3) & ~3);
    }
    if (this.interfaces.length >= 65536) return this.fail(PcapStatus.BAD_BLOCK, 'too many interfaces');
    this.interfaces.push(ifc);
    return -1;
  }

  /** EPB / PB: interface id, timestamp words at tsAt / tsAt+4, lengths at lenAt, data at dataAt. */
  private packet(p: number, total: number, ifId: number, tsAt: number, lenAt: number, dataAt: number): number {
    if (total < dataAt + 4) return this.fail(PcapStatus.BAD_BLOCK, 'packet block too short');
    const ifc = this.interfaces[ifId];
    if (ifc === undefined) return this.fail(PcapStatus.BAD_BLOCK, `packet on undeclared interface ${ifId}`);
    const cap = this.u32(p + lenAt);
    if (cap > total - dataAt - 4) return this.fail(PcapStatus.BAD_BLOCK, `captured length ${cap} exceeds its block`);
    unitsToTimestamp(this.u32(p + tsAt), this.u32(p + tsAt + 4), ifc.tsresol, this.ts);
    this.ts.sec += ifc.tsOffset;
    this.hasTimestamp = true;
    return this.setPacket(ifId, ifc, p + dataAt, cap, this.u32(p + lenAt + 4));
  }

  private simplePacket(p: number, total: number): number {
    if (total < 16) return this.fail(PcapStatus.BAD_BLOCK, 'simple packet block too short');
    const ifc = this.interfaces[0];
    if (ifc === undefined) return this.fail(PcapStatus.BAD_BLOCK, 'simple packet block before any interface');
    const orig = this.u32(p + 8);
    let cap = Math.min(orig, total - 16);
    if (ifc.snapLen > 0 && cap > ifc.snapLen) cap = ifc.snapLen;
    this.ts.sec = 0; this.ts.ns = 0;
    this.hasTimestamp = false;
    return this.setPacket(0, ifc, p + 12, cap, orig);
  }

  private setPacket(ifId: number, ifc: CaptureInterface, off: number, cap: number, orig: number): number {
    this.interfaceId = ifId;
    this.linkType = ifc.linkType;
    this.dataOffset = off;
    this.capturedLength = cap;
    this.originalLength = orig;
    return PcapStatus.OK;
  }

  /**
   * Make buf[start, start+n) hold bytes: OK; END when the input ended exactly at start;
   * TRUNCATED when it ended inside; NEED_MORE in push mode; BLOCK_TOO_LARGE; IO_ERROR.
   */
  private need(n: number): number {
    if (this.start + n <= this.filled) return PcapStatus.OK;
    if (n > this.buf.length) {
      if (n > this.maxBlock) return this.fail(PcapStatus.BLOCK_TOO_LARGE, `needs ${n} bytes (limit ${this.maxBlock})`);
      const nb = Buffer.alloc(Math.min(this.maxBlock, Math.max(n, this.buf.length * 2)));
      this.buf.copy(nb, 0, this.start, this.filled);
      this.base += this.start; this.filled -= this.start; this.start = 0;
      this.buf = nb;
    } else if (this.start + n > this.buf.length) this.compact();
    const src = this.source;
    while (this.start + n > this.filled) {
      if (this.eof) return this.filled === this.start ? PcapStatus.END : this.fail(PcapStatus.TRUNCATED, `needs ${n} bytes, ${this.filled - this.start} left`);
      if (src === null) return PcapStatus.NEED_MORE;
      let got: number;
      try { got = src.read(this.buf, this.filled, this.buf.length - this.filled); } catch (e) {
        return this.fail(PcapStatus.IO_ERROR, (e as Error).message);
      }
      if (got <= 0) this.eof = true;
      else this.filled += got;
    }
    return PcapStatus.OK;
  }

  private compact(): void {
    this.buf.copy(this.buf, 0, this.start, this.filled);
    this.base += this.start; this.filled -= this.start; this.start = 0;
  }

  private fail(status: number, message: string): number { this.errorMessage = message; return status; }
  private u32(o: number): number { return this.le ? this.buf.readUInt32LE(o) : this.buf.readUInt32BE(o); }
  private u16(o: number): number { return this.le ? this.buf.readUInt16LE(o) : this.buf.readUInt16BE(o); }
}
