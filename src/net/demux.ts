// RFC 7983 (updating RFC 5764 §5.1.2): the first byte of a datagram says which protocol
// it carries when STUN, DTLS and SRTP share one 5-tuple.
//
//            +----------------+
//            |        [0..3] -+--> STUN
//            |      [16..19] -+--> ZRTP       (dropped)
//   packet ->|      [20..63] -+--> DTLS
//            |      [64..79] -+--> TURN channel (dropped)
//            |    [128..191] -+--> RTP/RTCP   (RTCP when the 2nd byte is 192..223, RFC 5761 §4)
//            +----------------+

export const PacketKind = {
  Unknown: 0,
  Stun: 1,
  Dtls: 2,
  Rtp: 3,
  Rtcp: 4,
} as const;
export type PacketKind = (typeof PacketKind)[keyof typeof PacketKind];

/** Smallest datagram of each kind worth looking at (headers only). */
const MIN_STUN = 20;
const MIN_DTLS = 13;
const MIN_RTP = 12;
const MIN_RTCP = 8;

/** Classifies a datagram without looking past its first two bytes (plus length checks). */
export function classify(buf: Uint8Array, len: number): PacketKind {
  if (len < 1) return PacketKind.Unknown;
  const b0 = buf[0];
  if (b0 <= 3) return len >= MIN_STUN ? PacketKind.Stun : PacketKind.Unknown;
  if (b0 >= 20 && b0 <= 63) return len >= MIN_DTLS ? PacketKind.Dtls : PacketKind.Unknown;
  if (b0 >= 128 && b0 <= 191) {
    if (len < MIN_RTCP) return PacketKind.Unknown;
    const b1 = buf[1];
    if (b1 >= 192 && b1 <= 223) return PacketKind.Rtcp;
    return len >= MIN_RTP ? PacketKind.Rtp : PacketKind.Unknown;
  }
  return PacketKind.Unknown;
}
