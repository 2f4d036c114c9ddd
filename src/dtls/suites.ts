// What each supported cipher suite needs: key sizes, PRF hash, AEAD and nonce layout.
import { CipherSuite } from './constants.js';
import type { PrfHash } from './prf.js';

export interface SuiteInfo {
  id: number;
  name: string;
  prfHash: PrfHash;
  /** node:crypto cipher name. */
  cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
  keyLen: number;
  /** Implicit IV bytes from the key block: 4 (GCM salt) or 12 (ChaCha, RFC 7905). */
  fixedIvLen: number;
  /** Explicit nonce carried in each record: 8 for GCM, 0 for ChaCha. */
  explicitNonceLen: number;
}

const table: SuiteInfo[] = [
  { id: CipherSuite.ECDHE_ECDSA_AES_128_GCM_SHA256, name: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', prfHash: 'sha256', cipher: 'aes-128-gcm', keyLen: 16, fixedIvLen: 4, explicitNonceLen: 8 },
  { id: CipherSuite.ECDHE_ECDSA_AES_256_GCM_SHA384, name: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', prfHash: 'sha384', cipher: 'aes-256-gcm', keyLen: 32, fixedIvLen: 4, explicitNonceLen: 8 },
  { id: CipherSuite.ECDHE_ECDSA_CHACHA20_POLY1305_SHA256, name: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', prfHash: 'sha256', cipher: 'chacha20-poly1305', keyLen: 32, fixedIvLen: 12, explicitNonceLen: 0 },
];

export function suiteInfo(id: number): SuiteInfo | undefined {
  return table.find((s) => s.id === id);
}

/** Our preference order (AES-128-GCM first: it is what WebRTC peers expect). */
export const DEFAULT_CIPHER_SUITES: readonly number[] = table.map((s) => s.id);
