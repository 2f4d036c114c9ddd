// Is a UDP payload RTP or RTCP? RFC 7983 first byte (128..191), version 2, then RFC 5761
// §4: second byte 192..223 is RTCP (types SR..XR and friends); anything else is RTP when
// its payload type is plausible (not 72..76, which would alias RTCP SR..APP, RFC 5761)
// and the fixed header with its CSRCs fits. Pure and allocation-free.

export const UdpKind = { OTHER: 0, RTP: 1, RTCP: 2 } as const;

/** Classify buf[off, off+len) as UdpKind.RTP, RTCP or OTHER. */
export function classifyRtp(buf: Uint8Array, off: number, len: number): number {
  if (len < 4) return UdpKind.OTHER;
  const b0 = buf[off];
  if (b0 < 128 || b0 > 191) return UdpKind.OTHER;
  const b1 = buf[off + 1];
  if (b1 >= 192 && b1 <= 223) {
    // RTCP: length field (32-bit words minus one) must fit
    return (((buf[off + 2] << 8) | buf[off + 3]) + 1) * 4 <= len ? UdpKind.RTCP : UdpKind.OTHER;
  }
  const pt = b1 & 0x7f;
  if (pt >= 72 && pt <= 76) return UdpKind.OTHER;
  if (len < 12 + (b0 & 0x0f) * 4) return UdpKind.OTHER;
  return UdpKind.RTP;
}

/** Default RTP clock rates: static payload types (RFC 3551 §6), 111 (Opus) 48 kHz, other dynamic 90 kHz (video). */
export function defaultClockRate(pt: number): number {
  switch (pt) {
    case 0: case 3: case 4: case 5: case 7: case 8: case 9: case 12: case 13: case 15: case 18: return 8000;
    case 6: return 16000;
    case 10: case 11: return 44100;
    case 16: return 11025;
    case 17: return 22050;
    case 14: case 25: case 26: case 28: case 31: case 32: case 33: case 34: return 90000;
    case 111: return 48000;
    default: return pt >= 96 && pt <= 127 ? 90000 : 0;
  }
}
