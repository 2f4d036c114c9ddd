// What the server can receive and send: codecs (with their fmtp and RTCP feedback),
// header extensions, data channels. The engine passes one of these into answerOffer and
// createOffer; defaultCapabilities is the usual WebRTC set, in our preference order.

export type MediaKind = 'audio' | 'video';

export interface RtcpFeedback { type: string; parameter?: string }

export interface CodecCapability {
  kind: MediaKind;
  /** Encoding name as in rtpmap, compared case-insensitively: opus, red, VP8, VP9, H264, AV1. */
  name: string;
  clockRate: number;
  channels?: number;
  /**
   * fmtp parameters. For matching: H264 profile-level-id (profile; its level is the
   * most we accept) and packetization-mode, VP9 profile-id, AV1 profile. In answers,
   * opus uses these parameters; other codecs echo the offer's (level lowered if needed).
   */
  parameters: Record<string, string>;
  rtcpFeedback: RtcpFeedback[];
  /** The payload type we use in our own offers (subscriber side). */
  preferredPayloadType: number;
  /** RTX (RFC 4588) payload type for our offers; when set, RTX is accepted and offered. */
  rtxPayloadType?: number;
}

export interface HeaderExtensionCapability {
  uri: string;
  kinds: MediaKind[];
  /** The id we use in our own offers (1-14 so the one-byte form fits). */
  preferredId: number;
}

export interface Capabilities {
  /** Codecs in preference order (first is preferred); both kinds in one list. */
  codecs: CodecCapability[];
  headerExtensions: HeaderExtensionCapability[];
  /** Accept (answer) and offer an SCTP data channel m-line. */
  dataChannels: boolean;
  /** Our a=sctp-port and a=max-message-size. */
  sctpPort: number;
  maxMessageSize: number;
}

export const EXT = {
  mid: 'urn:ietf:params:rtp-hdrext:sdes:mid',
  rid: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  repairedRid: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
  absSendTime: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  transportCc: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  audioLevel: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  absCaptureTime: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time',
  playoutDelay: 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
  videoOrientation: 'urn:3gpp:video-orientation',
  dependencyDescriptor: 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension',
} as const;

const VIDEO_FB: RtcpFeedback[] = [
  { type: 'goog-remb' }, { type: 'transport-cc' }, { type: 'ccm', parameter: 'fir' }, { type: 'nack' }, { type: 'nack', parameter: 'pli' },
];
const AUDIO_FB: RtcpFeedback[] = [{ type: 'transport-cc' }];

function video(name: string, pt: number, rtx: number, parameters: Record<string, string> = {}): CodecCapability {
  return { kind: 'video', name, clockRate: 90000, parameters, rtcpFeedback: VIDEO_FB, preferredPayloadType: pt, rtxPayloadType: rtx };
}

export const defaultCapabilities: Capabilities = Object.freeze({
  codecs: [
    { kind: 'audio', name: 'opus', clockRate: 48000, channels: 2, parameters: { minptime: '10', useinbandfec: '1' }, rtcpFeedback: AUDIO_FB, preferredPayloadType: 111 },
    { kind: 'audio', name: 'red', clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [], preferredPayloadType: 63 },
    video('VP8', 96, 97),
    video('H264', 102, 103, { 'level-asymmetry-allowed': '1', 'packetization-mode': '1', 'profile-level-id': '42e034' }),
    video('H264', 104, 105, { 'level-asymmetry-allowed': '1', 'packetization-mode': '1', 'profile-level-id': '420034' }),
    video('H264', 106, 107, { 'level-asymmetry-allowed': '1', 'packetization-mode': '0', 'profile-level-id': '42e034' }),
    video('H264', 108, 109, { 'level-asymmetry-allowed': '1', 'packetization-mode': '1', 'profile-level-id': '4d0034' }),
    video('H264', 112, 113, { 'level-asymmetry-allowed': '1', 'packetization-mode': '1', 'profile-level-id': '640034' }),
    video('H264', 114, 115, { 'level-asymmetry-allowed': '1', 'packetization-mode': '1', 'profile-level-id': '640c34' }),
    video('VP9', 98, 99, { 'profile-id': '0' }),
    video('AV1', 45, 46, { profile: '0' }),
  ],
  headerExtensions: [
    { uri: EXT.mid, kinds: ['audio', 'video'], preferredId: 1 },
    { uri: EXT.audioLevel, kinds: ['audio'], preferredId: 2 },
    { uri: EXT.absSendTime, kinds: ['audio', 'video'], preferredId: 3 },
    { uri: EXT.transportCc, kinds: ['audio', 'video'], preferredId: 4 },
    { uri: EXT.rid, kinds: ['video'], preferredId: 5 },
    { uri: EXT.repairedRid, kinds: ['video'], preferredId: 6 },
    { uri: EXT.absCaptureTime, kinds: ['audio', 'video'], preferredId: 7 },
    { uri: EXT.playoutDelay, kinds: ['video'], preferredId: 8 },
    { uri: EXT.videoOrientation, kinds: ['video'], preferredId: 9 },
  ],
  dataChannels: true,
  sctpPort: 5000,
  maxMessageSize: 262144,
}) as Capabilities;
