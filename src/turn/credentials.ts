// Long-term credentials (RFC 8489 §9.2) with time-limited usernames, the "TURN REST API"
// scheme coturn calls use-auth-secret and LiveKit mints per participant:
//   username = "<expiry unix seconds>:<participant id>"
//   password = base64(HMAC-SHA1(shared secret, username))
//   key      = MD5(username ":" realm ":" password)   (the MESSAGE-INTEGRITY key)
// The server keeps no user table: any username whose password the secret derives, and
// whose expiry has not passed, is valid.
import { createHash, createHmac } from 'node:crypto';

export interface TurnCredential {
  username: string;
  password: string;
  /** Unix seconds after which the server refuses the credential (401). */
  expiresAt: number;
}

/** The password the shared secret gives a username. */
export function restApiPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

/** A credential for `participantId` valid for ttlSeconds from nowSeconds. */
export function mintTurnCredential(secret: string, participantId: string, ttlSeconds: number, nowSeconds = Math.floor(Date.now() / 1000)): TurnCredential {
  const expiresAt = Math.floor(nowSeconds + ttlSeconds);
  const username = participantId ? `${expiresAt}:${participantId}` : String(expiresAt);
  return { username, password: restApiPassword(secret, username), expiresAt };
}

/**
 * The expiry (unix seconds) a REST-API username carries: the decimal digits before the
 * first ':' (or the whole username). -1 when it has none or is absurd.
 */
export function restApiExpiry(username: string): number {
  let n = 0, i = 0;
  for (; i < username.length && i < 16; i++) {
    const c = username.charCodeAt(i);
    if (c === 58) break; // ':'
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  if (i === 0 || (i < username.length && username.charCodeAt(i) !== 58)) return -1;
  return n;
}

/**
 * Who a REST-API username belongs to: the text after the first ':' (the participant sid
 * Switchboard mints it for), or the whole username when it has no ':'. Every credential a
 * participant is given (a reconnect mints a new one) maps to the same key, so quotas keyed
 * by it hold per participant, as LiveKit's do, not per credential.
 */
export function restApiParticipant(username: string): string {
  const i = username.indexOf(':');
  return i < 0 || i === username.length - 1 ? username : username.slice(i + 1);
}

/** MD5(username:realm:password): the 16-byte long-term key. */
export function longTermKey(username: string, realm: string, password: string): Buffer {
  return createHash('md5').update(`${username}:${realm}:${password}`).digest();
}
