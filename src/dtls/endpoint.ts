// DtlsEndpoint: one DTLS 1.2 association with one peer, transport-agnostic.
// Datagrams in via handleDatagram(buf, len, nowMs); datagrams out via the `send` callback;
// retransmission driven by tick(nowMs) at nextTimeoutMs(). No sockets, timers or clocks.
import { matchesFingerprint, type Fingerprint } from './certificate.js';
import { AlertDescription as A, AlertLevel, ContentType, RECORD_HEADER_LEN } from './constants.js';
import { DtlsError } from './errors.js';
import { ClientFlow } from './client-flow.js';
import { packFlight, type OutMessage } from './flight.js';
import type { Flow, FlowHost } from './flow-host.js';
import { HandshakeFragmentView } from './handshake-header.js';
import { ecdsaP256Key, HandshakeState } from './handshake-state.js';
import { resolveOptions, srtpKeyLengths, type DtlsConnectedInfo, type DtlsEndpointOptions, type ResolvedOptions } from './options.js';
import { exportKeyingMaterial } from './prf.js';
import { FragmentStatus, Reassembler } from './reassembler.js';
import { RecordLayer } from './record-layer.js';
import { RecordStatus, RecordView } from './record.js';
import { ServerFlow } from './server-flow.js';

export type DtlsState = 'new' | 'handshaking' | 'connected' | 'closed';

/** Records of the next epoch that arrive before the peer's ChangeCipherSpec. */
const MAX_EARLY_RECORDS = 8;

export class DtlsEndpoint implements FlowHost {
  readonly opts: ResolvedOptions;
  readonly records = new RecordLayer();
  readonly reassembler = new Reassembler();
  readonly hs = new HandshakeState();
  lastRecordSeq = 0;
  onConnected: (info: DtlsConnectedInfo) => void;
  onApplicationData: (data: Buffer) => void;
  onError: (err: DtlsError) => void;
  onClosed: () => void;
  /** Datagrams or records dropped as malformed (counted, never thrown). */
  malformed = 0;

  #state: DtlsState = 'new';
  #flow: Flow;
  #fingerprints: Fingerprint[] | undefined;
  #fingerprintChecked = false;
  #handshakeDone = false;
  #info: DtlsConnectedInfo | undefined;
  #flight: OutMessage[] | null = null;
  #flightActivatesWrite = false;
  #deadline = Infinity;
  #timeoutMs: number;
  #retransmits = 0;
  #lastSendMs = -Infinity;
  #now = 0;
  #resentThisDatagram = false;
  #early: Buffer[] = [];
  /** Datagrams produced while handling input go out after the handler finished, so a
   * send callback that synchronously feeds the peer (in-memory links) cannot re-enter
   * a half-updated state machine. */
  #outbox: Buffer[] = [];
  #busy = false;
  readonly #rec = new RecordView();
  readonly #frag = new HandshakeFragmentView();

  constructor(options: DtlsEndpointOptions) {
    this.opts = resolveOptions(options);
    this.#fingerprints = options.remoteFingerprints?.length ? [...options.remoteFingerprints] : undefined;
    this.onConnected = options.onConnected ?? (() => {});
    this.onApplicationData = options.onApplicationData ?? (() => {});
    this.onError = options.onError ?? (() => {});
    this.onClosed = options.onClosed ?? (() => {});
    this.#timeoutMs = this.opts.initialRetransmitMs;
    this.#flow = this.opts.role === 'server' ? new ServerFlow(this) : new ClientFlow(this);
  }

  get state(): DtlsState { return this.#state; }
  #isClosed(): boolean { return this.#state === 'closed'; }
  get role(): 'server' | 'client' { return this.opts.role; }
  /** The connected info once connected. */
  get connectedInfo(): DtlsConnectedInfo | undefined { return this.#info; }
  /** Records dropped by the record layer (bad tag, replay, unreadable epoch). */
  get droppedRecords(): number { return this.records.dropped; }

  /** Client: send the first ClientHello. Server: nothing to do (it waits); calling it is harmless. */
  start(nowMs: number): void {
    if (this.#state !== 'new') return;
    this.#state = 'handshaking';
    this.#now = nowMs;
    this.#busy = true;
    try { this.#flow.start(nowMs); } finally { this.#busy = false; this.#flush(); }
  }

  #emit(buf: Buffer, len: number): void {
    this.#outbox.push(len === buf.length ? buf : buf.subarray(0, len));
    if (!this.#busy) this.#flush();
  }

  #flush(): void {
    while (this.#outbox.length) {
      const b = this.#outbox.shift()!;
      this.opts.send(b, b.length);
    }
  }

  /** Set or replace the peer's SDP fingerprints; checks a certificate already received. */
  setRemoteFingerprints(fingerprints: Fingerprint[]): void {
    this.#fingerprints = [...fingerprints];
    if (this.hs.peerCertificate && !this.#fingerprintChecked) {
      const err = this.#checkFingerprint(this.hs.peerCertificate);
      if (err) { this.fail(err); return; }
      if (this.#handshakeDone) this.#emitConnected();
    }
  }

  /** Absolute time (same clock as nowMs) at which tick() must run, or Infinity. */
  nextTimeoutMs(): number { return this.#deadline; }

  /** Retransmit the current flight when its timer expired (RFC 6347 §4.2.4.1). */
  tick(nowMs: number): void {
    if (this.#state === 'closed' || nowMs < this.#deadline || !this.#flight) return;
    this.#now = nowMs;
    if (this.#retransmits >= this.opts.maxRetransmits) {
      this.fail(new DtlsError('handshake-timeout', `no answer after ${this.#retransmits} retransmissions`));
      return;
    }
    this.#retransmits++;
    this.#timeoutMs = Math.min(this.#timeoutMs * 2, this.opts.maxRetransmitMs);
    this.#deadline = nowMs + this.#timeoutMs;
    this.#busy = true;
    try { this.#transmit(nowMs); } finally { this.#busy = false; this.#flush(); }
  }

  /** Feed one received datagram (it may hold several records). Never throws. */
  handleDatagram(buf: Buffer, len: number, nowMs: number): void {
    if (this.#state === 'closed') return;
    if (this.#state === 'new') this.#state = 'handshaking';
    this.#now = nowMs;
    this.#resentThisDatagram = false;
    const end = Math.min(len, buf.length);
    let off = 0;
    const rec = this.#rec;
    this.#busy = true;
    try {
      while (off < end && !this.#isClosed()) {
        if (rec.reset(buf, off, end) !== RecordStatus.ok) { this.malformed++; return; }
        off = rec.end;
        this.#handleRecord(buf);
      }
    } finally {
      this.#busy = false;
      this.#flush();
    }
  }

  #handleRecord(buf: Buffer): void {
    const rec = this.#rec;
    const records = this.records;
    if (rec.epoch === records.readEpoch + 1 && records.readEpoch === 0 && !this.#handshakeDone) {
      // Finished can overtake the ChangeCipherSpec: hold a few such records.
      if (this.#early.length < MAX_EARLY_RECORDS) this.#early.push(Buffer.from(buf.subarray(rec.payloadOff - RECORD_HEADER_LEN, rec.end)));
      return;
    }
    const plain = records.read(rec, buf);
    if (!plain) return;
    const epoch = rec.epoch;
    switch (rec.type) {
      case ContentType.handshake:
        this.lastRecordSeq = rec.seq;
        this.#handleHandshake(plain, epoch);
        break;
      case ContentType.changeCipherSpec:
        if (plain.length === 1 && plain[0] === 1 && epoch === 0 && records.activateRead()) this.#replayEarly();
        break;
      case ContentType.alert:
        this.#handleAlert(plain, epoch);
        break;
      case ContentType.applicationData:
        if (this.#state === 'connected' && epoch === records.readEpoch && epoch > 0) this.onApplicationData(plain);
        break;
    }
  }

  #replayEarly(): void {
    const early = this.#early;
    this.#early = [];
    for (const r of early) {
      if (this.#isClosed()) return;
      if (this.#rec.reset(r, 0, r.length) === RecordStatus.ok) this.#handleRecord(r);
    }
  }

  #handleHandshake(plain: Buffer, epoch: number): void {
    const frag = this.#frag;
    const reasm = this.reassembler;
    const server = this.#flow instanceof ServerFlow ? this.#flow : null;
    let off = 0;
    while (off < plain.length) {
      if (!frag.reset(plain, off, plain.length)) { this.malformed++; break; }
      off = frag.end;
      // Before the cookie round trip the server follows whatever ClientHello seq arrives.
      if (server?.awaitingHello && frag.messageSeq !== reasm.nextSeq) reasm.reset(frag.messageSeq);
      const st = reasm.add(frag, plain, epoch);
      if (st === FragmentStatus.old) this.#onPeerRetransmission();
      else if (st === FragmentStatus.tooLarge) {
        this.fail(new DtlsError('message-too-large', `handshake message of ${frag.length} bytes refused`, A.decodeError));
        return;
      } else if (st === FragmentStatus.invalid) this.malformed++;
    }
    for (let m = reasm.next(); m && !this.#isClosed(); m = this.#isClosed() ? null : reasm.next()) {
      this.#flow.handle(m.msgType, m.messageSeq, m.epoch, m.body, this.#now);
    }
  }

  /** The peer resent its previous flight: ours was lost, send it again (once per datagram). */
  #onPeerRetransmission(): void {
    if (!this.#flight || this.#resentThisDatagram) return;
    if (this.#now - this.#lastSendMs < this.opts.initialRetransmitMs / 4) return;
    this.#resentThisDatagram = true;
    this.#transmit(this.#now);
  }

  #handleAlert(plain: Buffer, epoch: number): void {
    if (plain.length !== 2) { this.malformed++; return; }
    // After the handshake only authenticated alerts count (a spoofed plaintext one cannot kill us).
    if (this.#handshakeDone && epoch === 0) return;
    const level = plain[0];
    const desc = plain[1];
    if (desc === A.closeNotify) { this.#close(false); return; }
    if (level === AlertLevel.fatal) {
      this.#closeWithError(new DtlsError('alert-received', 'peer sent a fatal alert', desc, true));
    }
    // Other warnings (e.g. no_renegotiation) are ignored.
  }

  // ---- FlowHost: used by the handshake flows (server-flow.ts, client-flow.ts); not for
  // callers of the endpoint, whose API is the constructor options, start, handleDatagram,
  // tick, nextTimeoutMs, setRemoteFingerprints, exportKeyingMaterial,
  // sendApplicationData, close and the on* callbacks. ----

  sendFlight(messages: OutMessage[], nowMs: number, awaitReply: boolean): void {
    this.#flight = messages;
    this.#flightActivatesWrite = messages.some((m) => m.kind === 'ccs');
    this.#retransmits = 0;
    this.#timeoutMs = this.opts.initialRetransmitMs;
    this.#deadline = awaitReply ? nowMs + this.#timeoutMs : Infinity;
    this.#transmit(nowMs);
  }

  sendOnce(messages: OutMessage[]): void {
    for (const d of packFlight(messages, this.records, this.opts.mtu)) this.#emit(d, d.length);
  }

  stopTimer(): void { this.#deadline = Infinity; }

  #transmit(nowMs: number): void {
    this.#lastSendMs = nowMs;
    for (const d of packFlight(this.#flight!, this.records, this.opts.mtu)) this.#emit(d, d.length);
    if (this.#flightActivatesWrite && this.records.writeEpoch === 0) this.records.activateWrite();
  }

  acceptPeerCertificate(der: Buffer): DtlsError | null {
    const key = ecdsaP256Key(der);
    if (!key) return new DtlsError('bad-certificate', 'peer certificate is not a parsable ECDSA P-256 certificate', A.badCertificate);
    this.hs.peerCertificate = Buffer.from(der);
    this.hs.peerPublicKey = key;
    return this.#fingerprints ? this.#checkFingerprint(der) : null;
  }

  #checkFingerprint(der: Buffer): DtlsError | null {
    if (!matchesFingerprint(der, this.#fingerprints!)) {
      return new DtlsError('fingerprint-mismatch', 'peer certificate does not match the SDP fingerprint', A.badCertificate);
    }
    this.#fingerprintChecked = true;
    return null;
  }

  fail(err: DtlsError): void {
    if (this.#state === 'closed') return;
    if (err.alert !== undefined && !err.remote) this.#sendAlert(AlertLevel.fatal, err.alert);
    this.#closeWithError(err);
  }

  warn(description: number): void { this.#sendAlert(AlertLevel.warning, description); }

  complete(): void {
    this.#handshakeDone = true;
    if (this.#fingerprintChecked) this.#emitConnected();
  }

  #emitConnected(): void {
    if (this.#state !== 'handshaking') return;
    const hs = this.hs;
    const suite = hs.suite!;
    this.#state = 'connected';
    this.#early = [];
    this.#info = {
      role: this.opts.role,
      cipherSuite: suite.id,
      cipherSuiteName: suite.name,
      group: hs.group,
      srtpProfile: hs.srtpProfile,
      srtpKeys: this.#srtpKeys(),
      remoteCertificate: hs.peerCertificate!,
    };
    this.onConnected(this.#info);
  }

  #srtpKeys(): DtlsConnectedInfo['srtpKeys'] {
    const profile = this.hs.srtpProfile;
    const lens = profile === undefined ? undefined : srtpKeyLengths(profile);
    if (!lens || profile === undefined) return undefined;
    // RFC 5764 §4.2: client_write_key | server_write_key | client_write_salt | server_write_salt
    const m = this.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 2 * (lens.key + lens.salt));
    const ck = m.subarray(0, lens.key);
    const sk = m.subarray(lens.key, 2 * lens.key);
    const cs = m.subarray(2 * lens.key, 2 * lens.key + lens.salt);
    const ss = m.subarray(2 * lens.key + lens.salt);
    const client = this.opts.role === 'client';
    return {
      profile,
      localMasterKey: client ? ck : sk, localMasterSalt: client ? cs : ss,
      remoteMasterKey: client ? sk : ck, remoteMasterSalt: client ? ss : cs,
    };
  }

  // ---- public API after the handshake ----

  /** RFC 5705 exporter (with the extended master secret). For DTLS-SRTP: label 'EXTRACTOR-dtls_srtp', no context. */
  exportKeyingMaterial(label: string, length: number, context?: Buffer): Buffer {
    const hs = this.hs;
    if (!this.#handshakeDone || !hs.master) throw new DtlsError('invalid-state', 'keying material is available once the handshake finished');
    return exportKeyingMaterial(hs.suite!.prfHash, hs.master, hs.clientRandom, hs.serverRandom, label, length, context);
  }

  /** Send one application_data record (must fit the MTU). */
  sendApplicationData(data: Buffer): void {
    if (this.#state !== 'connected') throw new DtlsError('invalid-state', `cannot send application data in state ${this.#state}`);
    const max = this.opts.mtu - this.records.overhead(1);
    if (data.length > max) throw new RangeError(`dtls: application data of ${data.length} bytes exceeds ${max} (mtu)`);
    const out = Buffer.allocUnsafe(data.length + this.records.overhead(1));
    const n = this.records.write(ContentType.applicationData, 1, data, out, 0);
    this.#emit(out, n);
  }

  /** Send close_notify (if the association got that far) and close. Idempotent. */
  close(): void { this.#close(true); }

  #close(local: boolean): void {
    if (this.#state === 'closed') return;
    if (local && this.#state !== 'new') this.#sendAlert(AlertLevel.warning, A.closeNotify);
    this.#finish();
  }

  #closeWithError(err: DtlsError): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.onError(err);
    this.#finish();
  }

  #finish(): void {
    this.#state = 'closed';
    this.#deadline = Infinity;
    this.#flight = null;
    this.#early = [];
    this.onClosed();
  }

  #sendAlert(level: number, description: number): void {
    const epoch = this.records.writeEpoch;
    const body = Buffer.from([level, description]);
    try {
      const out = Buffer.allocUnsafe(body.length + this.records.overhead(epoch));
      const n = this.records.write(ContentType.alert, epoch, body, out, 0);
      this.#emit(out, n);
    } catch { /* nothing more to do on a dying association */ }
  }
}

