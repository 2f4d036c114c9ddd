// Fuzz targets for the engine's data path (src/engine/data): mutated LiveKit DataPackets
// through the wire-level reader, the restamp and the room router. Invariants: nothing
// throws; a packet that parses restamps into bytes that parse again with the server's
// sender in them; the router counts every input exactly once (forwarded or a drop reason).
import * as lk from '@livekit/protocol';
import type { FuzzTarget } from './harness.js';
import { DataPacketView, stampDataPacket } from '../../src/engine/data/data-packet.js';
import { ParticipantData } from '../../src/engine/data/participant-data.js';
import { RoomData } from '../../src/engine/data/room-data.js';

const SEEDS = [
  new lk.DataPacket({ destinationIdentities: ['b'], sequence: 3, value: { case: 'user', value: new lk.UserPacket({ payload: new Uint8Array(40).fill(7), topic: 't', destinationSids: ['PA_b'], nonce: new Uint8Array(16).fill(1) }) } }),
  new lk.DataPacket({ value: { case: 'chatMessage', value: new lk.ChatMessage({ id: 'i', message: 'hello there', timestamp: 5n }) } }),
  new lk.DataPacket({ value: { case: 'rpcRequest', value: new lk.RpcRequest({ id: 'r', method: 'm', payload: '{}', responseTimeoutMs: 1000, version: 1 }) } }),
  new lk.DataPacket({ value: { case: 'streamHeader', value: new lk.DataStream_Header({ streamId: 's', topic: 'x', mimeType: 'text/plain', contentHeader: { case: 'textHeader', value: new lk.DataStream_TextHeader({}) } }) } }),
  new lk.DataPacket({ participantSid: 'x', value: { case: 'streamChunk', value: new lk.DataStream_Chunk({ streamId: 's', content: new Uint8Array(30).fill(2) }) } }),
].map((p) => Buffer.from(p.toBinary()));

const view = new DataPacketView();
const again = new DataPacketView();
const who = { sid: Buffer.from('PA_fuzz'), identity: Buffer.from('fuzzer') };

const room = new RoomData();
const members = ['a', 'b', 'c'].map((id) => {
  const p = new ParticipantData({ sid: `PA_${id}`, identity: id, canPublishData: true, hidden: false, agent: false, onPacket: (f, k, m) => room.receive(f, k, m) });
  p.send = () => true;
  room.add(p);
  return p;
});
const drops = (c: ParticipantData['counters']) => c.forwarded + c.notAllowed + c.malformed + c.outOfOrder + c.duplicate + c.notForwarded;

export const targets: FuzzTarget[] = [
  {
    name: 'data/datapacket-restamp',
    seeds: () => SEEDS,
    run: (input) => {
      if (!view.parse(input)) return;
      const out = stampDataPacket(view, input.length % 2 ? 'lossy' : 'reliable', who);
      if (!again.parse(out)) throw new Error(`restamped packet does not parse: ${again.error}`);
      if (again.value !== view.value || again.sequence !== view.sequence) throw new Error('restamp changed the value or sequence');
    },
  },
  {
    name: 'data/room-router',
    seeds: () => SEEDS,
    run: (input) => {
      const from = members[input.length % 3]!;
      const before = drops(from.counters);
      room.receive(from, input[0]! & 1 ? 'lossy' : 'reliable', input);
      if (drops(from.counters) !== before + 1) throw new Error('the router did not account for the packet exactly once');
    },
  },
];
