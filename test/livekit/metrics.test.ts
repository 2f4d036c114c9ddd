// Prometheus /metrics on its own port (--metrics-port) with a media worker thread: a
// publisher (our SyntheticParticipant, Opus over SRTP) and an auto-subscriber. The
// counters agree with what the publisher says it sent (packets exactly, bytes = RTP +
// the SRTP tag), gauges follow joins and leaves, counters never go back, and the
// process/GC/event-loop series are there.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startSwitchboard, type Switchboard } from '../../src/server/index.js';
import { createToken } from '../../src/signal/index.js';
import { ClientNetwork, SyntheticParticipant, encodeSpeech } from '../../src/client/index.js';

const KEY = 'APImetrics', SECRET = 'metrics-secret-metrics-secret-metrics-12';
let sb: Switchboard;

test.before(async () => {
  sb = await startSwitchboard({ argv: ['--keys', `${KEY}: ${SECRET}`, '--port', '0', '--workers', '1', '--udp-port', '0', '--metrics-port', '0'], env: {}, log: () => undefined });
});
test.after(async () => { await sb?.close(); });

/** name{labels} -> value, from the exposition text. */
async function scrape(): Promise<Map<string, number>> {
  const r = await fetch(sb.metrics!.url);
  assert.is(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /text\/plain/);
  const m = new Map<string, number>();
  for (const line of (await r.text()).split('\n')) {
    const x = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (x) m.set(x[1]!, Number(x[2]));
    const t = /^# TYPE (\S+) /.exec(line); // declared metrics (a histogram has no samples before its first observation)
    if (t) m.set(`#TYPE ${t[1]}`, 1);
  }
  return m;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('metrics port is not the signaling port; only GET /metrics', async () => {
  assert.ok(sb.metrics);
  assert.is.not(new URL(sb.metrics!.url).port, new URL(sb.httpUrl).port);
  assert.is((await fetch(sb.metrics!.url.replace('/metrics', '/other'))).status, 404);
  assert.is((await fetch(`${sb.httpUrl}/metrics`)).status, 404, 'not on the public port');
  const m = await scrape();
  assert.is(m.get('livekit_room_total'), 0);
  assert.is(m.get('livekit_packet_total{direction="incoming",type="rtp"}'), 0);
  const bad = await fetch(`${sb.httpUrl}/twirp/livekit.RoomService/ListRooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.is(bad.status, 401);
  assert.is((await scrape()).get('switchboard_twirp_requests_total{method="livekit.RoomService/ListRooms",code="unauthenticated"}'), 1);
  for (const k of ['process_cpu_seconds_total', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds', 'switchboard_event_loop_utilization{thread="main"}', 'switchboard_event_loop_utilization{thread="worker-0"}']) {
    assert.ok(m.has(k), `${k} exported`);
  }
});

test('gauges and counters follow a real call; packets match what the publisher sent', async () => {
  const net = new ClientNetwork();
  const tok = (id: string) => createToken(KEY, SECRET, { identity: id, video: { room: 'm1', roomJoin: true } });
  const pub = new SyntheticParticipant({ network: net, url: sb.signal.url, token: await tok('pub'), publishTracks: 1, speech: encodeSpeech(), subscribe: false });
  const sub = new SyntheticParticipant({ network: net, url: sb.signal.url, token: await tok('sub'), publishTracks: 0, subscribe: true });
  try {
    await pub.start();
    await sub.start();
    await sub.waitSubscriber(5000);
    const end = Date.now() + 5000;
    while ([...sub.received.values()].reduce((a, r) => a + r.packets, 0) < 50 && Date.now() < end) await sleep(20);
    const sender = pub.published[0]!.sender;
    sender.stop();
    await sleep(400);
    const m = await scrape();
    assert.is(m.get('livekit_room_total'), 1);
    assert.is(m.get('livekit_participant_total'), 2);
    assert.is(m.get('livekit_track_published_total{kind="audio"}'), 1);
    const rtpIn = m.get('livekit_packet_total{direction="incoming",type="rtp"}')!;
    const sent = sender.stats.packets;
    assert.ok(sent > 50, `${sent} sent`);
    assert.ok(rtpIn <= sent && rtpIn >= sent * 0.98, `server counted ${rtpIn} of ${sent} RTP packets`);
    const bytesIn = m.get('livekit_packet_bytes{direction="incoming"}')!;
    assert.ok(bytesIn >= sender.stats.bytes * (rtpIn / sent) + 10 * rtpIn, `bytes in ${bytesIn}: at least RTP ${sender.stats.bytes} + 10-byte SRTP tags`);
    const received = [...sub.received.values()].reduce((a, r) => a + r.packets, 0);
    const rtpOut = m.get('livekit_packet_total{direction="outgoing",type="rtp"}')!;
    assert.ok(rtpOut >= received && rtpOut <= rtpIn, `out ${rtpOut}, subscriber got ${received}, in ${rtpIn}`);
    assert.ok(m.get('livekit_packet_bytes{direction="outgoing"}')! > 0);
    assert.ok((m.get('livekit_packet_total{direction="incoming",type="rtcp"}') ?? 0) > 0, 'RTCP from the clients counted');
    for (const k of ['livekit_nack_total{direction="incoming"}', 'livekit_pli_total{direction="incoming"}', 'livekit_packet_loss_total']) assert.ok(m.has(k), k);
    assert.is(m.get('livekit_packet_loss_total'), 0, 'loopback: nothing lost');
    console.log(JSON.stringify({ metrics: 'call', sent, sentBytes: sender.stats.bytes, rtpIn, bytesIn, rtpOut, received }));
    pub.close();
    sub.close();
    const until = Date.now() + 5000;
    let after = await scrape();
    while (after.get('livekit_participant_total') !== 0 && Date.now() < until) { await sleep(600); after = await scrape(); }
    assert.is(after.get('livekit_participant_total'), 0);
    assert.ok(after.get('livekit_packet_total{direction="incoming",type="rtp"}')! >= rtpIn, 'counters do not go back when participants leave');
    assert.ok(after.get('switchboard_thread_busy_seconds_total{thread="worker-0"}')! > 0, 'the media worker was busy');
    assert.ok(after.get('switchboard_thread_busy_seconds_total{thread="main"}')! > 0);
    // Exported; samples appear only once a GC ran in the main thread, which a short call may not cause.
    assert.ok(after.has('#TYPE nodejs_gc_duration_seconds'), 'GC durations exported');
  } finally {
    pub.close();
    sub.close();
    net.close();
  }
});

test.run();
