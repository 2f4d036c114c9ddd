// Stateless nonces (RFC 8489 §9.2): "<8 hex issue seconds><16 hex MAC>", the MAC binding
// the issue time to the client's transport address under a key made at start. The server
// keeps no nonce table (bounded state); a nonce older than the lifetime is stale (438).
import { randomBytes } from 'node:crypto';
import { HmacSha1 } from '../stun/index.js';

const HEX = '0123456789abcdef';
export const NONCE_LENGTH = 24;

export const NonceCheck = { Ok: 0, Invalid: 1, Stale: 2 } as const;
export type NonceCheck = (typeof NonceCheck)[keyof typeof NonceCheck];

export class NonceIssuer {
  readonly #mac: HmacSha1;
  readonly #lifetimeS: number;
  readonly #scratch = Buffer.alloc(4 + 2 + 64);
  readonly #sig = new Uint8Array(20);

  constructor(lifetimeSeconds: number, key: Uint8Array = randomBytes(20)) {
    this.#mac = new HmacSha1(key);
    this.#lifetimeS = lifetimeSeconds;
  }

  /** A nonce for a client at address:port issued at nowMs. */
  issue(address: string, port: number, nowMs: number): string {
    const t = Math.floor(nowMs / 1000) >>> 0;
    this.#sign(t, address, port);
    let s = '';
    for (let i = 28; i >= 0; i -= 4) s += HEX[(t >>> i) & 15];
    for (let i = 0; i < 8; i++) s += HEX[this.#sig[i] >> 4] + HEX[this.#sig[i] & 15];
    return s;
  }

  /** Checks nonce bytes buf[off..off+len) for address:port at nowMs. */
  check(buf: Uint8Array, off: number, len: number, address: string, port: number, nowMs: number): NonceCheck {
    if (len !== NONCE_LENGTH) return NonceCheck.Invalid;
    let t = 0;
    for (let i = 0; i < 8; i++) {
      const d = hexDigit(buf[off + i]);
      if (d < 0) return NonceCheck.Invalid;
      t = t * 16 + d;
    }
    this.#sign(t >>> 0, address, port);
    let diff = 0;
    for (let i = 0; i < 8; i++) {
      const hi = hexDigit(buf[off + 8 + 2 * i]), lo = hexDigit(buf[off + 9 + 2 * i]);
      if (hi < 0 || lo < 0) return NonceCheck.Invalid;
      diff |= ((hi << 4) | lo) ^ this.#sig[i];
    }
    if (diff !== 0) return NonceCheck.Invalid;
    const age = Math.floor(nowMs / 1000) - t;
    return age < 0 || age >= this.#lifetimeS ? NonceCheck.Stale : NonceCheck.Ok;
  }

  #sign(t: number, address: string, port: number): void {
    const s = this.#scratch;
    s[0] = t >>> 24; s[1] = t >>> 16; s[2] = t >>> 8; s[3] = t;
    s[4] = port >> 8; s[5] = port & 0xff;
    const n = s.write(address, 6, 64, 'latin1');
    this.#mac.sign(s, 0, 6 + n, this.#sig, 0);
  }
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}
