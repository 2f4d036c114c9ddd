// Where a CaptureReader's bytes come from. Sources are synchronous pull functions (a
// file descriptor, a buffer in memory); an async stream goes through the reader's push
// mode via readCaptureStream().
import { readSync } from 'node:fs';
import { PcapStatus } from './status.js';
import type { CaptureReader } from './capture-reader.js';

/** Copy up to `len` bytes into dst[off..]; return the count, 0 at end of input. May throw (IO_ERROR). */
export interface ByteSource {
  read(dst: Uint8Array, off: number, len: number): number;
}

/** Reads an open file descriptor from its current position (pipes and FIFOs too). */
export function fdSource(fd: number): ByteSource {
  return { read: (dst, off, len) => readSync(fd, dst, off, len, null) };
}

/** Serves bytes from memory (tests, or a capture already held). */
export function bufferSource(src: Uint8Array): ByteSource {
  let pos = 0;
  return {
    read(dst, off, len) {
      const n = Math.min(len, src.length - pos);
      dst.set(src.subarray(pos, pos + n), off);
      pos += n;
      return n;
    },
  };
}

/**
 * Feed an async byte stream (a Readable, a fetch body...) through a push-mode reader
 * (`new CaptureReader(null, opts)`), calling onPacket(reader) for each packet. Resolves
 * with the final status: END, or the error status (reader.error(status) makes a PcapError).
 */
export async function readCaptureStream(reader: CaptureReader, stream: AsyncIterable<Uint8Array>, onPacket: (r: CaptureReader) => void): Promise<number> {
  let s: number = PcapStatus.NEED_MORE;
  const drain = (): number => {
    while ((s = reader.next()) === PcapStatus.OK) onPacket(reader);
    return s;
  };
  for await (const chunk of stream) {
    let off = 0;
    while (off < chunk.length) {
      off += reader.push(chunk, off);
      if (drain() !== PcapStatus.NEED_MORE) return s;
    }
  }
  reader.end();
  return drain();
}
