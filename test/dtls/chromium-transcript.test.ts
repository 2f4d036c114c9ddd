// Real Chromium (BoringSSL) DTLS 1.2 handshakes captured against @roamhq/wrtc
// (fixtures/dtls/chromium/, see its README). Without their private keys we cannot finish
// those handshakes, but the signatures in them check our wire parsing and our transcript
// construction (RFC 6347 §4.2.6) against an independent implementation:
// - Chromium as client: its CertificateVerify must verify over the transcript we rebuild;
// - Chromium as server: our client, given the same client random, must accept its
//   ServerHello..ServerHelloDone (ServerKeyExchange signature, SDP fingerprint) and answer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { verify, X509Certificate } from 'node:crypto';
import { DtlsEndpoint, generateCertificate, matchesFingerprint, SrtpProfile, type DtlsError } from '../../src/dtls/index.js';
import { parseCertificateMessage } from '../../src/dtls/certificate-message.js';
import { parseClientHello } from '../../src/dtls/client-hello.js';
import { ExtensionType, HandshakeType as H } from '../../src/dtls/constants.js';
import { wholeMessage } from '../../src/dtls/handshake-header.js';
import { parseDigitallySigned } from '../../src/dtls/key-messages.js';
import { parseServerHello } from '../../src/dtls/server-hello.js';
import { fragments, message } from './util.js';

const dir = new URL('../../fixtures/dtls/chromium/', import.meta.url).pathname;
const read = (f: string) => readFileSync(dir + f);
const sdpFingerprints = (f: string) => [...read(f).toString().matchAll(/a=fingerprint:(\S+) (\S+)/g)].map((m) => ({ algorithm: m[1], value: m[2] }));

test('Chromium as DTLS client: its CertificateVerify verifies over our reconstruction of the transcript', () => {
  const s = 'chromium-client-vs-dtls12-server/';
  const hello = [read(s + 'flight-03-chromium-answerer.bin'), read(s + 'flight-04-chromium-answerer.bin')];
  const server = [read(s + 'flight-05-wrtc-offerer.bin')];
  const client = [read(s + 'flight-06-chromium-answerer.bin')];
  const seqOf = (d: Buffer[], t: number) => fragments(d).find((f) => f.msgType === t)!.messageSeq;
  const parts: Buffer[] = [wholeMessage(H.clientHello, seqOf(hello, H.clientHello), message(hello, H.clientHello)!)];
  for (const t of [H.serverHello, H.certificate, H.serverKeyExchange, H.certificateRequest, H.serverHelloDone]) {
    parts.push(wholeMessage(t, seqOf(server, t), message(server, t)!));
  }
  const clientCertMsg = message(client, H.certificate)!;
  parts.push(wholeMessage(H.certificate, seqOf(client, H.certificate), clientCertMsg));
  parts.push(wholeMessage(H.clientKeyExchange, seqOf(client, H.clientKeyExchange), message(client, H.clientKeyExchange)!));
  const cv = parseDigitallySigned(message(client, H.certificateVerify)!)!;
  assert.is(cv.scheme, 0x0403);
  const chromeCert = parseCertificateMessage(clientCertMsg)![0];
  assert.ok(matchesFingerprint(chromeCert, sdpFingerprints(s + 'answer.sdp')), 'certificate matches the answer SDP fingerprint');
  const key = new X509Certificate(chromeCert).publicKey;
  assert.ok(verify('sha256', Buffer.concat(parts), key, cv.signature), 'CertificateVerify over our transcript');
  // Negative control: one byte off in the transcript and it must not verify.
  const bad = Buffer.concat(parts); bad[20] ^= 1;
  assert.not.ok(verify('sha256', bad, key, cv.signature));
  // And wrtc's ServerHello negotiated EMS + 1.2, as we require.
  const sh = parseServerHello(message(server, H.serverHello)!)!;
  assert.is(sh.version, 0xfefd);
  assert.ok(sh.extensions.has(ExtensionType.extendedMasterSecret));
});

test('Chromium as DTLS server: our client accepts its flight (signature, fingerprint, EMS, use_srtp) and sends flight 5', () => {
  const s = 'chromium-server-vs-dtls12-client/';
  const wrtcHello = parseClientHello(message([read(s + 'flight-05-wrtc-answerer.bin')], H.clientHello)!)!;
  const out: Buffer[] = [];
  let error: DtlsError | undefined;
  const ep = new DtlsEndpoint({
    role: 'client', certificate: generateCertificate(), srtpProfiles: [SrtpProfile.AES128_CM_HMAC_SHA1_80],
    remoteFingerprints: sdpFingerprints(s + 'offer.sdp'),
    send: (b, l) => { out.push(Buffer.from(b.subarray(0, l))); }, onError: (e) => { error = e; },
  });
  ep.start(0);
  ep.hs.clientRandom = wrtcHello.random; // the random Chromium's ServerKeyExchange signed
  out.length = 0;
  const flight = read(s + 'flight-06-chromium-offerer.bin');
  ep.handleDatagram(flight, flight.length, 5);
  assert.is(error, undefined, error?.message);
  assert.ok(message(out, H.certificate), 'our Certificate (Chromium requested one)');
  assert.ok(message(out, H.clientKeyExchange));
  assert.ok(message(out, H.certificateVerify));
  assert.is(ep.hs.srtpProfile, SrtpProfile.AES128_CM_HMAC_SHA1_80);
  // The same flight with a different client random: the ServerKeyExchange signature fails.
  let error2: DtlsError | undefined;
  const ep2 = new DtlsEndpoint({ role: 'client', certificate: generateCertificate(), remoteFingerprints: sdpFingerprints(s + 'offer.sdp'), send: () => {}, onError: (e) => { error2 = e; } });
  ep2.start(0);
  ep2.handleDatagram(flight, flight.length, 5);
  assert.is(error2?.code, 'bad-signature');
  assert.is(error2?.alert, 51);
});

test.run();
