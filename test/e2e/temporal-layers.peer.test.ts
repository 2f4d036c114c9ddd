// Issue 13 (VP8 temporal layers) proof with real Chromium: a page publishes one VP8 camera
// stream with scalabilityMode L1T3 (no simulcast) at 30 fps; two subscribers. Subscriber
// B is stepped down to the base temporal layer (setSubscriptionPreferences maxTemporal 0)
// and back up, while A keeps everything. Measured from the receiving side: B's decoded
// frame rate drops to about a quarter and returns; B keeps decoding the whole time (no
// freeze over 1 s), sees no loss, and decodes no extra key frame: temporal switches need
// none (the publisher gets no PLI for them). A's frame rate does not move.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { assertInsideNetns } from '../peers/netns.js';
import { evalInPage, pageStats, statsOf, type StatsEntry } from '../peers/chromium.js';
import { sleep } from '../peers/paths.js';
import { Engine, type Participant, type Room } from '../../src/engine/index.js';
import { autoAnswer } from './page-call.js';
import { openE2ePages, type E2ePages } from './e2e-rig.js';

assertInsideNetns();

let engine: Engine;
let rig: E2ePages | undefined;
let room: Room;

test.before(async () => {
  engine = await Engine.create({ workers: 0 });
  rig = await openE2ePages(3);
  room = await engine.createRoom('temporal');
});

test.after(async () => {
  await rig?.close();
  await engine?.close();
});

const PUBLISH_L1T3 = `async (name) => {
  const pc = sb.newPc(name);
  const s = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360, frameRate: 30 } });
  for (const t of s.getTracks()) sb.tracks.push(t);
  pc.addTransceiver(s.getVideoTracks()[0], { direction: 'sendonly', streams: [s], sendEncodings: [{ scalabilityMode: 'L1T3' }] });
  await pc.setLocalDescription(await pc.createOffer());
  await sb.waitGathering(pc);
  return pc.localDescription.sdp;
}`;

function num(e: StatsEntry | undefined, f: string): number { const v = e?.[f]; return typeof v === 'number' ? v : 0; }

interface Sample { t: number; decoded: number; keys: number; lost: number; freezes: number }
async function sample(page: Page): Promise<Sample> {
  const v = statsOf(await pageStats(page, 'sub'), 'inbound-rtp', 'video')[0];
  return { t: Date.now(), decoded: num(v, 'framesDecoded'), keys: num(v, 'keyFramesDecoded'), lost: num(v, 'packetsLost'), freezes: num(v, 'freezeCount') };
}

/** Frames decoded per second between two samples. */
const fps = (a: Sample, b: Sample): number => ((b.decoded - a.decoded) * 1000) / (b.t - a.t);

/** Samples both pages every 250 ms for `ms`; returns the series. */
async function watch(pages: Page[], ms: number): Promise<Sample[][]> {
  const out: Sample[][] = pages.map(() => []);
  const end = Date.now() + ms;
  for (let i = 0; i < 400 && Date.now() < end; i++) {
    const s = await Promise.all(pages.map(sample));
    s.forEach((x, k) => out[k]!.push(x));
    await sleep(250);
  }
  return out;
}

function longestStall(s: Sample[]): number {
  let worst = 0, since = s[0]?.t ?? 0;
  for (let i = 1; i < s.length; i++) {
    if (s[i]!.decoded > s[i - 1]!.decoded) since = s[i]!.t;
    else worst = Math.max(worst, s[i]!.t - since);
  }
  return worst;
}

test('a subscriber stepped to the base temporal layer and back: a quarter of the frame rate, no freeze, no key frame', async () => {
  const pages = rig!.pages as [Page, Page, Page];
  const subs: Participant[] = [];
  for (let i = 1; i <= 2; i++) {
    const p = await room.join({ identity: `sub${i}` });
    autoAnswer(p, pages[i]!, 'sub');
    subs.push(p);
  }
  const pub = await room.join({ identity: 'pub' });
  const offer = await evalInPage<string>(pages[0], PUBLISH_L1T3, 'pub', 20_000);
  const answer = await pub.publisherOffer(offer);
  await evalInPage(pages[0], `async ([name, sdp]) => { await sb.pcs[name].setRemoteDescription({ type: 'answer', sdp }); await sb.waitConnected(sb.pcs[name], 15000); }`, ['pub', answer], 20_000);
  const video = [...pub.tracks.values()].find((t) => t.kind === 'video');
  assert.ok(video, 'video published');
  let out: StatsEntry | undefined;
  for (let i = 0; i < 40 && out?.scalabilityMode === undefined; i++) { await sleep(250); out = statsOf(await pageStats(pages[0], 'pub'), 'outbound-rtp', 'video')[0]; }
  assert.is(out?.scalabilityMode, 'L1T3', `Chromium sends L1T3: ${JSON.stringify(out)}`);

  // Both decoding at the full rate first.
  const subPages = [pages[1], pages[2]];
  let warm = await watch(subPages, 4000);
  for (let i = 0; i < 5 && !warm.every((s) => s[s.length - 1]!.decoded > 30); i++) warm = await watch(subPages, 2000);
  const full = warm.map((s) => fps(s[Math.floor(s.length / 2)]!, s[s.length - 1]!));
  console.log('[temporal] full rate (A, B):', full.map((x) => x.toFixed(1)).join(', '));
  assert.ok(full.every((x) => x > 8), `both decode before the step: ${full}`);
  const plisBefore = (await pub.stats()).tracks.find((t) => t.sid === video.sid)!.keyframeRequests;

  // B to the base layer.
  await subs[1]!.setSubscriptionPreferences(video.sid, { maxTemporal: 0 });
  await sleep(1000);
  const low = await watch(subPages, 5000);
  const dtB = (await subs[1]!.stats()).downTracks.find((d) => d.trackSid === video.sid)!;
  console.log('[temporal] B downtrack temporal', JSON.stringify(dtB.temporal));
  assert.is(dtB.temporal?.current, 0);
  assert.ok((dtB.temporal?.dropped ?? 0) > 0, 'pictures above TL0 dropped');
  const lowFps = low.map((s) => fps(s[0]!, s[s.length - 1]!));
  console.log('[temporal] base layer for B (A, B):', lowFps.map((x) => x.toFixed(1)).join(', '));
  assert.ok(lowFps[1]! < full[1]! * 0.5 && lowFps[1]! > 0.5, `B decodes at about a quarter: ${lowFps[1]} vs ${full[1]}`);
  assert.ok(lowFps[0]! > full[0]! * 0.6, `A keeps its rate: ${lowFps[0]} vs ${full[0]}`);
  assert.ok(longestStall(low[1]!) <= 1000, `B never freezes over 1 s on the base layer (${longestStall(low[1]!)} ms)`);

  // Back up.
  await subs[1]!.setSubscriptionPreferences(video.sid, { maxTemporal: 3 });
  const up = await watch(subPages, 5000);
  const upFps = fps(up[1]![Math.floor(up[1]!.length / 2)]!, up[1]![up[1]!.length - 1]!);
  console.log('[temporal] back up for B:', upFps.toFixed(1));
  assert.ok(upFps > lowFps[1]! * 1.5, `B's rate comes back: ${upFps} vs ${lowFps[1]}`);
  assert.ok(longestStall(up[1]!) <= 1000, `no freeze while stepping up (${longestStall(up[1]!)} ms)`);

  const first = warm[1]![warm[1]!.length - 1]!, last = up[1]![up[1]!.length - 1]!;
  assert.is(last.lost - first.lost, 0, 'B sees no sequence gaps (dropped packets are hidden)');
  assert.is(last.keys, first.keys, `no extra key frame decoded by B (${first.keys} -> ${last.keys})`);
  const plisAfter = (await pub.stats()).tracks.find((t) => t.sid === video.sid)!.keyframeRequests;
  assert.is(plisAfter, plisBefore, 'no key frame asked of the publisher for the temporal switches');
  const st = (await subs[1]!.stats()).downTracks.find((d) => d.trackSid === video.sid)!.temporal!;
  assert.equal([st.switchesDown, st.switchesUp], [1, 1]);
});

test.run();
