// Signal codec costs (per message, not per packet): our protobufjs decode/encode against
// LiveKit's own generated @bufbuild/protobuf classes on the same bytes.
import { SignalRequest as LkRequest, SignalResponse as LkResponse } from '@livekit/protocol';
import type { MicroCase } from './case.js';
import { decodeSignalRequest, encodeSignalRequest, encodeSignalResponse } from '../../src/signal/proto.js';
import type { ParticipantInfo } from '../../src/signal/messages.js';

const trickle = encodeSignalRequest({ trickle: { candidateInit: JSON.stringify({ candidate: 'candidate:1 1 udp 2130706431 192.168.1.10 54321 typ host generation 0', sdpMid: '0', sdpMLineIndex: 0 }), target: 0 } });
const participants: ParticipantInfo[] = Array.from({ length: 10 }, (_, i) => ({
  sid: `PA_${i}`, identity: `user-${i}`, name: `User ${i}`, state: 2, joinedAt: 1_700_000_000 + i, version: i,
  permission: { canPublish: true, canSubscribe: true, canPublishData: true },
  tracks: [{ sid: `TR_${i}a`, type: 0, name: 'mic', source: 2, mimeType: 'audio/opus', mid: '0' }, { sid: `TR_${i}v`, type: 1, name: 'cam', source: 1, width: 1280, height: 720, simulcast: true, mimeType: 'video/VP8', mid: '1' }],
}));
const update = { update: { participants } };
const lkUpdate = LkResponse.fromBinary(encodeSignalResponse(update));

export const cases: MicroCase[] = [
  {
    name: 'signal decode SignalRequest.trickle (protobufjs)',
    fn: () => { decodeSignalRequest(trickle); },
    baseline: { name: 'LiveKit SignalRequest.fromBinary', fn: () => { LkRequest.fromBinary(trickle); } },
  },
  {
    name: 'signal encode ParticipantUpdate x10 (protobufjs)',
    fn: () => { encodeSignalResponse(update); },
    baseline: { name: 'LiveKit SignalResponse.toBinary', fn: () => { lkUpdate.toBinary(); } },
  },
];
