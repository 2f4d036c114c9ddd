// The short client messages:
//   ClientKeyExchange (RFC 8422 §5.7): ECPoint public<1..255>
//   CertificateVerify (RFC 5246 §7.4.8): SignatureAndHashAlgorithm(2) signature<0..2^16-1>
import { Reader, Writer } from './wire.js';

export function parseClientKeyExchange(body: Buffer): Buffer | null {
  const r = new Reader(body);
  const point = r.vec8();
  if (!r.ok || !r.done || point.length === 0) return null;
  return point;
}

export function buildClientKeyExchange(publicKey: Buffer): Buffer {
  return new Writer().vec8(publicKey).finish();
}

export function parseDigitallySigned(body: Buffer): { scheme: number; signature: Buffer } | null {
  const r = new Reader(body);
  const scheme = r.u16();
  const signature = r.vec16();
  if (!r.ok || !r.done) return null;
  return { scheme, signature };
}

export function buildDigitallySigned(scheme: number, signature: Buffer): Buffer {
  return new Writer().u16(scheme).vec16(signature).finish();
}
