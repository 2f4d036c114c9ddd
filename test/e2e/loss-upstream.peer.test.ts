// Upstream loss repair with real peers: the PUBLISHER's leg runs through the loopback UDP
// impairment proxy (10 % seeded random loss toward the engine; JoinOptions.publisherCandidate
// makes our answer announce the proxy's port). The engine's NackGenerator NACKs the lost
// video packets, Chromium answers with RTX, the Receiver unwraps it and forwards each
// recovered packet once in its own sequence slot, so a direct Chromium subscriber sees
// (almost) no video loss. Opus: Chromium's publisher offer has no `nack` for Opus, so
// the engine does not NACK audio upstream (measured and printed, not repaired).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { assertInsideNetns } from '../peers/netns.js';
import { evalInPage, pageStats, pollStats, statNumber } from '../peers/chromium.js';
import { sleep } from '../peers/paths.js';
import { UdpImpairmentProxy } from '../netem/udp-proxy.js';
import { Engine, type Participant, type Room } from '../../src/engine/index.js';
import { autoAnswer } from './page-call.js';
import { openE2ePages, type E2ePages } from './e2e-rig.js';

assertInsideNetns();

let engine: Engine;
let rig: E2ePages | undefined;
let proxy: UdpImpairmentProxy | undefined;
let room: Room;
const pages: Page[] = [];

test.before(async () => {
  engine = await Engine.create({ workers: 0 });
  rig = await openE2ePages(2);
  pages.push(...rig.pages);
  room = await engine.createRoom('loss-up');
});

test.after(async () => {
  await rig?.close();
  await proxy?.close();
  await engine?.close();
});

test('10 % loss on the publisher leg: NACK upstream, RTX in, the subscriber gets the video stream repaired', async () => {
  const [pubPage, subPage] = pages as [Page, Page];
  proxy = await UdpImpairmentProxy.start({ upstreamPort: engine.ports[0]!, seed: 42 });
  const sub: Participant = await room.join({ identity: 'sub' });
  const auto = autoAnswer(sub, subPage, 'sub');
  const pub = await room.join({ identity: 'pub', autoSubscribe: false, publisherCandidate: { address: '127.0.0.1', port: proxy.port } });
  const offer = await evalInPage<string>(pubPage, 'e2e.publish', 'pub', 20_000);
  const answer = await pub.publisherOffer(offer);
  assert.match(answer, new RegExp(`a=candidate:.* 127\\.0\\.0\\.1 ${proxy.port} typ host`), 'our answer announces the proxy');
  await evalInPage(pubPage, `async ([name, sdp]) => { await sb.pcs[name].setRemoteDescription({ type: 'answer', sdp }); await sb.waitConnected(sb.pcs[name], 15000); }`, ['pub', answer], 20_000);
  await pollStats(subPage, 'sub', (st) => statNumber(st, 'inbound-rtp', 'framesDecoded', 'video') > 10 && statNumber(st, 'inbound-rtp', 'packetsReceived', 'audio') > 50, { timeoutMs: 25_000 });
  assert.is(auto.errors.length, 0, String(auto.errors[0]));
  proxy.setLoss(10, 'toUpstream');
  await sleep(1500);
  const s0 = await pageStats(subPage, 'sub'), p0 = await pageStats(pubPage, 'pub'), e0 = await pub.stats(), x0 = proxy.stats().toUpstream;
  let last = statNumber(s0, 'inbound-rtp', 'framesDecoded', 'video'), lastChange = performance.now(), maxStall = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 12_000) {
    await sleep(250);
    const f = statNumber(await pageStats(subPage, 'sub'), 'inbound-rtp', 'framesDecoded', 'video');
    if (f > last) { last = f; lastChange = performance.now(); } else maxStall = Math.max(maxStall, performance.now() - lastChange);
  }
  const s1 = await pageStats(subPage, 'sub'), p1 = await pageStats(pubPage, 'pub'), e1 = await pub.stats(), x1 = proxy.stats().toUpstream;
  const d = (a: typeof s0, b: typeof s0, type: string, f: string, k: 'audio' | 'video'): number => statNumber(b, type, f, k) - statNumber(a, type, f, k);
  const raw = (100 * (x1.droppedLoss - x0.droppedLoss)) / Math.max(1, x1.offered - x0.offered);
  const vRecv = d(s0, s1, 'inbound-rtp', 'packetsReceived', 'video'), vLost = d(s0, s1, 'inbound-rtp', 'packetsLost', 'video');
  const aRecv = d(s0, s1, 'inbound-rtp', 'packetsReceived', 'audio'), aLost = d(s0, s1, 'inbound-rtp', 'packetsLost', 'audio');
  const tv0 = e0.tracks.find((t) => t.kind === 'video')!, tv1 = e1.tracks.find((t) => t.kind === 'video')!;
  const ta1 = e1.tracks.find((t) => t.kind === 'audio')!;
  const pubNacks = d(p0, p1, 'outbound-rtp', 'nackCount', 'video'), pubRtx = d(p0, p1, 'outbound-rtp', 'retransmittedPacketsSent', 'video');
  const frames = d(s0, s1, 'inbound-rtp', 'framesDecoded', 'video');
  console.log(`[loss-upstream] raw loss on the publisher leg ${raw.toFixed(1)} %; engine NACKed ${tv1.nackedSeqs - tv0.nackedSeqs} video seqs, recovered ${tv1.rtxReceived - tv0.rtxReceived} from RTX (duplicates ${tv1.duplicates - tv0.duplicates}), keyframe requests ${tv1.keyframeRequests - tv0.keyframeRequests}; publisher Chromium: NACKs received ${pubNacks}, RTX sent ${pubRtx}; subscriber video: ${vRecv} received, ${vLost} lost (${((100 * vLost) / Math.max(1, vRecv + vLost)).toFixed(2)} %), ${frames} frames, longest stall ${Math.round(maxStall)} ms; audio (no upstream NACK for Opus): ${aRecv} received, ${aLost} lost (${((100 * aLost) / Math.max(1, aRecv + aLost)).toFixed(2)} %), engine audio NACKs ${ta1.nackedSeqs}`);
  assert.ok(raw > 7 && raw < 13, `the proxy dropped ${raw.toFixed(1)} %`);
  assert.ok(tv1.nackedSeqs - tv0.nackedSeqs > 0, 'the engine NACKed lost video');
  assert.ok(pubNacks > 0 && pubRtx > 0, 'Chromium got our NACKs and answered with RTX');
  assert.ok(tv1.rtxReceived - tv0.rtxReceived > 0, 'RTX unwrapped and fed in');
  assert.ok(vLost <= 0.02 * (vRecv + vLost), `subscriber video loss after upstream repair ${vLost} of ${vRecv + vLost}`);
  assert.ok(frames > 0 && maxStall <= 1000, `video decodes (stall ${Math.round(maxStall)} ms)`);
  assert.is(ta1.nackedSeqs, 0, 'no NACKs for Opus: the publisher did not negotiate them');
});

test.run();
