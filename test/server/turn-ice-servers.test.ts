// JoinResponse.ice_servers from the embedded TURN server: each join gets one ICEServer with
// turn:HOST:PORT?transport=udp and ?transport=tcp and a REST-API credential
// "<expiry>:<participant sid>" that the running server's TurnCore accepts (Allocate 200,
// CreatePermission to the media socket's IP 200, to any other IP 403); after the TTL a
// new Allocate with it gets 401. Production mode without --turn has none.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startSwitchboard, type Switchboard } from '../../src/server/index.js';
import { createToken } from '../../src/signal/index.js';
import { SignalClient } from '../../src/client/index.js';
import { ATTR_REQUESTED_TRANSPORT, ATTR_XOR_RELAYED_ADDRESS, METHOD_ALLOCATE, TRANSPORT_UDP, type TurnEvent } from '../../src/turn/index.js';
import type { StunBuilder } from '../../src/stun/index.js';
import { createSocket } from 'node:dgram';
import { ATTR_NONCE, ATTR_REALM, CLASS_REQUEST } from '../../src/stun/index.js';
import { messageType } from '../../src/turn/index.js';
import { FakeLink, TestClient, parse, type Parsed } from '../turn/harness.js';

const KEY = 'APIturnwire', SECRET = 'turnwire-test-secret-turnwire-test-secret';
const tok = (identity: string, room = 't1') => createToken(KEY, SECRET, { identity, video: { room, roomJoin: true } });
let sb: Switchboard;
let nowMs = Date.now();
const events: TurnEvent[] = [];

test.before(async () => {
  sb = await startSwitchboard({
    argv: ['--keys', `${KEY}: ${SECRET}`, '--port', '0', '--workers', '0', '--udp-port', '0', '--turn', '--turn-port', '0'],
    env: {}, log: () => undefined, turnNow: () => nowMs,
  });
  const core = sb.turn!.server!.core!;
  const prev = core.onEvent;
  core.onEvent = (e) => { events.push(e); prev(e); };
});
test.after(async () => { await sb.close(); });

/** Allocate with the 401 round trip against a core with real relay sockets (the answer comes once the relay bound). */
async function allocate(c: TestClient): Promise<Parsed | undefined> {
  const body = (b: StunBuilder): void => { b.u32(ATTR_REQUESTED_TRANSPORT, TRANSPORT_UDP << 24); };
  const r = c.request(METHOD_ALLOCATE, body);
  if (r) return r;
  for (let i = 0; i < 200; i++) {
    const out = c.link.take();
    if (out) return parse(out);
    await new Promise((res) => setTimeout(res, 10));
  }
  return undefined;
}

test('the JoinResponse carries a TURN ICEServer (UDP and TCP URLs) with a per-participant credential that TurnCore accepts', async () => {
  const turn = sb.turn!;
  assert.ok(turn.udpPort > 0 && turn.tcpPort > 0);
  assert.is(turn.inWorker, false, '--workers 0: TURN runs in this thread too');
  const c = await SignalClient.connect({ url: sb.signal.url, token: await tok('alice'), timeoutMs: 5000 });
  try {
    const servers = c.join.iceServers ?? [];
    assert.is(servers.length, 1);
    const s = servers[0]!;
    assert.equal(s.urls, [`turn:127.0.0.1:${turn.udpPort}?transport=udp`, `turn:127.0.0.1:${turn.tcpPort}?transport=tcp`]);
    const [expiry, sid] = s.username!.split(':');
    assert.is(sid, c.participantSid, 'username names the participant sid');
    assert.is(Number(expiry), Math.floor(nowMs / 1000) + 300, 'expires after the 300 s TTL');
    assert.ok(s.credential && s.credential.length === 28, 'base64 HMAC-SHA1');

    const core = turn.server!.core!;
    const client = new TestClient({ core }, new FakeLink('127.0.0.1', 41000), s.username!, s.credential!, core.config.realm);
    const r = await allocate(client);
    assert.ok(r, 'Allocate answered');
    assert.is(r!.code, 0, 'Allocate succeeds with the JoinResponse credential');
    assert.ok(r!.address(ATTR_XOR_RELAYED_ADDRESS), 'a relayed address');
    // The relay reaches this server's media sockets, nothing else.
    assert.is(client.permit(['127.0.0.1'])!.code, 0, 'permission to the media sockets\' IP');
    assert.is(client.permit(['127.0.0.2'])!.code, 403, 'any other peer: 403');
    assert.is(client.permit(['192.0.2.1'])!.code, 403);
    const media = [...sb.engine.ports, ...sb.engine.tcpPorts].filter((p) => p > 0).map((p) => `127.0.0.1:${p}`);
    assert.equal([...turn.allowPeers], media, 'allow-list = every worker\'s UDP and ICE-TCP port on the bound host');

    // A wrong password fails.
    const bad = new TestClient({ core }, new FakeLink('127.0.0.1', 41001), s.username!, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=', core.config.realm);
    assert.is((await allocate(bad))!.code, 401);

    // After the TTL the same credential opens nothing new: 401.
    nowMs += 301_000;
    const late = new TestClient({ core }, new FakeLink('127.0.0.1', 41002), s.username!, s.credential!, core.config.realm);
    const e = await allocate(late);
    assert.is(e!.code, 401);
    assert.ok(events.some((x) => x.type === 'auth-failed' && x.reason === 'credential expired'), 'refused as expired');
    // ...while the allocation made in time still refreshes.
    assert.is(client.refresh(600)!.code, 0);
  } finally {
    c.leave();
  }
});

test('each join mints its own credential; a later join is dated by the clock', async () => {
  const a = await SignalClient.connect({ url: sb.signal.url, token: await tok('bob'), timeoutMs: 5000 });
  const b = await SignalClient.connect({ url: sb.signal.url, token: await tok('carol'), timeoutMs: 5000 });
  try {
    const ua = a.join.iceServers![0]!.username!, ub = b.join.iceServers![0]!.username!;
    assert.is.not(ua, ub);
    assert.ok(ua.endsWith(`:${a.participantSid}`) && ub.endsWith(`:${b.participantSid}`));
    assert.is.not(a.join.iceServers![0]!.credential, b.join.iceServers![0]!.credential);
    assert.is(Number(ua.split(':')[0]), Math.floor(nowMs / 1000) + 300);
  } finally {
    a.leave(); b.leave();
  }
});

test('with engine workers TURN runs in its own thread: a real UDP Allocate with the JoinResponse credential succeeds, stats and Prometheus metrics come back', async () => {
  const w = await startSwitchboard({ argv: ['--keys', `${KEY}: ${SECRET}`, '--port', '0', '--workers', '1', '--udp-port', '0', '--turn', '--turn-port', '0', '--metrics-port', '0'], env: {}, log: () => undefined });
  const sock = createSocket('udp4');
  try {
    const turn = w.turn!;
    assert.is(turn.inWorker, true);
    assert.is(turn.server, undefined, 'no TurnServer in the main thread');
    const c = await SignalClient.connect({ url: w.signal.url, token: await tok('erin', 't9'), timeoutMs: 5000 });
    const s = c.join.iceServers![0]!;
    c.leave();
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const replies: Buffer[] = [];
    sock.on('message', (m) => replies.push(m));
    const ask = async (msg: Buffer): Promise<Parsed> => {
      replies.length = 0;
      sock.send(msg, turn.udpPort, '127.0.0.1');
      for (let i = 0; i < 200 && !replies.length; i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(replies.length, 'an answer from the TURN worker');
      return parse(replies[0]!);
    };
    const cl = new TestClient({ core: undefined as never }, new FakeLink('127.0.0.1', 0), s.username!, s.credential!, 'switchboard');
    const body = (b: StunBuilder): void => { b.u32(ATTR_REQUESTED_TRANSPORT, TRANSPORT_UDP << 24); };
    const first = await ask(cl.build(messageType(METHOD_ALLOCATE, CLASS_REQUEST), body, { sign: false }));
    assert.is(first.code, 401);
    const n = first.attr(ATTR_NONCE)!, re = first.attr(ATTR_REALM)!;
    cl.nonce = first.view.text(n.v, n.len); cl.realm = first.view.text(re.v, re.len);
    assert.is(cl.realm, 'switchboard');
    const ok = await ask(cl.build(messageType(METHOD_ALLOCATE, CLASS_REQUEST), body));
    assert.is(ok.code, 0, 'Allocate 200');
    assert.is(ok.type, 0x0103);
    assert.ok(ok.address(ATTR_XOR_RELAYED_ADDRESS));
    const st = (await turn.stats())!;
    assert.is(st.allocationsCreated, 1);
    assert.is(st.allocationsActive, 1);
    const text = await (await fetch(w.metrics!.url)).text();
    assert.match(text, /^switchboard_turn_allocations 1$/m);
    assert.match(text, /^switchboard_turn_events\{what="allocationsCreated"\} 1$/m);
    assert.match(text, /^switchboard_turn_events\{what="authFailures"\} 1$/m, 'the first, unsigned Allocate');
    assert.match(text, /^switchboard_turn_relayed_packets\{direction="to_peers"\} 0$/m);
    assert.match(text, /^switchboard_event_loop_utilization\{thread="turn"\} [\d.e-]+$/m, 'the TURN thread\'s load');
    assert.match(text, /^switchboard_event_loop_utilization\{thread="worker-0"\} /m);
  } finally {
    sock.close();
    await w.close();
  }
  assert.is(await w.turn!.stats(), null, 'closed');
  assert.is(w.turn!.up, false);
});

test('a TURN thread that dies stops being advertised: later joins get no TURN servers', async () => {
  const lines: string[] = [];
  const w = await startSwitchboard({ argv: ['--keys', `${KEY}: ${SECRET}`, '--port', '0', '--workers', '1', '--udp-port', '0', '--turn', '--turn-port', '0'], env: {}, log: (l) => lines.push(l) });
  try {
    const a = await SignalClient.connect({ url: w.signal.url, token: await tok('fay', 't8'), timeoutMs: 5000 });
    assert.is(a.join.iceServers!.length, 1);
    a.leave();
    await w.turn!.worker!.terminate();
    for (let i = 0; i < 100 && w.turn!.up; i++) await new Promise((r) => setTimeout(r, 10));
    assert.is(w.turn!.up, false);
    assert.ok(lines.some((l) => /turn: worker exited unexpectedly .*TURN is down/.test(l)), lines.join('\n'));
    const b = await SignalClient.connect({ url: w.signal.url, token: await tok('gil', 't8'), timeoutMs: 5000 });
    assert.equal(b.join.iceServers ?? [], []);
    b.leave();
  } finally {
    await w.close();
  }
});

test('production mode without --turn: no TURN server and no ice_servers', async () => {
  const prod = await startSwitchboard({ argv: ['--keys', `${KEY}: ${SECRET}`, '--port', '0', '--workers', '0', '--udp-port', '0'], env: {}, log: () => undefined });
  try {
    assert.is(prod.turn, undefined);
    const c = await SignalClient.connect({ url: prod.signal.url, token: await tok('dave'), timeoutMs: 5000 });
    assert.equal(c.join.iceServers ?? [], []);
    c.leave();
  } finally {
    await prod.close();
  }
});

test.run();
