// src/transport: ICE-lite + DTLS + SRTP composed into the transport a browser talks to,
// and the per-socket server that owns many of them.
export { WebRtcTransport, randomIceString, type RemoteCandidate, type WebRtcTransportOptions, type TransportState, type TransportCloseReason, type TransportStats, type TransportEvents } from './webrtc-transport.js';
export { TransportServer, type TransportServerOptions } from './transport-server.js';
export { createDataChannelEndpoint, type DataChannelParams } from './data-channels.js';
