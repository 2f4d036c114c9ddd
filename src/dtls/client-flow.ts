// Client side of the handshake:
//   -> ClientHello                                   (flight 1)
//   <- HelloVerifyRequest                            (flight 2, optional)
//   -> ClientHello with the cookie                   (flight 3)
//   <- ServerHello Certificate ServerKeyExchange [CertificateRequest] ServerHelloDone
//   -> [Certificate] ClientKeyExchange [CertificateVerify] [CCS] Finished   (flight 5)
//   <- [CCS] Finished
import { randomBytes, sign, timingSafeEqual, verify } from 'node:crypto';
import { buildCertificateMessage, parseCertificateMessage } from './certificate-message.js';
import { parseCertificateRequest } from './certificate-request.js';
import { buildClientHello } from './client-hello.js';
import { AlertDescription as A, DTLS_1_2, ExtensionType as X, HandshakeType as H, SignatureScheme } from './constants.js';
import { DtlsError } from './errors.js';
import { EMPTY_RENEGOTIATION_INFO, readUseSrtp, u16List, UNCOMPRESSED_POINTS, useSrtp } from './extensions.js';
import type { Flow, FlowHost } from './flow-host.js';
import { CCS_MESSAGE } from './handshake-state.js';
import { parseHelloVerifyRequest } from './hello-verify-request.js';
import { EphemeralKey } from './key-exchange.js';
import { buildClientKeyExchange, buildDigitallySigned } from './key-messages.js';
import { extendedMasterSecret, finishedVerifyData } from './prf.js';
import { parseServerHello } from './server-hello.js';
import { parseServerKeyExchange, serverKeyExchangeSigned } from './server-key-exchange.js';
import { suiteInfo } from './suites.js';

type State = 'serverHello' | 'certificate' | 'keyExchange' | 'requestOrDone' | 'finished' | 'done';

export class ClientFlow implements Flow {
  #state: State = 'serverHello';
  #cookie: Buffer = Buffer.alloc(0);
  #hello: Buffer = Buffer.alloc(0);
  #helloSeq = 0;
  #peerPoint: Buffer = Buffer.alloc(0);
  #certificateRequested = false;

  constructor(private readonly host: FlowHost) {}

  get done(): boolean { return this.#state === 'done'; }

  start(nowMs: number): void {
    this.host.hs.clientRandom = randomBytes(32);
    this.#sendHello(nowMs);
  }

  #sendHello(nowMs: number): void {
    const { opts, hs } = this.host;
    const exts: [number, Buffer][] = [
      [X.renegotiationInfo, EMPTY_RENEGOTIATION_INFO],
      [X.extendedMasterSecret, Buffer.alloc(0)],
      [X.supportedGroups, u16List(opts.groups)],
      [X.ecPointFormats, UNCOMPRESSED_POINTS],
      [X.signatureAlgorithms, u16List([SignatureScheme.ecdsaSecp256r1Sha256])],
    ];
    if (opts.srtpProfiles.length) exts.push([X.useSrtp, useSrtp(opts.srtpProfiles)]);
    this.#hello = buildClientHello({ version: DTLS_1_2, random: hs.clientRandom, sessionId: Buffer.alloc(0), cookie: this.#cookie, cipherSuites: opts.cipherSuites }, exts);
    this.#helloSeq = hs.sendSeq++;
    this.host.sendFlight([{ kind: 'handshake', msgType: H.clientHello, messageSeq: this.#helloSeq, epoch: 0, body: this.#hello }], nowMs, true);
  }

  handle(msgType: number, messageSeq: number, epoch: number, body: Buffer, nowMs: number): void {
    const host = this.host;
    const st = this.#state;
    if (st === 'done') {
      if (msgType === H.helloRequest) host.warn(A.noRenegotiation);
      return;
    }
    if (st === 'serverHello' && msgType === H.helloVerifyRequest && epoch === 0) return this.#onHelloVerifyRequest(body, nowMs);
    if ((epoch === 1) !== (msgType === H.finished)) return this.#unexpected(msgType, epoch);
    switch (st) {
      case 'serverHello': return msgType === H.serverHello ? this.#onServerHello(messageSeq, body) : this.#unexpected(msgType, epoch);
      case 'certificate': return msgType === H.certificate ? this.#onCertificate(messageSeq, body) : this.#unexpected(msgType, epoch);
      case 'keyExchange': return msgType === H.serverKeyExchange ? this.#onServerKeyExchange(messageSeq, body) : this.#unexpected(msgType, epoch);
      case 'requestOrDone':
        if (msgType === H.certificateRequest && !this.#certificateRequested) return this.#onCertificateRequest(messageSeq, body);
        if (msgType === H.serverHelloDone) return this.#onServerHelloDone(messageSeq, body, nowMs);
        return this.#unexpected(msgType, epoch);
      case 'finished': return msgType === H.finished ? this.#onFinished(messageSeq, body) : this.#unexpected(msgType, epoch);
    }
  }

  #unexpected(msgType: number, epoch: number): void {
    this.host.fail(new DtlsError('unexpected-message', `unexpected handshake type ${msgType} in state ${this.#state} (epoch ${epoch})`, A.unexpectedMessage));
  }

  #onHelloVerifyRequest(body: Buffer, nowMs: number): void {
    const hvr = parseHelloVerifyRequest(body);
    if (!hvr || hvr.cookie.length > 255) return this.host.fail(new DtlsError('decode-error', 'malformed HelloVerifyRequest', A.decodeError));
    this.host.stopTimer();
    this.#cookie = Buffer.from(hvr.cookie);
    this.#sendHello(nowMs); // the first ClientHello and the HVR stay out of the transcript
  }

  #onServerHello(messageSeq: number, body: Buffer): void {
    const { host } = this;
    const { opts, hs } = host;
    const sh = parseServerHello(body);
    if (!sh) return host.fail(new DtlsError('decode-error', 'malformed ServerHello', A.decodeError));
    if (sh.version !== DTLS_1_2) return host.fail(new DtlsError('protocol-version', `server chose version 0x${sh.version.toString(16)}`, A.protocolVersion));
    if (!opts.cipherSuites.includes(sh.cipherSuite) || sh.compressionMethod !== 0) return host.fail(new DtlsError('illegal-parameter', `server chose suite 0x${sh.cipherSuite.toString(16)} we did not offer`, A.illegalParameter));
    if (!sh.extensions.has(X.extendedMasterSecret)) return host.fail(new DtlsError('no-extended-master-secret', 'server did not agree to extended_master_secret (RFC 7627)', A.handshakeFailure));
    const ri = sh.extensions.get(X.renegotiationInfo);
    if (ri && !(ri.length === 1 && ri[0] === 0)) return host.fail(new DtlsError('renegotiation-refused', 'non-empty renegotiation_info', A.handshakeFailure));
    if (opts.srtpProfiles.length) {
      const ext = sh.extensions.get(X.useSrtp);
      const srtp = ext ? readUseSrtp(ext) : null;
      if (!srtp) return host.fail(new DtlsError('no-common-srtp-profile', 'server did not select an SRTP profile', A.handshakeFailure));
      if (srtp.profiles.length !== 1 || !opts.srtpProfiles.includes(srtp.profiles[0])) return host.fail(new DtlsError('illegal-parameter', 'server selected an SRTP profile we did not offer', A.illegalParameter));
      hs.srtpProfile = srtp.profiles[0];
    }
    host.stopTimer();
    hs.suite = suiteInfo(sh.cipherSuite)!;
    hs.serverRandom = Buffer.from(sh.random);
    hs.clearTranscript();
    hs.addReceived(H.clientHello, this.#helloSeq, this.#hello);
    hs.addReceived(H.serverHello, messageSeq, body);
    this.#state = 'certificate';
  }

  #onCertificate(messageSeq: number, body: Buffer): void {
    const host = this.host;
    const certs = parseCertificateMessage(body);
    if (!certs) return host.fail(new DtlsError('decode-error', 'malformed Certificate', A.decodeError));
    if (certs.length === 0) return host.fail(new DtlsError('bad-certificate', 'server sent no certificate', A.handshakeFailure));
    const err = host.acceptPeerCertificate(certs[0]);
    if (err) return host.fail(err);
    host.hs.addReceived(H.certificate, messageSeq, body);
    this.#state = 'keyExchange';
  }

  #onServerKeyExchange(messageSeq: number, body: Buffer): void {
    const { host } = this;
    const { opts, hs } = host;
    const ske = parseServerKeyExchange(body);
    if (!ske) return host.fail(new DtlsError('decode-error', 'malformed ServerKeyExchange', A.decodeError));
    if (!opts.groups.includes(ske.group)) return host.fail(new DtlsError('illegal-parameter', `server chose group ${ske.group} we did not offer`, A.illegalParameter));
    if (ske.signatureScheme !== SignatureScheme.ecdsaSecp256r1Sha256) return host.fail(new DtlsError('illegal-parameter', `ServerKeyExchange scheme 0x${ske.signatureScheme.toString(16)}`, A.illegalParameter));
    let ok = false;
    try { ok = verify('sha256', serverKeyExchangeSigned(hs.clientRandom, hs.serverRandom, ske.params), hs.peerPublicKey!, ske.signature); } catch { ok = false; }
    if (!ok) return host.fail(new DtlsError('bad-signature', 'ServerKeyExchange signature does not verify with the server certificate', A.decryptError));
    hs.group = ske.group;
    this.#peerPoint = Buffer.from(ske.publicKey);
    hs.addReceived(H.serverKeyExchange, messageSeq, body);
    this.#state = 'requestOrDone';
  }

  #onCertificateRequest(messageSeq: number, body: Buffer): void {
    const host = this.host;
    const cr = parseCertificateRequest(body);
    if (!cr) return host.fail(new DtlsError('decode-error', 'malformed CertificateRequest', A.decodeError));
    if (!cr.signatureSchemes.includes(SignatureScheme.ecdsaSecp256r1Sha256)) return host.fail(new DtlsError('no-common-cipher', 'server does not accept ecdsa_secp256r1_sha256 client signatures', A.handshakeFailure));
    this.#certificateRequested = true;
    host.hs.addReceived(H.certificateRequest, messageSeq, body);
  }

  #onServerHelloDone(messageSeq: number, body: Buffer, nowMs: number): void {
    const { host } = this;
    const { opts, hs } = host;
    if (body.length !== 0) return host.fail(new DtlsError('decode-error', 'ServerHelloDone with a body', A.decodeError));
    hs.addReceived(H.serverHelloDone, messageSeq, body);
    hs.ephemeral = new EphemeralKey(hs.group);
    const pms = hs.ephemeral.sharedSecret(this.#peerPoint);
    if (!pms) return host.fail(new DtlsError('illegal-parameter', 'invalid ECDHE public value from server', A.illegalParameter));
    const flight = [];
    if (this.#certificateRequested) flight.push(hs.out(H.certificate, buildCertificateMessage([opts.certificate.der])));
    flight.push(hs.out(H.clientKeyExchange, buildClientKeyExchange(hs.ephemeral.publicKey)));
    hs.master = extendedMasterSecret(hs.suite!.prfHash, pms, hs.transcriptHash());
    if (this.#certificateRequested) {
      const sig = sign('sha256', hs.transcript(), opts.certificate.privateKey);
      flight.push(hs.out(H.certificateVerify, buildDigitallySigned(SignatureScheme.ecdsaSecp256r1Sha256, sig)));
    }
    host.records.installKeys(hs.suite!, hs.master, hs.clientRandom, hs.serverRandom, true);
    const verifyData = finishedVerifyData(hs.suite!.prfHash, hs.master, true, hs.transcript());
    flight.push(CCS_MESSAGE, hs.out(H.finished, verifyData, 1));
    host.sendFlight(flight, nowMs, true);
    this.#state = 'finished';
  }

  #onFinished(messageSeq: number, body: Buffer): void {
    const host = this.host;
    const hs = host.hs;
    const expected = finishedVerifyData(hs.suite!.prfHash, hs.master!, false, hs.transcript());
    if (body.length !== 12 || !timingSafeEqual(body, expected)) return host.fail(new DtlsError('bad-finished', 'server Finished verify_data mismatch', A.decryptError));
    hs.addReceived(H.finished, messageSeq, body);
    host.stopTimer();
    this.#state = 'done';
    host.complete();
  }
}
