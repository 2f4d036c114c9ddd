// Options of a DtlsEndpoint, with defaults.
import type { DtlsCertificate, Fingerprint } from './certificate.js';
import { SrtpProfile } from './constants.js';
import { CookieSecret } from './cookie.js';
import type { DtlsError } from './errors.js';
import { SUPPORTED_GROUPS } from './key-exchange.js';
import { DEFAULT_CIPHER_SUITES } from './suites.js';

export interface SrtpKeys {
  profile: number;
  /** Our SRTP master key/salt (we protect with these) and the peer's (we unprotect with these). */
  localMasterKey: Buffer;
  localMasterSalt: Buffer;
  remoteMasterKey: Buffer;
  remoteMasterSalt: Buffer;
}

export interface DtlsConnectedInfo {
  role: 'server' | 'client';
  /** e.g. 0xC02B */
  cipherSuite: number;
  cipherSuiteName: string;
  /** Key exchange group: 23 (P-256) or 29 (X25519). */
  group: number;
  /** The negotiated use_srtp profile (RFC 5764), undefined when none was negotiated. */
  srtpProfile: number | undefined;
  /** SRTP master keys split for our role (RFC 5764 §4.2), when a profile was negotiated. */
  srtpKeys: SrtpKeys | undefined;
  /** The peer's certificate (DER), already checked against its SDP fingerprint. */
  remoteCertificate: Buffer;
}

export interface DtlsEndpointOptions {
  role: 'server' | 'client';
  certificate: DtlsCertificate;
  /** Fingerprints from the peer's SDP. May be set later with setRemoteFingerprints(); the
   * handshake does not report connected until the peer's certificate matched one. */
  remoteFingerprints?: Fingerprint[];
  /** SRTP profiles in preference order (server: picks its first that the client offered;
   * client: offers these). Default [AEAD_AES_128_GCM, AES128_CM_HMAC_SHA1_80]. An empty list
   * disables use_srtp; a non-empty one makes it required. */
  srtpProfiles?: number[];
  /** Cipher suites in preference order. Default 0xC02B, 0xC02C, 0xCCA9. */
  cipherSuites?: number[];
  /** ECDHE groups in preference order. Default X25519 (29), P-256 (23). */
  groups?: number[];
  /** Largest datagram we send, bytes. Default 1200. */
  mtu?: number;
  /** First retransmission timeout (ms), doubled per retry up to maxRetransmitMs. Default 1000. */
  initialRetransmitMs?: number;
  /** Default 60000 (RFC 6347 §4.2.4.1). */
  maxRetransmitMs?: number;
  /** Retransmissions of one flight before the handshake fails with 'handshake-timeout'. Default 6. */
  maxRetransmits?: number;
  /** Server: the peer's address (e.g. "203.0.113.5:40000"), bound into the cookie. Default ''. */
  peerId?: string;
  /** Server: cookie HMAC secret, shareable by all endpoints of a socket. Default: a new one. */
  cookieSecret?: CookieSecret;
  /** Sends one datagram: the first `len` bytes of `buf`. The endpoint never reuses `buf`,
   * so it can be queued or handed to dgram.send as is. */
  send: (buf: Buffer, len: number) => void;
  onConnected?: (info: DtlsConnectedInfo) => void;
  onApplicationData?: (data: Buffer) => void;
  /** A fatal problem (ours or the peer's alert, or a timeout). onClosed follows. */
  onError?: (err: DtlsError) => void;
  /** Once, when the endpoint is closed for any reason (error included). */
  onClosed?: () => void;
}

export const DEFAULT_SRTP_PROFILES: readonly number[] = [SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES128_CM_HMAC_SHA1_80];

export type ResolvedOptions = Required<Omit<DtlsEndpointOptions, 'remoteFingerprints' | 'onConnected' | 'onApplicationData' | 'onError' | 'onClosed'>>;

export function resolveOptions(o: DtlsEndpointOptions): ResolvedOptions {
  if (o.role !== 'server' && o.role !== 'client') throw new TypeError(`dtls: role must be 'server' or 'client', got ${String(o.role)}`);
  if (!o.certificate?.der || !o.certificate.privateKey) throw new TypeError('dtls: certificate is required');
  if (typeof o.send !== 'function') throw new TypeError('dtls: send callback is required');
  const mtu = o.mtu ?? 1200;
  if (mtu < 200 || mtu > 65507) throw new TypeError(`dtls: mtu ${mtu} out of range 200..65507`);
  return {
    role: o.role,
    certificate: o.certificate,
    srtpProfiles: o.srtpProfiles ?? [...DEFAULT_SRTP_PROFILES],
    cipherSuites: o.cipherSuites ?? [...DEFAULT_CIPHER_SUITES],
    groups: o.groups ?? [...SUPPORTED_GROUPS],
    mtu,
    initialRetransmitMs: o.initialRetransmitMs ?? 1000,
    maxRetransmitMs: o.maxRetransmitMs ?? 60_000,
    maxRetransmits: o.maxRetransmits ?? 6,
    peerId: o.peerId ?? '',
    cookieSecret: o.cookieSecret ?? new CookieSecret(),
    send: o.send,
  };
}

/** Key and salt lengths of an SRTP profile (RFC 5764 §4.1.2, RFC 7714 §12). */
export function srtpKeyLengths(profile: number): { key: number; salt: number } | undefined {
  switch (profile) {
    case SrtpProfile.AES128_CM_HMAC_SHA1_80:
    case SrtpProfile.AES128_CM_HMAC_SHA1_32: return { key: 16, salt: 14 };
    case SrtpProfile.AEAD_AES_128_GCM: return { key: 16, salt: 12 };
    case SrtpProfile.AEAD_AES_256_GCM: return { key: 32, salt: 12 };
    default: return undefined;
  }
}
