// ICE-lite agent, always in the controlled role (RFC 8445 §2.5, §6.1.1, §7.3). A pure
// core: no sockets, no timers. The caller hands it each STUN datagram with the clock
// value and sends whatever response it writes into `out`.
//
// Nomination: a valid check carrying USE-CANDIDATE selects its pair; a later nomination of
// another pair switches the selection (what Chromium does when the network changes).
// Consent (RFC 7675): when no valid check arrives on the selected pair for
// consentTimeoutMs, tick() reports consent expired once for that selection.
//
// ICE restart (RFC 8445 §9, RFC 8839 §4.4.1.1.1): restart() starts a new generation of
// local credentials. The previous generation keeps answering (media stays on the old
// selected pair) until a check on the new credentials nominates a pair, or until
// restartGraceMs after the new remote credentials are known (an unanswered ICE-restart
// offer never cuts the working path); then it is retired: its checks get 401 and its
// pairs are forgotten.
import { BindingChecker, IceStatus } from './binding-check.js';
import { CandidatePair } from './candidate-pair.js';
import { StunError } from './errors.js';
import { parseIp } from './ip.js';

export interface IceLiteConfig {
  localUfrag: string;
  localPwd: string;
  /** May be given later with setRemoteCredentials (trickle / late SDP). */
  remoteUfrag?: string;
  remotePwd?: string;
  /** No valid check on the selected pair for this long = consent expired. Default 30 000. */
  consentTimeoutMs?: number;
  /** Most remote tuples remembered; the oldest unselected one is forgotten. Default 8. */
  maxPairs?: number;
  /** Answer failed checks with 400/401 (RFC 8489). Off = drop them silently. Default true. */
  sendErrorResponses?: boolean;
  /** Once the new remote credentials are known, the old ones are retired this long later at most. Default 30 000 (one consent timeout). */
  restartGraceMs?: number;
}

export const defaultIceLiteConfig = Object.freeze({ consentTimeoutMs: 30_000, maxPairs: 8, sendErrorResponses: true, restartGraceMs: 30_000 });

export interface IceLiteStats {
  requests: number;
  success: number;
  malformed: number;
  badFingerprint: number;
  badRequest: number;
  badUsername: number;
  badIntegrity: number;
  unknownAttribute: number;
  roleConflict: number;
  indications: number;
  ignored: number;
  nominations: number;
  selectedPairChanges: number;
  consentExpired: number;
  /** restart() calls; valid checks answered with the previous generation's credentials; generations retired. */
  restarts: number;
  previousGenerationChecks: number;
  retired: number;
}

const addrScratch = new Uint8Array(16);
const NOOP_PAIR = (_p: CandidatePair): void => {};

export class IceLiteAgent {
  readonly stats: IceLiteStats = {
    requests: 0, success: 0, malformed: 0, badFingerprint: 0, badRequest: 0, badUsername: 0, badIntegrity: 0,
    unknownAttribute: 0, roleConflict: 0, indications: 0, ignored: 0, nominations: 0, selectedPairChanges: 0, consentExpired: 0,
    restarts: 0, previousGenerationChecks: 0, retired: 0,
  };
  /** Bytes of response written into `out` by the last handleRequest (0 = send nothing). */
  responseLength = 0;
  /** Validated pairs, most recent last. */
  readonly pairs: CandidatePair[] = [];
  selectedPair: CandidatePair | null = null;
  /** True once consent expired on the current selection (reset by a new nomination). */
  consentExpired = false;

  /** The current generation's credentials. */
  #check: BindingChecker;
  /** The generation before a restart, until retired (null: no restart under way). */
  #prev: BindingChecker | null = null;
  /** When the previous generation is retired; -1 until tick() sees the new remote credentials. */
  #prevRetireAtMs = -1;
  #prevGeneration = 0;
  /** Bumped by restart(); each pair records the generation it was validated in. */
  generation = 0;
  readonly #restartGraceMs: number;
  readonly #consentTimeoutMs: number;
  readonly #maxPairs: number;
  readonly #sendErrors: boolean;
  #remotePwd = '';
  #onSelectedPair = NOOP_PAIR;
  #onConsentExpired = NOOP_PAIR;
  #onRetired: (ufrag: string, pairs: CandidatePair[]) => void = () => {};
  #remoteUfrag: string | undefined;

  constructor(config: IceLiteConfig) {
    this.#check = new BindingChecker(config.localUfrag, config.localPwd);
    this.#consentTimeoutMs = config.consentTimeoutMs ?? defaultIceLiteConfig.consentTimeoutMs;
    this.#maxPairs = config.maxPairs ?? defaultIceLiteConfig.maxPairs;
    this.#sendErrors = config.sendErrorResponses ?? defaultIceLiteConfig.sendErrorResponses;
    this.#restartGraceMs = config.restartGraceMs ?? defaultIceLiteConfig.restartGraceMs;
    if (!(this.#consentTimeoutMs > 0) || !(this.#maxPairs >= 1)) throw new StunError('ERR_STUN_BAD_CONFIG', 'consentTimeoutMs and maxPairs must be positive');
    if (config.remoteUfrag !== undefined) this.setRemoteCredentials(config.remoteUfrag, config.remotePwd ?? '');
  }

  get localUfrag(): string { return this.#check.localUfrag; }
  /** The previous generation's local ufrag while a restart is under way, else undefined. */
  get previousUfrag(): string | undefined { return this.#prev?.localUfrag; }
  /** The remote ufrag of the current generation (undefined until known). */
  get remoteUfrag(): string | undefined { return this.#remoteUfrag; }
  /** The remote password (a lite agent never signs with it; kept for the upper layer). */
  get remotePwd(): string { return this.#remotePwd; }

  /** From then on USERNAME must be exactly `localUfrag:remoteUfrag` (current generation). */
  setRemoteCredentials(remoteUfrag: string, remotePwd: string): void {
    this.#check.setRemoteUfrag(remoteUfrag);
    this.#remoteUfrag = remoteUfrag;
    this.#remotePwd = remotePwd;
  }

  /**
   * ICE restart: new local credentials; the remote ones become unknown until
   * setRemoteCredentials (`ours:anything` authenticates meanwhile). The selected pair and
   * its consent stay on the old generation until a new-generation check nominates a pair
   * or `restartGraceMs` after the new remote credentials are known (counted from the first
   * tick that sees them). A second restart before that drops the unfinished one.
   */
  restart(localUfrag: string, localPwd: string): void {
    const next = new BindingChecker(localUfrag, localPwd);
    if (this.#prev === null) { this.#prev = this.#check; this.#prevGeneration = this.generation; }
    this.#check = next;
    this.#prevRetireAtMs = -1;
    this.#remoteUfrag = undefined;
    this.#remotePwd = '';
    this.generation++;
    this.stats.restarts++;
    // Pairs of an unfinished generation (a restart of a restart) are forgotten; the selected
    // pair (an old one an unfinished check touched) stays, as the old generation's.
    for (let i = this.pairs.length - 1; i >= 0; i--) {
      const p = this.pairs[i];
      if (p === this.selectedPair) p.generation = this.#prevGeneration;
      else if (p.generation !== this.#prevGeneration) this.pairs.splice(i, 1);
    }
  }

  /** True while a restart is under way (the previous credentials still answer). */
  get restarting(): boolean { return this.#prev !== null; }

  /** Retires the previous generation now: its checks get 401 from then on. */
  retirePrevious(): void {
    const prev = this.#prev;
    if (prev === null) return;
    this.#prev = null;
    this.stats.retired++;
    const gone: CandidatePair[] = [];
    for (let i = this.pairs.length - 1; i >= 0; i--) {
      const p = this.pairs[i];
      // The selected pair stays even if old (the grace ran out): consent decides its fate.
      if (p.generation === this.#prevGeneration && p !== this.selectedPair) { gone.push(p); this.pairs.splice(i, 1); }
    }
    this.#onRetired(prev.localUfrag, gone);
  }

  /** Called when a previous generation is retired, with its local ufrag and forgotten pairs. Set once. */
  onRetired(fn: (ufrag: string, pairs: CandidatePair[]) => void): void { this.#onRetired = fn; }

  /** Called when the selected pair is set or switched. Set once. */
  onSelectedPair(fn: (pair: CandidatePair) => void): void { this.#onSelectedPair = fn; }
  /** Called once per selection when consent expires (RFC 7675). Set once. */
  onConsentExpired(fn: (pair: CandidatePair) => void): void { this.#onConsentExpired = fn; }

  /**
   * Handles one STUN datagram from address:port. Writes a response (success or error)
   * into `out` and sets `responseLength` (0 = nothing to send). Never throws.
   * `out` may not alias `buf`. `protocol` 'tcp' for a check on an ICE-TCP connection.
   */
  handleRequest(buf: Buffer, len: number, address: string, port: number, family: 4 | 6, nowMs: number, out: Buffer, protocol: 'udp' | 'tcp' = 'udp'): IceStatus {
    this.responseLength = 0;
    const st = this.stats;
    let c = this.#check;
    let status = c.check(buf, len);
    let gen = this.generation;
    // During a restart the old generation still answers (the peer's old path keeps consent).
    if (status === IceStatus.BadUsername && this.#prev !== null) {
      const ps = this.#prev.check(buf, len);
      if (ps !== IceStatus.BadUsername) { c = this.#prev; status = ps; gen = this.#prevGeneration; }
    }
    switch (status) {
      case IceStatus.Malformed: st.malformed++; return status;
      case IceStatus.Indication: st.indications++; return status;
      case IceStatus.Ignored: st.ignored++; return status;
      case IceStatus.BadFingerprint: st.requests++; st.badFingerprint++; return status;
      default: st.requests++;
    }
    // RFC 8445 §7.3.1.1: a lite agent is always controlled, so the only conflict is a peer
    // that also claims controlled. The RFC rule would have the larger tiebreaker switch to
    // controlling, but a lite agent cannot run checks, so it always keeps its role and
    // answers 487; the full peer then switches to controlling (§7.2.5.1).
    if (status === IceStatus.Success && c.view.iceControlled >= 0) status = IceStatus.RoleConflict;
    if (status !== IceStatus.Success) {
      switch (status) {
        case IceStatus.BadRequest: st.badRequest++; break;
        case IceStatus.BadUsername: st.badUsername++; break;
        case IceStatus.BadIntegrity: st.badIntegrity++; break;
        case IceStatus.UnknownAttribute: st.unknownAttribute++; break;
        case IceStatus.RoleConflict: st.roleConflict++; break;
      }
      // Signed errors (420, 487) always go out; unsigned ones (400, 401) only if configured.
      if (this.#sendErrors || status === IceStatus.UnknownAttribute || status === IceStatus.RoleConflict) {
        this.responseLength = c.writeError(out, status);
      }
      return status;
    }
    const fam = parseIp(address, addrScratch, 0);
    if (fam === 0 || fam !== family) { st.malformed++; return IceStatus.Malformed; }
    const view = c.view;
    const useCandidate = view.useCandidate;
    const priority = view.priorityValue;
    this.responseLength = c.writeSuccess(out, addrScratch, fam, port);
    st.success++;
    if (gen !== this.generation) st.previousGenerationChecks++;
    const pair = this.#pairFor(address, port, family, nowMs, protocol, gen);
    pair.lastValidMs = nowMs;
    if (priority >= 0) pair.priority = priority;
    if (useCandidate) {
      st.nominations++;
      pair.nominated = true;
      if (this.selectedPair !== pair) {
        this.selectedPair = pair;
        this.consentExpired = false;
        st.selectedPairChanges++;
        this.#onSelectedPair(pair);
      } else if (this.consentExpired) {
        // A fresh nomination on the same pair after expiry re-arms consent.
        this.consentExpired = false;
        this.#onSelectedPair(pair);
      }
      // A nomination on the new credentials completes the restart (after the switch, so
      // the new selection is not among the retired pairs).
      if (gen === this.generation && this.#prev !== null) this.retirePrevious();
    }
    return IceStatus.Success;
  }

  /**
   * For a datagram from an unknown 5-tuple: is it a Binding request that authenticates
   * for this agent (USERNAME ours, MESSAGE-INTEGRITY with our password, FINGERPRINT right
   * if present)? Writes nothing, counts nothing.
   */
  isAuthenticatedRequest(buf: Buffer, len: number): boolean {
    return this.#check.check(buf, len) === IceStatus.Success || (this.#prev !== null && this.#prev.check(buf, len) === IceStatus.Success);
  }

  /** Drives consent freshness. Call on any timer cadence (e.g. once a second). */
  tick(nowMs: number): void {
    if (this.#prev !== null && this.#remoteUfrag !== undefined) {
      if (this.#prevRetireAtMs < 0) this.#prevRetireAtMs = nowMs + this.#restartGraceMs;
      else if (nowMs >= this.#prevRetireAtMs) this.retirePrevious();
    }
    const p = this.selectedPair;
    if (p === null || this.consentExpired) return;
    if (nowMs - p.lastValidMs >= this.#consentTimeoutMs) {
      this.consentExpired = true;
      this.stats.consentExpired++;
      this.#onConsentExpired(p);
    }
  }

  /** The pair for a remote address, if that tuple has passed a check. */
  findPair(address: string, port: number, protocol: 'udp' | 'tcp' = 'udp'): CandidatePair | null {
    for (let i = this.pairs.length - 1; i >= 0; i--) if (this.pairs[i].matches(address, port, protocol)) return this.pairs[i];
    return null;
  }

  #pairFor(address: string, port: number, family: 4 | 6, nowMs: number, protocol: 'udp' | 'tcp', generation: number): CandidatePair {
    const found = this.findPair(address, port, protocol);
    if (found) {
      // The same tuple checked with the new credentials now belongs to the new generation.
      if (generation > found.generation) found.generation = generation;
      return found;
    }
    if (this.pairs.length >= this.#maxPairs) {
      let victim = -1;
      for (let i = 0; i < this.pairs.length; i++) {
        const p = this.pairs[i];
        if (p !== this.selectedPair && (victim < 0 || p.lastValidMs < this.pairs[victim].lastValidMs)) victim = i;
      }
      if (victim >= 0) this.pairs.splice(victim, 1);
    }
    const pair = new CandidatePair(address, port, family, protocol);
    pair.validSinceMs = nowMs;
    pair.generation = generation;
    this.pairs.push(pair);
    return pair;
  }
}
