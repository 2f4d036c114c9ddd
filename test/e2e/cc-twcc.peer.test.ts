// Issue 5 proof: TWCC both ways through the engine with real Chromium.
//  1. Baseline (SWITCHBOARD_PUBLISHER_TWCC=off: no feedback to the publisher, as before
//     this issue): a Chromium publisher's outbound video bitrate over 10 s.
//  2. With feedback: the same publisher setup; its GCC gets our TWCC feedback and its
//     video bitrate must rise well above the baseline. A Chromium subscriber receives the
//     call through the leaky-bucket pacer with our transport-wide seqs: it sends TWCC
//     feedback (we count it), our estimate for it is inside [min, max] and > 0, audio has
//     no loss and video decodes. Prints the numbers and the pacer's queue delay.
//  3. Two subscribers, one behind a loopback proxy whose downlink is capped at 250 kbit/s
//     (below the publisher's video rate): for the capped one the acknowledged bitrate
//     from its TWCC feedback matches the cap and the estimate falls below it (the loss-
//     based part keeps cutting while nothing lowers the forwarded rate: no simulcast
//     here), the uncapped one's estimate does not fall.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { assertInsideNetns } from '../peers/netns.js';
import { evalInPage, launchChromium, pageStats, pollStats, statNumber, statsOf, type ChromiumPeer, type StatsEntry } from '../peers/chromium.js';
import { startStaticServer, type StaticServer } from '../peers/http.js';
import { sleep } from '../peers/paths.js';
import { Engine, type Participant } from '../../src/engine/index.js';
import { defaultBweConfig } from '../../src/sfu/bwe/index.js';
import { INSTALL_E2E, autoAnswer } from './page-call.js';
import { UdpImpairmentProxy } from '../netem/udp-proxy.js';

assertInsideNetns();

let browser: ChromiumPeer | undefined;
let http: StaticServer | undefined;
const engines: Engine[] = [];

test.before(async () => {
  http = await startStaticServer();
  browser = await launchChromium();
});

test.after(async () => {
  await browser?.close();
  await http?.close();
  for (const e of engines) await e.close();
});

function num(e: StatsEntry | undefined, f: string): number { const v = e?.[f]; return typeof v === 'number' ? v : 0; }

interface PubSample { t: number; bytes: number; target: number; available: number }

async function pubSample(page: Page): Promise<PubSample> {
  const st = await pageStats(page, 'pub');
  const out = statsOf(st, 'outbound-rtp', 'video')[0];
  const pair = st.find((e) => e.type === 'candidate-pair' && e.nominated === true) ?? st.find((e) => e.type === 'candidate-pair' && e.state === 'succeeded');
  return { t: num(out, 'timestamp'), bytes: num(out, 'bytesSent'), target: num(out, 'targetBitrate'), available: num(pair, 'availableOutgoingBitrate') };
}

/** Publishes mic + camera from a new page; returns the page and its participant. */
async function publish(engine: Engine, roomName: string): Promise<{ page: Page; pub: Participant }> {
  const room = engine.rooms.get(roomName) ?? await engine.createRoom(roomName);
  const page = await browser!.newPage(http!.origin + '/');
  await evalInPage(page, INSTALL_E2E);
  const pub = await room.join({ identity: 'pub' });
  const offer = await evalInPage<string>(page, 'e2e.publish', 'pub', 20_000);
  const answer = await pub.publisherOffer(offer);
  await evalInPage(page, `async ([name, sdp]) => { await sb.pcs[name].setRemoteDescription({ type: 'answer', sdp }); await sb.waitConnected(sb.pcs[name], 15000); }`, ['pub', answer], 20_000);
  return { page, pub };
}

/** Publisher video bitrate samples (kbit/s per second) over `seconds`, plus the last target/available. */
async function measure(page: Page, seconds: number): Promise<{ kbps: number[]; last: PubSample }> {
  const kbps: number[] = [];
  let prev = await pubSample(page);
  for (let i = 0; i < seconds; i++) {
    await sleep(1000);
    const s = await pubSample(page);
    kbps.push(Math.round(((s.bytes - prev.bytes) * 8) / Math.max(1, s.t - prev.t)));
    prev = s;
  }
  return { kbps, last: prev };
}

const result: { baseline?: number[]; baselineLast?: PubSample; withFb?: number[]; withFbLast?: PubSample } = {};

test('baseline: without TWCC feedback the Chromium publisher stays at a low video bitrate', async () => {
  process.env.SWITCHBOARD_PUBLISHER_TWCC = 'off';
  const engine = await Engine.create({ workers: 0 });
  engines.push(engine);
  delete process.env.SWITCHBOARD_PUBLISHER_TWCC;
  const { page, pub } = await publish(engine, 'base');
  const m = await measure(page, 10);
  result.baseline = m.kbps; result.baselineLast = m.last;
  const st = await pub.stats();
  assert.is(st.cc?.publisher?.feedbacks ?? 0, 0, 'no feedback sent in the baseline');
  console.log(`[cc] baseline publisher video kbit/s per second: ${m.kbps.join(' ')}; targetBitrate ${m.last.target} availableOutgoingBitrate ${m.last.available}`);
  await evalInPage(page, '() => sb.closeAll()').catch(() => undefined);
  await engine.close();
});

test('with TWCC feedback: publisher bitrate rises; subscriber gets transport-wide seqs through the leaky-bucket pacer', async () => {
  process.env.SWITCHBOARD_PACER = 'leaky-bucket';
  const engine = await Engine.create({ workers: 0 });
  engines.push(engine);
  delete process.env.SWITCHBOARD_PACER;
  const room = await engine.createRoom('cc');
  const subPage = await browser!.newPage(http!.origin + '/');
  await evalInPage(subPage, INSTALL_E2E);
  const sub = await room.join({ identity: 'sub' });
  const offers: string[] = [];
  sub.on('subscriberOffer', (sdp) => offers.push(sdp));
  const auto = autoAnswer(sub, subPage, 'sub');
  const { page, pub } = await publish(engine, 'cc');
  const m = await measure(page, 10);
  result.withFb = m.kbps; result.withFbLast = m.last;
  const base = result.baseline ?? [];
  const baseAvg = base.length ? base.slice(-5).reduce((a, b) => a + b, 0) / 5 : 0;
  const fbAvg = m.kbps.slice(-5).reduce((a, b) => a + b, 0) / 5;
  const fbMax = Math.max(...m.kbps);
  console.log(`[cc] with feedback publisher video kbit/s per second: ${m.kbps.join(' ')}; targetBitrate ${m.last.target} availableOutgoingBitrate ${m.last.available}`);
  console.log(`[cc] publisher video, mean of the last 5 s: baseline ${baseAvg.toFixed(0)} kbit/s, with feedback ${fbAvg.toFixed(0)} kbit/s (x${(fbAvg / Math.max(1, baseAvg)).toFixed(1)})`);
  assert.ok(fbMax > 300 || fbAvg > 2 * baseAvg, `publisher video with feedback ${fbAvg.toFixed(0)} kbit/s (max ${fbMax}) vs baseline ${baseAvg.toFixed(0)}`);
  assert.ok(fbAvg > baseAvg, 'higher than the baseline');

  const ps = await pub.stats();
  assert.ok((ps.cc?.publisher?.feedbacks ?? 0) > 50, `TWCC feedbacks to the publisher: ${ps.cc?.publisher?.feedbacks}`);
  assert.ok((ps.cc?.publisher?.recorded ?? 0) > 500);

  const st = await pollStats(subPage, 'sub', (x) => num(statsOf(x, 'inbound-rtp', 'audio')[0], 'packetsReceived') >= 200 && statNumber(x, 'inbound-rtp', 'framesDecoded', 'video') > 30, { timeoutMs: 20_000 });
  const a = statsOf(st, 'inbound-rtp', 'audio')[0];
  const v = statsOf(st, 'inbound-rtp', 'video')[0];
  assert.is(num(a, 'packetsLost'), 0, 'no audio loss');
  assert.ok(num(v, 'framesDecoded') > 30, 'video decodes');
  assert.is(auto.errors.length, 0, String(auto.errors[0]));
  // Our subscriber offer: transport-cc extmap and rtcp-fb on the audio and the video m-line.
  const sections = (offers[offers.length - 1] ?? '').split(/\r?\nm=/).slice(1);
  assert.is(sections.length, 2);
  for (const m of sections) {
    assert.match(m, /a=extmap:\d+ http:\/\/www\.ietf\.org\/id\/draft-holmer-rmcat-transport-wide-cc-extensions-01/, `extmap in ${m.slice(0, 5)}`);
    assert.match(m, /a=rtcp-fb:\d+ transport-cc/, `rtcp-fb in ${m.slice(0, 5)}`);
  }
  const ss = await sub.stats();
  const cc = ss.cc?.subscriber;
  assert.ok(cc, 'subscriber congestion control exists');
  console.log(`[cc] subscriber: ${JSON.stringify(cc)}`);
  console.log(`[cc] subscriber inbound: audio packets ${num(a, 'packetsReceived')} lost ${num(a, 'packetsLost')}; video packets ${num(v, 'packetsReceived')} lost ${num(v, 'packetsLost')} frames decoded ${num(v, 'framesDecoded')} ${num(v, 'frameWidth')}x${num(v, 'frameHeight')} bytes ${num(v, 'bytesReceived')}`);
  assert.is(cc!.pacer, 'leaky-bucket');
  assert.ok(cc!.twccExtId > 0, 'subscriber negotiated transport-cc');
  assert.ok(cc!.twccFeedbacks > 20, `Chromium sent TWCC feedback: ${cc!.twccFeedbacks}`);
  assert.ok(cc!.historySent > 500, 'send history filled');
  assert.ok(cc!.estimateBps > 0 && cc!.estimateBps >= defaultBweConfig.minBitrateBps && cc!.estimateBps <= defaultBweConfig.maxBitrateBps, `estimate ${cc!.estimateBps}`);
  assert.ok(cc!.ackedBps > 0, 'acknowledged bitrate from the feedback');
  console.log(`[cc] pacer queue delay: p50 ${cc!.queueDelayP50Ms.toFixed(2)} ms, p99 ${cc!.queueDelayP99Ms.toFixed(2)} ms, max ${cc!.queueDelayMaxMs.toFixed(2)} ms; dropped ${cc!.dropped}`);
  await evalInPage(page, '() => sb.closeAll()').catch(() => undefined);
  await evalInPage(subPage, '() => sb.closeAll()').catch(() => undefined);
});

test('a 250 kbit/s downlink cap: acked bitrate ~ the cap and the estimate below it for that subscriber; the uncapped one stays higher', async () => {
  process.env.SWITCHBOARD_PACER = 'leaky-bucket';
  const engine = await Engine.create({ workers: 0 });
  engines.push(engine);
  delete process.env.SWITCHBOARD_PACER;
  const proxy = await UdpImpairmentProxy.start({ upstreamPort: engine.ports[0]!, seed: 7 });
  try {
    const room = await engine.createRoom('cap');
    const subs: { p: Participant; page: Page }[] = [];
    for (const [i, viaProxy] of [[0, true], [1, false]] as const) {
      const page = await browser!.newPage(http!.origin + '/');
      await evalInPage(page, INSTALL_E2E);
      const p = await room.join({ identity: `sub${i}` });
      p.on('subscriberOffer', (sdp) => {
        const offer = viaProxy ? sdp.replace(/ \d+ typ host/g, ` ${proxy.port} typ host`) : sdp;
        void evalInPage<string>(page, 'e2e.answer', ['sub', offer], 20_000).then((ans) => p.subscriberAnswer(ans)).catch(() => undefined);
      });
      subs.push({ p, page });
    }
    const { page } = await publish(engine, 'cap');
    await pollStats(subs[0]!.page, 'sub', (x) => statNumber(x, 'inbound-rtp', 'framesDecoded', 'video') > 10, { timeoutMs: 20_000 });
    await sleep(3000); // publisher ramps up with our feedback
    const CAP = 250_000;
    proxy.setRateLimit(CAP, 'toClient', { queueBytes: 16_000 });
    const series: string[] = [];
    let capped = 0, free = 0;
    for (let i = 0; i < 12; i++) {
      await sleep(1000);
      capped = (await subs[0]!.p.stats()).cc?.subscriber?.estimateBps ?? -1;
      free = (await subs[1]!.p.stats()).cc?.subscriber?.estimateBps ?? -1;
      series.push(`${Math.round(capped / 1000)}/${Math.round(free / 1000)}`);
    }
    const cs = (await subs[0]!.p.stats()).cc!.subscriber!;
    const ps = proxy.stats().toClient;
    console.log(`[cc] capped/uncapped estimate kbit/s per second after a ${CAP / 1000} kbit/s cap: ${series.join(' ')}`);
    console.log(`[cc] capped subscriber: ${JSON.stringify(cs)}; proxy toClient ${JSON.stringify(ps)}`);
    assert.ok(cs.twccFeedbacks > 50, 'feedback flows through the proxy');
    assert.ok(capped >= defaultBweConfig.minBitrateBps && capped < CAP, `capped estimate ${capped} below the ${CAP} cap`);
    assert.ok(cs.ackedBps > CAP * 0.5 && cs.ackedBps < CAP * 1.2, `acknowledged bitrate ${cs.ackedBps} ~ the cap`);
    assert.ok(free > capped * 1.5, `uncapped estimate ${free} stays well above the capped ${capped}`);
    await evalInPage(page, '() => sb.closeAll()').catch(() => undefined);
    for (const x of subs) await evalInPage(x.page, '() => sb.closeAll()').catch(() => undefined);
  } finally {
    await proxy.close();
  }
});

test.run();
