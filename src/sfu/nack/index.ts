// src/sfu/nack: loss repair cores — the receive-side NACK generator (towards the
// publisher), the send-side sequencer and NACK responder (per DownTrack), RTX (RFC 4588)
// wrap/unwrap, and keyframe request coalescing. No sockets, no timers: callers pass nowMs.
//
// Receiver (upstream), made once: gen = new NackGenerator(); kf = new KeyframeRequester();
//   rtxMap = new RtxMapping().addSsrc(rtxSsrc, ssrc).addPt(rtxPt, pt)   (from the SDP)
//   per packet on the RTX SSRC: n = unwrapRtxInPlace(buf, off, len, rtxMap)
//       n > 0: the original is buf[off + 2, off + 2 + n) -> same ingress as a media packet
//       n = 0: padding-only probe (count bytes for BWE, drop); n < 0: drop
//   per packet (after SeqUnwrapper): gen.onPacket(ext, nowMs)
//   per RTCP tick (~every 20 ms): n = gen.tick(nowMs, rttMs, dst, off, ourSsrc, mediaSsrc)
//       n > 0: a NACK is at dst[off, off+n) -> into the compound RTCP for the publisher
//       if (gen.takeKeyframeRequest()) -> kf.request(layer, nowMs) (burst too big to NACK)
//   subscriber PLI/FIR for a layer: if (kf.request(layer, nowMs)) send PLI (or FIR with kf.firSeq(layer))
//   per RTCP tick: mask = kf.tick(nowMs) -> send PLI for each set bit
//   keyframe arrived on a layer: kf.onKeyframe(layer)
// DownTrack (downstream), made once: seqr = new Sequencer(size); resp = new NackResponder(seqr)
//   per forwarded packet: seqr.push(outSeq, srcExtSeq, outTs, bytes, nowMs)   (srcExtSeq -1 for padding)
//   per subscriber NACK: k = nackView.fillLost(lost); n = resp.respond(lost, k, nowMs, rttMs, slots)
//     for each slot: len = cache.copyTo(seqr.srcExtSeq(s), sendSlot, 2); re-munge at sendSlot+2
//       (setSsrc, setSequenceNumber(seqr.outSeq(s)), setTimestamp(seqr.outTs(s)), PT, ext ids);
//       with RTX: len = wrapRtxInPlace(sendSlot, 2, len, rtxSsrc, rtxPt, rtxSeq++) -> packet at sendSlot[0, len)
//       without RTX: send sendSlot[2, 2 + len) as is
//   incoming FIR from this subscriber: firTracker.accept(seqNr) false = a repeat, ignore.
export { NackGenerator, NackPacket, defaultNackGeneratorConfig, type NackGeneratorConfig } from './nack-generator.js';
export { Sequencer } from './sequencer.js';
export { NackResponder, defaultNackResponderConfig, type NackResponderConfig } from './nack-responder.js';
export { writeRtx, wrapRtxInPlace, writeRtxFromCache, unwrapRtx, unwrapRtxInPlace, RtxMapping, rtxResult } from './rtx.js';
export { KeyframeRequester, FirSeqTracker, defaultKeyframeRequesterConfig, type KeyframeRequesterConfig } from './keyframe-requester.js';
