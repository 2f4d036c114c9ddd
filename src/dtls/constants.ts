// Wire constants for DTLS 1.2 (RFC 6347 over RFC 5246) as WebRTC uses it.

export const DTLS_1_2 = 0xfefd;
export const DTLS_1_0 = 0xfeff;

/** Record content types (RFC 5246 §6.2.1). */
export const ContentType = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
} as const;

/** Handshake message types (RFC 5246 §7.4, RFC 6347 §4.2.1 adds hello_verify_request). */
export const HandshakeType = {
  helloRequest: 0,
  clientHello: 1,
  serverHello: 2,
  helloVerifyRequest: 3,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateVerify: 15,
  clientKeyExchange: 16,
  finished: 20,
} as const;

export const AlertLevel = { warning: 1, fatal: 2 } as const;

/** Alert descriptions (RFC 5246 §7.2). */
export const AlertDescription = {
  closeNotify: 0,
  unexpectedMessage: 10,
  badRecordMac: 20,
  handshakeFailure: 40,
  badCertificate: 42,
  unsupportedCertificate: 43,
  certificateExpired: 45,
  certificateUnknown: 46,
  illegalParameter: 47,
  decodeError: 50,
  decryptError: 51,
  protocolVersion: 70,
  insufficientSecurity: 71,
  internalError: 80,
  noRenegotiation: 100,
  unsupportedExtension: 110,
} as const;

export const CipherSuite = {
  ECDHE_ECDSA_AES_128_GCM_SHA256: 0xc02b,
  ECDHE_ECDSA_AES_256_GCM_SHA384: 0xc02c,
  ECDHE_ECDSA_CHACHA20_POLY1305_SHA256: 0xcca9,
} as const;

export const ExtensionType = {
  supportedGroups: 10,
  ecPointFormats: 11,
  signatureAlgorithms: 13,
  useSrtp: 14,
  extendedMasterSecret: 23,
  supportedVersions: 43,
  keyShare: 51,
  renegotiationInfo: 0xff01,
} as const;

export const NamedGroup = { secp256r1: 23, x25519: 29 } as const;

export const SignatureScheme = { ecdsaSecp256r1Sha256: 0x0403 } as const;

/** DTLS-SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2). */
export const SrtpProfile = {
  AES128_CM_HMAC_SHA1_80: 0x0001,
  AES128_CM_HMAC_SHA1_32: 0x0002,
  AEAD_AES_128_GCM: 0x0007,
  AEAD_AES_256_GCM: 0x0008,
} as const;

/** Record header: type(1) version(2) epoch(2) sequence_number(6) length(2). */
export const RECORD_HEADER_LEN = 13;
/** Handshake header: type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3). */
export const HANDSHAKE_HEADER_LEN = 12;
/** Largest handshake message we reassemble (refuse bigger with decode_error). */
export const MAX_HANDSHAKE_MESSAGE = 64 * 1024;
/** Largest record payload allowed by RFC 5246 (2^14 plaintext + 2048 expansion). */
export const MAX_RECORD_PAYLOAD = 16384 + 2048;
