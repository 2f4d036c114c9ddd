// A negotiated m=application (webrtc-datachannel) section turns on SCTP on the transport,
// so the client's data channels open (livekit-client waits for `_reliable` / `_lossy`).
// Routing what arrives on them (DataPacket semantics) is src/engine/data's job: `enabled`
// hands it the endpoint the first time.
import type { NegotiatedSession } from '../../sdp/index.js';
import type { DataChannelEndpoint } from '../../sctp/index.js';
import type { WebRtcTransport } from '../../transport/index.js';

export function enableDataSection(t: WebRtcTransport, n: NegotiatedSession, enabled?: (d: DataChannelEndpoint) => void): void {
  const app = n.media.find((m) => m.kind === 'application' && m.sctp !== undefined);
  if (!app?.sctp) return;
  const fresh = !t.data;
  const d = t.enableDataChannels(app.sctp);
  if (fresh) enabled?.(d);
}
