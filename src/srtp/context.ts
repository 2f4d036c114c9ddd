// One SRTP/SRTCP crypto context: one master key (one direction of a DTLS-SRTP
// association), its session keys, and per-SSRC state (ROC, highest seq, replay windows).
// All packet methods work in place on buf[0, len) and return the new length or a
// negative SrtpStatus; they never throw and never allocate in steady state (a state
// object is allocated once per new SSRC, and only after its first packet authenticated).
import { SrtpConfigError, SrtpStatus } from './errors.js';
import { deriveSessionKeys, type SrtpSessionKeys } from './key-derivation.js';
import { splitKeyingMaterial, srtpProfileInfo, type SrtpProfileInfo } from './profiles.js';
import { estimateRtpIndex, RtcpStreamState, RtpStreamState } from './replay-window.js';
import { CmTransform } from './transform-cm.js';
import { GcmTransform } from './transform-gcm.js';

export interface SrtpContextOptions {
  /** Replay window in packets, per SSRC (RTP and SRTCP each). Default 128, minimum 64; rounded up to a power of two (max 32768). */
  replayWindow?: number;
  /** Most SSRCs tracked for RTP (and, separately, for SRTCP). Packets of further SSRCs are rejected with SSRC_LIMIT. Default 64. */
  maxSsrcs?: number;
  /**
   * RTP payloads of at least this many bytes are encrypted with node:crypto (OpenSSL)
   * instead of the allocation-free JS code; smaller ones in JS. Default: the measured
   * crossover, 512 for AES-CM and 384 for GCM. Infinity = always JS, 0 = always OpenSSL.
   */
  nativeCryptoMinPayload?: number;
}

/** Default nativeCryptoMinPayload per profile family (from bench/micro/srtp.bench.ts). */
export const NATIVE_CRYPTO_MIN_PAYLOAD = Object.freeze({ aesCm: 512, aesGcm: 384 });

export const defaultSrtpContextOptions: Readonly<Pick<Required<SrtpContextOptions>, 'replayWindow' | 'maxSsrcs'>> = Object.freeze({ replayWindow: 128, maxSsrcs: 64 });

/** Counters, updated in place; read them whenever you like. */
export interface SrtpStats {
  rtpProtected: number;
  rtpUnprotected: number;
  rtcpProtected: number;
  rtcpUnprotected: number;
  authFailures: number;
  replayed: number;
  tooOld: number;
  tooShort: number;
  malformed: number;
  unknownSsrcOverLimit: number;
  noRoom: number;
}

function word(b: Uint8Array, i: number): number {
  return (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
}

export class SrtpContext {
  readonly profile: SrtpProfileInfo;
  readonly stats: SrtpStats = {
    rtpProtected: 0, rtpUnprotected: 0, rtcpProtected: 0, rtcpUnprotected: 0,
    authFailures: 0, replayed: 0, tooOld: 0, tooShort: 0, malformed: 0, unknownSsrcOverLimit: 0, noRoom: 0,
  };
  private readonly t: CmTransform | GcmTransform;
  private readonly rtpTag: number;
  private readonly rtcpTrailer: number;
  private readonly windowSize: number;
  private readonly maxSsrcs: number;
  /** Keyed by the SSRC as a signed 32-bit integer (a V8 small integer, no boxing). */
  private readonly rtp = new Map<number, RtpStreamState>();
  private readonly rtcp = new Map<number, RtcpStreamState>();

  /** Derives session keys from a master key and salt (RFC 3711 §4.3). Throws SrtpConfigError on bad lengths. */
  constructor(profile: number, masterKey: Uint8Array, masterSalt: Uint8Array, options?: SrtpContextOptions);
  /** Internal: built from session keys directly (see fromSessionKeys). */
  constructor(profile: number, sessionKeys: SrtpSessionKeys, options?: SrtpContextOptions);
  constructor(profile: number, a: Uint8Array | SrtpSessionKeys, b?: Uint8Array | SrtpContextOptions, c?: SrtpContextOptions) {
    this.profile = srtpProfileInfo(profile);
    let keys: SrtpSessionKeys;
    let options: SrtpContextOptions | undefined;
    if (a instanceof Uint8Array) {
      if (!(b instanceof Uint8Array)) throw new SrtpConfigError('SRTP_BAD_SALT_LENGTH', 'master salt missing');
      keys = deriveSessionKeys(profile, a, b);
      options = c;
    } else {
      keys = a;
      options = b as SrtpContextOptions | undefined;
    }
    const win = options?.replayWindow ?? defaultSrtpContextOptions.replayWindow;
    if (!Number.isInteger(win) || win < 64 || win > 32768) throw new SrtpConfigError('SRTP_BAD_OPTION', `replayWindow must be an integer in 64..32768, got ${win}`);
    let size = 64;
    while (size < win) size <<= 1;
    this.windowSize = size;
    const max = options?.maxSsrcs ?? defaultSrtpContextOptions.maxSsrcs;
    if (!Number.isInteger(max) || max < 1) throw new SrtpConfigError('SRTP_BAD_OPTION', `maxSsrcs must be a positive integer, got ${max}`);
    this.maxSsrcs = max;
    const nativeMin = options?.nativeCryptoMinPayload ?? (this.profile.aead ? NATIVE_CRYPTO_MIN_PAYLOAD.aesGcm : NATIVE_CRYPTO_MIN_PAYLOAD.aesCm);
    if (!(nativeMin >= 0)) throw new SrtpConfigError('SRTP_BAD_OPTION', `nativeCryptoMinPayload must be >= 0, got ${nativeMin}`);
    this.t = this.profile.aead ? new GcmTransform(keys, nativeMin) : new CmTransform(keys, this.profile.rtpTagLength, nativeMin);
    this.rtpTag = this.profile.rtpTagLength;
    this.rtcpTrailer = this.profile.rtcpTrailerLength;
  }

  /** A context from session keys given directly, skipping the KDF (test vectors, RFC 7714 §16-17). */
  static fromSessionKeys(profile: number, keys: SrtpSessionKeys, options?: SrtpContextOptions): SrtpContext {
    return new SrtpContext(profile, keys, options);
  }

  /** RTP header length of buf[0, len), or a negative status. */
  private rtpHeaderLength(buf: Uint8Array, len: number, trailer: number): number {
    if (len < 12 + trailer) { this.stats.tooShort++; return SrtpStatus.TOO_SHORT; }
    if (len > buf.length) { this.stats.malformed++; return SrtpStatus.MALFORMED; } // a caller bug, not a packet
    const b0 = buf[0];
    if ((b0 & 0xc0) !== 0x80) { this.stats.malformed++; return SrtpStatus.MALFORMED; }
    let hdr = 12 + ((b0 & 15) << 2);
    if (b0 & 0x10) {
      if (hdr + 4 > len) { this.stats.malformed++; return SrtpStatus.MALFORMED; }
      hdr += 4 + (((buf[hdr + 2] << 8) | buf[hdr + 3]) << 2);
    }
    if (hdr + trailer > len) { this.stats.malformed++; return SrtpStatus.MALFORMED; }
    return hdr;
  }

  /**
   * Encrypts and authenticates the RTP packet in buf[0, len) in place, appending the tag.
   * buf must have profile.rtpTagLength bytes of room after len. Returns the SRTP length.
   */
  protectRtp(buf: Uint8Array, len: number): number {
    const hdr = this.rtpHeaderLength(buf, len, 0);
    if (hdr < 0) return hdr;
    if (len + this.rtpTag > buf.length) { this.stats.noRoom++; return SrtpStatus.NO_ROOM; }
    const seq = (buf[2] << 8) | buf[3];
    const ssrc = word(buf, 8);
    let st = this.rtp.get(ssrc);
    if (st === undefined) {
      if (this.rtp.size >= this.maxSsrcs) { this.stats.unknownSsrcOverLimit++; return SrtpStatus.SSRC_LIMIT; }
      st = new RtpStreamState(this.windowSize, seq, 0);
      this.rtp.set(ssrc, st);
    }
    const index = estimateRtpIndex(st.roc, st.seq, seq);
    const roc = ((index - seq) / 65536) | 0; // int32 (a small integer, never boxed); ROC < 2^31 in practice
    if (roc > st.roc || (roc === st.roc && seq > st.seq)) { st.roc = roc; st.seq = seq; }
    this.stats.rtpProtected++;
    return this.t.protectRtp(buf, hdr, len, ssrc, roc, seq);
  }

  /**
   * Authenticates and decrypts the SRTP packet in buf[0, len) in place. Returns the RTP
   * length (len minus the tag), or a negative SrtpStatus (the packet must be dropped).
   */
  unprotectRtp(buf: Uint8Array, len: number): number {
    const hdr = this.rtpHeaderLength(buf, len, this.rtpTag);
    if (hdr < 0) return hdr;
    const seq = (buf[2] << 8) | buf[3];
    const ssrc = word(buf, 8);
    const st = this.rtp.get(ssrc);
    let index = seq;
    if (st === undefined) {
      if (this.rtp.size >= this.maxSsrcs) { this.stats.unknownSsrcOverLimit++; return SrtpStatus.SSRC_LIMIT; }
    } else {
      index = estimateRtpIndex(st.roc, st.seq, seq);
      const r = st.window.check(index);
      if (r !== 0) {
        if (r === SrtpStatus.REPLAYED) this.stats.replayed++;
        else this.stats.tooOld++;
        return r;
      }
    }
    const roc = ((index - seq) / 65536) | 0;
    const n = this.t.unprotectRtp(buf, hdr, len, ssrc, roc, seq);
    if (n < 0) { this.stats.authFailures++; return n; }
    let s = st;
    if (s === undefined) {
      s = new RtpStreamState(this.windowSize, seq, 0);
      this.rtp.set(ssrc, s);
    } else if (index > s.window.highest) {
      s.roc = roc;
      s.seq = seq;
    }
    s.window.accept(index);
    this.stats.rtpUnprotected++;
    return n;
  }

  /**
   * Encrypts the compound RTCP packet in buf[0, len) after its first 8 bytes, appends
   * the tag and the E-flag|SRTCP index. buf needs profile.rtcpTrailerLength bytes of room.
   */
  protectRtcp(buf: Uint8Array, len: number): number {
    if (len < 8) { this.stats.tooShort++; return SrtpStatus.TOO_SHORT; }
    if ((buf[0] & 0xc0) !== 0x80 || len > buf.length) { this.stats.malformed++; return SrtpStatus.MALFORMED; }
    if (len + this.rtcpTrailer > buf.length) { this.stats.noRoom++; return SrtpStatus.NO_ROOM; }
    const ssrc = word(buf, 4);
    let st = this.rtcp.get(ssrc);
    if (st === undefined) {
      if (this.rtcp.size >= this.maxSsrcs) { this.stats.unknownSsrcOverLimit++; return SrtpStatus.SSRC_LIMIT; }
      st = new RtcpStreamState(this.windowSize);
      this.rtcp.set(ssrc, st);
    }
    const index = st.nextSendIndex;
    st.nextSendIndex = (index + 1) & 0x7fffffff;
    this.stats.rtcpProtected++;
    return this.t.protectRtcp(buf, len, ssrc, index);
  }

  /** Authenticates and decrypts an SRTCP packet in place. Returns the RTCP length or a negative SrtpStatus. */
  unprotectRtcp(buf: Uint8Array, len: number): number {
    if (len < 8 + this.rtcpTrailer) { this.stats.tooShort++; return SrtpStatus.TOO_SHORT; }
    if ((buf[0] & 0xc0) !== 0x80 || len > buf.length) { this.stats.malformed++; return SrtpStatus.MALFORMED; }
    const ssrc = word(buf, 4);
    const e = word(buf, len - this.t.rtcpIndexFromEnd);
    const index = e & 0x7fffffff;
    const st = this.rtcp.get(ssrc);
    if (st === undefined) {
      if (this.rtcp.size >= this.maxSsrcs) { this.stats.unknownSsrcOverLimit++; return SrtpStatus.SSRC_LIMIT; }
    } else {
      const r = st.window.check(index);
      if (r !== 0) {
        if (r === SrtpStatus.REPLAYED) this.stats.replayed++;
        else this.stats.tooOld++;
        return r;
      }
    }
    const n = this.t.unprotectRtcp(buf, len, ssrc, index, e < 0);
    if (n < 0) { this.stats.authFailures++; return n; }
    let s = st;
    if (s === undefined) {
      s = new RtcpStreamState(this.windowSize);
      this.rtcp.set(ssrc, s);
    }
    s.window.accept(index);
    this.stats.rtcpUnprotected++;
    return n;
  }

  /** SSRCs with RTP state (for diagnostics). */
  get rtpSsrcCount(): number { return this.rtp.size; }
  get rtcpSsrcCount(): number { return this.rtcp.size; }

  /** The rollover counter tracked for an RTP SSRC, or undefined. */
  rolloverCounter(ssrc: number): number | undefined {
    return this.rtp.get(ssrc | 0)?.roc;
  }

  /**
   * Sets the ROC and highest sequence number of an SSRC (e.g. joining a stream
   * mid-way whose ROC was signalled). Creates the state if needed; ignores the SSRC limit.
   */
  setRolloverCounter(ssrc: number, roc: number, seq: number): void {
    const k = ssrc | 0;
    let st = this.rtp.get(k);
    if (!st) { st = new RtpStreamState(this.windowSize, seq & 0xffff, roc >>> 0); this.rtp.set(k, st); }
    st.roc = roc >>> 0;
    st.seq = seq & 0xffff;
  }

  /** Sets the next SRTCP index protectRtcp uses for an SSRC (test vectors, re-keying). */
  setNextSrtcpIndex(ssrc: number, index: number): void {
    const k = ssrc | 0;
    let st = this.rtcp.get(k);
    if (!st) { st = new RtcpStreamState(this.windowSize); this.rtcp.set(k, st); }
    st.nextSendIndex = index & 0x7fffffff;
  }

  /**
   * Drops all per-SSRC state and frees the wasm memory of the keys now rather than at
   * garbage collection. Idempotent. Packets after close() are still processed (in JS)
   * as if for a fresh context; callers normally just stop using it.
   */
  close(): void {
    this.t.close();
    this.rtp.clear();
    this.rtcp.clear();
  }

  /** Forgets an SSRC's RTP and SRTCP state (a track ended), freeing its slot. */
  removeSsrc(ssrc: number): void {
    this.rtp.delete(ssrc | 0);
    this.rtcp.delete(ssrc | 0);
  }
}

/**
 * Both contexts of one DTLS-SRTP association from the exporter's keying material
 * (RFC 5764 §4.2): `tx` protects with this endpoint's write key, `rx` unprotects with the
 * peer's. `role` is this endpoint's DTLS role.
 */
export function createSrtpContexts(
  profile: number,
  keyingMaterial: Uint8Array,
  role: 'client' | 'server',
  options?: SrtpContextOptions,
): { tx: SrtpContext; rx: SrtpContext } {
  const k = splitKeyingMaterial(profile, keyingMaterial, role);
  return {
    tx: new SrtpContext(profile, k.localMasterKey, k.localMasterSalt, options),
    rx: new SrtpContext(profile, k.remoteMasterKey, k.remoteMasterSalt, options),
  };
}
