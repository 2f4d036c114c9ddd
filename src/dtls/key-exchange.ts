// Ephemeral ECDH over secp256r1 (uncompressed points, RFC 8422 §5.4.1) and X25519 (RFC 7748).
import { createECDH, createPublicKey, diffieHellman, generateKeyPairSync, type ECDH, type KeyObject } from 'node:crypto';
import { NamedGroup } from './constants.js';

const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export class EphemeralKey {
  readonly publicKey: Buffer;
  #ecdh?: ECDH;
  #x25519?: KeyObject;

  constructor(readonly group: number) {
    if (group === NamedGroup.secp256r1) {
      this.#ecdh = createECDH('prime256v1');
      this.publicKey = this.#ecdh.generateKeys();
    } else if (group === NamedGroup.x25519) {
      const kp = generateKeyPairSync('x25519');
      this.#x25519 = kp.privateKey;
      this.publicKey = kp.publicKey.export({ type: 'spki', format: 'der' }).subarray(X25519_SPKI_PREFIX.length);
    } else {
      throw new TypeError(`dtls: unsupported group ${group}`);
    }
  }

  /** The pre-master secret from the peer's public value, or null when it is invalid. */
  sharedSecret(peer: Buffer): Buffer | null {
    try {
      if (this.#ecdh) {
        if (peer.length !== 65 || peer[0] !== 4) return null; // uncompressed only
        return this.#ecdh.computeSecret(peer);
      }
      if (peer.length !== 32) return null;
      const pub = createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, peer]), format: 'der', type: 'spki' });
      const secret = diffieHellman({ privateKey: this.#x25519!, publicKey: pub });
      if (secret.every((b) => b === 0)) return null; // RFC 7748 §6.1 all-zero check
      return secret;
    } catch {
      return null;
    }
  }
}

export const SUPPORTED_GROUPS: readonly number[] = [NamedGroup.x25519, NamedGroup.secp256r1];
