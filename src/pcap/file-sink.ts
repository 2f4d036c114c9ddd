// A PcapSink (a ByteSink: no allocation per record) that appends to a file through a 256 KiB buffer (one write syscall per
// buffer, not per packet). close() flushes and closes; idempotent.
import { openSync, writeSync, closeSync } from 'node:fs';
import { PcapError } from './status.js';

export class FileSink {
  private fd: number;
  private buf: Buffer;
  private n = 0;
  /** Bytes handed to write() so far. */
  bytes = 0;

  constructor(path: string, bufferSize = 256 * 1024) {
    this.fd = openSync(path, 'w');
    this.buf = Buffer.alloc(bufferSize);
  }

  /** Copies the chunk (the caller may reuse it at once). */
  readonly write = (c: Uint8Array): void => {
    if (this.fd < 0) throw new PcapError('PCAP_CLOSED', 'pcap: write after close');
    this.bytes += c.length;
    if (this.n + c.length > this.buf.length) {
      this.flush();
      if (c.length > this.buf.length) { writeAll(this.fd, c); return; }
    }
    this.buf.set(c, this.n);
    this.n += c.length;
  };

  /** Copies src[0, len) (ByteSink: no view allocated). */
  writeBytes(src: Uint8Array, len: number): void {
    if (this.fd < 0) throw new PcapError('PCAP_CLOSED', 'pcap: write after close');
    this.bytes += len;
    if (this.n + len > this.buf.length) {
      this.flush();
      if (len > this.buf.length) { writeAll(this.fd, src.subarray(0, len)); return; }
    }
    if (Buffer.isBuffer(src)) src.copy(this.buf, this.n, 0, len);
    else this.buf.set(src.subarray(0, len), this.n);
    this.n += len;
  }

  flush(): void {
    if (this.n > 0 && this.fd >= 0) { writeAll(this.fd, this.buf.subarray(0, this.n)); this.n = 0; }
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
  }
}

function writeAll(fd: number, c: Uint8Array): void {
  let o = 0;
  while (o < c.length) o += writeSync(fd, c, o, c.length - o);
}
