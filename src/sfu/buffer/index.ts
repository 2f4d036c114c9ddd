// src/sfu/buffer: the receive side's pure cores — extended sequence numbers at ingress,
// the packet cache that answers NACKs, and per-stream receive statistics.
//
// Per published SSRC (Receiver), made once:
//   const un = new SeqUnwrapper();
//   const cache = new PacketCache(defaultPacketCacheConfig[kind]);   // 'audio' | 'video'
//   const stats = new StreamStats(clockRate);
// Per packet (after SRTP, RtpView `v` reset on it; an RTX packet is unwrapped first):
//   const ext = un.unwrap(v.sequenceNumber);          // widen once; pass `ext` onwards
//   stats.update(ext, v.timestamp, len, nowMs);       // NEW | REORDERED | DUPLICATE | TOO_OLD
//   cache.put(ext, buf, off, len, nowMs);             // OK | DUPLICATE (drop: do not forward twice) | ...
// Per RTCP report (RR/SR block for the publisher):
//   stats.fillReportBlock(block); block.ssrc = ...; block.lsr/dlsr = ...; writeReportBlock(dst, o, block)
// To resend packet `ext` (NACK answer): cache.copyTo(ext, dst, off) or get(ext) + slab/slotView.
// New source (SSRC change, publisher restart): un.reset(); cache.reset(); stats.reset().
export { SeqUnwrapper, TsUnwrapper, SEQ_CYCLE, TS_CYCLE } from './seq-unwrapper.js';
export { PacketCache, CachePut, defaultPacketCacheConfig, type PacketCacheConfig } from './packet-cache.js';
export { StreamStats, StreamPacket } from './stream-stats.js';
export { ByteCopier, byteCopier } from './byte-copy.js';
export { SfuBufferConfigError } from './errors.js';
