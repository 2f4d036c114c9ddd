// Webhooks from a running Switchboard (--webhook-url to a loopback receiver), every one
// checked by livekit-server-sdk's WebhookReceiver: a room made with RoomServiceClient
// (departure timeout 1 s), a publisher (our SyntheticParticipant, Opus over /rtc) joins,
// publishes, leaves; the room closes by itself. Events in LiveKit's order and shapes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RoomServiceClient, WebhookReceiver, type WebhookEvent } from 'livekit-server-sdk';
import { startSwitchboard, type Switchboard } from '../../src/server/index.js';
import { createToken } from '../../src/signal/index.js';
import { ClientNetwork, SyntheticParticipant, encodeSpeech } from '../../src/client/index.js';

const KEY = 'APIwebhooks', SECRET = 'webhooks-secret-webhooks-secret-webhooks';
let sb: Switchboard;
let rx: Server;
const events: WebhookEvent[] = [];
const refused: string[] = [];

test.before(async () => {
  const receiver = new WebhookReceiver(KEY, SECRET);
  rx = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      receiver.receive(body, req.headers.authorization).then((ev) => { events.push(ev); res.writeHead(200).end(); },
        (e) => { refused.push(String(e)); res.writeHead(401).end(); });
    });
  });
  await new Promise<void>((r) => rx.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(rx.address() as AddressInfo).port}/lk`;
  sb = await startSwitchboard({ argv: ['--keys', `${KEY}: ${SECRET}`, '--port', '0', '--workers', '0', '--udp-port', '0', '--webhook-url', url], env: {}, log: () => undefined });
});
test.after(async () => {
  await sb?.close();
  await new Promise<void>((r) => { rx.closeAllConnections(); rx.close(() => r()); });
});

async function until(what: string, cond: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) { if (Date.now() > end) throw new Error(`timed out: ${what}; got ${events.map((e) => e.event)}`); await new Promise((r) => setTimeout(r, 20)); }
}

test('room_started, participant_joined, track_published, track_unpublished, participant_left, room_finished - all verified', async () => {
  assert.ok(sb.webhooks, 'notifier configured');
  const svc = new RoomServiceClient(sb.httpUrl, KEY, SECRET, { failover: false });
  const room = await svc.createRoom({ name: 'hooks', departureTimeout: 1, metadata: 'from-create' });
  await until('room_started', () => events.some((e) => e.event === 'room_started'));
  const net = new ClientNetwork();
  const p = new SyntheticParticipant({ network: net, url: sb.signal.url, token: await createToken(KEY, SECRET, { identity: 'hooker', video: { room: 'hooks', roomJoin: true } }), publishTracks: 1, speech: encodeSpeech(), subscribe: false });
  try {
    await p.start();
    const trackSid = p.published[0]!.sid;
    await until('track_published', () => events.some((e) => e.event === 'track_published'));
    p.close();
    await until('room_finished', () => events.some((e) => e.event === 'room_finished'), 10_000);
    assert.equal(refused, [], 'every delivery verified');
    const names = events.map((e) => e.event);
    assert.equal(names, ['room_started', 'participant_joined', 'track_published', 'track_unpublished', 'participant_left', 'room_finished'], names.join());
    for (const e of events) {
      assert.is(e.room?.name, 'hooks');
      assert.is(e.room?.sid, room.sid);
      assert.match(e.id, /^EV_/);
    }
    assert.is(events[0]!.room?.metadata, 'from-create');
    const byName = (n: string) => events.find((e) => e.event === n)!;
    for (const n of ['participant_joined', 'track_published', 'track_unpublished', 'participant_left']) {
      assert.is(byName(n).participant?.identity, 'hooker', n);
      assert.is(byName(n).participant?.sid, p.sid, n);
    }
    assert.is(byName('track_published').track?.sid, trackSid);
    assert.is(byName('track_published').track?.mimeType, 'audio/opus');
    assert.is(byName('track_unpublished').track?.sid, trackSid);
    assert.is(byName('participant_left').participant?.state, 3 /* DISCONNECTED */);
    assert.equal(new Set(events.map((e) => e.id)).size, events.length, 'unique ids');
    assert.is(sb.engine.room('hooks'), undefined, 'closed after the departure timeout');
    assert.is(sb.webhooks!.stats.failed, 0);
  } finally {
    p.close();
    net.close();
  }
});

test('a created room nobody joins closes after its empty_timeout: room_started then room_finished', async () => {
  const svc = new RoomServiceClient(sb.httpUrl, KEY, SECRET, { failover: false });
  const from = events.length;
  await svc.createRoom({ name: 'lonely', emptyTimeout: 1 });
  await until('room_finished of lonely', () => events.slice(from).some((e) => e.event === 'room_finished' && e.room?.name === 'lonely'), 5000);
  assert.equal(events.slice(from).map((e) => e.event), ['room_started', 'room_finished']);
  assert.is(sb.engine.room('lonely'), undefined);
  assert.equal(refused, []);
});

test.run();
