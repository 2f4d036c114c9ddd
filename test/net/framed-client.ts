// A loopback TCP client speaking RFC 4571 framing, shared by the TcpMux and ICE-TCP tests.
import { connect, type Socket } from 'node:net';
import { Rfc4571Framer, writeFrameHeader } from '../../src/net/index.js';

export interface FramedClient { s: Socket; frames: Buffer[]; closed: () => boolean }

/** One packet with its 2-byte length prefix. */
export const frame = (p: Buffer): Buffer => { const h = Buffer.alloc(2); writeFrameHeader(h, 0, p.length); return Buffer.concat([h, p]); };
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls f every 5 ms; throws after ms. */
export async function until(f: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) { if (Date.now() > end) throw new Error('timed out'); await sleep(5); }
}

/** Connects to 127.0.0.1:port and collects every deframed packet it receives. */
export function framedClient(port: number): Promise<FramedClient> {
  return new Promise((resolve, reject) => {
    const frames: Buffer[] = [];
    let closed = false;
    const f = new Rfc4571Framer((b, l) => frames.push(Buffer.from(b.subarray(0, l))));
    const s = connect({ host: '127.0.0.1', port }, () => resolve({ s, frames, closed: () => closed }));
    s.on('data', (d) => f.push(d));
    s.on('close', () => { closed = true; });
    s.on('error', reject);
  });
}
