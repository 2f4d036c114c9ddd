// CertificateRequest (RFC 5246 §7.4.4):
//   certificate_types<1..2^8-1> supported_signature_algorithms<2..2^16-2> certificate_authorities<0..2^16-1>
import { Reader, Writer } from './wire.js';

export const CLIENT_CERT_ECDSA_SIGN = 64;

export function parseCertificateRequest(body: Buffer): { types: Buffer; signatureSchemes: number[] } | null {
  const r = new Reader(body);
  const types = r.vec8();
  const algs = r.vec16();
  r.vec16(); // certificate_authorities: ignored
  if (!r.ok || !r.done || types.length === 0 || algs.length % 2) return null;
  const signatureSchemes: number[] = [];
  for (let i = 0; i < algs.length; i += 2) signatureSchemes.push(algs.readUInt16BE(i));
  return { types, signatureSchemes };
}

export function buildCertificateRequest(signatureSchemes: readonly number[]): Buffer {
  const w = new Writer().vec8(Buffer.from([CLIENT_CERT_ECDSA_SIGN]));
  w.u16(signatureSchemes.length * 2);
  for (const s of signatureSchemes) w.u16(s);
  w.u16(0); // no CA names
  return w.finish();
}
