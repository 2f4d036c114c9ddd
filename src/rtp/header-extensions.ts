// Readers and writers for the RTP header extensions WebRTC negotiates. Each takes the
// buffer and the value offset (RtpView.findExtension / extValueOffset) and never
// allocates, except the string getters marked slow path.

export const ExtensionUri = {
  sdesMid: 'urn:ietf:params:rtp-hdrext:sdes:mid',
  sdesRtpStreamId: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  sdesRepairedRtpStreamId: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
  absSendTime: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  transportWideCc: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  audioLevel: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  absCaptureTime: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time',
  playoutDelay: 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
  videoOrientation: 'urn:3gpp:video-orientation',
  toffset: 'urn:ietf:params:rtp-hdrext:toffset',
} as const;

// ---- sdes:mid, rid, repaired-rid: short ASCII identifiers ----

/** True when bytes [off, off+len) equal `known` (compare against a pre-encoded id). */
export function extensionEquals(buf: Uint8Array, off: number, len: number, known: Uint8Array): boolean {
  if (len !== known.length) return false;
  for (let i = 0; i < len; i++) if (buf[off + i] !== known[i]) return false;
  return true;
}

/** Slow path: the value as a string (mid/rid are ASCII). Allocates. */
export function extensionString(buf: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(buf[off + i]);
  return s;
}

/** Write an ASCII id; returns bytes written (the element length to declare). */
export function writeExtensionString(buf: Uint8Array, off: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[off + i] = s.charCodeAt(i) & 0xff;
  return s.length;
}

// ---- abs-send-time: 24-bit 6.18 fixed-point seconds ----

export function readAbsSendTime(buf: Uint8Array, off: number): number {
  return (buf[off] << 16) | (buf[off + 1] << 8) | buf[off + 2];
}
export function writeAbsSendTime(buf: Uint8Array, off: number, v: number): void {
  buf[off] = v >>> 16; buf[off + 1] = v >>> 8; buf[off + 2] = v;
}
/** Milliseconds → 6.18 fixed-point seconds, modulo 64 s. */
export function absSendTimeFromMs(ms: number): number {
  return Math.round((ms * 262144) / 1000) & 0xffffff;
}
/** 6.18 fixed-point → milliseconds within the 64 s wrap. */
export function absSendTimeToMs(v: number): number {
  return (v * 1000) / 262144;
}

// ---- transport-wide-cc sequence number: 16 bits ----

export function readTransportSequence(buf: Uint8Array, off: number): number {
  return (buf[off] << 8) | buf[off + 1];
}
export function writeTransportSequence(buf: Uint8Array, off: number, seq: number): void {
  buf[off] = seq >>> 8; buf[off + 1] = seq;
}

// ---- ssrc-audio-level (RFC 6464): V bit + 7-bit level in -dBov ----

export function readAudioLevel(buf: Uint8Array, off: number): number { return buf[off] & 0x7f; }
export function readVoiceActivity(buf: Uint8Array, off: number): boolean { return (buf[off] & 0x80) !== 0; }
export function writeAudioLevel(buf: Uint8Array, off: number, voice: boolean, level: number): void {
  buf[off] = (voice ? 0x80 : 0) | (level & 0x7f);
}

// ---- abs-capture-time: 64-bit NTP (UQ32.32) + optional clock offset (Q32.32) ----
// Read as two 32-bit halves so nothing needs a BigInt.

/** Seconds part (upper 32 bits) of the capture NTP time. */
export function readAbsCaptureNtpSeconds(buf: Uint8Array, off: number): number { return u32(buf, off); }
/** Fraction part (lower 32 bits) of the capture NTP time. */
export function readAbsCaptureNtpFraction(buf: Uint8Array, off: number): number { return u32(buf, off + 4); }
/** True when the 16-byte form carries the estimated capture clock offset. */
export function absCaptureHasOffset(len: number): boolean { return len === 16; }
/** Estimated capture clock offset in seconds (Q32.32 signed), only when len === 16. */
export function readAbsCaptureClockOffset(buf: Uint8Array, off: number): number {
  const hi = u32(buf, off + 8) | 0;
  return hi + u32(buf, off + 12) / 4294967296;
}
/** Capture time as milliseconds since the NTP epoch (1900). */
export function readAbsCaptureTimeMs(buf: Uint8Array, off: number): number {
  return u32(buf, off) * 1000 + (u32(buf, off + 4) * 1000) / 4294967296;
}
/**
 * Write abs-capture-time. `offsetSeconds` (may be negative) adds the 8-byte offset.
 * Returns the element length (8 or 16).
 */
export function writeAbsCaptureTime(
  buf: Uint8Array, off: number, ntpSeconds: number, ntpFraction: number, offsetSeconds?: number,
): number {
  w32(buf, off, ntpSeconds); w32(buf, off + 4, ntpFraction);
  if (offsetSeconds === undefined) return 8;
  const hi = Math.floor(offsetSeconds);
  w32(buf, off + 8, hi); w32(buf, off + 12, Math.round((offsetSeconds - hi) * 4294967296) >>> 0);
  return 16;
}

// ---- playout-delay: 12-bit min + 12-bit max, 10 ms units ----

export function readPlayoutDelayMin(buf: Uint8Array, off: number): number {
  return (buf[off] << 4) | (buf[off + 1] >> 4);
}
export function readPlayoutDelayMax(buf: Uint8Array, off: number): number {
  return ((buf[off + 1] & 0x0f) << 8) | buf[off + 2];
}
/** min/max in 10 ms units (0..4095). */
export function writePlayoutDelay(buf: Uint8Array, off: number, min: number, max: number): void {
  buf[off] = min >>> 4; buf[off + 1] = ((min & 0x0f) << 4) | ((max >>> 8) & 0x0f); buf[off + 2] = max;
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}
function w32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24; b[o + 1] = v >>> 16; b[o + 2] = v >>> 8; b[o + 3] = v;
}
