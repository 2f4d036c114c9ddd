// A negotiated m=application (webrtc-datachannel) section turns on SCTP on the transport,
// so the client's data channels open (livekit-client waits for `_reliable` / `_lossy`).
// Routing what arrives on them (DataPacket semantics) is the engine's data layer's job.
import type { NegotiatedSession } from '../../sdp/index.js';
import type { WebRtcTransport } from '../../transport/index.js';

export function enableDataSection(t: WebRtcTransport, n: NegotiatedSession): void {
  const app = n.media.find((m) => m.kind === 'application' && m.sctp !== undefined);
  if (app?.sctp) t.enableDataChannels(app.sctp);
}
