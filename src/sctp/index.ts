// src/sctp: SCTP over DTLS for WebRTC data channels (RFC 8261, RFC 9260 subset, RFC 3758,
// RFC 6525) and DCEP (RFC 8832). Imports nothing above it.
export { SctpError, type SctpErrorCode } from './errors.js';
export { crc32c } from './crc32c.js';
export { ChunkType, ParamType, CauseCode, DataFlag, Drop, DROP_REASONS, Ppid } from './constants.js';
export { PacketView, writeCommonHeader, finishPacket } from './packet.js';
export { SctpAssociation, type SctpState, type SendOptions, type SctpStats } from './association.js';
export type { SctpOptions } from './options.js';
export { DataChannelEndpoint, type DataChannelInit, type EndpointOptions, type EndpointEvents } from './endpoint.js';
export { DataChannel, type DataChannelState, type DataChannelEvents } from './data-channel.js';
export { encodeOpen, decodeOpen, ChannelType, type ChannelParams } from './dcep.js';
/** The name the transport layer uses for one association (RFC 8261 "SCTP transport"). */
export { SctpAssociation as SctpTransport } from './association.js';
