// Fuzz targets for the Twirp body codec (src/signal/twirp/codec.ts): mutated JSON and
// protobuf bodies of the RoomService requests. Invariants: the decoder either returns
// or throws TwirpError `malformed` (never another error, which would be a 500), and what
// it returns encodes back in both formats.
import { UpdateParticipantRequest, CreateRoomRequest, UpdateSubscriptionsRequest } from '@livekit/protocol';
import type { FuzzTarget } from './harness.js';
import { decodeBody, encodeBody, type TwirpFormat } from '../../src/signal/twirp/codec.js';
import { TwirpError } from '../../src/signal/twirp/errors.js';
import { roomServiceProtoRoot } from '../../src/signal/twirp/server.js';
import { PROTO_DIR } from '../../src/signal/proto.js';

const root = roomServiceProtoRoot(PROTO_DIR);
const TYPES = ['livekit.UpdateParticipantRequest', 'livekit.CreateRoomRequest', 'livekit.UpdateSubscriptionsRequest'].map((n) => root.lookupType(n));

const up = new UpdateParticipantRequest({ room: 'r', identity: 'i', metadata: 'm', name: 'n', attributes: { a: '1' }, permission: { canPublish: true, canPublishSources: [1, 2] } });
const cr = new CreateRoomRequest({ name: 'room', emptyTimeout: 30, maxParticipants: 4, metadata: 'x' });
const us = new UpdateSubscriptionsRequest({ room: 'r', identity: 'i', trackSids: ['TR_a'], subscribe: true, participantTracks: [{ participantSid: 'PA_x', trackSids: ['TR_b'] }] });
const SEEDS = [up, cr, us];

function run(format: TwirpFormat, input: Buffer): void {
  // The first byte picks the message type so every seed family reaches every decoder.
  const T = TYPES[(input[0] ?? 0) % TYPES.length]!;
  let obj: Record<string, unknown>;
  try {
    obj = decodeBody(T, input.subarray(1), format);
  } catch (e) {
    if (e instanceof TwirpError && e.code === 'malformed') return;
    throw e;
  }
  encodeBody(T, obj, 'json');
  encodeBody(T, obj, 'protobuf');
}

export const targets: FuzzTarget[] = [
  {
    name: 'twirp/json-body',
    seeds: () => SEEDS.map((m, i) => Buffer.concat([Buffer.from([i]), Buffer.from(m.toJsonString())])),
    run: (input) => run('json', input),
  },
  {
    name: 'twirp/protobuf-body',
    seeds: () => SEEDS.map((m, i) => Buffer.concat([Buffer.from([i]), Buffer.from(m.toBinary())])),
    run: (input) => run('protobuf', input),
  },
];
