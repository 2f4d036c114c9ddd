// Validates an incoming ICE connectivity check (a STUN Binding request) the way
// RFC 8489 §6.3 orders it: parse -> FINGERPRINT -> short-term credentials (§9.1.3) ->
// unknown comprehension-required attributes -> ICE role (RFC 8445 §7.3.1.1, done by the
// agent). Then writes the matching response into a caller buffer. Shared by the
// ICE-lite agent and the full agent.
import {
  ATTR_XOR_MAPPED_ADDRESS, BINDING_ERROR, BINDING_INDICATION, BINDING_REQUEST, BINDING_SUCCESS,
  ERR_BAD_REQUEST, ERR_ROLE_CONFLICT, ERR_UNAUTHENTICATED, ERR_UNKNOWN_ATTRIBUTE, ParseStatus,
} from './constants.js';
import { StunBuilder } from './builder.js';
import { StunError } from './errors.js';
import { HmacSha1 } from './hmac-sha1.js';
import { StunMessageView } from './message-view.js';

/** Outcome of handling one datagram. `responseLength > 0` on the agent means "send out". */
export const IceStatus = {
  /** Valid check; a success response was written. */
  Success: 0,
  /** Missing USERNAME or MESSAGE-INTEGRITY: 400 written (unsigned). */
  BadRequest: 1,
  /** USERNAME is not ours: 401 written (unsigned). */
  BadUsername: 2,
  /** MESSAGE-INTEGRITY does not verify with our password: 401 written (unsigned). */
  BadIntegrity: 3,
  /** Unknown comprehension-required attribute: 420 written (signed). */
  UnknownAttribute: 4,
  /** ICE role conflict we keep our role in: 487 written (signed). */
  RoleConflict: 5,
  /** Malformed STUN (see view's ParseStatus): dropped. */
  Malformed: 10,
  /** FINGERPRINT present and wrong: dropped silently (RFC 8489 §7.3). */
  BadFingerprint: 11,
  /** A Binding indication (keepalive): nothing to send. */
  Indication: 12,
  /** A STUN method/class we do not serve here: dropped. */
  Ignored: 13,
  /** A response matched to one of our transactions (full agent only). */
  ResponseHandled: 14,
  /** A response that matched nothing or failed verification (full agent only). */
  ResponseDropped: 15,
} as const;
export type IceStatus = (typeof IceStatus)[keyof typeof IceStatus];

export function iceStatusName(s: number): string {
  for (const k of Object.keys(IceStatus) as (keyof typeof IceStatus)[]) if (IceStatus[k] === s) return k;
  return `Unknown(${s})`;
}

const ICE_CHAR = /^[A-Za-z0-9+/]+$/;

export function checkCredential(what: string, s: string, min: number): void {
  if (typeof s !== 'string' || s.length < min || s.length > 256 || !ICE_CHAR.test(s)) {
    throw new StunError('ERR_STUN_BAD_CREDENTIALS', `${what} must be ${min}-256 ice-chars (ALPHA / DIGIT / "+" / "/"), got ${JSON.stringify(s)}`);
  }
}

export class BindingChecker {
  readonly view = new StunMessageView();
  readonly builder = new StunBuilder();
  /** HMAC keyed with OUR password: checks requests to us and signs our responses. */
  readonly localKey: HmacSha1;
  /** `localUfrag:remoteUfrag`, or `localUfrag:` while the remote ufrag is unknown. */
  #expected: Buffer;
  #remoteKnown = false;

  constructor(readonly localUfrag: string, localPwd: string) {
    checkCredential('local ufrag', localUfrag, 4);
    checkCredential('local password', localPwd, 22);
    this.localKey = new HmacSha1(Buffer.from(localPwd, 'utf8'));
    this.#expected = Buffer.from(`${localUfrag}:`, 'utf8');
  }

  setRemoteUfrag(remoteUfrag: string): void {
    checkCredential('remote ufrag', remoteUfrag, 4);
    this.#expected = Buffer.from(`${this.localUfrag}:${remoteUfrag}`, 'utf8');
    this.#remoteKnown = true;
  }

  /** USERNAME equals `ours:theirs` (or starts with `ours:` while theirs is unknown). */
  usernameMatches(): boolean {
    const v = this.view, e = this.#expected;
    if (v.username < 0) return false;
    if (this.#remoteKnown ? v.usernameLength !== e.length : v.usernameLength <= e.length) return false;
    const b = v.buf, o = v.username;
    for (let i = 0; i < e.length; i++) if (b[o + i] !== e[i]) return false;
    return true;
  }

  /**
   * Parses and authenticates buf[0, len). Returns Success for a valid Binding request
   * (role not yet checked), or the status to answer/drop with.
   */
  check(buf: Buffer, len: number): IceStatus {
    const v = this.view;
    if (v.reset(buf, 0, len) !== ParseStatus.Ok) return IceStatus.Malformed;
    if (v.type !== BINDING_REQUEST) return v.type === BINDING_INDICATION ? IceStatus.Indication : IceStatus.Ignored;
    if (v.fingerprint >= 0 && !v.verifyFingerprint()) return IceStatus.BadFingerprint;
    if (v.username < 0 || v.integrity < 0) return IceStatus.BadRequest;
    if (!this.usernameMatches()) return IceStatus.BadUsername;
    if (!v.verifyIntegrity(this.localKey)) return IceStatus.BadIntegrity;
    if (v.unknownRequiredCount > 0) return IceStatus.UnknownAttribute;
    return IceStatus.Success;
  }

  /** Success response: XOR-MAPPED-ADDRESS of the sender + MESSAGE-INTEGRITY + FINGERPRINT. */
  writeSuccess(out: Buffer, addr: Uint8Array, family: 4 | 6, port: number): number {
    const v = this.view;
    return this.builder.begin(out, 0, BINDING_SUCCESS, v.buf, v.transactionId)
      .xorAddress(ATTR_XOR_MAPPED_ADDRESS, family, addr, 0, port)
      .integrity(this.localKey).fingerprint().end();
  }

  /** The error response for a non-Success check status (0 when the status gets none). */
  writeError(out: Buffer, status: IceStatus): number {
    const v = this.view, b = this.builder;
    switch (status) {
      case IceStatus.BadRequest:
        // Unsigned: without USERNAME/MESSAGE-INTEGRITY there is no key to sign with.
        return b.begin(out, 0, BINDING_ERROR, v.buf, v.transactionId)
          .errorCode(ERR_BAD_REQUEST, 'Bad Request').fingerprint().end();
      case IceStatus.BadUsername:
      case IceStatus.BadIntegrity:
        // RFC 8489 §9.1.3: no MESSAGE-INTEGRITY on a 401; we cannot prove who we are to them.
        return b.begin(out, 0, BINDING_ERROR, v.buf, v.transactionId)
          .errorCode(ERR_UNAUTHENTICATED, 'Unauthenticated').fingerprint().end();
      case IceStatus.UnknownAttribute:
        return b.begin(out, 0, BINDING_ERROR, v.buf, v.transactionId)
          .errorCode(ERR_UNKNOWN_ATTRIBUTE, 'Unknown Attribute')
          .unknownAttributes(v.unknownRequired, v.unknownRequiredCount)
          .integrity(this.localKey).fingerprint().end();
      case IceStatus.RoleConflict:
        return b.begin(out, 0, BINDING_ERROR, v.buf, v.transactionId)
          .errorCode(ERR_ROLE_CONFLICT, 'Role Conflict')
          .integrity(this.localKey).fingerprint().end();
      default:
        return 0;
    }
  }
}
