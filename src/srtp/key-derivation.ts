// SRTP key derivation (RFC 3711 §4.3) with the AES-CM PRF, key derivation rate 0.
// RFC 7714 (GCM) uses the same KDF with AES-128 or AES-256 (RFC 6188) and a 96-bit
// master salt, which is first multiplied by 2^16 (padded right with two zero bytes,
// RFC 7714 errata 4938) to the 112 bits the KDF expects.
//
//   x   = master_salt(112 bits) XOR (label(8) || index DIV kdr(48)), right-aligned
//   out = AES-CM(master_key, IV = x * 2^16)   (counter in the last 16 bits)
import { aesCtrXor, expandAesKey } from './aes.js';
import { SrtpConfigError } from './errors.js';
import { srtpProfileInfo } from './profiles.js';

export const LABEL_RTP_ENCRYPTION = 0x00;
export const LABEL_RTP_AUTH = 0x01;
export const LABEL_RTP_SALT = 0x02;
export const LABEL_RTCP_ENCRYPTION = 0x03;
export const LABEL_RTCP_AUTH = 0x04;
export const LABEL_RTCP_SALT = 0x05;

/** The AES-CM PRF output of `length` bytes for one label (kdr = 0). */
export function deriveSrtpKey(masterKey: Uint8Array, masterSalt: Uint8Array, label: number, length: number): Buffer {
  if (masterSalt.length > 14) throw new SrtpConfigError('SRTP_BAD_SALT_LENGTH', `master salt over 14 bytes (${masterSalt.length})`);
  const iv = new Uint8Array(16);
  iv.set(masterSalt); // a 12-byte GCM salt lands in bytes 0..11: multiplied by 2^16
  iv[7] ^= label;
  const k = expandAesKey(masterKey);
  const w = (i: number) => (iv[i] << 24) | (iv[i + 1] << 16) | (iv[i + 2] << 8) | iv[i + 3];
  const out = Buffer.alloc(length);
  aesCtrXor(k, w(0), w(4), w(8), w(12), out, 0, length);
  return out;
}

/** The six session keys of one SRTP context. Auth keys are empty for GCM profiles. */
export interface SrtpSessionKeys {
  rtpKey: Buffer;
  rtpSalt: Buffer;
  rtpAuthKey: Buffer;
  rtcpKey: Buffer;
  rtcpSalt: Buffer;
  rtcpAuthKey: Buffer;
}

/** Derives all session keys of `profile` from a master key and salt (RFC 3711 §4.3.1). */
export function deriveSessionKeys(profile: number, masterKey: Uint8Array, masterSalt: Uint8Array): SrtpSessionKeys {
  const p = srtpProfileInfo(profile);
  if (masterKey.length !== p.keyLength) {
    throw new SrtpConfigError('SRTP_BAD_KEY_LENGTH', `${p.name} master key must be ${p.keyLength} bytes, got ${masterKey.length}`);
  }
  if (masterSalt.length !== p.saltLength) {
    throw new SrtpConfigError('SRTP_BAD_SALT_LENGTH', `${p.name} master salt must be ${p.saltLength} bytes, got ${masterSalt.length}`);
  }
  const d = (label: number, n: number) => deriveSrtpKey(masterKey, masterSalt, label, n);
  return {
    rtpKey: d(LABEL_RTP_ENCRYPTION, p.keyLength),
    rtpSalt: d(LABEL_RTP_SALT, p.saltLength),
    rtpAuthKey: d(LABEL_RTP_AUTH, p.authKeyLength),
    rtcpKey: d(LABEL_RTCP_ENCRYPTION, p.keyLength),
    rtcpSalt: d(LABEL_RTCP_SALT, p.saltLength),
    rtcpAuthKey: d(LABEL_RTCP_AUTH, p.authKeyLength),
  };
}
