// Public names of src/rtp: RTP/RTCP views and builders, header extensions, codec helpers.
//
// Using the views on the forwarding path (one worker thread, SRTP already removed):
//
//   const rtp = new RtpView();                 // ONE per worker, made at start-up
//   const vp8 = new Vp8Descriptor();           // likewise for codec descriptors
//   function onRtp(buf: Buffer, off: number, len: number) {
//     if (rtp.reset(buf, off, len) !== RtpStatus.OK) return;     // count and drop
//     const seq = rtp.sequenceNumber, ssrc = rtp.ssrc;           // read from buf
//     if (rtp.findExtension(twccId) >= 0) tw = readTransportSequence(buf, rtp.extValueOffset);
//     const key = isKeyframe(Codec.VP8, buf, rtp.payloadOffset, rtp.payloadLength);
//     rtp.setSsrc(out); rtp.setSequenceNumber(s); rtp.rewriteExtensionIds(map);  // in place
//   }
//
// A view holds no copy: after the next reset() its getters describe the new packet, so
// never keep a view (or an offset from it) across packets, and never share one view
// between a packet and the code that might reset it for another (e.g. a callback that
// parses a second packet). RTCP: RtcpCompoundView.reset() then next() until END; hand
// (offset, length) to the per-type view (ReportView, NackView, TwccFeedbackView, ...),
// all reusable the same way. Parsers return RtpStatus codes and never throw; builders
// write into the caller's buffer and return bytes written or a negated RtpStatus.
export { RtpStatus, rtpStatusName } from './status.js';
export type { RtpStatusCode } from './status.js';
export { RtpError, RtcpError, checkRtp } from './errors.js';
export { RtpView, EXT_PROFILE_ONE_BYTE, EXT_PROFILE_TWO_BYTE } from './rtp-view.js';
export { writeRtpPacket, writeRtpWithExtension } from './rtp-builder.js';
export type { RtpPacketInit, RtpExtensionInit } from './rtp-builder.js';
export * from './header-extensions.js';
export * from './codecs/vp8.js';
export * from './codecs/vp9.js';
export * from './codecs/h264.js';
export * from './codecs/av1.js';
export * from './codecs/keyframe.js';
export * from './rtcp/index.js';
export * from './codecs/red.js';
