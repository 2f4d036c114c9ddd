// src/net: one UDP socket per worker, RFC 7983 demux, remote-address routing, the
// batched send queue every packet leaves through (sendmmsg via native/udp_send.c, or
// node:dgram), and the ICE-TCP listener (RFC 6544 passive, RFC 4571 framing) feeding
// the same handlers.
export { PacketKind, classify } from './demux.js';
export { TupleTable } from './tuple-table.js';
export { SendQueue, type SendQueueOptions, type SendQueueStats, type SendTarget, type BatchSendTarget } from './send-queue.js';
export { NativeSendTarget, createSendTarget } from './native-send-target.js';
export { NativeReceiver, type NativeReceiverStats, type DatagramSink } from './native-receiver.js';
export { loadUdpSendAddon, selectSendBackend, addonLoadError, type UdpSendAddon, type SendBackend } from './native/udp-send-addon.js';
export { UdpMux, type MuxPeer, type ClaimHandler, type UdpMuxOptions, type UdpMuxStats } from './udp-mux.js';
export type { SendPath } from './send-path.js';
export { Rfc4571Framer, writeFrameHeader, type FrameHandler } from './rfc4571-framer.js';
export { TcpLink, type TcpLinkStats, type TcpLinkLimits } from './tcp-link.js';
export { TcpMux, defaultTcpMuxConfig, type TcpMuxOptions, type TcpMuxStats } from './tcp-mux.js';
export { NetError } from './errors.js';
