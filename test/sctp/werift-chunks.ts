// werift's SCTP chunk codec (an independent TypeScript implementation), loaded by file
// path because werift's package exports do not expose its sctp module.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const base = require.resolve('werift').replace(/webrtc[/\\]src[/\\]index\.js$/, 'sctp/src/');

export interface WeriftChunk { type: number; flags: number; body?: Buffer; bytes: Buffer; [k: string]: unknown }
export const weriftChunk = require(base + 'chunk.js') as {
  parsePacket(b: Buffer): [number, number, number, WeriftChunk[]];
  serializePacket(src: number, dst: number, tag: number, c: WeriftChunk): Buffer;
  [k: string]: unknown;
};
export const weriftParam = require(base + 'param.js') as Record<string, unknown>;
export const weriftSctpModule = require(base + 'sctp.js') as Record<string, unknown>;
