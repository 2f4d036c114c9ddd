// Certificate handshake message (RFC 5246 §7.4.2): certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>.
import { Reader, Writer } from './wire.js';

/** The DER certificates, leaf first; null when malformed. An empty list is valid (no certificate). */
export function parseCertificateMessage(body: Buffer): Buffer[] | null {
  const r = new Reader(body);
  const list = r.vec24();
  if (!r.ok || !r.done) return null;
  const lr = new Reader(list);
  const certs: Buffer[] = [];
  while (lr.ok && !lr.done) {
    const c = lr.vec24();
    if (c.length === 0) return null;
    certs.push(c);
  }
  return lr.ok ? certs : null;
}

export function buildCertificateMessage(certs: readonly Buffer[]): Buffer {
  const inner = new Writer();
  for (const c of certs) inner.vec24(c);
  return new Writer().vec24(inner.finish()).finish();
}
