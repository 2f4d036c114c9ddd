// Our proto/ files against LiveKit's own generated classes (@livekit/protocol):
// every message field we declare must exist in LiveKit with the same number, name,
// type, label and oneof; every enum value with the same number.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import protobuf from 'protobufjs';
import * as lk from '@livekit/protocol';
import { proto3 } from '@bufbuild/protobuf';
import { PROTO_DIR } from '../../src/signal/proto.js';

const root = new protobuf.Root().loadSync([PROTO_DIR + 'livekit_rtc.proto', PROTO_DIR + 'livekit_join.proto', PROTO_DIR + 'livekit_room.proto', PROTO_DIR + 'livekit_webhook.proto'], { keepCase: true });
root.resolveAll();

const SCALARS = ['', 'double', 'float', 'int64', 'uint64', 'int32', 'fixed64', 'fixed32', 'bool', 'string', 'group', 'message', 'bytes', 'uint32', 'enum', 'sfixed32', 'sfixed64', 'sint32', 'sint64'];

/** 'livekit.ParticipantInfo.State' -> export name 'ParticipantInfo_State'. */
function lkExport(fullName: string): any {
  const name = fullName.replace(/^\.?livekit\./, '').replace(/\./g, '_');
  return (lk as any)[name];
}

function collect(ns: protobuf.NamespaceBase, types: protobuf.Type[], enums: protobuf.Enum[]) {
  for (const obj of ns.nestedArray) {
    if (obj instanceof protobuf.Type) { types.push(obj); collect(obj, types, enums); }
    else if (obj instanceof protobuf.Enum) enums.push(obj);
    else if (obj instanceof protobuf.Namespace) collect(obj, types, enums);
  }
}
const types: protobuf.Type[] = [];
const enums: protobuf.Enum[] = [];
collect(root.lookup('livekit') as protobuf.Namespace, types, enums);

function ourTypeName(f: protobuf.Field): string {
  if (f.resolvedType) return f.resolvedType.fullName.replace(/^\./, '');
  return f.type;
}
function lkTypeName(f: any): string {
  if (f.kind === 'scalar') return SCALARS[f.T];
  if (f.kind === 'enum') return f.T.typeName; // field T is the EnumType here
  if (f.kind === 'message') return f.T.typeName;
  return f.kind;
}

test('the proto files declare the messages and enums we rely on', () => {
  const names = types.map((t) => t.name);
  for (const n of ['SignalRequest', 'SignalResponse', 'JoinResponse', 'SessionDescription', 'TrickleRequest', 'AddTrackRequest', 'TrackPublishedResponse',
    'MuteTrackRequest', 'UpdateSubscription', 'LeaveRequest', 'ParticipantUpdate', 'ParticipantInfo', 'TrackInfo', 'Room', 'Ping', 'Pong', 'ICEServer',
    'ClientConfiguration', 'RequestResponse', 'ReconnectResponse', 'UpdateTrackSettings',
    'SubscribedQualityUpdate', 'SubscribedQuality', 'SubscribedCodec', 'MediaSectionsRequirement', 'JoinRequest', 'WrappedJoinRequest', 'ConnectionSettings', 'ClientInfo',
    'CreateRoomRequest', 'ListRoomsRequest', 'ListRoomsResponse', 'DeleteRoomRequest', 'ListParticipantsRequest', 'ListParticipantsResponse',
    'RoomParticipantIdentity', 'MuteRoomTrackRequest', 'MuteRoomTrackResponse', 'UpdateParticipantRequest', 'UpdateSubscriptionsRequest',
    'UpdateRoomMetadataRequest', 'WebhookEvent']) assert.ok(names.includes(n), n);
  const en = enums.map((e) => e.fullName);
  for (const n of ['.livekit.SignalTarget', '.livekit.TrackType', '.livekit.TrackSource', '.livekit.ParticipantInfo.State', '.livekit.DisconnectReason', '.livekit.VideoQuality']) assert.ok(en.includes(n), n);
  assert.ok(types.length >= 40, `${types.length} types`);
});

test('every message field matches LiveKit: number, name, type, label, oneof', () => {
  let checked = 0;
  for (const t of types) {
    const L = lkExport(t.fullName);
    assert.ok(L?.fields, `LiveKit has no message ${t.fullName}`);
    assert.is(L.typeName, t.fullName.replace(/^\./, ''));
    for (const f of t.fieldsArray) {
      const lf = L.fields.find(f.id);
      assert.ok(lf, `${t.name}.${f.name} = ${f.id}: no such field number in LiveKit`);
      assert.is(f.name, lf.name, `${t.name} field ${f.id} name`);
      if (f instanceof protobuf.MapField) {
        assert.is(lf.kind, 'map', `${t.name}.${f.name} is a map`);
        assert.is(f.keyType, SCALARS[lf.K]);
        assert.is(f.type, lf.V.kind === 'scalar' ? SCALARS[lf.V.T] : lf.V.T.typeName);
      } else {
        assert.is(ourTypeName(f), lkTypeName(lf), `${t.name}.${f.name} type`);
        assert.is(f.repeated, !!lf.repeated, `${t.name}.${f.name} repeated`);
      }
      // proto3 `optional` is a synthetic oneof in protobufjs (`_topic`), a plain optional field in LiveKit's.
      const synthetic = f.partOf !== null && f.partOf?.name === `_${f.name}`;
      assert.is(synthetic ? undefined : f.partOf?.name, lf.oneof?.name, `${t.name}.${f.name} oneof`);
      if (synthetic) assert.ok(lf.opt, `${t.name}.${f.name} optional in LiveKit too`);
      checked++;
    }
  }
  assert.ok(checked > 200, `checked ${checked} fields`);
});

test('every enum value matches LiveKit', () => {
  for (const e of enums) {
    const L = lkExport(e.fullName);
    assert.ok(L, `LiveKit has no enum ${e.fullName}`);
    const lkValues = proto3.getEnumType(L).values;
    for (const [name, no] of Object.entries(e.values)) {
      const v = lkValues.find((x: any) => x.no === no);
      assert.ok(v, `${e.fullName}.${name} = ${no} not in LiveKit`);
      assert.is(v!.name, name, `${e.fullName} value ${no}`);
    }
  }
});

test('a wrong field number would be caught (the check can fail)', () => {
  const bad = protobuf.parse('syntax = "proto3"; package livekit; message MuteTrackRequest { string sid = 2; bool muted = 1; }', { keepCase: true }).root;
  const t = bad.lookupType('livekit.MuteTrackRequest');
  const L = lkExport(t.fullName);
  const mismatched = t.fieldsArray.filter((f) => L.fields.find(f.id)?.name !== f.name);
  assert.is(mismatched.length, 2);
});

test.run();
