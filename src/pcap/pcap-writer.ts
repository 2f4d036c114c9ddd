// Streaming writer for classic pcap (libpcap format): a 24-byte global header, then per
// record | ts_sec | ts_usec or ts_nsec | incl_len | orig_len | data. Little-endian;
// microsecond magic by default, nanosecond magic with `nanos: true`.
import { LinkType, SUPPORTED_LINK_TYPES } from './link-type.js';
import { PcapError } from './status.js';
import { CaptureWriter, type PcapSink } from './capture-writer.js';
import { FileSink } from './file-sink.js';

export type { PcapSink } from './capture-writer.js';
export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAP_GLOBAL_HEADER = 24;
export const PCAP_RECORD_HEADER = 16;

export interface PcapWriterOptions {
  /** A LinkType (default ETHERNET): 1, 101, 113, 228, 229, 276. */
  linkType?: number;
  /** Default 65535. Longer frames are cut (incl_len < orig_len). */
  snapLen?: number;
  /** Nanosecond timestamps (magic a1b23c4d). Default false: microseconds. */
  nanos?: boolean;
}

export class PcapWriter extends CaptureWriter {
  readonly linkType: number;
  readonly snapLen: number;
  readonly nanos: boolean;
  protected readonly recordHeaderLength = PCAP_RECORD_HEADER;

  constructor(sink: PcapSink, opts: PcapWriterOptions = {}) {
    super(sink);
    this.linkType = opts.linkType ?? LinkType.ETHERNET;
    this.snapLen = CaptureWriter.checkSnapLen(opts.snapLen ?? 65535);
    this.nanos = opts.nanos ?? false;
    if (!SUPPORTED_LINK_TYPES.includes(this.linkType)) {
      throw new PcapError('PCAP_BAD_LINKTYPE', `pcap: link type ${this.linkType} not supported (${SUPPORTED_LINK_TYPES.join(', ')})`);
    }
    const h = Buffer.alloc(PCAP_GLOBAL_HEADER);
    h.writeUInt32LE(this.nanos ? PCAP_MAGIC_NS : PCAP_MAGIC_US, 0);
    h.writeUInt16LE(2, 4); h.writeUInt16LE(4, 6);
    h.writeInt32LE(0, 8); h.writeUInt32LE(0, 12);
    h.writeUInt32LE(this.snapLen, 16); h.writeUInt32LE(this.linkType, 20);
    this.putChunk(h);
  }

  linkTypeOf(ifId: number): number {
    if (ifId !== 0) throw new PcapError('PCAP_BAD_INTERFACE', `pcap: classic pcap has one interface (0), not ${ifId}`);
    return this.linkType;
  }

  protected emit(_ifId: number, sec: number, ns: number, frameLen: number): void {
    const s = this.scratch;
    const incl = Math.min(frameLen, this.snapLen);
    let frac = this.nanos ? ns : Math.round(ns / 1000);
    if (frac >= (this.nanos ? 1e9 : 1e6)) { sec++; frac = 0; }
    s.writeUInt32LE(sec >>> 0, 0);
    s.writeUInt32LE(frac, 4);
    s.writeUInt32LE(incl, 8);
    s.writeUInt32LE(frameLen, 12);
    this.putScratch(PCAP_RECORD_HEADER + incl);
    this.records++;
  }
}

/** A PcapWriter appending to a file (buffered; call close() when done — it flushes). */
export class PcapFileWriter extends PcapWriter {
  private readonly file: FileSink;
  constructor(path: string, opts: PcapWriterOptions = {}) {
    const file = new FileSink(path);
    super(file, opts);
    this.file = file;
  }
  close(): void { this.file.close(); }
}
