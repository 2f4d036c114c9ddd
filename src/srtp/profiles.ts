// SRTP protection profiles negotiated by DTLS use_srtp (RFC 5764 §4.1.2, RFC 7714 §14.2)
// and the split of the DTLS exporter's keying material (RFC 5764 §4.2).
import { SrtpConfigError } from './errors.js';

/** use_srtp protection-profile ids, as they appear on the wire. */
export const SrtpProfile = {
  AES128_CM_HMAC_SHA1_80: 0x0001,
  AES128_CM_HMAC_SHA1_32: 0x0002,
  AEAD_AES_128_GCM: 0x0007,
  AEAD_AES_256_GCM: 0x0008,
} as const;
export type SrtpProfileId = (typeof SrtpProfile)[keyof typeof SrtpProfile];

export interface SrtpProfileInfo {
  readonly id: SrtpProfileId;
  /** The IANA name, e.g. 'SRTP_AES128_CM_HMAC_SHA1_80'. */
  readonly name: string;
  /** AEAD (GCM) profiles encrypt and authenticate in one pass and have no HMAC key. */
  readonly aead: boolean;
  /** Master (and session) encryption key length in bytes. */
  readonly keyLength: number;
  /** Master salt length in bytes (14 for AES-CM, 12 for GCM). */
  readonly saltLength: number;
  /** Session authentication key length (HMAC-SHA1: 20; 0 for GCM). */
  readonly authKeyLength: number;
  /** Bytes appended to an RTP packet by protect. */
  readonly rtpTagLength: number;
  /** Authentication tag on SRTCP (80 bits even for _32, RFC 3711 §5.2 / RFC 5764 §4.1.2). */
  readonly rtcpTagLength: number;
  /** Bytes appended to an RTCP packet by protect: tag + 4-byte E-flag|SRTCP index. */
  readonly rtcpTrailerLength: number;
  /** Bytes the DTLS exporter must produce: 2 * (keyLength + saltLength). */
  readonly keyingMaterialLength: number;
}

function info(id: SrtpProfileId, name: string, aead: boolean, keyLength: number, saltLength: number, rtpTag: number): SrtpProfileInfo {
  const rtcpTag = aead ? 16 : 10;
  return Object.freeze({
    id, name, aead, keyLength, saltLength,
    authKeyLength: aead ? 0 : 20,
    rtpTagLength: rtpTag,
    rtcpTagLength: rtcpTag,
    rtcpTrailerLength: rtcpTag + 4,
    keyingMaterialLength: 2 * (keyLength + saltLength),
  });
}

const PROFILES: ReadonlyMap<number, SrtpProfileInfo> = new Map([
  [0x0001, info(0x0001, 'SRTP_AES128_CM_HMAC_SHA1_80', false, 16, 14, 10)],
  [0x0002, info(0x0002, 'SRTP_AES128_CM_HMAC_SHA1_32', false, 16, 14, 4)],
  [0x0007, info(0x0007, 'SRTP_AEAD_AES_128_GCM', true, 16, 12, 16)],
  [0x0008, info(0x0008, 'SRTP_AEAD_AES_256_GCM', true, 32, 12, 16)],
]);

/** Every supported profile, in a sensible preference order (GCM first). */
export const SUPPORTED_SRTP_PROFILES: readonly SrtpProfileId[] = [0x0007, 0x0008, 0x0001, 0x0002];

/** Most bytes any profile appends (SRTCP with GCM: 16-byte tag + 4-byte index). */
export const SRTP_MAX_TRAILER = 20;

export function isSrtpProfile(id: number): id is SrtpProfileId {
  return PROFILES.has(id);
}

/** Lengths for a profile id; throws SrtpConfigError for an unknown id. */
export function srtpProfileInfo(id: number): SrtpProfileInfo {
  const p = PROFILES.get(id);
  if (!p) throw new SrtpConfigError('SRTP_UNKNOWN_PROFILE', `unknown SRTP protection profile 0x${id.toString(16).padStart(4, '0')}`);
  return p;
}

export interface SrtpMasterKeys {
  /** Key and salt this endpoint protects with (its own write key). */
  localMasterKey: Buffer;
  localMasterSalt: Buffer;
  /** Key and salt the peer protects with; this endpoint unprotects with them. */
  remoteMasterKey: Buffer;
  remoteMasterSalt: Buffer;
}

/**
 * Splits DTLS-SRTP keying material (RFC 5764 §4.2, exporter label "EXTRACTOR-dtls_srtp",
 * `keyingMaterialLength` bytes) laid out as
 *   client_write_SRTP_master_key | server_write_SRTP_master_key |
 *   client_write_SRTP_master_salt | server_write_SRTP_master_salt
 * into this endpoint's local (write) and remote (read) master key and salt.
 * `role` is this endpoint's DTLS role. Returns copies, not views.
 */
export function splitKeyingMaterial(profile: number, material: Uint8Array, role: 'client' | 'server'): SrtpMasterKeys {
  const p = srtpProfileInfo(profile);
  if (material.length !== p.keyingMaterialLength) {
    throw new SrtpConfigError('SRTP_BAD_KEYING_MATERIAL', `${p.name} needs ${p.keyingMaterialLength} bytes of keying material, got ${material.length}`);
  }
  const k = p.keyLength;
  const s = p.saltLength;
  const clientKey = Buffer.from(material.subarray(0, k));
  const serverKey = Buffer.from(material.subarray(k, 2 * k));
  const clientSalt = Buffer.from(material.subarray(2 * k, 2 * k + s));
  const serverSalt = Buffer.from(material.subarray(2 * k + s, 2 * k + 2 * s));
  return role === 'client'
    ? { localMasterKey: clientKey, localMasterSalt: clientSalt, remoteMasterKey: serverKey, remoteMasterSalt: serverSalt }
    : { localMasterKey: serverKey, localMasterSalt: serverSalt, remoteMasterKey: clientKey, remoteMasterSalt: clientSalt };
}
