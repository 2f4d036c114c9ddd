// The engine's data forward path without the wire (src/engine/data): one 1 KiB user
// DataPacket from livekit-client arriving at the room router, parsed in place, restamped
// once with the server's sender fields, and handed to 9 recipients (their channel send is
// stubbed: SCTP has its own case). Baseline: what a decode/re-encode router does —
// @livekit/protocol fromBinary, set the sender, toBinary.
import * as lk from '@livekit/protocol';
import type { MicroCase } from './case.js';
import { ParticipantData } from '../../src/engine/data/participant-data.js';
import { RoomData } from '../../src/engine/data/room-data.js';

const room = new RoomData();
let sent = 0;
const members: ParticipantData[] = [];
for (let i = 0; i < 10; i++) {
  const p = new ParticipantData({ sid: `PA_member${i}`, identity: `member-${i}`, canPublishData: true, hidden: false, agent: false, onPacket: (f, k, m) => room.receive(f, k, m) });
  p.send = () => { sent++; return true; };
  members.push(p);
  room.add(p);
}
const from = members[0]!;
const packet = Buffer.from(new lk.DataPacket({
  participantIdentity: 'member-0',
  value: { case: 'user', value: new lk.UserPacket({ payload: Buffer.alloc(1024, 7), topic: 'chat' }) },
}).toBinary());

export const cases: MicroCase[] = [
  {
    name: 'data route 1 KiB user packet to 9 recipients (parse in place + one restamp)',
    fn: () => { room.receive(from, 'reliable', packet); },
    baseline: {
      name: 'protobuf-es decode + stamp + encode',
      fn: () => {
        const d = lk.DataPacket.fromBinary(packet);
        d.participantIdentity = 'member-0'; d.participantSid = 'PA_member0';
        if (d.value.case === 'user') { d.value.value.participantIdentity = 'member-0'; d.value.value.participantSid = 'PA_member0'; }
        const out = d.toBinary();
        for (let i = 1; i < 10; i++) if (out.length) sent++;
      },
    },
  },
];
