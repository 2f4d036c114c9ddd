// Issue 12 item 3 proof: ICE restart mid-call with real Chromium through the engine.
// Page 0 publishes mic + camera, page 1 subscribes. (1) The publisher page calls
// pc.restartIce(): its new offer (new ice-ufrag/pwd) is answered by the engine with new
// credentials; (2) the engine restarts the subscriber (restartSubscriberIce, what a LiveKit
// resume does): its next offer has new credentials and Chromium answers with its own new
// ones. For each, the subscriber page samples inbound audio every 100 ms and the longest
// stretch without a new packet is the gap; DTLS must not renegotiate: Chromium's transport
// stays dtlsState 'connected' with the same DTLS cipher while its selected candidate pair
// changes (a new local port), and our side counts one DTLS handshake per transport.
// E2E_WORKERS=<n> runs the engine with n media worker threads (default 0: in-process).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { assertInsideNetns } from '../peers/netns.js';
import { evalInPage, pageStats, pollStats, statsOf, type StatsEntry } from '../peers/chromium.js';
import { sleep } from '../peers/paths.js';
import { Engine, type Participant, type Room } from '../../src/engine/index.js';
import { autoAnswer } from './page-call.js';
import { openE2ePages, type E2ePages } from './e2e-rig.js';

assertInsideNetns();

/** Longest audio gap allowed across a restart, ms (the brief: < 1 s). */
const MAX_GAP_MS = 1000;

let engine: Engine;
let rig: E2ePages | undefined;
let room: Room;
let pubPage: Page, subPage: Page;
let pub: Participant, sub: Participant;
let auto: ReturnType<typeof autoAnswer>;

test.before(async () => {
  engine = await Engine.create({ workers: Number(process.env.E2E_WORKERS ?? 0) });
  rig = await openE2ePages(2);
  [pubPage, subPage] = rig.pages as [Page, Page];
  room = await engine.createRoom('restart');
});

test.after(async () => {
  await rig?.close();
  await engine?.close();
});

const num = (e: StatsEntry | undefined, f: string): number => { const v = e?.[f]; return typeof v === 'number' ? v : 0; };

/** The transport's DTLS state and the selected pair's local/remote candidates, from a page's getStats. */
function pathOf(s: StatsEntry[]): { dtls: unknown; cipher: unknown; changes: number; ufrag: unknown; local: string; remote: string } {
  const tr = statsOf(s, 'transport')[0]!;
  const pair = s.find((x) => x.id === tr.selectedCandidatePairId);
  const lc = s.find((x) => x.id === pair?.localCandidateId);
  const rc = s.find((x) => x.id === pair?.remoteCandidateId);
  return {
    dtls: tr.dtlsState, cipher: tr.srtpCipher, changes: num(tr, 'selectedCandidatePairChanges'), ufrag: tr.iceLocalUsernameFragment,
    local: `${lc?.address ?? lc?.ip}:${lc?.port}`, remote: `${rc?.address ?? rc?.ip}:${rc?.port}`,
  };
}

/** Page code: sample the subscriber's inbound audio every 100 ms into e2e.samples (start/stop). */
const SAMPLER = `(on) => {
  clearInterval(e2e.sampler);
  if (!on) return e2e.samples;
  e2e.samples = [];
  e2e.sampler = setInterval(async () => {
    const st = await sb.pcs.sub.getStats();
    let a;
    st.forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'audio') a = r; });
    if (a) e2e.samples.push([performance.now(), a.packetsReceived, a.totalSamplesReceived, a.concealedSamples, a.packetsLost]);
  }, 100);
  return [];
}`;

/** The longest time between two samples that saw a new audio packet (ms), and the counts. */
type Sample = [t: number, packets: number, samples: number, concealed: number, lost: number];
function audioGap(samples: Sample[]): { gapMs: number; packets: number; samples: number; concealed: number; lost: number } {
  let lastT = samples[0]![0], lastP = samples[0]![1], gap = 0;
  for (const [t, p] of samples) {
    if (p > lastP) { gap = Math.max(gap, t - lastT); lastT = t; lastP = p; }
  }
  gap = Math.max(gap, samples.at(-1)![0] - lastT);
  const f = samples[0]!, l = samples.at(-1)!;
  return { gapMs: Math.round(gap), packets: l[1] - f[1], samples: l[2] - f[2], concealed: l[3] - f[3], lost: l[4] - f[4] };
}

/** Page code: restart ICE on a publisher pc and return the complete new offer (non-trickle). */
const RESTART_OFFER = `async (name) => {
  const pc = sb.pcs[name];
  pc.restartIce();
  await pc.setLocalDescription(await pc.createOffer({ iceRestart: true }));
  const end = performance.now() + 8000;
  while (!(pc.iceGatheringState === 'complete' && pc.localDescription.sdp.includes('a=candidate'))) {
    if (performance.now() > end) throw new Error('gathering after restart: ' + pc.iceGatheringState);
    await new Promise((r) => setTimeout(r, 20));
  }
  return pc.localDescription.sdp;
}`;

const ufragOf = (sdp: string): string => /a=ice-ufrag:(\S+)/.exec(sdp)![1]!;
const fingerprintOf = (sdp: string): string => /a=fingerprint:(.+)/.exec(sdp)![1]!.trim();

test('call up: Chromium publisher -> engine -> Chromium subscriber', async () => {
  sub = await room.join({ identity: 'sub' });
  auto = autoAnswer(sub, subPage, 'sub');
  pub = await room.join({ identity: 'pub' });
  const offer = await evalInPage<string>(pubPage, 'e2e.publish', 'pub', 20_000);
  const answer = await pub.publisherOffer(offer);
  await evalInPage(pubPage, `async ([name, sdp]) => { await sb.pcs[name].setRemoteDescription({ type: 'answer', sdp }); await sb.waitConnected(sb.pcs[name], 15000); }`, ['pub', answer], 20_000);
  const st = await pollStats(subPage, 'sub', (s) => num(statsOf(s, 'inbound-rtp', 'audio')[0], 'packetsReceived') >= 100, { timeoutMs: 25_000 });
  assert.is(statsOf(st, 'transport')[0]!.dtlsState, 'connected');
  assert.is(auto.errors.length, 0, String(auto.errors[0]));
});

test('publisher pc.restartIce(): engine answers with new credentials, same fingerprint; audio gap < 1 s; no DTLS renegotiation', async () => {
  const before = pathOf(await pageStats(pubPage, 'pub'));
  const server0 = (await pub.stats()).ice!.publisher!;
  const firstAnswer = await evalInPage<string>(pubPage, `() => sb.pcs.pub.currentRemoteDescription.sdp`);
  await evalInPage(subPage, SAMPLER, true);
  await sleep(1000);

  const offer = await evalInPage<string>(pubPage, RESTART_OFFER, 'pub', 15_000);
  assert.is.not(ufragOf(offer), before.ufrag, 'the restart offer has a new ice-ufrag');
  const answer = await pub.publisherOffer(offer);
  assert.is.not(ufragOf(answer), ufragOf(firstAnswer), 'the engine answered with a new ice-ufrag');
  assert.is(fingerprintOf(answer), fingerprintOf(firstAnswer), 'same DTLS fingerprint');
  assert.match(answer, /a=setup:passive/);
  const tApplied = Date.now();
  await evalInPage(pubPage, `async ([name, sdp]) => { await sb.pcs[name].setRemoteDescription({ type: 'answer', sdp }); }`, ['pub', answer]);

  // Chromium moves to a pair of the new generation.
  const st = await pollStats(pubPage, 'pub', (s) => { const p = pathOf(s); return p.changes > before.changes && p.ufrag !== before.ufrag; }, { timeoutMs: 10_000 });
  const after = pathOf(st);
  const switchedMs = Date.now() - tApplied;
  await sleep(2000);
  const samples = await evalInPage<Sample[]>(subPage, SAMPLER, false);
  const gap = audioGap(samples);
  const server1 = (await pub.stats()).ice!.publisher!;
  console.log(`[ice-restart] publisher: pair changes ${before.changes} -> ${after.changes}, local ${before.local} -> ${after.local}, remote ${before.remote} -> ${after.remote}, dtls ${before.dtls} -> ${after.dtls} (${after.cipher}); switch seen ${switchedMs} ms after the answer`);
  console.log(`[ice-restart] server publisher transport: restarts ${server0.restarts} -> ${server1.restarts}, selected ${server0.selected} -> ${server1.selected}, pair changes ${server0.selectedPairChanges} -> ${server1.selectedPairChanges}, DTLS handshakes ${server1.dtlsConnects}`);
  console.log(`[ice-restart] subscriber audio across the publisher restart: longest gap ${gap.gapMs} ms over ${samples.length} samples; packets +${gap.packets} lost +${gap.lost}, samples +${gap.samples}, concealed +${gap.concealed} (100 ms sampling: ~100 ms = no gap seen)`);

  assert.is(after.dtls, 'connected', 'DTLS stayed connected');
  assert.is(after.cipher, before.cipher);
  assert.ok(after.changes > before.changes, 'selected candidate pair changed');
  assert.is(server1.restarts, server0.restarts + 1, 'one ICE restart on our side');
  assert.is(server1.dtlsConnects, 1, 'no second DTLS handshake on our side');
  assert.ok(server1.selectedPairChanges > server0.selectedPairChanges, 'our selected pair switched');
  assert.ok(gap.packets > 100, `audio kept flowing (+${gap.packets} packets)`);
  assert.ok(gap.gapMs < MAX_GAP_MS, `audio gap ${gap.gapMs} ms`);
  assert.is(auto.errors.length, 0, String(auto.errors[0]));
});

test('subscriber ICE restart (engine-initiated, as on a LiveKit resume): new credentials both ways, gap < 1 s, same DTLS', async () => {
  const before = pathOf(await pageStats(subPage, 'sub'));
  const server0 = (await sub.stats()).ice!.subscriber!;
  await evalInPage(subPage, SAMPLER, true);
  await sleep(1000);
  const answers = auto.answers();
  const offerSeen = sub.wait('subscriberOffer', 5000);
  assert.is(await sub.restartSubscriberIce(), true);
  const [offer] = await offerSeen;
  assert.match(offer, /a=setup:actpass/);
  const st = await pollStats(subPage, 'sub', (s) => { const p = pathOf(s); return auto.answers() > answers && p.changes > before.changes && p.ufrag !== before.ufrag; }, { timeoutMs: 10_000 });
  const after = pathOf(st);
  await sleep(2000);
  const samples = await evalInPage<Sample[]>(subPage, SAMPLER, false);
  const gap = audioGap(samples);
  const server1 = (await sub.stats()).ice!.subscriber!;
  console.log(`[ice-restart] subscriber: pair changes ${before.changes} -> ${after.changes}, local ${before.local} -> ${after.local}, dtls ${before.dtls} -> ${after.dtls}; server selected ${server0.selected} -> ${server1.selected}, restarts ${server1.restarts}, DTLS handshakes ${server1.dtlsConnects}`);
  console.log(`[ice-restart] subscriber audio across its own restart: longest gap ${gap.gapMs} ms over ${samples.length} samples; packets +${gap.packets} lost +${gap.lost}, concealed +${gap.concealed}`);
  assert.is(after.dtls, 'connected');
  assert.ok(after.changes > before.changes);
  assert.is(server1.restarts, server0.restarts + 1);
  assert.is(server1.dtlsConnects, 1);
  assert.ok(gap.packets > 100, `audio kept flowing (+${gap.packets} packets)`);
  assert.ok(gap.gapMs < MAX_GAP_MS, `audio gap ${gap.gapMs} ms`);
  assert.is(auto.errors.length, 0, String(auto.errors[0]));
});

test.run();
