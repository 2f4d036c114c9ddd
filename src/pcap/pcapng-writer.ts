// Streaming pcapng writer (draft-ietf-opsawg-pcapng): Section Header Block, one
// Interface Description Block per interface (own link type, snap length and if_tsresol:
// 6 = µs or 9 = ns), then Enhanced Packet Blocks. Little-endian, section length -1.
//
//  EPB: | type=6 | total len | interface id | ts high | ts low | captured len |
//       | original len | data, padded to 4 | total len |
import { LinkType, SUPPORTED_LINK_TYPES } from './link-type.js';
import { PcapError } from './status.js';
import { CaptureWriter, type PcapSink } from './capture-writer.js';
import { FileSink } from './file-sink.js';
import { timestampToUnits, units } from './timestamp.js';

export const PCAPNG_SHB = 0x0a0d0d0a;
export const PCAPNG_IDB = 1;
export const PCAPNG_SPB = 3;
export const PCAPNG_EPB = 6;
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const EPB_HEADER = 28;

export interface PcapngInterfaceOptions {
  /** A LinkType (default ETHERNET). */
  linkType?: number;
  /** 'us' (if_tsresol 6, default) or 'ns' (if_tsresol 9). */
  tsResolution?: 'us' | 'ns';
  /** Default 65535. */
  snapLen?: number;
  /** if_name option. */
  name?: string;
}

export interface PcapngWriterOptions {
  /** Interfaces declared up front (ids 0, 1, ...). Default: one Ethernet µs interface. More via addInterface(). */
  interfaces?: PcapngInterfaceOptions[];
  /** shb_userappl option. Default 'switchboard'. */
  application?: string;
}

export class PcapngWriter extends CaptureWriter {
  protected readonly recordHeaderLength = EPB_HEADER;
  private readonly linkTypes: number[] = [];
  private readonly snapLens: number[] = [];
  private readonly nanos: boolean[] = [];

  constructor(sink: PcapSink, opts: PcapngWriterOptions = {}) {
    super(sink);
    const app = Buffer.from(opts.application ?? 'switchboard');
    const optLen = app.length ? 4 + pad4(app.length) + 4 : 0;
    const len = 28 + optLen;
    const b = Buffer.alloc(len);
    b.writeUInt32LE(PCAPNG_SHB, 0); b.writeUInt32LE(len, 4); b.writeUInt32LE(PCAPNG_BYTE_ORDER_MAGIC, 8);
    b.writeUInt16LE(1, 12); b.writeUInt16LE(0, 14);
    b.writeInt32LE(-1, 16); b.writeInt32LE(-1, 20); // section length unknown
    if (app.length) { b.writeUInt16LE(4, 24); b.writeUInt16LE(app.length, 26); app.copy(b, 28); } // opt_endofopt: zeros
    b.writeUInt32LE(len, len - 4);
    this.putChunk(b);
    for (const i of opts.interfaces ?? [{}]) this.addInterface(i);
  }

  /** Declare another interface; returns its id. */
  addInterface(o: PcapngInterfaceOptions = {}): number {
    const lt = o.linkType ?? LinkType.ETHERNET;
    if (!SUPPORTED_LINK_TYPES.includes(lt)) throw new PcapError('PCAP_BAD_LINKTYPE', `pcapng: link type ${lt} not supported (${SUPPORTED_LINK_TYPES.join(', ')})`);
    const res = o.tsResolution ?? 'us';
    if (res !== 'us' && res !== 'ns') throw new PcapError('PCAP_BAD_OPTION', `pcapng: tsResolution must be 'us' or 'ns'`);
    const snap = CaptureWriter.checkSnapLen(o.snapLen ?? 65535);
    const name = o.name ? Buffer.from(o.name) : null;
    const optLen = (name ? 4 + pad4(name.length) : 0) + 8 + 4; // [if_name] if_tsresol end
    const len = 20 + optLen;
    const b = Buffer.alloc(len);
    b.writeUInt32LE(PCAPNG_IDB, 0); b.writeUInt32LE(len, 4);
    b.writeUInt16LE(lt, 8); b.writeUInt16LE(0, 10); b.writeUInt32LE(snap, 12);
    let p = 16;
    if (name) { b.writeUInt16LE(2, p); b.writeUInt16LE(name.length, p + 2); name.copy(b, p + 4); p += 4 + pad4(name.length); }
    b.writeUInt16LE(9, p); b.writeUInt16LE(1, p + 2); b[p + 4] = res === 'ns' ? 9 : 6; p += 8;
    b.writeUInt32LE(len, len - 4);
    this.putChunk(b);
    this.linkTypes.push(lt); this.snapLens.push(snap); this.nanos.push(res === 'ns');
    return this.linkTypes.length - 1;
  }

  get interfaceCount(): number { return this.linkTypes.length; }

  linkTypeOf(ifId: number): number {
    const lt = this.linkTypes[ifId];
    if (lt === undefined) throw new PcapError('PCAP_BAD_INTERFACE', `pcapng: no interface ${ifId} (have ${this.linkTypes.length})`);
    return lt;
  }

  protected emit(ifId: number, sec: number, ns: number, frameLen: number): void {
    const s = this.scratch;
    const incl = Math.min(frameLen, this.snapLens[ifId]);
    const padded = pad4(incl);
    const total = EPB_HEADER + padded + 4;
    for (let i = EPB_HEADER + incl; i < EPB_HEADER + padded; i++) s[i] = 0;
    timestampToUnits(sec, ns, this.nanos[ifId]);
    le32(s, 0, PCAPNG_EPB); le32(s, 4, total); le32(s, 8, ifId);
    le32(s, 12, units.hi); le32(s, 16, units.lo);
    le32(s, 20, incl); le32(s, 24, frameLen);
    le32(s, EPB_HEADER + padded, total);
    this.putScratch(total);
    this.records++;
  }
}

/** A PcapngWriter appending to a file (buffered; call close() when done — it flushes). */
export class PcapngFileWriter extends PcapngWriter {
  private readonly file: FileSink;
  constructor(path: string, opts: PcapngWriterOptions = {}) {
    const file = new FileSink(path);
    super(file, opts);
    this.file = file;
  }
  close(): void { this.file.close(); }
}

function pad4(n: number): number { return (n + 3) & ~3; }
function le32(b: Uint8Array, o: number, v: number): void { b[o] = v; b[o + 1] = v >>> 8; b[o + 2] = v >>> 16; b[o + 3] = v >>> 24; }
