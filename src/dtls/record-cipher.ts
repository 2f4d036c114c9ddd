// AEAD record protection (RFC 5288 GCM, RFC 7905 ChaCha20-Poly1305) for one direction
// of one epoch.
//
//   GCM:    nonce = salt(4, from key block) || explicit(8) ; record = explicit || ciphertext || tag
//   ChaCha: nonce = iv(12) XOR (0^4 || epoch(2) || seq(6)) ; record = ciphertext || tag
//   AAD   = epoch(2) || seq(6) || type(1) || version(2) || plaintext_length(2)
import { createCipheriv, createDecipheriv, type CipherGCMTypes } from 'node:crypto';
import type { SuiteInfo } from './suites.js';

const TAG_LEN = 16;

export class RecordCipher {
  readonly overhead: number;
  readonly #nonce = Buffer.alloc(12);
  readonly #aad = Buffer.alloc(13);

  constructor(readonly suite: SuiteInfo, readonly key: Buffer, readonly fixedIv: Buffer) {
    this.overhead = suite.explicitNonceLen + TAG_LEN;
  }

  #setNonce(epoch: number, seq: number): void {
    const n = this.#nonce;
    if (this.suite.explicitNonceLen) {
      this.fixedIv.copy(n, 0, 0, 4);
      n.writeUInt16BE(epoch, 4);
      n.writeUIntBE(seq, 6, 6);
    } else {
      this.fixedIv.copy(n, 0, 0, 12);
      n[4] ^= epoch >>> 8; n[5] ^= epoch & 0xff;
      for (let i = 0; i < 6; i++) n[6 + i] ^= Math.floor(seq / 2 ** (8 * (5 - i))) & 0xff;
    }
  }

  #setAad(epoch: number, seq: number, type: number, version: number, plainLen: number): void {
    const a = this.#aad;
    a.writeUInt16BE(epoch, 0);
    a.writeUIntBE(seq, 2, 6);
    a[8] = type;
    a.writeUInt16BE(version, 9);
    a.writeUInt16BE(plainLen, 11);
  }

  /** Encrypt `plain` into `out` at `outOff`; returns bytes written (plain.length + overhead). */
  seal(epoch: number, seq: number, type: number, version: number, plain: Buffer, out: Buffer, outOff: number): number {
    this.#setNonce(epoch, seq);
    this.#setAad(epoch, seq, type, version, plain.length);
    let off = outOff;
    if (this.suite.explicitNonceLen) off += this.#nonce.copy(out, off, 4, 12);
    const c = createCipheriv(this.suite.cipher as CipherGCMTypes, this.key, this.#nonce, { authTagLength: TAG_LEN });
    c.setAAD(this.#aad, { plaintextLength: plain.length });
    off += c.update(plain).copy(out, off);
    off += c.final().copy(out, off);
    off += c.getAuthTag().copy(out, off);
    return off - outOff;
  }

  /**
   * Decrypt a record payload. Returns the plaintext, or null when the record does not
   * authenticate (caller drops it silently, as DTLS requires).
   */
  open(epoch: number, seq: number, type: number, version: number, payload: Buffer): Buffer | null {
    const explicitLen = this.suite.explicitNonceLen;
    const plainLen = payload.length - explicitLen - TAG_LEN;
    if (plainLen < 0) return null;
    if (explicitLen) {
      this.fixedIv.copy(this.#nonce, 0, 0, 4);
      payload.copy(this.#nonce, 4, 0, 8);
    } else {
      this.#setNonce(epoch, seq);
    }
    this.#setAad(epoch, seq, type, version, plainLen);
    try {
      const d = createDecipheriv(this.suite.cipher as CipherGCMTypes, this.key, this.#nonce, { authTagLength: TAG_LEN });
      d.setAAD(this.#aad, { plaintextLength: plainLen });
      d.setAuthTag(payload.subarray(payload.length - TAG_LEN));
      const head = d.update(payload.subarray(explicitLen, payload.length - TAG_LEN));
      const tail = d.final();
      return tail.length ? Buffer.concat([head, tail]) : head;
    } catch {
      return null;
    }
  }
}
