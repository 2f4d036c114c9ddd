// Streaming writer for classic pcap (libpcap format): a 24-byte global header, then per
// record | ts_sec | ts_usec | incl_len | orig_len | data. Little-endian, microseconds.
// Each record goes to `sink` as one chunk built in a reused scratch buffer, so the sink
// must consume (copy or write) it before returning — `fs.writeSync` does.
import { openSync, writeSync, closeSync } from 'node:fs';
import { LinkType, writeIpv4Udp, writeEthernetIpv4, ETHERNET_HEADER } from './ipv4-udp.js';
import { PcapError } from './status.js';

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAP_GLOBAL_HEADER = 24;
export const PCAP_RECORD_HEADER = 16;

export type PcapSink = (chunk: Uint8Array) => void;

export interface PcapWriterOptions {
  /** LinkType.ETHERNET (1, default) or LinkType.RAW (101, raw IPv4). */
  linkType?: number;
  /** Default 65535. */
  snapLen?: number;
}

export class PcapWriter {
  readonly linkType: number;
  readonly snapLen: number;
  private scratch = Buffer.alloc(2048);
  private ipId = 0;
  records = 0;

  constructor(private readonly sink: PcapSink, opts: PcapWriterOptions = {}) {
    this.linkType = opts.linkType ?? LinkType.ETHERNET;
    this.snapLen = opts.snapLen ?? 65535;
    if (this.linkType !== LinkType.ETHERNET && this.linkType !== LinkType.RAW) {
      throw new PcapError('PCAP_BAD_LINKTYPE', `pcap: link type ${this.linkType} not supported (1 or 101)`);
    }
    const h = Buffer.alloc(PCAP_GLOBAL_HEADER);
    h.writeUInt32LE(PCAP_MAGIC_US, 0);
    h.writeUInt16LE(2, 4); h.writeUInt16LE(4, 6);
    h.writeInt32LE(0, 8); h.writeUInt32LE(0, 12);
    h.writeUInt32LE(this.snapLen, 16); h.writeUInt32LE(this.linkType, 20);
    sink(h);
  }

  /** Write one frame as-is (it must already be of this writer's link type). */
  writeFrame(tsUs: number, frame: Uint8Array, off = 0, len = frame.length - off): void {
    const incl = Math.min(len, this.snapLen);
    const s = this.ensure(PCAP_RECORD_HEADER + incl);
    this.recordHeader(s, tsUs, incl, len);
    s.set(frame.subarray(off, off + incl), PCAP_RECORD_HEADER);
    this.sink(s.subarray(0, PCAP_RECORD_HEADER + incl));
    this.records++;
  }

  /** Wrap a UDP payload in (Ethernet +) IPv4 + UDP headers and write it. */
  writeUdp(tsUs: number, srcIp: number, srcPort: number, dstIp: number, dstPort: number, payload: Uint8Array, off = 0, len = payload.length - off): void {
    const l2 = this.linkType === LinkType.ETHERNET ? ETHERNET_HEADER : 0;
    const frameLen = l2 + 28 + len;
    const incl = Math.min(frameLen, this.snapLen);
    const s = this.ensure(PCAP_RECORD_HEADER + frameLen);
    this.recordHeader(s, tsUs, incl, frameLen);
    let p = PCAP_RECORD_HEADER;
    if (l2) p += writeEthernetIpv4(s, p);
    p += writeIpv4Udp(s, p, srcIp, srcPort, dstIp, dstPort, len, this.ipId++ & 0xffff);
    s.set(payload.subarray(off, off + len), p);
    this.sink(s.subarray(0, PCAP_RECORD_HEADER + incl));
    this.records++;
  }

  private recordHeader(s: Buffer, tsUs: number, incl: number, orig: number): void {
    const sec = Math.floor(tsUs / 1e6);
    s.writeUInt32LE(sec >>> 0, 0);
    s.writeUInt32LE(Math.floor(tsUs - sec * 1e6), 4);
    s.writeUInt32LE(incl, 8);
    s.writeUInt32LE(orig, 12);
  }

  private ensure(n: number): Buffer {
    if (this.scratch.length < n) this.scratch = Buffer.alloc(Math.max(n, this.scratch.length * 2));
    return this.scratch;
  }
}

/** A PcapWriter appending to a file (synchronous writes). Call close() when done. */
export class PcapFileWriter extends PcapWriter {
  private fd: number;
  constructor(path: string, opts: PcapWriterOptions = {}) {
    const fd = openSync(path, 'w');
    super((c) => { writeSync(fd, c); }, opts);
    this.fd = fd;
  }
  close(): void {
    if (this.fd >= 0) { closeSync(this.fd); this.fd = -1; }
  }
}
