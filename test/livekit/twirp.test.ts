// The Twirp RoomService as livekit-server-sdk 2.19's RoomServiceClient calls it (JSON),
// and in protobuf with @livekit/protocol's own encoder: every call changes the room the
// way the participants see it (our SyntheticParticipant clients joined over /rtc, one
// publishing Opus), and every error answers in Twirp's shape with its HTTP status,
// changing nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AccessToken, RoomServiceClient, DataPacket_Kind, type VideoGrant } from 'livekit-server-sdk';
import { ListRoomsRequest, ListRoomsResponse, ParticipantInfo, RoomParticipantIdentity, UpdateRoomMetadataRequest, Room as LkRoom } from '@livekit/protocol';
import { startSwitchboard, type Switchboard } from '../../src/server/index.js';
import { createToken, DisconnectReason, type SignalResponse } from '../../src/signal/index.js';
import { ClientNetwork, SyntheticParticipant, encodeSpeech } from '../../src/client/index.js';

const KEY = 'APItwirptest', SECRET = 'twirp-test-secret-twirp-test-secret-42';
let sb: Switchboard;
let svc: RoomServiceClient;
const net = new ClientNetwork();
const speech = encodeSpeech();
const parts: SyntheticParticipant[] = [];

test.before(async () => {
  sb = await startSwitchboard({ argv: ['--keys', `${KEY}: ${SECRET}`, '--port', '0', '--workers', '0', '--udp-port', '0'], env: {}, log: () => undefined });
  svc = new RoomServiceClient(sb.httpUrl, KEY, SECRET, { failover: false });
});
test.after(async () => {
  for (const p of parts) p.close();
  net.close();
  await sb.close();
});

async function bearer(grant: VideoGrant, secret = SECRET): Promise<string> {
  const at = new AccessToken(KEY, secret, { ttl: 60 });
  at.addGrant(grant);
  return `Bearer ${await at.toJwt()}`;
}

async function post(method: string, body: string | Uint8Array, headers: Record<string, string>): Promise<{ status: number; json: any; raw: Buffer; type: string | null; acao: string | null }> {
  const r = await fetch(`${sb.httpUrl}/twirp/livekit.RoomService/${method}`, { method: 'POST', headers: { origin: 'http://other.example', ...headers }, body });
  const raw = Buffer.from(await r.arrayBuffer());
  let json: any;
  try { json = JSON.parse(raw.toString()); } catch { json = undefined; }
  return { status: r.status, json, raw, type: r.headers.get('content-type'), acao: r.headers.get('access-control-allow-origin') };
}

/** A ServerError from the SDK: HTTP status and Twirp code. */
async function sdkError(p: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  try { await p; } catch (e) { const x = e as { status: number; code: string; message: string }; return { status: x.status, code: x.code, message: x.message }; }
  throw new Error('the call succeeded, expected a Twirp error');
}

async function join(identity: string, room: string, publishTracks: number, subscribe: boolean): Promise<SyntheticParticipant> {
  const token = await createToken(KEY, SECRET, { identity, video: { room, roomJoin: true } });
  const p = new SyntheticParticipant({ network: net, url: sb.signal.url, token, publishTracks, speech, subscribe });
  parts.push(p);
  await p.start();
  return p;
}

/** Resolves with the first signal message `pick` accepts (bounded). */
function nextSignal<T>(p: SyntheticParticipant, pick: (r: SignalResponse & { message?: string }) => T | undefined, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { p.signal!.off('message', on); reject(new Error('timed out waiting for a signal message')); }, ms);
    const on = (r: SignalResponse & { message?: string }): void => {
      const v = pick(r);
      if (v === undefined) return;
      clearTimeout(timer);
      p.signal!.off('message', on);
      resolve(v);
    };
    p.signal!.on('message', on);
  });
}

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) { if (Date.now() > end) throw new Error(`timed out: ${what}`); await new Promise((r) => setTimeout(r, 20)); }
}

test('CreateRoom / ListRooms (JSON via RoomServiceClient): settings kept, names filter, idempotent', async () => {
  const room = await svc.createRoom({ name: 'tw1', emptyTimeout: 120, departureTimeout: 7, maxParticipants: 3, metadata: 'm0' });
  assert.match(room.sid, /^RM_/);
  assert.equal([room.name, room.emptyTimeout, room.departureTimeout, room.maxParticipants, room.metadata, room.numParticipants], ['tw1', 120, 7, 3, 'm0', 0]);
  assert.ok(Number(room.creationTime) > 1_600_000_000);
  await svc.createRoom({ name: 'tw-other' });
  const again = await svc.createRoom({ name: 'tw1', metadata: 'ignored' });
  assert.is(again.sid, room.sid, 'CreateRoom on a live room returns it');
  assert.is(again.metadata, 'm0');
  assert.equal((await svc.listRooms()).map((r) => r.name).sort(), ['tw-other', 'tw1']);
  assert.equal((await svc.listRooms(['tw1'])).map((r) => r.sid), [room.sid]);
  assert.equal(await svc.listRooms(['nope']), []);
  await svc.deleteRoom('tw-other');
  assert.equal((await svc.listRooms()).map((r) => r.name), ['tw1']);
});

let pub: SyntheticParticipant, sub: SyntheticParticipant, trackSid: string;

test('ListParticipants / GetParticipant see joined participants and the published track', async () => {
  pub = await join('pub', 'tw1', 1, false);
  sub = await join('sub', 'tw1', 0, false);
  trackSid = pub.published[0]!.sid;
  const list = await svc.listParticipants('tw1');
  assert.equal(list.map((p) => p.identity).sort(), ['pub', 'sub']);
  const p = await svc.getParticipant('tw1', 'pub');
  assert.is(p.sid, pub.sid);
  assert.equal(p.tracks.map((t) => t.sid), [trackSid]);
  assert.is(p.tracks[0]!.mimeType, 'audio/opus');
  const rooms = await svc.listRooms(['tw1']);
  assert.equal([rooms[0]!.numParticipants, rooms[0]!.numPublishers], [2, 1]);
});

test('UpdateSubscriptions: the subscriber gets the track (RTP arrives), then loses it; a bad sid changes nothing', async () => {
  const engineSub = () => sb.engine.participant(sub.sid)!;
  const bad = await sdkError(svc.updateSubscriptions('tw1', 'sub', [trackSid, 'TR_nope'], true));
  assert.equal([bad.status, bad.code], [404, 'not_found']);
  assert.match(bad.message, /TR_nope/);
  assert.is(engineSub().subscriptions.size, 0, 'nothing subscribed after the refused call');
  await svc.updateSubscriptions('tw1', 'sub', [trackSid], true);
  await sub.waitSubscriber(5000);
  await until('RTP at the subscriber', () => [...sub.received.values()].some((r) => r.trackSid === trackSid && r.packets > 10));
  await svc.updateSubscriptions('tw1', 'sub', [trackSid], false);
  await until('unsubscribed', () => !engineSub().subscriptions.has(trackSid));
  const own = await sdkError(svc.updateSubscriptions('tw1', 'pub', [trackSid], true));
  assert.is(own.code, 'invalid_argument');
});

test('MutePublishedTrack: the publisher is told to mute, others see it muted; remote unmute is failed_precondition', async () => {
  const told = nextSignal(pub, (r) => (r.message === 'mute' ? r.mute : undefined));
  const seen = nextSignal(sub, (r) => r.update?.participants?.find((p) => p.identity === 'pub' && p.tracks?.[0]?.muted));
  const track = await svc.mutePublishedTrack('tw1', 'pub', trackSid, true);
  assert.is(track.sid, trackSid);
  assert.is(track.muted, true);
  assert.equal(await told, { sid: trackSid, muted: true });
  assert.ok(await seen);
  assert.is(sb.engine.track(trackSid)!.muted, true);
  const un = await sdkError(svc.mutePublishedTrack('tw1', 'pub', trackSid, false));
  assert.equal([un.status, un.code], [412, 'failed_precondition']);
  assert.is(sb.engine.track(trackSid)!.muted, true, 'still muted');
  const nf = await sdkError(svc.mutePublishedTrack('tw1', 'pub', 'TR_missing', true));
  assert.equal([nf.status, nf.code], [404, 'not_found']);
});

test('UpdateParticipant: name, metadata, attributes (merged) and permission reach everyone; bad input changes nothing', async () => {
  const selfSees = nextSignal(sub, (r) => r.update?.participants?.find((p) => p.identity === 'sub' && p.metadata === 'meta-1'));
  const otherSees = nextSignal(pub, (r) => r.update?.participants?.find((p) => p.identity === 'sub' && p.metadata === 'meta-1'));
  const info = await svc.updateParticipant('tw1', 'sub', { metadata: 'meta-1', name: 'Sub One', attributes: { a: '1', b: '2' }, permission: { canSubscribe: true, canPublish: false, canPublishData: true } });
  assert.equal([info.identity, info.name, info.metadata, info.attributes], ['sub', 'Sub One', 'meta-1', { a: '1', b: '2' }]);
  assert.is(info.permission?.canPublish, false);
  const self = await selfSees;
  assert.equal([self.name, self.attributes], ['Sub One', { a: '1', b: '2' }]);
  // proto3 leaves false out on the wire: canPublish was true (the token's default) before.
  assert.equal([self.permission?.canSubscribe, self.permission?.canPublish ?? false], [true, false]);
  assert.is((await otherSees).name, 'Sub One');
  const merged = await svc.updateParticipant('tw1', 'sub', { attributes: { a: '', c: '3' } });
  assert.equal(merged.attributes, { b: '2', c: '3' }, 'empty value deletes, others kept');
  assert.is(merged.metadata, 'meta-1', 'empty metadata leaves it');
  const big = await sdkError(svc.updateParticipant('tw1', 'sub', { metadata: 'x'.repeat(64_001) }));
  assert.equal([big.status, big.code], [400, 'invalid_argument']);
  const typed = await post('UpdateParticipant', JSON.stringify({ room: 'tw1', identity: 'sub', metadata: 42 }), { authorization: await bearer({ roomAdmin: true, room: 'tw1' }), 'content-type': 'application/json' });
  assert.equal([typed.status, typed.json.code], [400, 'malformed']);
  assert.match(typed.json.msg, /metadata must be a string/);
  assert.is((await svc.getParticipant('tw1', 'sub')).metadata, 'meta-1', 'unchanged by the refused calls');
  assert.is((await sdkError(svc.updateParticipant('tw1', 'ghost', { metadata: 'z' }))).code, 'not_found');
});

test('UpdateParticipant revoking canSubscribe ends its subscriptions and refuses new ones', async () => {
  await svc.updateSubscriptions('tw1', 'sub', [trackSid], true);
  await until('subscribed', () => sb.engine.participant(sub.sid)!.subscriptions.has(trackSid));
  await svc.updateParticipant('tw1', 'sub', { permission: { canSubscribe: false, canPublish: false, canPublishData: true } });
  await until('unsubscribed by the revoke', () => sb.engine.participant(sub.sid)!.subscriptions.size === 0);
  const refused = await sdkError(svc.updateSubscriptions('tw1', 'sub', [trackSid], true));
  assert.equal([refused.status, refused.code], [403, 'permission_denied']);
  assert.is(sb.engine.participant(sub.sid)!.subscriptions.size, 0);
  await svc.updateParticipant('tw1', 'sub', { permission: { canSubscribe: true, canPublish: false, canPublishData: true } });
});

test('UpdateRoomMetadata: returned Room and room_update to every participant', async () => {
  const a = nextSignal(pub, (r) => (r.roomUpdate?.room?.metadata === 'room-meta' ? r.roomUpdate.room : undefined));
  const b = nextSignal(sub, (r) => (r.roomUpdate?.room?.metadata === 'room-meta' ? r.roomUpdate.room : undefined));
  const room = await svc.updateRoomMetadata('tw1', 'room-meta');
  assert.equal([room.name, room.metadata], ['tw1', 'room-meta']);
  assert.is((await a).name, 'tw1');
  assert.is((await b).name, 'tw1');
  assert.is((await svc.listRooms(['tw1']))[0]!.metadata, 'room-meta');
  assert.is((await sdkError(svc.updateRoomMetadata('nope', 'x'))).code, 'not_found');
});

test('protobuf framing with @livekit/protocol: ListRooms, GetParticipant, UpdateRoomMetadata; garbage is malformed', async () => {
  const h = async (g: VideoGrant) => ({ authorization: await bearer(g), 'content-type': 'application/protobuf' });
  const lr = await post('ListRooms', new ListRoomsRequest({ names: ['tw1'] }).toBinary(), await h({ roomList: true }));
  assert.is(lr.status, 200);
  assert.is(lr.type, 'application/protobuf');
  const rooms = ListRoomsResponse.fromBinary(lr.raw).rooms;
  assert.equal(rooms.map((r) => [r.name, r.metadata, r.numParticipants]), [['tw1', 'room-meta', 2]]);
  const gp = await post('GetParticipant', new RoomParticipantIdentity({ room: 'tw1', identity: 'pub' }).toBinary(), await h({ roomAdmin: true, room: 'tw1' }));
  const p = ParticipantInfo.fromBinary(gp.raw);
  assert.equal([p.identity, p.tracks[0]?.sid, p.tracks[0]?.muted], ['pub', trackSid, true]);
  const um = await post('UpdateRoomMetadata', new UpdateRoomMetadataRequest({ room: 'tw1', metadata: 'pb' }).toBinary(), await h({ roomAdmin: true, room: 'tw1' }));
  assert.is(LkRoom.fromBinary(um.raw).metadata, 'pb');
  const junk = await post('ListRooms', new Uint8Array([0x0a, 0xff, 0xff, 0xff]), await h({ roomList: true }));
  assert.equal([junk.status, junk.json?.code, junk.type], [400, 'malformed', 'application/json']);
  assert.match(junk.json.msg, /protobuf request could not be decoded/);
});

test('auth: no header, bad token, missing grant or another room = unauthenticated 401 (livekit-server\'s twirpAuthError); CORS on errors', async () => {
  const body = JSON.stringify({});
  const none = await post('ListRooms', body, { 'content-type': 'application/json' });
  assert.equal([none.status, none.json.code], [401, 'unauthenticated']);
  assert.is(none.acao, 'http://other.example', 'a page on another origin can read the error');
  const forged = await sdkError(new RoomServiceClient(sb.httpUrl, KEY, 'wrong-secret-wrong-secret-wrong-secret', { failover: false }).listRooms());
  assert.equal([forged.status, forged.code], [401, 'unauthenticated']);
  assert.match(forged.message, /signature/);
  const basic = await post('ListRooms', body, { authorization: 'Basic abc', 'content-type': 'application/json' });
  assert.is(basic.json.code, 'unauthenticated');
  const noList = await post('ListRooms', body, { authorization: await bearer({ roomAdmin: true, room: 'tw1' }), 'content-type': 'application/json' });
  assert.equal([noList.status, noList.json.code], [401, 'unauthenticated']);
  assert.match(noList.json.msg, /roomList/);
  const noCreate = await post('CreateRoom', JSON.stringify({ name: 'sneaky' }), { authorization: await bearer({ roomList: true, roomAdmin: true }), 'content-type': 'application/json' });
  assert.is(noCreate.json.code, 'unauthenticated');
  assert.is(sb.engine.room('sneaky'), undefined, 'no room created');
  const otherRoom = await post('RemoveParticipant', JSON.stringify({ room: 'tw1', identity: 'sub' }), { authorization: await bearer({ roomAdmin: true, room: 'elsewhere' }), 'content-type': 'application/json' });
  assert.equal([otherRoom.status, otherRoom.json.code], [401, 'unauthenticated']);
  assert.ok(sb.engine.participant(sub.sid), 'sub still there');
});

test('routing and input errors: bad_route (method, path, content type), malformed JSON, invalid_argument, SendData grants and rooms', async () => {
  const auth = await bearer({ roomList: true, roomCreate: true });
  const get = await fetch(`${sb.httpUrl}/twirp/livekit.RoomService/ListRooms`);
  assert.is(get.status, 404);
  assert.is((await get.json() as { code: string }).code, 'bad_route');
  const unknown = await post('FlyToTheMoon', '{}', { authorization: auth, 'content-type': 'application/json' });
  assert.equal([unknown.status, unknown.json.code], [404, 'bad_route']);
  const svcWrong = await fetch(`${sb.httpUrl}/twirp/livekit.EgressService/ListEgress`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: '{}' });
  assert.is((await svcWrong.json() as { code: string }).code, 'bad_route');
  const ct = await post('ListRooms', '{}', { authorization: auth, 'content-type': 'text/plain' });
  assert.equal([ct.status, ct.json.code], [404, 'bad_route']);
  const badJson = await post('ListRooms', '{"names": [', { authorization: auth, 'content-type': 'application/json' });
  assert.equal([badJson.status, badJson.json.code], [400, 'malformed']);
  const notArray = await post('ListRooms', '{"names": "tw1"}', { authorization: auth, 'content-type': 'application/json' });
  assert.is(notArray.json.code, 'malformed');
  const snake = await post('CreateRoom', JSON.stringify({ name: 'tw-snake', empty_timeout: 9, unknown_field: true }), { authorization: auth, 'content-type': 'application/json' });
  assert.is(snake.status, 200);
  assert.is(snake.json.empty_timeout, 9, 'proto field names in and out, unknown fields skipped');
  await svc.deleteRoom('tw-snake');
  const noName = await sdkError(svc.createRoom({ name: '' }));
  assert.equal([noName.status, noName.code], [400, 'invalid_argument']);
  const huge = await post('CreateRoom', JSON.stringify({ name: 'x', metadata: 'm'.repeat(2 << 20) }), { authorization: auth, 'content-type': 'application/json' });
  assert.equal([huge.status, huge.json.code], [400, 'malformed']);
  assert.match(huge.json.msg, /byte limit/);
  assert.is(sb.engine.room('x'), undefined);
  // SendData (delivery itself: test/livekit/data-packets.peer.test.ts): an empty room takes it, a missing one is not_found, no roomAdmin is refused.
  await svc.sendData('tw1', new Uint8Array([1, 2, 3]), DataPacket_Kind.RELIABLE);
  const sd = await sdkError(svc.sendData('no-such-room', new Uint8Array([1, 2, 3]), DataPacket_Kind.LOSSY, { topic: 't' }));
  assert.equal([sd.status, sd.code], [404, 'not_found']);
  const noAdmin = await post('SendData', JSON.stringify({ room: 'tw1', data: 'AQID', kind: 'RELIABLE' }), { authorization: auth, 'content-type': 'application/json' });
  assert.equal([noAdmin.status, noAdmin.json.code], [401, 'unauthenticated']);
  assert.is((await sdkError(svc.deleteRoom('never-was'))).code, 'not_found');
});

test('RemoveParticipant and DeleteRoom: the clients are told to leave (PARTICIPANT_REMOVED, ROOM_CLOSED)', async () => {
  const left = nextSignal(sub, (r) => r.leave);
  await svc.removeParticipant('tw1', 'sub');
  assert.is((await left).reason, DisconnectReason.PARTICIPANT_REMOVED);
  assert.equal((await svc.listParticipants('tw1')).map((p) => p.identity), ['pub']);
  assert.is((await sdkError(svc.removeParticipant('tw1', 'sub'))).code, 'not_found');
  const closed = nextSignal(pub, (r) => r.leave);
  await svc.deleteRoom('tw1');
  assert.is((await closed).reason, DisconnectReason.ROOM_CLOSED);
  assert.equal(await svc.listRooms(), []);
  assert.is((await sdkError(svc.listParticipants('tw1'))).code, 'not_found');
});

test.run();
