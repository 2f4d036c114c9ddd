// Issue 12 item 2 proof, raw RTCPeerConnections: Switchboard as `npm start` runs it
// (engine + embedded TURN with its media-socket allow-list), and two Chromium pages with
// iceTransportPolicy 'relay' and only our TURN server as ICE server (credential minted
// the way JoinResponse.ice_servers is) — first over UDP, then over TCP to the TURN
// server. The publisher sends audio+video to the engine through its relay, the subscriber
// receives them through its own. Asserted from getStats (selected pair's local candidate
// is 'relay' with the expected relayProtocol; packets, audio energy, frames decoded) and
// from the TURN server's counters (allocations, relayed packets both ways).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { assertInsideNetns } from '../peers/netns.js';
import { evalInPage, pollStats, statNumber, statsOf, type StatsEntry } from '../peers/chromium.js';
import { startSwitchboard, type Switchboard } from '../../src/server/index.js';
import type { Participant } from '../../src/engine/index.js';
import { openE2ePages, type E2ePages } from './e2e-rig.js';
import { autoAnswer } from './page-call.js';

assertInsideNetns();

/** The page's RTCConfiguration, as far as these tests set it (the Node side has no DOM types). */
interface PcConfig { iceTransportPolicy: 'relay' | 'all'; iceServers: { urls: string[]; username: string; credential: string }[] }

let sb: Switchboard;
let rig: E2ePages | undefined;

test.before(async () => {
  sb = await startSwitchboard({ argv: ['--port', '0', '--udp-port', '0', '--workers', '1', '--turn-port', '0', '--dev'], env: {}, log: () => undefined });
  rig = await openE2ePages(4);
});

test.after(async () => {
  await rig?.close();
  await sb?.close();
});

function num(e: StatsEntry | undefined, f: string): number { const v = e?.[f]; return typeof v === 'number' ? v : 0; }

/** The selected pair's local candidate (type, relayProtocol) and remote port. */
function selectedPair(st: StatsEntry[]): { type: unknown; relayProtocol: unknown; url: unknown; remotePort: unknown } | undefined {
  const tr = statsOf(st, 'transport')[0];
  const pairs = statsOf(st, 'candidate-pair');
  const pair = pairs.find((p) => p.id === tr?.selectedCandidatePairId) ?? pairs.find((p) => p.nominated === true && p.state === 'succeeded');
  if (!pair) return undefined;
  const byId = (id: unknown): StatsEntry | undefined => st.find((s) => s.id === id);
  const l = byId(pair.localCandidateId), r = byId(pair.remoteCandidateId);
  return { type: l?.candidateType, relayProtocol: l?.relayProtocol, url: l?.url, remotePort: r?.port };
}

/** Every PC the page makes from now on uses this RTCConfiguration. */
async function forceConfig(page: Page, config: PcConfig): Promise<void> {
  await evalInPage(page, `(cfg) => { if (!sb.origNewPc) sb.origNewPc = sb.newPc; sb.newPc = (n, c) => sb.origNewPc(n, c || cfg); return true; }`, config);
}

async function relayedCall(transport: 'udp' | 'tcp', pubPage: Page, subPage: Page): Promise<void> {
  const turn = sb.turn!;
  const room = await sb.engine.createRoom(`turn-${transport}`);
  const sub: Participant = await room.join({ identity: `sub-${transport}` });
  const pub: Participant = await room.join({ identity: `pub-${transport}` });
  const only = (p: Participant): PcConfig => {
    const s = turn.iceServersFor(p.sid)[0]!;
    return { iceTransportPolicy: 'relay', iceServers: [{ urls: s.urls!.filter((u) => u.endsWith(`?transport=${transport}`)), username: s.username!, credential: s.credential! }] };
  };
  await forceConfig(pubPage, only(pub));
  await forceConfig(subPage, only(sub));
  const before = (await turn.stats())!;
  const auto = autoAnswer(sub, subPage, 'sub');
  const offer = await evalInPage<string>(pubPage, 'e2e.publish', 'pub', 20_000);
  assert.match(offer, / typ relay /, 'the publisher gathered a relay candidate');
  assert.not.match(offer, / typ host /, 'and nothing else');
  const answer = await pub.publisherOffer(offer);
  await evalInPage(pubPage, `async ([name, sdp]) => { await sb.pcs[name].setRemoteDescription({ type: 'answer', sdp }); await sb.waitConnected(sb.pcs[name], 20000); }`, ['pub', answer], 25_000);

  const audioIn = (s: StatsEntry[]): StatsEntry | undefined => statsOf(s, 'inbound-rtp', 'audio')[0];
  const st = await pollStats(subPage, 'sub', (x) => num(audioIn(x), 'packetsReceived') >= 100 && statNumber(x, 'inbound-rtp', 'framesDecoded', 'video') >= 30 && num(audioIn(x), 'totalAudioEnergy') > 0, { timeoutMs: 40_000 });
  const a = audioIn(st)!;
  const frames = statNumber(st, 'inbound-rtp', 'framesDecoded', 'video');
  assert.ok(num(a, 'packetsReceived') >= 100, `audio packets ${num(a, 'packetsReceived')}`);
  assert.ok(num(a, 'totalAudioEnergy') > 0.0001, `audio energy ${num(a, 'totalAudioEnergy')}`);
  assert.ok(frames >= 30, `frames decoded ${frames}`);
  assert.is(auto.errors.length, 0, String(auto.errors[0]));

  const subPair = selectedPair(st);
  const pubPair = selectedPair(await pollStats(pubPage, 'pub', (x) => selectedPair(x) !== undefined, { timeoutMs: 5000 }));
  assert.ok(subPair && pubPair, 'both PCs have a selected pair');
  const mediaPorts = sb.engine.ports.map(String);
  for (const [name, p] of [['subscriber', subPair], ['publisher', pubPair]] as const) {
    assert.is(p!.type, 'relay', `${name}: local candidate is relay`);
    assert.is(p!.relayProtocol, transport, `${name}: to the TURN server over ${transport}`);
    assert.ok(mediaPorts.includes(String(p!.remotePort)), `${name}: remote is the engine's UDP port (${p!.remotePort})`);
  }
  const after = (await turn.stats())!;
  const ps = await pub.stats();
  console.log(`[turn-${transport}] subscriber: audio packets ${num(a, 'packetsReceived')} lost ${num(a, 'packetsLost')} energy ${num(a, 'totalAudioEnergy').toFixed(4)}; video packets ${statNumber(st, 'inbound-rtp', 'packetsReceived', 'video')} frames decoded ${frames}`);
  console.log(`[turn-${transport}] selected: subscriber ${subPair!.type}/${subPair!.relayProtocol} ${subPair!.url} -> :${subPair!.remotePort}; publisher ${pubPair!.type}/${pubPair!.relayProtocol} -> :${pubPair!.remotePort}`);
  console.log(`[turn-${transport}] TURN: allocations +${after.allocationsCreated - before.allocationsCreated}, to peers +${after.packetsToPeers - before.packetsToPeers} pkts, from peers +${after.packetsFromPeers - before.packetsFromPeers} pkts, channelData in ${after.channelDataIn - before.channelDataIn}, tcp connections +${after.tcpConnections - before.tcpConnections}, auth failures ${after.authFailures}, forbidden ${after.forbiddenPeers}, dropped forbidden ${after.droppedForbidden}; engine publisher rtpIn ${ps.publisher.rtpIn}`);
  assert.ok(after.allocationsCreated - before.allocationsCreated >= 2, 'an allocation per page');
  assert.ok(after.packetsToPeers - before.packetsToPeers > 200, 'publisher media relayed to the engine');
  assert.ok(after.packetsFromPeers - before.packetsFromPeers > 200, 'engine media relayed to the subscriber');
  if (transport === 'tcp') assert.ok(after.tcpConnections - before.tcpConnections >= 2, 'the pages reached TURN over TCP');
  assert.ok(ps.publisher.rtpIn > 100);
  await sub.leave(); await pub.leave();
}

test('relay-only Chromium over TURN/UDP: publisher -> engine -> subscriber, audio and video', async () => {
  await relayedCall('udp', rig!.pages[0]!, rig!.pages[1]!);
});

test('relay-only Chromium over TURN/TCP: publisher -> engine -> subscriber, audio and video', async () => {
  await relayedCall('tcp', rig!.pages[2]!, rig!.pages[3]!);
});

test.run();
