// Finds which agent a Binding request is for: USERNAME is `recipientUfrag:senderUfrag`
// (RFC 8445 §7.2.2), so the part before ':' is the local ufrag of the agent that must
// answer. Used by the upper layer when many agents share one socket. Does not
// authenticate: follow with the agent's isAuthenticatedRequest / handleRequest.
import { BINDING_REQUEST, ParseStatus } from './constants.js';
import { StunMessageView } from './message-view.js';

const view = new StunMessageView();

/**
 * Writes [offset, length] of the local-ufrag part of USERNAME into out and returns true,
 * or returns false when buf is not a well-formed Binding request with a USERNAME
 * containing ':'. No allocation.
 */
export function localUfragRange(buf: Uint8Array, len: number, out: Int32Array): boolean {
  if (view.reset(buf, 0, len) !== ParseStatus.Ok || view.type !== BINDING_REQUEST || view.username < 0) return false;
  const u = view.username, end = u + view.usernameLength;
  for (let i = u; i < end; i++) {
    if (buf[i] === 0x3a) {
      if (i === u) return false;
      out[0] = u; out[1] = i - u;
      return true;
    }
  }
  return false;
}

const range = new Int32Array(2);

/** The local-ufrag part of USERNAME as a string (ufrags are ASCII ice-chars), or undefined. */
export function readLocalUfrag(buf: Buffer, len: number): string | undefined {
  if (!localUfragRange(buf, len, range)) return undefined;
  return buf.toString('latin1', range[0], range[0] + range[1]);
}
