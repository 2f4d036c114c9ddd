// Public names of src/rtp: RTP/RTCP views and builders, header extensions, codec helpers.
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
