// ClientHello (RFC 5246 §7.4.1.2 with the DTLS cookie of RFC 6347 §4.2.1):
//   client_version(2) random(32) session_id<0..32> cookie<0..255>
//   cipher_suites<2..2^16-2> compression_methods<1..255> extensions<0..2^16-1>
import { Reader, Writer } from './wire.js';
import { readExtensions, writeExtensions, type Extensions } from './extensions.js';

export interface ClientHello {
  version: number;
  random: Buffer;
  sessionId: Buffer;
  cookie: Buffer;
  cipherSuites: number[];
  compressionMethods: Buffer;
  extensions: Extensions;
}

/** Parse a ClientHello body; null when malformed. */
export function parseClientHello(body: Buffer): ClientHello | null {
  const r = new Reader(body);
  const version = r.u16();
  const random = r.bytes(32);
  const sessionId = r.vec8();
  const cookie = r.vec8();
  const suites = r.vec16();
  const compressionMethods = r.vec8();
  if (!r.ok || sessionId.length > 32 || suites.length < 2 || suites.length % 2 || compressionMethods.length < 1) return null;
  const extensions = readExtensions(r);
  if (!extensions || !r.done) return null;
  const cipherSuites: number[] = [];
  for (let i = 0; i < suites.length; i += 2) cipherSuites.push(suites.readUInt16BE(i));
  return { version, random, sessionId, cookie, cipherSuites, compressionMethods, extensions };
}

export function buildClientHello(h: Omit<ClientHello, 'extensions' | 'compressionMethods'>, exts: ReadonlyArray<[number, Buffer]>): Buffer {
  const w = new Writer();
  w.u16(h.version).bytes(h.random).vec8(h.sessionId).vec8(h.cookie);
  w.u16(h.cipherSuites.length * 2);
  for (const s of h.cipherSuites) w.u16(s);
  w.vec8(Buffer.from([0])); // null compression only
  writeExtensions(w, exts);
  return w.finish();
}
