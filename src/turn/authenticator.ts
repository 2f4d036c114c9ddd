// The long-term credential check every authenticated TURN request goes through, in the
// order RFC 8489 §9.2.4 gives: no MESSAGE-INTEGRITY -> 401; USERNAME/REALM/NONCE missing
// -> 400; nonce invalid or stale -> 438; unknown or expired username -> 401 (expiry only
// for a request not on that username's own allocation); integrity mismatch -> 401. 401 and 438 carry REALM and a fresh NONCE and no MESSAGE-INTEGRITY.
import { HmacSha1, type StunMessageView } from '../stun/index.js';
import { ERR_BAD_REQUEST, ERR_STALE_NONCE, ERR_UNAUTHENTICATED } from './constants.js';
import { longTermKey, restApiExpiry, restApiPassword } from './credentials.js';
import { NonceCheck, NonceIssuer } from './nonce.js';

export interface KnownCredential {
  readonly username: string;
  readonly key: HmacSha1;
}

export class Authenticator {
  readonly realm: string;
  readonly #secret: string;
  readonly #nonces: NonceIssuer;
  /** After check() returns 0: the request's username and its MESSAGE-INTEGRITY key. */
  username = '';
  key: HmacSha1 | null = null;
  /** Why the last check failed, for the event log. */
  reason = '';

  constructor(realm: string, secret: string, nonceLifetimeS: number) {
    this.realm = realm;
    this.#secret = secret;
    this.#nonces = new NonceIssuer(nonceLifetimeS);
  }

  nonce(address: string, port: number, nowMs: number): string {
    return this.#nonces.issue(address, port, nowMs);
  }

  /**
   * 0 when the request authenticates, else the error code to answer with. `known` is the
   * allocation's credential on this 5-tuple, whose key is reused instead of re-derived.
   */
  check(v: StunMessageView, address: string, port: number, nowMs: number, known: KnownCredential | null): number {
    this.key = null; this.username = ''; this.reason = '';
    if (v.integrity < 0) { this.reason = 'no MESSAGE-INTEGRITY'; return ERR_UNAUTHENTICATED; }
    if (v.username < 0 || v.realm < 0 || v.nonce < 0) { this.reason = 'USERNAME, REALM or NONCE missing'; return ERR_BAD_REQUEST; }
    const nc = this.#nonces.check(v.buf, v.nonce, v.nonceLength, address, port, nowMs);
    if (nc !== NonceCheck.Ok) { this.reason = nc === NonceCheck.Stale ? 'stale nonce' : 'nonce not ours'; return ERR_STALE_NONCE; }
    const username = v.text(v.username, v.usernameLength);
    if (v.text(v.realm, v.realmLength) !== this.realm) { this.reason = 'wrong realm'; return ERR_UNAUTHENTICATED; }
    const expiry = restApiExpiry(username);
    if (expiry < 0) { this.reason = 'username without an expiry'; return ERR_UNAUTHENTICATED; }
    // The expiry gates new allocations only: Refresh, CreatePermission and ChannelBind on
    // the allocation this username made keep working past it, or every call would lose its
    // relay a lifetime after the credential's TTL (livekit-server skips the check the same way).
    const own = known !== null && known.username === username;
    if (!own && expiry * 1000 <= nowMs) { this.reason = 'credential expired'; return ERR_UNAUTHENTICATED; }
    const key = own
      ? known.key
      : new HmacSha1(longTermKey(username, this.realm, restApiPassword(this.#secret, username)));
    if (!v.verifyIntegrity(key)) { this.reason = 'MESSAGE-INTEGRITY mismatch'; return ERR_UNAUTHENTICATED; }
    this.username = username;
    this.key = key;
    return 0;
  }
}
