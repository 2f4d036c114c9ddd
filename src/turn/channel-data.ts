// ChannelData (RFC 8656 §12.4): the 4-byte-header framing of relayed data on a bound channel.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         Channel Number        |            Length             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// /                       Application Data                        /
// +-------------------------------+
// Length excludes padding. Over TCP the message is padded to a multiple of 4 (§12.5);
// over UDP padding is optional and a datagram may be longer than 4 + Length.
// The view accepts the RFC 5766 range 0x4000-0x7FFF (framing stays in sync with legacy
// clients, as coturn does); which numbers a client may bind is the core's decision.
import { CHANNEL_DATA_HEADER, CHANNEL_MAX_RFC5766, CHANNEL_MIN } from './constants.js';

export const ChannelDataStatus = {
  Ok: 0,
  TooShort: 1,
  /** First two bits are not 01: not ChannelData. */
  NotChannelData: 2,
  /** Reserved for a future use; unreachable while the first byte check holds (kept for callers' switch). */
  ReservedChannel: 3,
  /** Length field runs past the end of the input. */
  Truncated: 4,
} as const;
export type ChannelDataStatus = (typeof ChannelDataStatus)[keyof typeof ChannelDataStatus];

/** A view over one ChannelData message, reused between reads. */
export class ChannelDataView {
  channel = 0;
  /** Absolute offset of the application data in the input. */
  dataOffset = 0;
  dataLength = 0;

  /** Reads the header at buf[off..off+len). Never throws. */
  reset(buf: Uint8Array, off: number, len: number): ChannelDataStatus {
    this.channel = 0; this.dataOffset = 0; this.dataLength = 0;
    if (len < CHANNEL_DATA_HEADER || off + len > buf.length) return ChannelDataStatus.TooShort;
    if ((buf[off] & 0xc0) !== 0x40) return ChannelDataStatus.NotChannelData;
    const ch = (buf[off] << 8) | buf[off + 1];
    if (ch < CHANNEL_MIN || ch > CHANNEL_MAX_RFC5766) return ChannelDataStatus.ReservedChannel;
    const dl = (buf[off + 2] << 8) | buf[off + 3];
    if (CHANNEL_DATA_HEADER + dl > len) return ChannelDataStatus.Truncated;
    this.channel = ch; this.dataOffset = off + CHANNEL_DATA_HEADER; this.dataLength = dl;
    return ChannelDataStatus.Ok;
  }
}

/** Writes the 4-byte header at out[off..]; the caller puts the data after it. */
export function writeChannelDataHeader(out: Uint8Array, off: number, channel: number, dataLength: number): void {
  out[off] = channel >> 8; out[off + 1] = channel & 0xff;
  out[off + 2] = dataLength >> 8; out[off + 3] = dataLength & 0xff;
}

/** Bytes a ChannelData message takes on the wire: header + data, padded to 4 over a stream. */
export function channelDataWireLength(dataLength: number, stream: boolean): number {
  const n = CHANNEL_DATA_HEADER + dataLength;
  return stream ? (n + 3) & ~3 : n;
}
