// NTP timestamps for RTCP sender reports (RFC 3550 §4): seconds since 1900 and a 32-bit
// fraction. Callers pass wall-clock milliseconds; nothing here reads a clock.
const NTP_EPOCH_OFFSET_S = 2208988800;

/** NTP seconds (msw) of a wall-clock time in ms since the Unix epoch. */
export function ntpSeconds(wallMs: number): number {
  return (Math.floor(wallMs / 1000) + NTP_EPOCH_OFFSET_S) >>> 0;
}

/** NTP fraction (lsw) of a wall-clock time in ms. */
export function ntpFraction(wallMs: number): number {
  const ms = wallMs - Math.floor(wallMs / 1000) * 1000;
  return Math.floor((ms / 1000) * 0x100000000) >>> 0;
}

/** The middle 32 bits of the NTP time (what receivers echo as LSR). */
export function ntpMiddle(wallMs: number): number {
  return (((ntpSeconds(wallMs) & 0xffff) << 16) | (ntpFraction(wallMs) >>> 16)) >>> 0;
}
