// Everything the TURN server counts. One plain object per server, updated in place.
export interface TurnStats {
  allocationsActive: number;
  allocationsCreated: number;
  allocationsExpired: number;
  allocationsDeleted: number;
  permissionsActive: number;
  permissionsExpired: number;
  channelsActive: number;
  channelsExpired: number;
  requests: number;
  /** Requests answered with an error, by code ("401": n). */
  errors: Record<string, number>;
  successes: number;
  authFailures: number;
  staleNonces: number;
  forbiddenPeers: number;
  quotaRejections: number;
  /** Inputs that did not parse (STUN, ChannelData, TCP framing); dropped. */
  malformed: number;
  /** Well-formed input we do not act on (responses, unknown methods' indications...). */
  ignored: number;
  sendIndications: number;
  dataIndications: number;
  channelDataIn: number;
  channelDataOut: number;
  packetsToPeers: number;
  bytesToPeers: number;
  packetsFromPeers: number;
  bytesFromPeers: number;
  /** Data dropped: no allocation, no permission, no channel, not allow-listed, too big, or a full queue. */
  droppedNoAllocation: number;
  droppedNoPermission: number;
  droppedNoChannel: number;
  droppedForbidden: number;
  droppedTooBig: number;
  droppedBackpressure: number;
  relayBindFailures: number;
  tcpConnections: number;
  tcpConnectionsActive: number;
  tcpFramingErrors: number;
  /** TLS connections whose handshake completed (they count in tcpConnections too), and failed handshakes. */
  tlsConnections: number;
  tlsHandshakeFailures: number;
}

export function newTurnStats(): TurnStats {
  return {
    allocationsActive: 0, allocationsCreated: 0, allocationsExpired: 0, allocationsDeleted: 0,
    permissionsActive: 0, permissionsExpired: 0, channelsActive: 0, channelsExpired: 0,
    requests: 0, errors: {}, successes: 0, authFailures: 0, staleNonces: 0, forbiddenPeers: 0, quotaRejections: 0,
    malformed: 0, ignored: 0, sendIndications: 0, dataIndications: 0, channelDataIn: 0, channelDataOut: 0,
    packetsToPeers: 0, bytesToPeers: 0, packetsFromPeers: 0, bytesFromPeers: 0,
    droppedNoAllocation: 0, droppedNoPermission: 0, droppedNoChannel: 0, droppedForbidden: 0, droppedTooBig: 0,
    droppedBackpressure: 0, relayBindFailures: 0, tcpConnections: 0, tcpConnectionsActive: 0, tcpFramingErrors: 0,
    tlsConnections: 0, tlsHandshakeFailures: 0,
  };
}
