// The engine's default capabilities: src/sdp's defaults plus generic NACK for Opus.
// Chromium puts `nack` on an audio m-line of its answer only when the offer had it, and
// then NetEq NACKs lost audio packets (libwebrtc's audio NACK); the subscriber offers we
// make therefore carry it. On the publisher side the answer keeps only the feedback the
// client offered (Chromium offers transport-cc alone for Opus), so upstream audio NACK
// is used only with clients that ask for it.
import { defaultCapabilities, type Capabilities } from '../../sdp/index.js';

export function withAudioNack(caps: Capabilities): Capabilities {
  return {
    ...caps,
    codecs: caps.codecs.map((c) => (c.kind === 'audio' && c.name.toLowerCase() === 'opus' && !c.rtcpFeedback.some((f) => f.type === 'nack' && f.parameter === undefined)
      ? { ...c, rtcpFeedback: [...c.rtcpFeedback, { type: 'nack' }] }
      : c)),
  };
}

export const engineCapabilities: Capabilities = withAudioNack(defaultCapabilities);
