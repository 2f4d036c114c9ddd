// Data channels on a WebRTC transport (RFC 8261): SCTP packets ride in DTLS application
// data records. The transport makes one DataChannelEndpoint when the negotiated SDP has a
// webrtc-datachannel section, feeds it what DTLS decrypts, and starts the association
// once DTLS is up (both peers send INIT; src/sctp handles the collision).
import type { DtlsEndpoint } from '../dtls/index.js';
import { DataChannelEndpoint } from '../sctp/index.js';

/** From the negotiated m=application section (src/sdp NegotiatedMedia.sctp). */
export interface DataChannelParams {
  /** Our a=sctp-port. */
  port: number;
  /** The peer's a=sctp-port. */
  remotePort: number;
  /** Our a=max-message-size: the largest message we accept. */
  maxMessageSize: number;
  /** The peer's a=max-message-size (absent: 65536, RFC 8841 §6.1; 0: any). */
  remoteMaxMessageSize?: number;
}

export function createDataChannelEndpoint(dtls: DtlsEndpoint, dtlsRole: 'client' | 'server', p: DataChannelParams): DataChannelEndpoint {
  return new DataChannelEndpoint({
    dtlsRole,
    localPort: p.port,
    remotePort: p.remotePort,
    maxMessageSize: p.maxMessageSize,
    remoteMaxMessageSize: p.remoteMaxMessageSize ?? 65536,
    // DTLS encrypts into its own record buffer at once; the view is not kept.
    output: (buf, len) => dtls.sendApplicationData(buf.subarray(0, len)),
  });
}
