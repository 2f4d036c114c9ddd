// SRTP and SRTCP (RFC 3711, RFC 7714) for the packet path.
//
// Profiles: SRTP_AES128_CM_HMAC_SHA1_80 (0x0001), SRTP_AES128_CM_HMAC_SHA1_32 (0x0002),
// SRTP_AEAD_AES_128_GCM (0x0007), SRTP_AEAD_AES_256_GCM (0x0008). SRTCP always carries
// the E flag and a 31-bit index; its tag is 80 bits on both AES-CM profiles.
//
// Setting up, after the DTLS handshake chose `profile` (a use_srtp id):
//   const info = srtpProfileInfo(profile);
//   const material = exportKeyingMaterial('EXTRACTOR-dtls_srtp', info.keyingMaterialLength);
//   const { tx, rx } = createSrtpContexts(profile, material, dtlsRole);  // 'client' | 'server'
// which is splitKeyingMaterial(...) and then
//   const tx = new SrtpContext(profile, k.localMasterKey, k.localMasterSalt);   // protect
//   const rx = new SrtpContext(profile, k.remoteMasterKey, k.remoteMasterSalt); // unprotect
// A context is ONE direction: protect with `tx`, unprotect with `rx`, never both on one.
// close() a context when its transport ends (frees its keys' wasm memory at once).
//
// BUFFER CONTRACT (the UDP worker's slabs)
// - Every method works IN PLACE on buf[0, len) and returns the new length (>= 0) or a
//   negative SrtpStatus. Nothing throws for any input bytes.
// - Allocation: none per packet for RTP payloads below `nativeCryptoMinPayload` (512
//   bytes AES-CM, 384 GCM: all audio) and for all SRTCP; those run in JS and a small
//   in-process wasm module (aes.ts, wasm-aes.ts, hmac-sha1.ts, ghash.ts). Larger RTP
//   payloads (video) go through node:crypto, 1.5-2.5x faster there, which allocates a
//   cipher object and an output Buffer per packet.
//   One small state object per new SSRC, created only after that SSRC's first packet
//   authenticated, and at most `maxSsrcs` of them per context.
// - `buf` may be any Uint8Array/Buffer view (a slab slot); only buf[0, buf.length) is
//   touched and the packet starts at buf[0]. Make one view per slab slot when the slab
//   is created and reuse it: a `subarray()` per packet would itself allocate.
// - HEADROOM for protect: buf.length must be >= len + trailer, where the trailer is
//     protectRtp:  10 (AES-CM _80), 4 (AES-CM _32), 16 (GCM)  = info.rtpTagLength
//     protectRtcp: 14 (AES-CM: 4-byte E|index + 10-byte tag), 20 (GCM: 16 + 4)
//                  = info.rtcpTrailerLength
//   SRTP_MAX_TRAILER (20) fits every case: reserve it in every send slot. Without the
//   room protect returns NO_ROOM and leaves the packet untouched.
// - unprotect needs no room: the result is shorter (tag, and SRTCP index, dropped); the
//   plaintext stays at the same offset. On AUTH_FAILED, REPLAYED, TOO_OLD, SSRC_LIMIT,
//   TOO_SHORT and MALFORMED the bytes are left as they arrived (tags are checked before
//   anything is decrypted) and the stats counters say why.
// - The returned buffer content is valid until the caller reuses the slot; the context
//   keeps no reference to `buf`. Contexts are not thread-safe: one worker owns each.
// - Replay windows (RTP and SRTCP, per SSRC) move only after a packet authenticated, so
//   forged packets cannot advance them. ROC is estimated per RFC 3711 Appendix A.
export { SrtpContext, createSrtpContexts, defaultSrtpContextOptions, NATIVE_CRYPTO_MIN_PAYLOAD } from './context.js';
export type { SrtpContextOptions, SrtpStats } from './context.js';
export { SrtpConfigError, SrtpStatus, srtpStatusName } from './errors.js';
export type { SrtpErrorCode, SrtpStatusCode } from './errors.js';
export {
  SrtpProfile, SUPPORTED_SRTP_PROFILES, SRTP_MAX_TRAILER,
  isSrtpProfile, srtpProfileInfo, splitKeyingMaterial,
} from './profiles.js';
export type { SrtpProfileId, SrtpProfileInfo, SrtpMasterKeys } from './profiles.js';
export { deriveSessionKeys, deriveSrtpKey } from './key-derivation.js';
export type { SrtpSessionKeys } from './key-derivation.js';
