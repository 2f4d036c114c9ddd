// Stateless HelloVerifyRequest cookies (RFC 6347 §4.2.1): the server keeps nothing until
// a ClientHello comes back with a cookie it can recompute:
//   cookie = HMAC-SHA256(secret, peer id || client_version || random || session_id ||
//                        cipher_suites)[0..19]
// Two secrets (current + previous) allow rotation without failing hellos in flight.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ClientHello } from './client-hello.js';

const COOKIE_LEN = 20;

export class CookieSecret {
  #current = randomBytes(32);
  #previous: Buffer | null = null;

  /** Make a new current secret; cookies from the previous one still verify until the next rotation. */
  rotate(): void {
    this.#previous = this.#current;
    this.#current = randomBytes(32);
  }

  #mac(secret: Buffer, peerId: string, hello: ClientHello): Buffer {
    const h = createHmac('sha256', secret);
    h.update(peerId);
    const v = Buffer.alloc(2);
    v.writeUInt16BE(hello.version);
    h.update(v).update(hello.random).update(hello.sessionId);
    for (const s of hello.cipherSuites) { v.writeUInt16BE(s); h.update(v); }
    return h.digest().subarray(0, COOKIE_LEN);
  }

  make(peerId: string, hello: ClientHello): Buffer {
    return this.#mac(this.#current, peerId, hello);
  }

  verify(peerId: string, hello: ClientHello): boolean {
    const c = hello.cookie;
    if (c.length !== COOKIE_LEN) return false;
    if (timingSafeEqual(c, this.#mac(this.#current, peerId, hello))) return true;
    return this.#previous !== null && timingSafeEqual(c, this.#mac(this.#previous, peerId, hello));
  }
}
