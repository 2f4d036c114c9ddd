// Full ICE agent for the client role (RFC 8445 §6-§8), controlling by default. A pure
// core: the caller feeds datagrams and clock ticks, and gives it a send callback.
//
// - Checks every remote candidate (paced Ta ms apart) with USERNAME `theirs:ours`,
//   PRIORITY, ICE-CONTROLLING (tiebreaker), USE-CANDIDATE (aggressive nomination, fine
//   against an ice-lite peer), MESSAGE-INTEGRITY (remote password), FINGERPRINT.
// - Retransmits per RFC 8489 §6.2.1: sends at 0, RTO, 3 RTO, 7 RTO ... (Rc sends), then
//   fails the transaction Rm*RTO after the last send.
// - The first nominated pair that succeeds is selected: onConnected. All failed: onFailed.
// - Then consent checks (RFC 7675) every consentIntervalMs x U(0.8, 1.2); no response for
//   consentTimeoutMs: onConsentLost.
// - Answers the peer's checks as a full agent would, including role conflicts
//   (RFC 8445 §7.3.1.1) and 487 responses to our own checks (§7.2.5.1).
import { randomFillSync } from 'node:crypto';
import { BindingChecker, IceStatus, checkCredential } from './binding-check.js';
import { CandidatePair } from './candidate-pair.js';
import {
  ATTR_ICE_CONTROLLED, ATTR_ICE_CONTROLLING, ATTR_PRIORITY, ATTR_USE_CANDIDATE, ATTR_USERNAME, BINDING_ERROR,
  BINDING_REQUEST, BINDING_SUCCESS, ERR_ROLE_CONFLICT, ParseStatus,
} from './constants.js';
import { StunError } from './errors.js';
import { HmacSha1 } from './hmac-sha1.js';
import { canonicalIp, parseIp } from './ip.js';
import { CheckEntry, CheckState } from './check-entry.js';

export type IceRole = 'controlling' | 'controlled';
export type IceAgentState = 'new' | 'checking' | 'connected' | 'failed' | 'disconnected';

export interface IceAgentConfig {
  localUfrag: string;
  localPwd: string;
  remoteUfrag?: string;
  remotePwd?: string;
  /** Default 'controlling'. */
  role?: IceRole;
  /** 64-bit role-conflict tiebreaker. Default random. */
  tiebreaker?: bigint;
  /** PRIORITY sent in checks. Default: peer-reflexive type preference 110, component 1. */
  priority?: number;
  /** Initial retransmission timeout. Default 500 (RFC 8445 §14.3 minimum). */
  rtoMs?: number;
  /** Rc: total sends per transaction. Default 7. */
  maxSends?: number;
  /** Rm: wait after the last send, in RTOs. Default 16. */
  lastWaitRtos?: number;
  /** Ta: pacing between starting new checks. Default 50. */
  paceMs?: number;
  /** Consent check interval (randomised x0.8..1.2). Default 5000. */
  consentIntervalMs?: number;
  /** Consent lost after this long without a response. Default 30 000. */
  consentTimeoutMs?: number;
  /** Uniform [0,1) source for consent jitter; inject for tests. Default Math.random. */
  random?: () => number;
}

export const defaultIceAgentConfig = Object.freeze({
  role: 'controlling' as IceRole, priority: ((110 << 24) | (65535 << 8) | 255) >>> 0, rtoMs: 500, maxSends: 7,
  lastWaitRtos: 16, paceMs: 50, consentIntervalMs: 5000, consentTimeoutMs: 30_000,
});

export type SendFn = (buf: Buffer, len: number, address: string, port: number, family: 4 | 6) => void;

export interface IceAgentStats {
  requestsSent: number;
  retransmits: number;
  responsesReceived: number;
  responsesDropped: number;
  requestsAnswered: number;
  requestsRejected: number;
  roleConflicts: number;
  roleSwitches: number;
  consentSent: number;
  consentReceived: number;
}

const CONSENT_SLOTS = 8;
const addrScratch = new Uint8Array(16);
const NOOP = (): void => {};

export class IceAgent {
  state: IceAgentState = 'new';
  role: IceRole;
  selectedPair: CandidatePair | null = null;
  readonly stats: IceAgentStats = {
    requestsSent: 0, retransmits: 0, responsesReceived: 0, responsesDropped: 0, requestsAnswered: 0,
    requestsRejected: 0, roleConflicts: 0, roleSwitches: 0, consentSent: 0, consentReceived: 0,
  };
  readonly checks: CheckEntry[] = [];

  readonly #check: BindingChecker;
  readonly #localUfrag: string;
  #remoteUfrag = '';
  #remoteKey: HmacSha1 | null = null;
  #username = '';
  readonly #tbHi: number;
  readonly #tbLo: number;
  readonly #priority: number;
  readonly #rto: number;
  readonly #maxSends: number;
  readonly #lastWait: number;
  readonly #pace: number;
  readonly #consentInterval: number;
  readonly #consentTimeout: number;
  readonly #random: () => number;
  readonly #buf = Buffer.alloc(1500);
  #lastStartMs = -Infinity;
  // Consent: a ring of recent transaction ids; any answer refreshes consent.
  readonly #consentTx = Buffer.alloc(12 * CONSENT_SLOTS);
  #consentNext = 0;
  #nextConsentMs = 0;
  #lastConsentMs = 0;
  #send: SendFn = NOOP;
  #onConnected: (pair: CandidatePair) => void = NOOP;
  #onFailed: () => void = NOOP;
  #onConsentLost: (pair: CandidatePair) => void = NOOP;

  constructor(config: IceAgentConfig) {
    const d = defaultIceAgentConfig;
    this.#check = new BindingChecker(config.localUfrag, config.localPwd);
    this.#localUfrag = config.localUfrag;
    this.role = config.role ?? d.role;
    let tb = config.tiebreaker;
    if (tb === undefined) tb = randomFillSync(Buffer.alloc(8)).readBigUInt64BE(0);
    if (tb < 0n || tb >= 1n << 64n) throw new StunError('ERR_STUN_BAD_CONFIG', 'tiebreaker must be a 64-bit unsigned value');
    this.#tbHi = Number(tb >> 32n);
    this.#tbLo = Number(tb & 0xffffffffn);
    this.#priority = (config.priority ?? d.priority) >>> 0;
    this.#rto = config.rtoMs ?? d.rtoMs;
    this.#maxSends = config.maxSends ?? d.maxSends;
    this.#lastWait = config.lastWaitRtos ?? d.lastWaitRtos;
    this.#pace = config.paceMs ?? d.paceMs;
    this.#consentInterval = config.consentIntervalMs ?? d.consentIntervalMs;
    this.#consentTimeout = config.consentTimeoutMs ?? d.consentTimeoutMs;
    this.#random = config.random ?? Math.random;
    if (!(this.#rto > 0) || !(this.#maxSends >= 1) || !(this.#lastWait > 0) || !(this.#pace >= 0) ||
        !(this.#consentInterval > 0) || !(this.#consentTimeout > 0)) {
      throw new StunError('ERR_STUN_BAD_CONFIG', 'timers must be positive');
    }
    if (config.remoteUfrag !== undefined) this.setRemoteCredentials(config.remoteUfrag, config.remotePwd ?? '');
  }

  setRemoteCredentials(remoteUfrag: string, remotePwd: string): void {
    checkCredential('remote password', remotePwd, 22);
    this.#check.setRemoteUfrag(remoteUfrag);
    this.#remoteUfrag = remoteUfrag;
    this.#remoteKey = new HmacSha1(Buffer.from(remotePwd, 'utf8'));
    this.#username = `${remoteUfrag}:${this.#localUfrag}`;
  }

  /** Every datagram the agent sends goes through fn; buf is reused after fn returns. */
  onSend(fn: SendFn): void { this.#send = fn; }
  onConnected(fn: (pair: CandidatePair) => void): void { this.#onConnected = fn; }
  onFailed(fn: () => void): void { this.#onFailed = fn; }
  onConsentLost(fn: (pair: CandidatePair) => void): void { this.#onConsentLost = fn; }

  /** Adds a remote candidate (from SDP or trickle). Duplicates are ignored. */
  addRemoteCandidate(address: string, port: number, priority: number): CheckEntry {
    const canon = canonicalIp(address);
    if (canon === '' || !(port > 0 && port < 65536)) throw new StunError('ERR_STUN_BAD_ADDRESS', `bad candidate ${address}:${port}`);
    const found = this.#entry(canon, port);
    if (found) return found;
    const e = new CheckEntry(new CandidatePair(canon, port, canon.includes(':') ? 6 : 4));
    e.pair.priority = priority >>> 0;
    this.checks.push(e);
    // Highest priority first (RFC 8445 §6.1.2.6 order; one local candidate, so remote decides).
    this.checks.sort((a, b) => b.pair.priority - a.pair.priority);
    if (this.state === 'failed') this.state = 'checking';
    return e;
  }

  /** Drives checks, retransmissions, timeouts and consent. Call every ~10-50 ms. */
  tick(nowMs: number): void {
    if (this.#remoteKey === null) return;
    if (this.state === 'new' && this.checks.length) this.state = 'checking';
    if (this.state === 'checking') this.#tickChecks(nowMs);
    else if (this.state === 'connected') this.#tickConsent(nowMs);
  }

  #tickChecks(nowMs: number): void {
    let active = 0;
    for (const e of this.checks) {
      if (e.state === CheckState.InProgress) {
        if (e.sends < this.#maxSends && nowMs >= e.nextMs) {
          this.#sendCheck(e);
          this.stats.retransmits++;
          e.sends++;
          if (e.sends < this.#maxSends) { e.interval *= 2; e.nextMs += e.interval; }
          else e.nextMs += this.#lastWait * this.#rto; // final wait: the deadline
        } else if (e.sends >= this.#maxSends && nowMs >= e.nextMs) {
          e.state = CheckState.Failed;
        }
      }
      if (e.state === CheckState.Waiting && nowMs - this.#lastStartMs >= this.#pace) {
        this.#startCheck(e, nowMs);
      }
      if (e.state === CheckState.Waiting || e.state === CheckState.InProgress) active++;
      if (this.state !== 'checking') return; // a response inside a send callback connected us
    }
    if (active === 0 && this.checks.length > 0 && this.checks.every((e) => e.state === CheckState.Failed)) {
      this.state = 'failed';
      this.#onFailed();
    }
  }

  #startCheck(e: CheckEntry, nowMs: number): void {
    randomFillSync(e.tx);
    e.state = CheckState.InProgress;
    e.useCandidate = this.role === 'controlling';
    e.sentControlling = this.role === 'controlling';
    e.sends = 1;
    e.interval = this.#rto;
    e.nextMs = nowMs + this.#rto;
    this.#lastStartMs = nowMs;
    this.#sendCheck(e);
  }

  #sendCheck(e: CheckEntry): void {
    this.stats.requestsSent++;
    const len = this.#writeRequest(e.tx, 0, e.useCandidate, e.sentControlling);
    this.#send(this.#buf, len, e.pair.address, e.pair.port, e.pair.family);
  }

  #writeRequest(tx: Uint8Array, txOff: number, useCandidate: boolean, controlling: boolean): number {
    const b = this.#check.builder.begin(this.#buf, 0, BINDING_REQUEST, tx, txOff)
      .text(ATTR_USERNAME, this.#username)
      .u32(ATTR_PRIORITY, this.#priority)
      .u64(controlling ? ATTR_ICE_CONTROLLING : ATTR_ICE_CONTROLLED, this.#tbHi, this.#tbLo);
    if (useCandidate) b.flag(ATTR_USE_CANDIDATE);
    return b.integrity(this.#remoteKey!).fingerprint().end();
  }

  #tickConsent(nowMs: number): void {
    const p = this.selectedPair!;
    if (nowMs - this.#lastConsentMs >= this.#consentTimeout) {
      this.state = 'disconnected';
      this.#onConsentLost(p);
      return;
    }
    if (nowMs < this.#nextConsentMs) return;
    this.#nextConsentMs = nowMs + this.#consentInterval * (0.8 + 0.4 * this.#random());
    const slot = this.#consentNext;
    this.#consentNext = (slot + 1) % CONSENT_SLOTS;
    randomFillSync(this.#consentTx, slot * 12, 12);
    this.stats.consentSent++;
    const len = this.#writeRequest(this.#consentTx, slot * 12, false, this.role === 'controlling');
    this.#send(this.#buf, len, p.address, p.port, p.family);
  }

  /** Handles one STUN datagram from address:port (requests are answered via onSend). */
  handleDatagram(buf: Buffer, len: number, address: string, port: number, family: 4 | 6, nowMs: number): IceStatus {
    const t = len >= 2 ? ((buf[0] << 8) | buf[1]) : -1;
    if (t === BINDING_SUCCESS || t === BINDING_ERROR) return this.#handleResponse(buf, len, address, port, nowMs);
    return this.#handleRequest(buf, len, address, port, family, nowMs);
  }

  #handleRequest(buf: Buffer, len: number, address: string, port: number, family: 4 | 6, nowMs: number): IceStatus {
    const c = this.#check;
    let status = c.check(buf, len);
    if (status === IceStatus.Success) status = this.#resolveRole(nowMs);
    if (status !== IceStatus.Success) {
      const n = c.writeError(this.#buf, status);
      if (n > 0) { this.stats.requestsRejected++; this.#send(this.#buf, n, address, port, family); }
      return status;
    }
    const fam = parseIp(address, addrScratch, 0);
    if (fam === 0 || fam !== family) return IceStatus.Malformed;
    const nominated = c.view.useCandidate;
    const prio = c.view.priorityValue;
    const n = c.writeSuccess(this.#buf, addrScratch, fam, port);
    this.stats.requestsAnswered++;
    this.#send(this.#buf, n, address, port, family);
    // A check from an address we have no candidate for: a peer-reflexive candidate (§7.3.1.3).
    let e = this.#entry(address, port);
    if (!e && this.state !== 'failed') e = this.addRemoteCandidate(address, port, prio >= 0 ? prio : 0);
    if (e && this.state === 'connected' && this.selectedPair === e.pair) this.#lastConsentMs = Math.max(this.#lastConsentMs, nowMs);
    if (e && nominated && this.role === 'controlled') {
      e.remoteNominated = true;
      if (e.state === CheckState.Succeeded) this.#select(e, nowMs);
    }
    return IceStatus.Success;
  }

  /** RFC 8445 §7.3.1.1 on a request that authenticated; Success or RoleConflict (487). */
  #resolveRole(nowMs: number): IceStatus {
    const v = this.#check.view;
    const theirs = this.role === 'controlling' ? v.iceControlling : v.iceControlled;
    if (theirs < 0) return IceStatus.Success;
    this.stats.roleConflicts++;
    const hi = v.readU32(theirs), lo = v.readU32(theirs + 4);
    const oursGreaterOrEqual = this.#tbHi > hi || (this.#tbHi === hi && this.#tbLo >= lo);
    if (this.role === 'controlling') {
      if (oursGreaterOrEqual) return IceStatus.RoleConflict;
      this.#switchRole('controlled', nowMs);
    } else {
      if (!oursGreaterOrEqual) return IceStatus.RoleConflict;
      this.#switchRole('controlling', nowMs);
    }
    return IceStatus.Success;
  }

  #switchRole(role: IceRole, _nowMs: number): void {
    if (this.role === role) return;
    this.role = role;
    this.stats.roleSwitches++;
    // Redo unfinished and succeeded-but-unselected checks with the new role's attributes.
    if (this.state === 'connected') return;
    for (const e of this.checks) if (e.state !== CheckState.Failed) e.state = CheckState.Waiting;
  }

  #handleResponse(buf: Buffer, len: number, address: string, port: number, nowMs: number): IceStatus {
    const v = this.#check.view;
    const key = this.#remoteKey;
    if (v.reset(buf, 0, len) !== ParseStatus.Ok || key === null) { this.stats.responsesDropped++; return IceStatus.Malformed; }
    // Consent responses.
    for (let s = 0; s < CONSENT_SLOTS; s++) {
      if (!v.transactionIdEquals(this.#consentTx, s * 12)) continue;
      if (!this.#verified(key) || v.type !== BINDING_SUCCESS || !this.selectedPair?.matches(address, port)) break;
      this.stats.consentReceived++;
      this.#lastConsentMs = nowMs;
      this.selectedPair.lastValidMs = nowMs;
      this.#consentTx.fill(0, s * 12, s * 12 + 12); // one answer per request
      return IceStatus.ResponseHandled;
    }
    for (const e of this.checks) {
      if (e.state !== CheckState.InProgress || !v.transactionIdEquals(e.tx, 0)) continue;
      if (!this.#verified(key)) break;
      this.stats.responsesReceived++;
      if (!e.pair.matches(address, port)) { e.state = CheckState.Failed; return IceStatus.ResponseHandled; } // §7.2.5.2.1 non-symmetric
      if (v.type === BINDING_ERROR) {
        if (v.errorCodeValue === ERR_ROLE_CONFLICT) {
          // §7.2.5.1: take the role opposite to the one we claimed, and check again.
          this.#switchRole(e.sentControlling ? 'controlled' : 'controlling', nowMs);
          e.state = CheckState.Waiting;
        } else e.state = CheckState.Failed;
        return IceStatus.ResponseHandled;
      }
      e.state = CheckState.Succeeded;
      e.pair.lastValidMs = nowMs;
      if (e.pair.validSinceMs === 0) e.pair.validSinceMs = nowMs;
      if ((e.useCandidate && this.role === 'controlling') || (e.remoteNominated && this.role === 'controlled')) this.#select(e, nowMs);
      return IceStatus.ResponseHandled;
    }
    this.stats.responsesDropped++;
    return IceStatus.ResponseDropped;
  }

  /** Response integrity is keyed with the REMOTE password (RFC 8445 §7.2.5.1). */
  #verified(key: HmacSha1): boolean {
    const v = this.#check.view;
    if (v.fingerprint >= 0 && !v.verifyFingerprint()) return false;
    return v.verifyIntegrity(key);
  }

  #select(e: CheckEntry, nowMs: number): void {
    if (this.state !== 'checking' && this.state !== 'new') return;
    e.pair.nominated = true;
    this.selectedPair = e.pair;
    this.state = 'connected';
    this.#lastConsentMs = nowMs;
    this.#nextConsentMs = nowMs + this.#consentInterval * (0.8 + 0.4 * this.#random());
    this.#onConnected(e.pair);
  }

  #entry(address: string, port: number): CheckEntry | null {
    for (const e of this.checks) if (e.pair.matches(address, port)) return e;
    return null;
  }

  get remoteUfrag(): string { return this.#remoteUfrag; }
}
