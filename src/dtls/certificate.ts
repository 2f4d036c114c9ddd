// The endpoint's identity: a self-signed ECDSA P-256 X.509 v3 certificate and its
// fingerprints for SDP (RFC 8122 a=fingerprint:sha-256 AB:CD:...).
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { bitString, explicit, integer, oid, sequence, set, smallInteger, time, utf8String } from './der.js';

const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const OID_COMMON_NAME = '2.5.4.3';

export type FingerprintAlgorithm = 'sha-1' | 'sha-224' | 'sha-256' | 'sha-384' | 'sha-512';

/** A fingerprint as SDP carries it: `a=fingerprint:<algorithm> <value>`. */
export interface Fingerprint {
  algorithm: FingerprintAlgorithm | string;
  /** Hex bytes separated by colons, any case, e.g. `AB:CD:...`. */
  value: string;
}

export interface DtlsCertificate {
  /** The certificate, DER. */
  der: Buffer;
  /** ECDSA P-256 private key matching the certificate. */
  privateKey: KeyObject;
  /** SHA-256 fingerprint in SDP form (uppercase hex with colons). */
  fingerprint: Fingerprint;
}

export interface CertificateOptions {
  /** Subject and issuer CN. Default: 'switchboard'. */
  commonName?: string;
  /** Validity start (default now - 1 day) and end (default now + 30 days). */
  notBefore?: Date;
  notAfter?: Date;
}

const DAY_MS = 86_400_000;

/** Generate a fresh key pair and a self-signed ECDSA P-256 / SHA-256 certificate. */
export function generateCertificate(opts: CertificateOptions = {}): DtlsCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const now = Date.now();
  const cn = opts.commonName ?? 'switchboard';
  const name = sequence(set(sequence(oid(OID_COMMON_NAME), utf8String(cn))));
  const serial = randomBytes(16);
  serial[0] &= 0x7f; // positive
  serial[0] |= 0x01; // and non-zero
  const algorithm = sequence(oid(OID_ECDSA_WITH_SHA256));
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    integer(serial),
    algorithm,
    name,
    sequence(time(opts.notBefore ?? new Date(now - DAY_MS)), time(opts.notAfter ?? new Date(now + 30 * DAY_MS))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey); // DER ECDSA-Sig-Value
  const der = sequence(tbs, algorithm, bitString(signature));
  return { der, privateKey, fingerprint: { algorithm: 'sha-256', value: fingerprintOf(der, 'sha-256') } };
}

/** Load a certificate and key made elsewhere (PEM). The key must be ECDSA P-256. */
export function certificateFromPem(certPem: string, keyPem: string): DtlsCertificate {
  const der = new X509Certificate(certPem).raw;
  const privateKey = createPrivateKey(keyPem);
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TypeError('dtls: certificate key must be ECDSA P-256');
  }
  return { der, privateKey, fingerprint: { algorithm: 'sha-256', value: fingerprintOf(der, 'sha-256') } };
}

const hashNames: Record<string, string> = { 'sha-1': 'sha1', 'sha-224': 'sha224', 'sha-256': 'sha256', 'sha-384': 'sha384', 'sha-512': 'sha512' };

/** `AB:CD:..` fingerprint of DER bytes. Throws TypeError for an unknown algorithm. */
export function fingerprintOf(der: Buffer, algorithm: string): string {
  const h = hashNames[algorithm.toLowerCase()];
  if (!h) throw new TypeError(`dtls: unsupported fingerprint algorithm ${algorithm}`);
  const hex = createHash(h).update(der).digest('hex').toUpperCase();
  return hex.match(/../g)!.join(':');
}

/**
 * true when `der` matches at least one of the fingerprints with a supported algorithm
 * (sha-1/224/256/384/512). Values compare case-insensitively.
 */
export function matchesFingerprint(der: Buffer, fingerprints: readonly Fingerprint[]): boolean {
  for (const f of fingerprints) {
    if (!hashNames[f.algorithm.toLowerCase()]) continue;
    if (fingerprintOf(der, f.algorithm) === f.value.trim().toUpperCase()) return true;
  }
  return false;
}
