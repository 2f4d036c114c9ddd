// What the pcap and pcapng writers share: one reused scratch buffer in which a record's
// header and frame are built, then handed to the sink as ONE chunk. The sink must consume
// (copy or write) the chunk before returning — FileSink and fs.writeSync do. With a
// ByteSink (FileSink is one) nothing is allocated per packet; a plain function sink
// costs one subarray view per record.
import { UdpFlow } from './udp-locator.js';
import { udpFrameOverhead, writeUdpFrame, copyBytes } from './udp-frame.js';
import { PcapError } from './status.js';

/** A sink that takes the first `len` bytes of `src` (copying them) without a view per record. */
export interface ByteSink {
  write(chunk: Uint8Array): void;
  writeBytes(src: Uint8Array, len: number): void;
}
export type PcapSink = ((chunk: Uint8Array) => void) | ByteSink;

export abstract class CaptureWriter {
  /** Records (packets) written so far. */
  records = 0;
  protected scratch = Buffer.alloc(2048);
  private ipId = 0;
  private readonly flow4 = new UdpFlow();

  private readonly fnSink: ((chunk: Uint8Array) => void) | null;
  private readonly byteSink: ByteSink | null;

  constructor(sink: PcapSink) {
    this.fnSink = typeof sink === 'function' ? sink : null;
    this.byteSink = typeof sink === 'function' ? null : sink;
  }

  /** Hand a whole chunk (file / block headers) to the sink. */
  protected putChunk(c: Uint8Array): void {
    if (this.fnSink) this.fnSink(c); else this.byteSink!.write(c);
  }

  /** Hand scratch[0, len) to the sink. */
  protected putScratch(len: number): void {
    if (this.byteSink) this.byteSink.writeBytes(this.scratch, len);
    else this.fnSink!(this.scratch.subarray(0, len));
  }

  /** Link type of interface `ifId` (classic pcap: the file's only one). */
  abstract linkTypeOf(ifId: number): number;
  /** Bytes of record header before the frame. */
  protected abstract readonly recordHeaderLength: number;
  /** The frame (frameLen bytes) is at scratch[recordHeaderLength]: finish the record and emit it. */
  protected abstract emit(ifId: number, sec: number, ns: number, frameLen: number): void;

  /** Write one frame as-is (it must be of the interface's link type). tsUs: µs since 1970. */
  writeFrame(tsUs: number, frame: Uint8Array, off = 0, len = frame.length - off, ifId = 0): void {
    const sec = Math.floor(tsUs / 1e6);
    this.writeFrameNs(sec, Math.round((tsUs - sec * 1e6) * 1000), frame, off, len, ifId);
  }

  /** Write one frame with a sec + ns timestamp (exact; rounded to µs on a µs file/interface). */
  writeFrameNs(sec: number, ns: number, frame: Uint8Array, off: number, len: number, ifId = 0): void {
    this.linkTypeOf(ifId); // validates ifId
    const h = this.recordHeaderLength;
    const s = this.ensure(h + len + 8);
    copyBytes(frame, off, len, s, h);
    this.emit(ifId, sec, ns, len);
  }

  /** IPv4 shorthand (the original classic-pcap API): wrap a UDP payload and write it. */
  writeUdp(tsUs: number, srcIp: number, srcPort: number, dstIp: number, dstPort: number, payload: Uint8Array, off = 0, len = payload.length - off, ifId = 0): void {
    const f = this.flow4;
    f.srcIp = srcIp; f.srcPort = srcPort; f.dstIp = dstIp; f.dstPort = dstPort;
    this.writeUdpFlow(tsUs, f, payload, off, len, ifId);
  }

  /** Wrap a UDP payload for `flow` (IPv4 or IPv6) in the interface's link layer and write it. */
  writeUdpFlow(tsUs: number, flow: UdpFlow, payload: Uint8Array, off = 0, len = payload.length - off, ifId = 0): void {
    const sec = Math.floor(tsUs / 1e6);
    this.writeUdpFlowNs(sec, Math.round((tsUs - sec * 1e6) * 1000), flow, payload, off, len, ifId);
  }

  writeUdpFlowNs(sec: number, ns: number, flow: UdpFlow, payload: Uint8Array, off: number, len: number, ifId = 0): void {
    const lt = this.linkTypeOf(ifId);
    const h = this.recordHeaderLength;
    const s = this.ensure(h + udpFrameOverhead(lt, flow.ipVersion) + len + 8);
    const n = writeUdpFrame(s, h, lt, flow, payload, off, len, this.ipId++ & 0xffff);
    this.emit(ifId, sec, ns, n);
  }

  protected ensure(n: number): Buffer {
    if (this.scratch.length < n) this.scratch = Buffer.alloc(Math.max(n, this.scratch.length * 2));
    return this.scratch;
  }

  protected static checkSnapLen(snapLen: number): number {
    if (!Number.isInteger(snapLen) || snapLen < 1 || snapLen > 0x7fffffff) throw new PcapError('PCAP_BAD_OPTION', `pcap: bad snapLen ${snapLen}`);
    return snapLen;
  }
}
