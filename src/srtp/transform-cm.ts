// AES-CM + HMAC-SHA1 packet transform (RFC 3711 §4.1.1, §4.2, §3.4).
//
// SRTP:  | RTP header | encrypted payload | tag (10 or 4 bytes) |
//        tag = HMAC-SHA1(k_a, header | encrypted payload | ROC)[0..tagLen)
// SRTCP: | header+SSRC (8) | encrypted rest | E(1)+index(31) | tag (10 bytes) |
//        tag = HMAC-SHA1(k_a, everything before the tag)
// IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16); index = ROC*2^16+SEQ for RTP.
import { expandAesKey, type AesKey } from './aes.js';
import { ctrXor, prepareKey, releaseKey } from './keystream.js';
import { SrtpStatus } from './errors.js';
import { HmacSha1 } from './hmac-sha1.js';
import type { SrtpSessionKeys } from './key-derivation.js';
import { nativeCtrXor } from './native-crypto.js';

const mac = new Int32Array(5);

function word(b: Uint8Array, i: number): number {
  return (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
}

/** Writes the first n bytes of mac[] at buf[p..]. */
function writeTag(buf: Uint8Array, p: number, n: number): void {
  for (let i = 0; i < n; i++) buf[p + i] = mac[i >>> 2] >>> (24 - ((i & 3) << 3));
}

/** Constant-time: ORs the differences of all n tag bytes, no early exit. */
function tagDiffers(buf: Uint8Array, p: number, n: number): boolean {
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= buf[p + i] ^ ((mac[i >>> 2] >>> (24 - ((i & 3) << 3))) & 0xff);
  return diff !== 0;
}

export class CmTransform {
  readonly rtpTagLength: number;
  readonly rtcpTagLength = 10;
  /** From the end of an SRTCP packet back to its E|index word. */
  readonly rtcpIndexFromEnd = 14;
  private readonly rtpKey: AesKey;
  private readonly rtcpKey: AesKey;
  private readonly rtpKeyBytes: Buffer;
  /** RTP payloads of at least this many bytes are encrypted by node:crypto (see native-crypto.ts). */
  private readonly nativeMin: number;
  private readonly rtpAuth: HmacSha1;
  private readonly rtcpAuth: HmacSha1;
  // Session salts as IV words (salt is 14 bytes: the last word holds 2 salt bytes << 16).
  private readonly rs0: number; private readonly rs1: number; private readonly rs2: number; private readonly rs3: number;
  private readonly cs0: number; private readonly cs1: number; private readonly cs2: number; private readonly cs3: number;

  constructor(keys: SrtpSessionKeys, rtpTagLength: number, nativeMin: number) {
    this.rtpTagLength = rtpTagLength;
    this.nativeMin = nativeMin;
    this.rtpKeyBytes = Buffer.from(keys.rtpKey);
    this.rtpKey = prepareKey(expandAesKey(keys.rtpKey));
    this.rtcpKey = prepareKey(expandAesKey(keys.rtcpKey));
    this.rtpAuth = new HmacSha1(keys.rtpAuthKey);
    this.rtcpAuth = new HmacSha1(keys.rtcpAuthKey);
    const r = new Uint8Array(16); r.set(keys.rtpSalt);
    const c = new Uint8Array(16); c.set(keys.rtcpSalt);
    this.rs0 = word(r, 0); this.rs1 = word(r, 4); this.rs2 = word(r, 8); this.rs3 = word(r, 12);
    this.cs0 = word(c, 0); this.cs1 = word(c, 4); this.cs2 = word(c, 8); this.cs3 = word(c, 12);
  }

  /** Frees the wasm key slots (the transform still works, in JS). */
  close(): void {
    releaseKey(this.rtpKey);
    releaseKey(this.rtcpKey);
  }

  /** AES-CM over an RTP payload: wasm/JS for small payloads, node:crypto from nativeMin bytes. */
  private rtpCtr(buf: Uint8Array, off: number, len: number, ssrc: number, roc: number, seq: number): void {
    if (len < this.nativeMin) ctrXor(this.rtpKey, this.rs0, this.rs1 ^ ssrc, this.rs2 ^ roc, this.rs3 ^ (seq << 16), buf, off, len);
    else nativeCtrXor('aes-128-ctr', this.rtpKeyBytes, this.rs0, this.rs1 ^ ssrc, this.rs2 ^ roc, this.rs3 ^ (seq << 16), buf, off, len);
  }

  /** Encrypts buf[hdrLen, len) and appends the tag. Caller checked the room. */
  protectRtp(buf: Uint8Array, hdrLen: number, len: number, ssrc: number, roc: number, seq: number): number {
    this.rtpCtr(buf, hdrLen, len - hdrLen, ssrc, roc, seq);
    this.rtpAuth.mac(buf, 0, len, true, roc, mac);
    writeTag(buf, len, this.rtpTagLength);
    return len + this.rtpTagLength;
  }

  /** Verifies the tag at the end of buf[0, len), then decrypts. Returns the plain length. */
  unprotectRtp(buf: Uint8Array, hdrLen: number, len: number, ssrc: number, roc: number, seq: number): number {
    const end = len - this.rtpTagLength;
    this.rtpAuth.mac(buf, 0, end, true, roc, mac);
    if (tagDiffers(buf, end, this.rtpTagLength)) return SrtpStatus.AUTH_FAILED;
    this.rtpCtr(buf, hdrLen, end - hdrLen, ssrc, roc, seq);
    return end;
  }

  /** Encrypts after the first 8 bytes, appends E|index and the 80-bit tag. */
  protectRtcp(buf: Uint8Array, len: number, ssrc: number, index: number): number {
    ctrXor(this.rtcpKey, this.cs0, this.cs1 ^ ssrc, this.cs2 ^ (index >>> 16), this.cs3 ^ (index << 16), buf, 8, len - 8);
    const e = index | 0x80000000;
    buf[len] = e >>> 24; buf[len + 1] = e >>> 16; buf[len + 2] = e >>> 8; buf[len + 3] = e;
    this.rtcpAuth.mac(buf, 0, len + 4, false, 0, mac);
    writeTag(buf, len + 4, 10);
    return len + 14;
  }

  /** Verifies and (when the E flag is set) decrypts an SRTCP packet. Returns the RTCP length. */
  unprotectRtcp(buf: Uint8Array, len: number, ssrc: number, index: number, encrypted: boolean): number {
    const tagAt = len - 10;
    this.rtcpAuth.mac(buf, 0, tagAt, false, 0, mac);
    if (tagDiffers(buf, tagAt, 10)) return SrtpStatus.AUTH_FAILED;
    const end = len - 14;
    if (encrypted) ctrXor(this.rtcpKey, this.cs0, this.cs1 ^ ssrc, this.cs2 ^ (index >>> 16), this.cs3 ^ (index << 16), buf, 8, end - 8);
    return end;
  }
}
