// Issue 12 item 1 proof: with UDP to the server's port dropped by an nftables rule in
// this test's own network namespace, Chromium still joins over ICE-TCP (our RFC 6544
// passive candidate, RFC 4571 framing) and a Chromium subscriber decodes the audio and
// video a Chromium publisher sends. Asserted from the receiving side (packets, energy,
// frames decoded) and from getStats' nominated candidate pair: both candidates 'tcp'.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { assertInsideNetns } from '../peers/netns.js';
import { evalInPage, launchChromium, pollStats, statNumber, statsOf, type ChromiumPeer, type StatsEntry } from '../peers/chromium.js';
import { startStaticServer, type StaticServer } from '../peers/http.js';
import { Engine, type Participant, type Room } from '../../src/engine/index.js';
import { INSTALL_E2E, autoAnswer } from './page-call.js';

assertInsideNetns();

const NFT = '/usr/sbin/nft';
let engine: Engine;
let browser: ChromiumPeer | undefined;
let http: StaticServer | undefined;
let room: Room;
const pages: Page[] = [];

function nft(...args: string[]): string {
  return execFileSync(NFT, args, { encoding: 'utf8', timeout: 5000 });
}

test.before(async () => {
  engine = await Engine.create({ workers: 0 });
  // The rule lives only in this namespace (it vanishes with it); drop UDP both ways on
  // the server's port so nothing of ICE over UDP can succeed.
  const p = String(engine.ports[0]);
  nft('add', 'table', 'inet', 'sbtest');
  nft('add', 'chain', 'inet', 'sbtest', 'out', '{ type filter hook output priority 0 ; policy accept ; }');
  nft('add', 'rule', 'inet', 'sbtest', 'out', 'udp', 'dport', p, 'counter', 'drop');
  nft('add', 'rule', 'inet', 'sbtest', 'out', 'udp', 'sport', p, 'counter', 'drop');
  http = await startStaticServer();
  browser = await launchChromium();
  for (let i = 0; i < 2; i++) {
    const page = await browser.newPage(http.origin + '/');
    await evalInPage(page, INSTALL_E2E);
    pages.push(page);
  }
  room = await engine.createRoom('tcp-call');
});

test.after(async () => {
  for (const page of pages) await evalInPage(page, '() => sb.closeAll()').catch(() => undefined);
  await browser?.close();
  await http?.close();
  await engine?.close();
  try { nft('delete', 'table', 'inet', 'sbtest'); } catch { /* namespace goes away anyway */ }
});

function num(e: StatsEntry | undefined, f: string): number { const v = e?.[f]; return typeof v === 'number' ? v : 0; }

/** The nominated, succeeded candidate pair and its two candidates' protocols. */
function selectedPair(st: StatsEntry[]): { local: unknown; remote: unknown; localType: unknown; remotePort: unknown; bytesReceived: number } | undefined {
  const tr = statsOf(st, 'transport')[0];
  const pairs = statsOf(st, 'candidate-pair');
  const pair = pairs.find((p) => p.id === tr?.selectedCandidatePairId) ?? pairs.find((p) => p.nominated === true && p.state === 'succeeded');
  if (!pair) return undefined;
  const byId = (id: unknown): StatsEntry | undefined => st.find((s) => s.id === id);
  const l = byId(pair.localCandidateId), r = byId(pair.remoteCandidateId);
  return { local: l?.protocol, remote: r?.protocol, localType: l?.tcpType, remotePort: r?.port, bytesReceived: num(pair, 'bytesReceived') };
}

test('UDP dropped: a Chromium publisher and subscriber connect over ICE-TCP; the subscriber decodes audio and video', async () => {
  const sub: Participant = await room.join({ identity: 'sub' });
  const auto = autoAnswer(sub, pages[1]!, 'sub');
  const pub: Participant = await room.join({ identity: 'pub' });
  const offer = await evalInPage<string>(pages[0]!, 'e2e.publish', 'pub', 20_000);
  const answer = await pub.publisherOffer(offer);
  const tcpLine = /a=candidate:\S+ 1 tcp (\d+) 127\.0\.0\.1 (\d+) typ host tcptype passive/.exec(answer);
  assert.ok(tcpLine, 'our answer carries a passive TCP host candidate');
  await evalInPage(pages[0]!, `async ([name, sdp]) => { await sb.pcs[name].setRemoteDescription({ type: 'answer', sdp }); await sb.waitConnected(sb.pcs[name], 20000); }`, ['pub', answer], 25_000);

  const audioIn = (s: StatsEntry[]): StatsEntry | undefined => statsOf(s, 'inbound-rtp', 'audio')[0];
  const st = await pollStats(pages[1]!, 'sub', (x) => num(audioIn(x), 'packetsReceived') >= 100 && statNumber(x, 'inbound-rtp', 'framesDecoded', 'video') >= 30 && num(audioIn(x), 'totalAudioEnergy') > 0, { timeoutMs: 40_000 });
  const a = audioIn(st)!;
  const frames = statNumber(st, 'inbound-rtp', 'framesDecoded', 'video');
  const vPackets = statNumber(st, 'inbound-rtp', 'packetsReceived', 'video');
  assert.ok(num(a, 'totalAudioEnergy') > 0.0001, `audio energy ${num(a, 'totalAudioEnergy')}`);
  assert.is(statsOf(st, 'transport')[0]!.dtlsState, 'connected');
  assert.is(auto.errors.length, 0, String(auto.errors[0]));

  const subPair = selectedPair(st);
  const pubPair = selectedPair(await pollStats(pages[0]!, 'pub', (x) => selectedPair(x) !== undefined, { timeoutMs: 5000 }));
  assert.ok(subPair && pubPair, 'both PCs have a selected pair');
  for (const [name, p] of [['subscriber', subPair], ['publisher', pubPair]] as const) {
    assert.is(p!.local, 'tcp', `${name} local candidate protocol`);
    assert.is(p!.remote, 'tcp', `${name} remote candidate protocol`);
    assert.is(String(p!.remotePort), tcpLine![2], `${name} remote candidate is our TCP port`);
  }
  const counters = nft('list', 'table', 'inet', 'sbtest');
  const dropped = [...counters.matchAll(/packets (\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
  const ps = await pub.stats();
  console.log(`[ice-tcp] subscriber: audio packets ${num(a, 'packetsReceived')} lost ${num(a, 'packetsLost')} energy ${num(a, 'totalAudioEnergy').toFixed(4)}; video packets ${vPackets} frames decoded ${frames}`);
  console.log(`[ice-tcp] selected pairs: subscriber local ${subPair!.local}/${subPair!.localType} remote ${subPair!.remote}:${subPair!.remotePort} (${subPair!.bytesReceived} B in); publisher local ${pubPair!.local}/${pubPair!.localType} remote ${pubPair!.remote}:${pubPair!.remotePort}`);
  console.log(`[ice-tcp] UDP datagrams dropped by the nft rule: ${dropped}; server publisher rtpIn ${ps.publisher.rtpIn} srtpInDropped ${ps.publisher.srtpInDropped}; subscriber rtpOut ${(await sub.stats()).subscriber.rtpOut}`);
  assert.ok(dropped > 0, 'Chromium did try UDP, and the rule dropped it');
  assert.ok(ps.publisher.rtpIn > 100);
});

test.run();
