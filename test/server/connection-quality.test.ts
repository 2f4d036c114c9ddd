// Connection quality scored as livekit-server's pkg/sfu/connectionquality: the E-model
// window score, the loss weights (opus 2.5 % -> GOOD boundary without FEC, video 2 %),
// smoothing, the floor, dry windows, MOS, and the monitor's who-hears-what rule.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { packetLossWeight, packetScore, participantQuality, scoreToMos, scoreToQuality, StreamScorer } from '../../src/server/connection-quality.js';
import { QualityMonitor } from '../../src/server/quality-monitor.js';
import { ConnectionQuality, type ConnectionQualityInfo } from '../../src/signal/messages.js';
import type { Participant } from '../../src/engine/participant.js';
import type { SignalSink } from '../../src/signal/room-service.js';

const w = (packets: number, lost: number, rttMs = 0, jitterMs = 0) => ({ packets, lost, rttMs, jitterMs, rtcpSeen: true });

test('window score: loss weighted per codec, delay from rtt/2 + 2*jitter (LiveKit\'s simplified E-model)', () => {
  assert.is(packetScore(w(1000, 0), 8, true, true), 100);
  // opus without FEC: 2.5 % loss -> 80 (the EXCELLENT/GOOD boundary), 7.5 % -> 40 (GOOD/POOR)
  assert.ok(Math.abs(packetScore(w(1000, 25), packetLossWeight('audio', false), true, true) - 80) < 1e-9);
  assert.ok(Math.abs(packetScore(w(1000, 75), packetLossWeight('audio', false), true, true) - 40) < 1e-9);
  // video: 2 % -> 80
  assert.ok(Math.abs(packetScore(w(1000, 20), packetLossWeight('video'), true, true) - 80) < 1e-9);
  // delay: rtt 200 ms + jitter 10 ms -> 100 + 20 = 120 ms -> -3; above 160 ms the slope is 1/10
  assert.is(packetScore(w(100, 0, 200, 10), 8, true, true), 97);
  assert.is(packetScore(w(100, 0, 400, 0), 8, true, true), 92);
  assert.is(packetScore(w(100, 0, 400, 0), 8, false, true), 100, 'rtt left out (upstream)');
});

test('quality thresholds and MOS', () => {
  assert.equal([scoreToQuality(100), scoreToQuality(80), scoreToQuality(41), scoreToQuality(40), scoreToQuality(20)],
    [ConnectionQuality.EXCELLENT, ConnectionQuality.GOOD, ConnectionQuality.GOOD, ConnectionQuality.POOR, ConnectionQuality.LOST]);
  assert.is(scoreToMos(100), 4.5);
  assert.is(scoreToMos(0), 1);
  assert.ok(Math.abs(scoreToMos(80) - (1 + 2.8 + 0.000007 * 80 * 20 * 20)) < 1e-9);
});

test('scorer: falls fast (0.8), recovers slowly (0.4), floored at 30; dry windows POOR/LOST; muted keeps EXCELLENT', () => {
  const s = new StreamScorer(10, true, true);
  s.update(w(500, 50)); // raw 0 -> 0.8*0 + 0.2*100 = 20 -> floor 30
  assert.is(s.score, 30);
  s.update(w(500, 0)); // 0.4*100 + 0.6*30 = 58
  assert.ok(Math.abs(s.score - 58) < 1e-9);
  assert.is(scoreToQuality(s.score), ConnectionQuality.GOOD);
  assert.is(s.update({ packets: 0, lost: 0, rttMs: 0, jitterMs: 0, rtcpSeen: true }), 40);
  assert.is(s.update({ packets: 0, lost: 0, rttMs: 0, jitterMs: 0, rtcpSeen: false }), 20);
  assert.is(s.update(w(0, 0), true), 100);
  assert.equal(participantQuality([100, 58]).quality, ConnectionQuality.GOOD, 'worst stream wins');
});

test('monitor: each participant hears about itself and the publishers it subscribes to, only when something changed', async () => {
  let pubLost = 0, pubPackets = 0;
  const room = { participants: new Map<string, unknown>() };
  const mk = (sid: string, stats: () => unknown, tracks: Map<string, unknown>, subs: Map<string, unknown>) =>
    ({ sid, left: false, room, tracks, subscriptions: subs, stats: async () => stats() }) as unknown as Participant;
  const pub = mk('PA_pub', () => ({ publisher: { rtcpIn: pubPackets }, subscriber: { rtcpIn: 0 }, tracks: [{ sid: 'TR_a', kind: 'audio', packets: pubPackets, lost: pubLost, jitterMs: 1 }], downTracks: [] }),
    new Map([['TR_a', { kind: 'audio', muted: false }]]), new Map());
  const sub = mk('PA_sub', () => ({ publisher: { rtcpIn: 0 }, subscriber: { rtcpIn: pubPackets }, tracks: [], downTracks: [{ trackSid: 'TR_a', packetsSent: pubPackets, rrLost: 0, rttMs: 2, rrJitterMs: 1, muted: false, paused: false }] }),
    new Map(), new Map([['TR_a', {}]]));
  const idle = mk('PA_idle', () => ({ publisher: { rtcpIn: 0 }, subscriber: { rtcpIn: 0 }, tracks: [], downTracks: [] }), new Map(), new Map());
  for (const p of [pub, sub, idle]) room.participants.set(p.sid, p);
  const got = new Map<string, ConnectionQualityInfo[][]>();
  const sink = (sid: string) => ({ connectionQuality: (u: ConnectionQualityInfo[]) => { got.set(sid, [...(got.get(sid) ?? []), u]); } }) as unknown as SignalSink;
  const m = new QualityMonitor(() => [pub, sub, idle].map((p) => ({ p, sink: sink(p.sid) })));
  pubPackets = 500;
  await m.tick();
  assert.equal(got.get('PA_pub')!.map((u) => u.map((i) => [i.participantSid, i.quality])), [[['PA_pub', ConnectionQuality.EXCELLENT]]]);
  assert.equal(got.get('PA_sub')!.map((u) => u.map((i) => i.participantSid)), [['PA_sub', 'PA_pub']], 'itself + the publisher it subscribes to');
  assert.not.ok(got.has('PA_idle'), 'no streams: not scored, and it subscribes to nobody');
  pubPackets = 1000;
  await m.tick();
  assert.is(got.get('PA_pub')!.length, 1, 'no change: no update');
  pubPackets = 1500; pubLost = 100; // 20 % upstream loss
  await m.tick();
  const last = got.get('PA_sub')!.at(-1)!;
  assert.is(last.find((i) => i.participantSid === 'PA_pub')!.quality, ConnectionQuality.POOR);
  assert.ok(last.find((i) => i.participantSid === 'PA_pub')!.score! < 3, 'MOS of a floored score');
});

test.run();
