// A throwaway self-signed certificate for a test's TLS listener, made by the openssl CLI
// (an implementation independent of node:tls) in a fresh temp dir: an EC P-256 key and a
// cert for `name` (subjectAltName DNS:name and IP:127.0.0.1), valid a day. Also the
// base64 SHA-256 of its SubjectPublicKeyInfo, which Chromium's
// --ignore-certificate-errors-spki-list takes to trust exactly this key and no other.
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSigned {
  readonly dir: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** base64(SHA-256(SPKI DER)). */
  readonly spkiSha256: string;
  remove(): void;
}

export function makeSelfSigned(name: string): SelfSigned {
  const dir = mkdtempSync(join(tmpdir(), 'sb-cert-'));
  const certFile = join(dir, 'cert.pem'), keyFile = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', `/CN=${name}`,
    '-addext', `subjectAltName=DNS:${name},IP:127.0.0.1`,
  ], { stdio: 'pipe', timeout: 15_000 });
  const certPem = readFileSync(certFile, 'utf8'), keyPem = readFileSync(keyFile, 'utf8');
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return {
    dir, certFile, keyFile, certPem, keyPem,
    spkiSha256: createHash('sha256').update(spki).digest('base64'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
