// DTLS 1.2 for WebRTC (RFC 6347, RFC 5246, DTLS-SRTP RFC 5764), server and client roles.
//
// Usage (the integrator's view):
//
//   import { generateCertificate, DtlsEndpoint, SrtpProfile } from '../dtls/index.js';
//
//   // 1. Identity, once per process (or per peer connection): a self-signed ECDSA P-256 cert.
//   const cert = generateCertificate();
//   //    For SDP: `a=fingerprint:${cert.fingerprint.algorithm} ${cert.fingerprint.value}`
//
//   // 2. One endpoint per peer (per ICE 5-tuple). The SFU is usually the server (a=setup:passive).
//   const ep = new DtlsEndpoint({
//     role: 'server',                       // or 'client' (a=setup:active)
//     certificate: cert,
//     remoteFingerprints: [{ algorithm: 'sha-256', value: 'AB:CD:...' }], // from the peer's SDP;
//                                           // or later: ep.setRemoteFingerprints([...])
//     peerId: `${ip}:${port}`,              // server: bound into the stateless cookie
//     cookieSecret,                         // server: one shared `new CookieSecret()` per socket
//     send: (buf, len) => socket.send(buf, 0, len, port, ip),   // buf is never reused by us
//     onConnected: (info) => {              // info.srtpProfile, info.srtpKeys (local/remote
//       startSrtp(info.srtpKeys!);          // master key + salt for our role), info.cipherSuite
//     },
//     onApplicationData: (data) => {},      // data channel (SCTP) payloads
//     onError: (err) => {},                 // DtlsError: err.code, err.alert, err.remote
//     onClosed: () => {},                   // once, after close()/close_notify/error
//   });
//   ep.start(now);                          // client: sends ClientHello; server: no-op
//
//   // 3. Datagrams whose first byte is 20..63 (RFC 7983) for this 5-tuple:
//   ep.handleDatagram(buf, len, now);
//
//   // 4. Timers: after every handleDatagram/start/tick, (re)arm one timer for
//   //    ep.nextTimeoutMs() (absolute, same clock as `now`; Infinity = none) and call
//   //    ep.tick(now) when it fires.
//
//   // 5. Keys: info.srtpKeys in onConnected, or ep.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60)
//   //    (RFC 5705, 60 bytes for AES128_CM_HMAC_SHA1_80, 56 for AEAD_AES_128_GCM).
//
//   ep.sendApplicationData(buf); ep.close();
export { DtlsEndpoint, type DtlsState } from './endpoint.js';
export { generateCertificate, certificateFromPem, fingerprintOf, matchesFingerprint, type DtlsCertificate, type Fingerprint, type FingerprintAlgorithm, type CertificateOptions } from './certificate.js';
export { CookieSecret } from './cookie.js';
export { DtlsError, alertName, type DtlsErrorCode } from './errors.js';
export { AlertDescription, CipherSuite, NamedGroup, SrtpProfile, ContentType } from './constants.js';
export { DEFAULT_SRTP_PROFILES, srtpKeyLengths, type DtlsEndpointOptions, type DtlsConnectedInfo, type SrtpKeys } from './options.js';
