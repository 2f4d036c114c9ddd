// src/turn: an embedded TURN server (RFC 8656: Allocate, Refresh, CreatePermission,
// ChannelBind, Send/Data indications, ChannelData) over UDP and TCP, with long-term
// credentials minted by the TURN REST API scheme (username "<expiry>:<id>", password
// base64(HMAC-SHA1(secret, username))) and no open relay (peers must be allow-listed).
// Built on src/stun's codec; TurnCore is socket-free, TurnServer adds the sockets.
//
//   const turn = new TurnServer({ onEvent: console.log });
//   await turn.start({ udpPort: 3478, tcpPort: 3478, realm: 'switchboard', secret,
//                      allowPeers: ['127.0.0.1:7882'] });
//   const cred = mintTurnCredential(secret, participantId, 3600);
export * from './constants.js';
export { TurnServer, type TurnServerOptions, type TurnServerHooks } from './turn-server.js';
export { TurnCore, defaultTurnCoreConfig, type TurnCoreConfig, type TurnEvent } from './turn-core.js';
export { Allocation, Channel } from './allocation.js';
export { ChannelDataView, ChannelDataStatus, writeChannelDataHeader, channelDataWireLength } from './channel-data.js';
export { StreamFramer, frameLength, MAX_FRAME } from './stream-framer.js';
export { TurnAttributes, AttributeStatus, MAX_PEER_ADDRESSES } from './turn-attributes.js';
export { mintTurnCredential, restApiPassword, restApiExpiry, restApiParticipant, longTermKey, type TurnCredential } from './credentials.js';
export { NonceIssuer, NonceCheck } from './nonce.js';
export { PeerAllowList } from './peer-allow-list.js';
export { Authenticator } from './authenticator.js';
export { UdpRelayFactory, type UdpRelayOptions } from './udp-relay.js';
export type { ClientLink, RelayHandle, RelayFactory, PeerPacketHandler } from './links.js';
export { newTurnStats, type TurnStats } from './stats.js';
export { TurnError, type TurnErrorCode } from './errors.js';
