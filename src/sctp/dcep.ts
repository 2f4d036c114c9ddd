// DCEP messages (RFC 8832 §5), carried with PPID 50 on the channel's stream.
//
// DATA_CHANNEL_OPEN:
// |  Message Type=3 |  Channel Type |            Priority           |
// |                    Reliability Parameter                        |
// |         Label Length          |       Protocol Length         |
// |                             Label                             |
// |                            Protocol                           |
// DATA_CHANNEL_ACK: | Message Type=2 |
import { SctpError } from './errors.js';

export const DCEP_OPEN = 0x03;
export const DCEP_ACK = 0x02;

/** Channel types (§5.1): the high bit is "unordered"; the low bits pick the PR policy. */
export const ChannelType = {
  Reliable: 0x00,
  ReliableUnordered: 0x80,
  PartialReliableRexmit: 0x01,
  PartialReliableRexmitUnordered: 0x81,
  PartialReliableTimed: 0x02,
  PartialReliableTimedUnordered: 0x82,
} as const;

export interface ChannelParams {
  label: string;
  protocol: string;
  ordered: boolean;
  /** null: not limited by retransmissions. */
  maxRetransmits: number | null;
  /** ms; null: not limited by time. */
  maxPacketLifeTime: number | null;
  priority: number;
}

export function encodeOpen(p: ChannelParams): Buffer {
  const label = Buffer.from(p.label, 'utf8');
  const protocol = Buffer.from(p.protocol, 'utf8');
  if (label.length > 0xffff || protocol.length > 0xffff) throw new SctpError('invalid-argument', 'label or protocol longer than 65535 bytes');
  let type: number = ChannelType.Reliable;
  let reliability = 0;
  if (p.maxRetransmits !== null) { type = ChannelType.PartialReliableRexmit; reliability = p.maxRetransmits; }
  else if (p.maxPacketLifeTime !== null) { type = ChannelType.PartialReliableTimed; reliability = p.maxPacketLifeTime; }
  if (!p.ordered) type |= 0x80;
  const b = Buffer.alloc(12 + label.length + protocol.length);
  b[0] = DCEP_OPEN;
  b[1] = type;
  b.writeUInt16BE(p.priority & 0xffff, 2);
  b.writeUInt32BE(reliability >>> 0, 4);
  b.writeUInt16BE(label.length, 8);
  b.writeUInt16BE(protocol.length, 10);
  label.copy(b, 12);
  protocol.copy(b, 12 + label.length);
  return b;
}

/** Parses a DATA_CHANNEL_OPEN; null when malformed. */
export function decodeOpen(b: Buffer): ChannelParams | null {
  if (b.length < 12 || b[0] !== DCEP_OPEN) return null;
  const type = b[1];
  const policy = type & 0x7f;
  if (policy > 2) return null;
  const reliability = b.readUInt32BE(4);
  const ll = b.readUInt16BE(8);
  const pl = b.readUInt16BE(10);
  if (12 + ll + pl !== b.length) return null;
  return {
    label: b.toString('utf8', 12, 12 + ll),
    protocol: b.toString('utf8', 12 + ll, 12 + ll + pl),
    ordered: (type & 0x80) === 0,
    maxRetransmits: policy === 1 ? reliability : null,
    maxPacketLifeTime: policy === 2 ? reliability : null,
    priority: b.readUInt16BE(2),
  };
}

export const ACK_MESSAGE: Buffer = Buffer.from([DCEP_ACK]);
