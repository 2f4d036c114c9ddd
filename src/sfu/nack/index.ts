// src/sfu/nack: loss repair cores — the receive-side NACK generator (towards the
// publisher), the send-side sequencer and NACK responder (per DownTrack), RTX (RFC 4588)
// wrap/unwrap, and keyframe request coalescing. No sockets, no timers: callers pass nowMs.
export { NackGenerator, NackPacket, defaultNackGeneratorConfig, type NackGeneratorConfig } from './nack-generator.js';
export { Sequencer } from './sequencer.js';
export { NackResponder, defaultNackResponderConfig, type NackResponderConfig } from './nack-responder.js';
export { writeRtx, writeRtxFromCache, unwrapRtx, unwrapRtxInPlace, RtxMapping, rtxResult } from './rtx.js';
export { KeyframeRequester, FirSeqTracker, defaultKeyframeRequesterConfig, type KeyframeRequesterConfig } from './keyframe-requester.js';
