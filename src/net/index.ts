// src/net: one UDP socket per worker, RFC 7983 demux, remote-address routing, and the
// batched send queue every packet leaves through.
export { PacketKind, classify } from './demux.js';
export { TupleTable } from './tuple-table.js';
export { SendQueue, type SendQueueOptions, type SendQueueStats, type SendTarget } from './send-queue.js';
export { UdpMux, type MuxPeer, type ClaimHandler, type UdpMuxOptions, type UdpMuxStats } from './udp-mux.js';
export { NetError } from './errors.js';
