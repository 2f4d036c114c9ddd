// src/sctp: SCTP over DTLS for WebRTC data channels (RFC 8261, RFC 9260 subset, RFC 3758,
// RFC 6525) and DCEP (RFC 8832). Imports nothing above it.
export { SctpError, type SctpErrorCode } from './errors.js';
export { crc32c } from './crc32c.js';
export { ChunkType, ParamType, CauseCode, DataFlag, Drop, DROP_REASONS, Ppid } from './constants.js';
export { PacketView, writeCommonHeader, finishPacket } from './packet.js';
export { SctpAssociation, type SctpState, type SendOptions, type SctpStats } from './association.js';
export type { SctpOptions } from './options.js';
