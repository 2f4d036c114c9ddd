// DTLS record header (RFC 6347 §4.1):
//
//   0                   1                   2                   3
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  ContentType  |   ProtocolVersion (FEFD)      |    epoch ...  |
//   |  ... epoch    |          sequence_number (48 bits) ...        |
//   |   ... sequence_number         |           length              |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
import { ContentType, MAX_RECORD_PAYLOAD, RECORD_HEADER_LEN } from './constants.js';

export const RecordStatus = { ok: 0, truncated: 1, badType: 2, badVersion: 3, tooLong: 4 } as const;

/** A reusable view of one record inside a datagram; fields are read once by `reset`. */
export class RecordView {
  type = 0;
  version = 0;
  epoch = 0;
  seq = 0;
  /** Offset and length of the payload inside `buf`. */
  payloadOff = 0;
  payloadLen = 0;
  /** Offset just past this record (where the next one starts). */
  end = 0;

  /** Parse the record at `off`; returns a RecordStatus. Never throws. */
  reset(buf: Buffer, off: number, len: number): number {
    if (len - off < RECORD_HEADER_LEN) return RecordStatus.truncated;
    const type = buf[off];
    if (type < ContentType.changeCipherSpec || type > ContentType.applicationData) return RecordStatus.badType;
    const version = (buf[off + 1] << 8) | buf[off + 2];
    // DTLS 1.0 (FEFF) shows up in a first ClientHello record; anything not FExx is not DTLS.
    if (buf[off + 1] !== 0xfe) return RecordStatus.badVersion;
    const length = (buf[off + 11] << 8) | buf[off + 12];
    if (length > MAX_RECORD_PAYLOAD) return RecordStatus.tooLong;
    if (off + RECORD_HEADER_LEN + length > len) return RecordStatus.truncated;
    this.type = type;
    this.version = version;
    this.epoch = (buf[off + 3] << 8) | buf[off + 4];
    this.seq = buf.readUIntBE(off + 5, 6);
    this.payloadOff = off + RECORD_HEADER_LEN;
    this.payloadLen = length;
    this.end = off + RECORD_HEADER_LEN + length;
    return RecordStatus.ok;
  }
}

/** Write a record header at `off`; returns RECORD_HEADER_LEN. */
export function writeRecordHeader(out: Buffer, off: number, type: number, version: number, epoch: number, seq: number, length: number): number {
  out[off] = type;
  out.writeUInt16BE(version, off + 1);
  out.writeUInt16BE(epoch, off + 3);
  out.writeUIntBE(seq, off + 5, 6);
  out.writeUInt16BE(length, off + 11);
  return RECORD_HEADER_LEN;
}
