// HelloVerifyRequest (RFC 6347 §4.2.1): server_version(2) cookie<0..255>
import { Reader, Writer } from './wire.js';

export function parseHelloVerifyRequest(body: Buffer): { version: number; cookie: Buffer } | null {
  const r = new Reader(body);
  const version = r.u16();
  const cookie = r.vec8();
  if (!r.ok || !r.done) return null;
  return { version, cookie };
}

export function buildHelloVerifyRequest(version: number, cookie: Buffer): Buffer {
  return new Writer().u16(version).vec8(cookie).finish();
}
