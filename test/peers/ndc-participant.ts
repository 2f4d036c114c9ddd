// A data-only participant made of node-datachannel (libdatachannel + usrsctp: DTLS, SCTP
// and DCEP nobody here wrote) joined to an Engine room the way livekit-client's single
// peer connection does: it opens `_reliable` (ordered) and `_lossy` (unordered,
// maxRetransmits 0), offers, and applies our answer. What it receives on either channel
// is kept as raw DataPacket bytes. Used by the data routing tests and the data benchmark.
import nodeDataChannel from 'node-datachannel';
import type { Participant, Room } from '../../src/engine/index.js';

export interface NdcParticipant {
  readonly identity: string;
  readonly participant: Participant;
  readonly pc: nodeDataChannel.PeerConnection;
  readonly reliable: nodeDataChannel.DataChannel;
  readonly lossy: nodeDataChannel.DataChannel;
  /** Every message received, with the channel it came on. */
  readonly received: { kind: 'reliable' | 'lossy'; packet: Buffer }[];
  /** Called for each message instead of keeping it when set (benchmarks). */
  onMessage: ((kind: 'reliable' | 'lossy', packet: Buffer) => void) | undefined;
  close(): void;
}

export interface NdcJoinOptions {
  /** Answer candidates pointing here instead of the engine (a loss proxy in front of it). */
  publisherCandidate?: { address: string; port: number };
  maxMessageSize?: number;
  /** Bounded wait for both channels to open. Default 10 s. */
  timeoutMs?: number;
}

export async function joinWithNodeDataChannel(room: Room, identity: string, o: NdcJoinOptions = {}): Promise<NdcParticipant> {
  const participant = await room.join({ identity, singlePeerConnection: true, ...(o.publisherCandidate ? { publisherCandidate: o.publisherCandidate } : {}) });
  const pc = new nodeDataChannel.PeerConnection(identity, { iceServers: [], maxMessageSize: o.maxMessageSize ?? 262144 });
  const offer = new Promise<string>((resolve) => pc.onLocalDescription((sdp, type) => { if (type === 'offer') resolve(sdp); }));
  const reliable = pc.createDataChannel('_reliable', {});
  const lossy = pc.createDataChannel('_lossy', { unordered: true, maxRetransmits: 0 });
  const received: NdcParticipant['received'] = [];
  const me: NdcParticipant = {
    identity, participant, pc, reliable, lossy, received, onMessage: undefined,
    close() {
      try { pc.close(); } catch { /* already closed */ }
    },
  };
  const sink = (kind: 'reliable' | 'lossy') => (m: string | Buffer | ArrayBuffer) => {
    const b = typeof m === 'string' ? Buffer.from(m) : Buffer.isBuffer(m) ? m : Buffer.from(m);
    if (me.onMessage) me.onMessage(kind, b); else received.push({ kind, packet: b });
  };
  reliable.onMessage(sink('reliable'));
  lossy.onMessage(sink('lossy'));
  const opened = Promise.all([reliable, lossy].map((ch) => new Promise<void>((resolve) => { if (ch.isOpen()) resolve(); else ch.onOpen(() => resolve()); })));
  const { sdp } = await participant.answerOffer(await offer);
  pc.setRemoteDescription(sdp, 'answer');
  const ms = o.timeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([opened, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${identity}: data channels not open within ${ms} ms (state ${pc.state()})`)), ms); })]);
  } catch (e) {
    me.close();
    await participant.leave();
    throw e;
  } finally {
    clearTimeout(timer);
  }
  return me;
}
