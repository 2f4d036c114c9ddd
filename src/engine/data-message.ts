// Data as the embedding application sees it: a routed LiveKit DataPacket with the parts
// most apps want read out (a user packet's payload, topic, destinations), and the options
// for sending one from the server. Chat, RPC and streams stay in `packet` — decode it with
// @livekit/protocol's DataPacket when you need them.
import { DataPacketView, DP, encodeUserPacket, type DataKind } from './data/data-packet.js';
import { EngineError } from './errors.js';
import type { Participant } from './participant.js';

export interface DataMessage {
  /** The sender; undefined when the server (an embedder's sendData) sent it. */
  from: Participant | undefined;
  kind: DataKind;
  /** The DataPacket exactly as the recipients got it (sender stamped). */
  packet: Uint8Array;
  /** The oneof case's field number (2 user, 9 chat_message, 10 rpc_request, 13 stream_header, ...). */
  valueField: number;
  /** For user packets (valueField 2). */
  payload?: Uint8Array;
  topic?: string;
  destinationIdentities: string[];
}

export interface SendDataOptions {
  /** Default true (the `_reliable` channel); false: `_lossy`. */
  reliable?: boolean;
  topic?: string;
  /** Only these identities (default: everyone in the room). */
  destinationIdentities?: string[];
  destinationSids?: string[];
  /** Dedupe key: a repeat within the room's memory is dropped (livekit-server-sdk sends one per call). */
  nonce?: Uint8Array;
}

const view = new DataPacketView();

export function toDataMessage(packet: Uint8Array, kind: DataKind, from: Participant | undefined): DataMessage {
  const b = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
  const m: DataMessage = { from, kind, packet, valueField: 0, destinationIdentities: [] };
  if (!view.parse(b)) return m;
  m.valueField = view.value;
  m.destinationIdentities = view.destinationIdentities();
  if (view.value === DP.user) {
    m.payload = view.payloadStart < 0 ? new Uint8Array(0) : new Uint8Array(b.subarray(view.payloadStart, view.payloadEnd));
    if (view.topicStart >= 0) m.topic = b.toString('utf8', view.topicStart, view.topicEnd);
  }
  return m;
}

/** A user DataPacket from the server, as a compact Uint8Array ready to post to the host. */
export function userPacket(data: Uint8Array | string, o: SendDataOptions): { packet: Uint8Array; kind: DataKind } {
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw new EngineError('invalid-argument', 'data must be a string or a Uint8Array');
  for (const d of [...(o.destinationIdentities ?? []), ...(o.destinationSids ?? [])]) {
    if (typeof d !== 'string' || !d) throw new EngineError('invalid-argument', 'destinations must be non-empty strings');
  }
  const kind: DataKind = o.reliable === false ? 'lossy' : 'reliable';
  const payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const b = encodeUserPacket({ payload, kind, ...(o.topic !== undefined ? { topic: o.topic } : {}), ...(o.destinationIdentities ? { destinationIdentities: o.destinationIdentities } : {}), ...(o.destinationSids ? { destinationSids: o.destinationSids } : {}), ...(o.nonce ? { nonce: o.nonce } : {}) });
  // A copy that owns its bytes: a pooled Buffer would post its whole 8 KiB pool.
  return { packet: new Uint8Array(b), kind };
}

/** A raw DataPacket from the embedder (chat, RPC, streams): checked here so a bad one fails at the call. */
export function rawPacket(packet: Uint8Array, reliable: boolean | undefined): { packet: Uint8Array; kind: DataKind } {
  if (!(packet instanceof Uint8Array)) throw new EngineError('invalid-argument', 'packet must be a Uint8Array');
  if (!view.parse(Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength))) throw new EngineError('invalid-argument', `not a DataPacket: ${view.error}`);
  return { packet: new Uint8Array(packet), kind: reliable === false ? 'lossy' : 'reliable' };
}
