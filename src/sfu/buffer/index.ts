// src/sfu/buffer: the receive side's pure cores — extended sequence numbers at ingress,
// the packet cache that answers NACKs, and per-stream receive statistics.
export { SeqUnwrapper, TsUnwrapper, SEQ_CYCLE, TS_CYCLE } from './seq-unwrapper.js';
export { PacketCache, CachePut, defaultPacketCacheConfig, type PacketCacheConfig } from './packet-cache.js';
export { StreamStats, StreamPacket } from './stream-stats.js';
export { ByteCopier, byteCopier } from './byte-copy.js';
export { SfuBufferConfigError } from './errors.js';
