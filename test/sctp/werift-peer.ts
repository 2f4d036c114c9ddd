// werift's SCTP + DCEP (RTCSctpTransport, an independent TypeScript stack) joined to our
// DataChannelEndpoint by an in-memory pipe: SCTP packets are opaque payloads here, as they
// are inside DTLS, so no DTLS is needed. Delivery is asynchronous (setImmediate), and the
// pipe can drop packets in either direction.
import { Event, RTCDataChannel, RTCDataChannelParameters, RTCSctpTransport } from 'werift';
import { DataChannelEndpoint } from '../../src/sctp/endpoint.js';
import type { EndpointOptions } from '../../src/sctp/endpoint.js';

export interface Pipe {
  /** Return true to drop a packet going from us to werift. */
  dropToWerift?: (pkt: Buffer) => boolean;
  dropToUs?: (pkt: Buffer) => boolean;
}

export function weriftPair(weriftIsClient: boolean, pipe: Pipe = {}, ours: Partial<EndpointOptions> = {}) {
  let receiver: ((b: Buffer) => void) | undefined;
  let closed = false;
  const stats = { toWerift: 0, toUs: 0, droppedToWerift: 0, droppedToUs: 0 };
  // eslint-disable-next-line prefer-const
  let us: DataChannelEndpoint;
  const fakeDtls = {
    id: 'fake-dtls',
    iceTransport: { role: weriftIsClient ? 'controlling' : 'controlled' },
    onStateChange: new Event<[string]>(),
    sendData: async (b: Buffer) => {
      if (closed) return;
      const copy = Buffer.from(b);
      if (pipe.dropToUs?.(copy)) { stats.droppedToUs++; return; }
      stats.toUs++;
      setImmediate(() => { if (!closed) us.handlePacket(copy); });
    },
    set dataReceiver(fn: (b: Buffer) => void) { receiver = fn; },
    get dataReceiver() { return receiver!; },
  };
  const werift = new RTCSctpTransport(5000, 262144);
  werift.setDtlsTransport(fakeDtls as never);
  werift.setRemoteMaxMessageSize(262144);
  us = new DataChannelEndpoint({
    // werift picks even stream ids when its ICE role is controlled and odd when
    // controlling (its own mapping, not RFC 8832's DTLS-role rule); we take the other parity.
    dtlsRole: weriftIsClient ? 'client' : 'server',
    remoteMaxMessageSize: 65536 * 4,
    output: (buf, len) => {
      if (closed) return;
      const copy = Buffer.from(buf.subarray(0, len));
      if (pipe.dropToWerift?.(copy)) { stats.droppedToWerift++; return; }
      stats.toWerift++;
      setImmediate(() => { if (!closed) receiver?.(copy); });
    },
    ...ours,
  });
  return {
    us,
    werift,
    stats,
    async start() {
      us.connect();
      await werift.start(5000);
    },
    weriftChannel(label: string, opts: Partial<{ ordered: boolean; maxRetransmits: number; maxPacketLifeTime: number; protocol: string }> = {}) {
      return new RTCDataChannel(werift, new RTCDataChannelParameters({ label, ...opts }));
    },
    async stop() {
      closed = true;
      us.close();
      try { await werift.stop(); } catch { /* already stopped */ }
    },
  };
}

export function until(cond: () => boolean, ms: number, what: string | (() => string)): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() - t0 > ms) return reject(new Error(`timed out after ${ms} ms waiting for ${typeof what === 'function' ? what() : what}`));
      setTimeout(tick, 5);
    };
    tick();
  });
}
