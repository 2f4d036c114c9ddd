// ServerHello (RFC 5246 §7.4.1.3):
//   server_version(2) random(32) session_id<0..32> cipher_suite(2) compression_method(1) extensions
import { Reader, Writer } from './wire.js';
import { readExtensions, writeExtensions, type Extensions } from './extensions.js';

export interface ServerHello {
  version: number;
  random: Buffer;
  sessionId: Buffer;
  cipherSuite: number;
  compressionMethod: number;
  extensions: Extensions;
}

export function parseServerHello(body: Buffer): ServerHello | null {
  const r = new Reader(body);
  const version = r.u16();
  const random = r.bytes(32);
  const sessionId = r.vec8();
  const cipherSuite = r.u16();
  const compressionMethod = r.u8();
  if (!r.ok || sessionId.length > 32) return null;
  const extensions = readExtensions(r);
  if (!extensions || !r.done) return null;
  return { version, random, sessionId, cipherSuite, compressionMethod, extensions };
}

export function buildServerHello(h: Omit<ServerHello, 'extensions'>, exts: ReadonlyArray<[number, Buffer]>): Buffer {
  const w = new Writer();
  w.u16(h.version).bytes(h.random).vec8(h.sessionId).u16(h.cipherSuite).u8(h.compressionMethod);
  writeExtensions(w, exts);
  return w.finish();
}
