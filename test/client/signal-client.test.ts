// SignalClient and SyntheticParticipant against the real server (engine + signaling in
// this process): a bad token fails with HTTP 401 as ClientError 'connect-failed'; a
// publisher and a subscriber exchange Opus RTP end to end; leave closes the socket.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startSwitchboard, type Switchboard } from '../../src/server/index.js';
import { createToken } from '../../src/signal/index.js';
import { ClientError, ClientNetwork, SignalClient, SyntheticParticipant, encodeSpeech } from '../../src/client/index.js';

const KEY = 'APIclienttest', SECRET = 'client-test-secret-client-test-secret-42';
let sb: Switchboard;
const tok = (identity: string, room = 'c1') => createToken(KEY, SECRET, { identity, video: { room, roomJoin: true } });

test.before(async () => {
  sb = await startSwitchboard({ argv: ['--keys', `${KEY}: ${SECRET}`, '--port', '0', '--workers', '0', '--udp-port', '0', '--dev=false'], env: {}, log: () => undefined });
});
test.after(async () => { await sb.close(); });

test('a token signed with the wrong secret is refused: ClientError connect-failed (HTTP 401)', async () => {
  const bad = await createToken(KEY, 'another-secret-another-secret-another-1', { identity: 'x', video: { room: 'c1', roomJoin: true } });
  let err: unknown;
  try { await SignalClient.connect({ url: sb.signal.url, token: bad, timeoutMs: 3000 }); } catch (e) { err = e; }
  assert.ok(err instanceof ClientError, String(err));
  assert.is((err as ClientError).code, 'connect-failed');
  assert.match((err as Error).message, /401/);
});

test('join returns the participant; leave closes the socket', async () => {
  const c = await SignalClient.connect({ url: sb.signal.url, token: await tok('alice'), timeoutMs: 5000 });
  assert.match(c.participantSid, /^PA_/);
  assert.is(c.join.participant?.identity, 'alice');
  assert.is(c.join.room?.name, 'c1');
  const closed = c.waitFor('close', 3000).catch(() => undefined);
  c.leave();
  assert.ok(c.closed);
  await closed;
});

test('publisher -> server -> subscriber: Opus RTP arrives in order, latency and audio level read', async () => {
  const net = new ClientNetwork();
  const speech = encodeSpeech();
  const pub = new SyntheticParticipant({ network: net, url: sb.signal.url, token: await tok('pub', 'c2'), publishTracks: 2, speech, subscribe: false, seed: 3 });
  const sub = new SyntheticParticipant({ network: net, url: sb.signal.url, token: await tok('sub', 'c2'), publishTracks: 0, subscribe: true });
  try {
    await pub.start();
    assert.is(pub.published.length, 2);
    assert.ok(pub.published.every((t) => /^TR_/.test(t.sid)));
    assert.is(pub.publisher?.state, 'connected');
    await sub.start();
    await sub.waitSubscriber(5000);
    const end = Date.now() + 5000;
    while ([...sub.received.values()].reduce((a, r) => a + r.packets, 0) < 60 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    const got = [...sub.received.values()];
    assert.equal(got.map((r) => r.trackSid).sort(), pub.published.map((t) => t.sid).sort(), 'one receive stream per published track');
    for (const r of got) {
      assert.ok(r.packets > 20, `${r.packets} packets`);
      assert.is(r.lost, 0);
      assert.is(r.publisherSid, pub.sid);
      assert.ok(r.latencyCount > 0, 'abs-capture-time forwarded');
      assert.ok(r.lastAudioLevel >= 0 && r.lastAudioLevel <= 127);
    }
    assert.is(sub.unknownSsrc, 0);
    assert.equal([...pub.errors, ...sub.errors], []);
    // RTCP: the server counted our sender reports (publisher) and receiver reports (subscriber).
    const room = sb.engine.rooms.get('c2')!;
    const rtcpEnd = Date.now() + 6000;
    let ps = await room.participants.get(pub.sid)!.stats();
    let ss = await room.participants.get(sub.sid)!.stats();
    while ((ps.tracks.some((t) => t.senderReports === 0) || ss.subscriber.rtcpIn === 0 || !ss.downTracks.every((d) => d.rttMs > 0) || !(ss.cc?.subscriber?.twccFeedbacks)) && Date.now() < rtcpEnd) {
      await new Promise((r) => setTimeout(r, 100));
      ps = await room.participants.get(pub.sid)!.stats();
      ss = await room.participants.get(sub.sid)!.stats();
    }
    assert.ok(ps.tracks.length === 2 && ps.tracks.every((t) => t.senderReports > 0), 'SRs reached the server for both tracks');
    assert.ok(ss.subscriber.rtcpIn > 0, 'RRs reached the server');
    assert.is(ss.downTracks.length, 2);
    assert.ok(ss.downTracks.every((d) => d.rttMs > 0 && d.rttMs < 1000), `RTT from our LSR/DLSR: ${ss.downTracks.map((d) => d.rttMs)}`);
    assert.is(ps.publisher.srtpInDropped, 0);
    // transport-cc: the server read our publisher's transport-wide seq, and got TWCC feedback from our subscriber.
    assert.ok((ps.cc?.publisher?.recorded ?? 0) > 0, `publisher packets recorded for TWCC: ${JSON.stringify(ps.cc?.publisher)}`);
    assert.is(ps.cc?.publisher?.missing ?? 0, 0, 'every publisher packet carried the extension');
    assert.ok((ss.cc?.subscriber?.twccFeedbacks ?? 0) > 0, `TWCC feedback from our subscriber: ${JSON.stringify(ss.cc?.subscriber)}`);
  } finally {
    pub.close();
    sub.close();
    net.close();
  }
});

test.run();
