// Server side of the handshake (RFC 6347 §4.2.4 flights):
//   <- ClientHello                  (no cookie: answer HelloVerifyRequest, keep nothing)
//   -> HelloVerifyRequest
//   <- ClientHello (cookie)
//   -> ServerHello Certificate ServerKeyExchange CertificateRequest ServerHelloDone   (flight 4)
//   <- Certificate ClientKeyExchange CertificateVerify [CCS] Finished                 (flight 5)
//   -> [CCS] Finished                                                                  (flight 6)
import { randomBytes, sign, verify } from 'node:crypto';
import { buildCertificateMessage, parseCertificateMessage } from './certificate-message.js';
import { buildCertificateRequest } from './certificate-request.js';
import { parseClientHello, type ClientHello } from './client-hello.js';
import { AlertDescription as A, DTLS_1_0, DTLS_1_2, ExtensionType as X, HandshakeType as H, SignatureScheme } from './constants.js';
import { buildHelloVerifyRequest } from './hello-verify-request.js';
import { DtlsError } from './errors.js';
import { EMPTY_RENEGOTIATION_INFO, pointFormatsOk, readU16List, readUseSrtp, UNCOMPRESSED_POINTS, useSrtp } from './extensions.js';
import type { Flow, FlowHost } from './flow-host.js';
import { CCS_MESSAGE } from './handshake-state.js';
import { parseClientKeyExchange, parseDigitallySigned } from './key-messages.js';
import { EphemeralKey } from './key-exchange.js';
import { extendedMasterSecret, finishedVerifyData } from './prf.js';
import { buildEcdhParams, buildServerKeyExchange, serverKeyExchangeSigned } from './server-key-exchange.js';
import { buildServerHello } from './server-hello.js';
import { suiteInfo } from './suites.js';
import { timingSafeEqual } from 'node:crypto';

type State = 'hello' | 'certificate' | 'keyExchange' | 'verify' | 'finished' | 'done';

/** Highest ClientHello message_seq accepted (0 first, 1 with the cookie; slack for retries). */
const MAX_CLIENT_HELLO_SEQ = 8;

export class ServerFlow implements Flow {
  #state: State = 'hello';
  constructor(private readonly host: FlowHost) {}

  get done(): boolean { return this.#state === 'done'; }
  /** Still waiting for a ClientHello with a valid cookie (the stateless stage). */
  get awaitingHello(): boolean { return this.#state === 'hello'; }

  start(): void { /* the client speaks first */ }

  handle(msgType: number, messageSeq: number, epoch: number, body: Buffer, nowMs: number): void {
    const host = this.host;
    const st = this.#state;
    if (st === 'hello') {
      if (msgType === H.clientHello && epoch === 0) this.#onClientHello(messageSeq, body, nowMs);
      return;
    }
    if (st === 'done') {
      // A new handshake on a live association is renegotiation: refuse it, keep the session.
      if (msgType === H.clientHello) host.warn(A.noRenegotiation);
      return;
    }
    const expected = st === 'certificate' ? H.certificate : st === 'keyExchange' ? H.clientKeyExchange : st === 'verify' ? H.certificateVerify : H.finished;
    if (msgType !== expected || (epoch === 1) !== (msgType === H.finished)) {
      host.fail(new DtlsError('unexpected-message', `expected handshake type ${expected}, got ${msgType} in epoch ${epoch}`, A.unexpectedMessage));
      return;
    }
    if (st === 'certificate') this.#onCertificate(messageSeq, body);
    else if (st === 'keyExchange') this.#onClientKeyExchange(messageSeq, body);
    else if (st === 'verify') this.#onCertificateVerify(messageSeq, body);
    else this.#onFinished(messageSeq, body, nowMs);
  }

  #onClientHello(messageSeq: number, body: Buffer, nowMs: number): void {
    const host = this.host;
    // A ClientHello is message_seq 0, or 1 after a cookie exchange (RFC 6347 §4.2.2); our
    // replies continue from it, so a huge one would run message_seq past 16 bits.
    if (messageSeq > MAX_CLIENT_HELLO_SEQ) return;
    const hello = parseClientHello(body);
    if (!hello) return; // unauthenticated garbage: drop without state
    const { cookieSecret, peerId } = host.opts;
    if (!cookieSecret.verify(peerId, hello)) {
      // Stateless: same message_seq and record sequence number as the ClientHello (RFC 6347 §4.2.2).
      host.records.raiseWriteSeq(0, host.lastRecordSeq);
      host.sendOnce([{ kind: 'handshake', msgType: H.helloVerifyRequest, messageSeq, epoch: 0, body: buildHelloVerifyRequest(DTLS_1_0, cookieSecret.make(peerId, hello)) }]);
      host.reassembler.reset(0);
      return;
    }
    const err = this.#negotiate(hello);
    if (err) { host.fail(err); return; }
    const hs = host.hs;
    hs.clearTranscript();
    hs.addReceived(H.clientHello, messageSeq, body);
    hs.sendSeq = messageSeq;
    hs.clientRandom = Buffer.from(hello.random);
    hs.serverRandom = randomBytes(32);
    const exts: [number, Buffer][] = [];
    if (hello.extensions.has(X.renegotiationInfo) || hello.cipherSuites.includes(0x00ff)) exts.push([X.renegotiationInfo, EMPTY_RENEGOTIATION_INFO]);
    exts.push([X.extendedMasterSecret, Buffer.alloc(0)]);
    if (hs.srtpProfile !== undefined) exts.push([X.useSrtp, useSrtp([hs.srtpProfile])]);
    if (hello.extensions.has(X.ecPointFormats)) exts.push([X.ecPointFormats, UNCOMPRESSED_POINTS]);
    const sh = buildServerHello({ version: DTLS_1_2, random: hs.serverRandom, sessionId: Buffer.alloc(0), cipherSuite: hs.suite!.id, compressionMethod: 0 }, exts);
    hs.ephemeral = new EphemeralKey(hs.group);
    const params = buildEcdhParams(hs.group, hs.ephemeral.publicKey);
    const sig = sign('sha256', serverKeyExchangeSigned(hs.clientRandom, hs.serverRandom, params), host.opts.certificate.privateKey);
    host.sendFlight([
      hs.out(H.serverHello, sh),
      hs.out(H.certificate, buildCertificateMessage([host.opts.certificate.der])),
      hs.out(H.serverKeyExchange, buildServerKeyExchange(params, SignatureScheme.ecdsaSecp256r1Sha256, sig)),
      hs.out(H.certificateRequest, buildCertificateRequest([SignatureScheme.ecdsaSecp256r1Sha256])),
      hs.out(H.serverHelloDone, Buffer.alloc(0)),
    ], nowMs, true);
    this.#state = 'certificate';
  }

  /** Pick suite, group, SRTP profile; refuse what WebRTC must not accept. */
  #negotiate(hello: ClientHello): DtlsError | null {
    const { opts, hs } = this.host;
    const ex = hello.extensions;
    const versions = ex.get(X.supportedVersions);
    if (versions) {
      // Offered DTLS 1.3 as well: fine, we answer 1.2 if it is in the list.
      const list = readU16List(versions, 1);
      if (!list) return new DtlsError('decode-error', 'malformed supported_versions', A.decodeError);
      if (!list.includes(DTLS_1_2)) return new DtlsError('protocol-version', 'client does not offer DTLS 1.2', A.protocolVersion);
    } else if (hello.version > DTLS_1_2) { // DTLS version numbers count down: FEFF = 1.0
      return new DtlsError('protocol-version', `client offers only DTLS version 0x${hello.version.toString(16)}`, A.protocolVersion);
    }
    if (!hello.compressionMethods.includes(0)) return new DtlsError('illegal-parameter', 'no null compression', A.illegalParameter);
    const suite = opts.cipherSuites.find((s) => hello.cipherSuites.includes(s));
    if (suite === undefined) return new DtlsError('no-common-cipher', 'no cipher suite in common', A.handshakeFailure);
    hs.suite = suiteInfo(suite)!;
    if (!ex.has(X.extendedMasterSecret)) return new DtlsError('no-extended-master-secret', 'client did not offer extended_master_secret (RFC 7627)', A.handshakeFailure);
    const ri = ex.get(X.renegotiationInfo);
    if (ri && !(ri.length === 1 && ri[0] === 0)) return new DtlsError('renegotiation-refused', 'non-empty renegotiation_info', A.handshakeFailure);
    const groupsExt = ex.get(X.supportedGroups);
    const groups = groupsExt ? readU16List(groupsExt) : [23];
    if (!groups) return new DtlsError('decode-error', 'malformed supported_groups', A.decodeError);
    const group = opts.groups.find((g) => groups.includes(g));
    if (group === undefined) return new DtlsError('no-common-cipher', 'no ECDHE group in common', A.handshakeFailure);
    hs.group = group;
    if (!pointFormatsOk(ex)) return new DtlsError('illegal-parameter', 'uncompressed points not offered', A.illegalParameter);
    const sigExt = ex.get(X.signatureAlgorithms);
    if (sigExt) {
      const algs = readU16List(sigExt);
      if (!algs) return new DtlsError('decode-error', 'malformed signature_algorithms', A.decodeError);
      if (!algs.includes(SignatureScheme.ecdsaSecp256r1Sha256)) return new DtlsError('no-common-cipher', 'client does not accept ecdsa_secp256r1_sha256', A.handshakeFailure);
    }
    if (opts.srtpProfiles.length) {
      const srtpExt = ex.get(X.useSrtp);
      const offered = srtpExt ? readUseSrtp(srtpExt) : null;
      if (srtpExt && !offered) return new DtlsError('decode-error', 'malformed use_srtp', A.decodeError);
      const pick = offered ? opts.srtpProfiles.find((p) => offered.profiles.includes(p)) : undefined;
      if (pick === undefined) return new DtlsError('no-common-srtp-profile', 'no SRTP protection profile in common', A.handshakeFailure);
      hs.srtpProfile = pick;
    }
    return null;
  }

  #onCertificate(messageSeq: number, body: Buffer): void {
    const host = this.host;
    const certs = parseCertificateMessage(body);
    if (!certs) return host.fail(new DtlsError('decode-error', 'malformed Certificate', A.decodeError));
    if (certs.length === 0) return host.fail(new DtlsError('bad-certificate', 'client sent no certificate (WebRTC requires one)', A.handshakeFailure));
    const err = host.acceptPeerCertificate(certs[0]);
    if (err) return host.fail(err);
    host.hs.addReceived(H.certificate, messageSeq, body);
    this.#state = 'keyExchange';
  }

  #onClientKeyExchange(messageSeq: number, body: Buffer): void {
    const host = this.host;
    const hs = host.hs;
    const point = parseClientKeyExchange(body);
    if (!point) return host.fail(new DtlsError('decode-error', 'malformed ClientKeyExchange', A.decodeError));
    const pms = hs.ephemeral!.sharedSecret(point);
    if (!pms) return host.fail(new DtlsError('illegal-parameter', 'invalid ECDHE public value', A.illegalParameter));
    hs.addReceived(H.clientKeyExchange, messageSeq, body);
    hs.master = extendedMasterSecret(hs.suite!.prfHash, pms, hs.transcriptHash());
    host.records.installKeys(hs.suite!, hs.master, hs.clientRandom, hs.serverRandom, false);
    this.#state = 'verify';
  }

  #onCertificateVerify(messageSeq: number, body: Buffer): void {
    const host = this.host;
    const hs = host.hs;
    const ds = parseDigitallySigned(body);
    if (!ds) return host.fail(new DtlsError('decode-error', 'malformed CertificateVerify', A.decodeError));
    if (ds.scheme !== SignatureScheme.ecdsaSecp256r1Sha256) return host.fail(new DtlsError('illegal-parameter', `CertificateVerify uses scheme 0x${ds.scheme.toString(16)}`, A.illegalParameter));
    let ok = false;
    try { ok = verify('sha256', hs.transcript(), hs.peerPublicKey!, ds.signature); } catch { ok = false; }
    if (!ok) return host.fail(new DtlsError('bad-signature', 'CertificateVerify signature does not verify with the client certificate', A.decryptError));
    hs.addReceived(H.certificateVerify, messageSeq, body);
    this.#state = 'finished';
  }

  #onFinished(messageSeq: number, body: Buffer, nowMs: number): void {
    const host = this.host;
    const hs = host.hs;
    const expected = finishedVerifyData(hs.suite!.prfHash, hs.master!, true, hs.transcript());
    if (body.length !== 12 || !timingSafeEqual(body, expected)) {
      return host.fail(new DtlsError('bad-finished', 'client Finished verify_data mismatch', A.decryptError));
    }
    hs.addReceived(H.finished, messageSeq, body);
    const mine = finishedVerifyData(hs.suite!.prfHash, hs.master!, false, hs.transcript());
    host.stopTimer();
    host.sendFlight([CCS_MESSAGE, hs.out(H.finished, mine, 1)], nowMs, false);
    this.#state = 'done';
    host.complete();
  }
}
