// Issue 4 proof through `npm start`'s server (startSwitchboard, the function the command
// runs: Engine in worker threads + the LiveKit-protocol shim + the demo page in public/).
// Headless Chromium opens the demo page three times in one room: a publisher (fake 16 kHz
// speech mic + fake camera) and two subscribe-only pages. Each subscriber's getStats must
// show audio without sequence gaps and with energy, decoded video and a connected DTLS
// transport; the publisher's mute/unmute reaches the subscribers in participant updates;
// when it leaves, their remote tracks end and it leaves their participant list. A bad
// token is refused with HTTP 401 and a reason, which the page shows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { assertInsideNetns } from '../peers/netns.js';
import { evalInPage, launchChromium, statsOf, type ChromiumPeer, type StatsEntry } from '../peers/chromium.js';
import { sleep } from '../peers/paths.js';
import { startSwitchboard, type Switchboard } from '../../src/server/index.js';
import { createToken } from '../../src/signal/index.js';

assertInsideNetns();

let sb: Switchboard;
let browser: ChromiumPeer | undefined;
const logs: string[] = [];
let pub: Page;
const subs: Page[] = [];

const pageUrl = (q: string) => `${sb.httpUrl}/?${q}`;

test.before(async () => {
  sb = await startSwitchboard({ argv: ['--port', '0', '--udp-port', '0'], env: {}, log: (l) => logs.push(l) });
  browser = await launchChromium({ logConsole: !!process.env.E2E_CONSOLE });
});

test.after(async () => {
  await browser?.close();
  await sb?.close();
});

type Participants = { sid: string; identity: string; tracks: { sid: string; kind: string; muted: boolean }[] }[];
const participants = (p: Page) => evalInPage<Participants>(p, '() => switchboard.participants');
const stats = (p: Page) => evalInPage<(StatsEntry & { pc: string })[]>(p, '() => switchboard.getStats()');
/** The inbound stream of `kind` from the participant `from` (default: the publisher page). */
const inbound = (s: StatsEntry[], kind: 'audio' | 'video', from = 'pub') => statsOf(s, 'inbound-rtp', kind).find((e) => e.from === from);
const num = (e: StatsEntry | undefined, f: string): number => { const v = e?.[f]; return typeof v === 'number' ? v : 0; };

/** Polls `read` until `ok(value)`; bounded in count and time. */
async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let v = await read();
  for (let i = 0; i < 1000 && !ok(v) && Date.now() < deadline; i++) { await sleep(250); v = await read(); }
  if (!ok(v)) throw new Error(`${what}: still not true after ${timeoutMs} ms; last: ${JSON.stringify(v).slice(0, 1500)}`);
  return v;
}

test('npm start prints the dev key, the token endpoint and the demo URL', () => {
  const text = logs.join('\n');
  assert.match(text, /DEV MODE — API key devkey, secret secret/);
  assert.match(text, new RegExp(`Open ${sb.httpUrl.replace(/\./g, '\\.')}/\\?room=demo`));
  assert.match(text, /curl '.*\/token\?room=demo&identity=alice'/);
  assert.is(sb.engine.workerCount, sb.engineSettings.workers, 'media in worker threads');
});

test('the demo page serves its protobuf runtime and the .proto schema', async () => {
  const js = await fetch(`${sb.httpUrl}/lib/protobuf.min.js`);
  assert.is(js.status, 200);
  assert.match(await js.text(), /protobuf/);
  assert.match(await (await fetch(`${sb.httpUrl}/proto/livekit_rtc.proto`)).text(), /message SignalRequest/);
  assert.is((await fetch(`${sb.httpUrl}/proto/..%2fpackage.json`)).status, 404);
});

test('two subscriber pages hear and see a publisher page', async () => {
  for (const id of ['sub1', 'sub2']) {
    const p = await browser!.newPage(pageUrl(`room=call&identity=${id}&autojoin=1&publish=`));
    await evalInPage(p, '() => switchboard.joined', undefined, 20_000);
    subs.push(p);
  }
  pub = await browser!.newPage(pageUrl('room=call&identity=pub&autojoin=1&publish=audio,video&ec=0&ns=0&agc=0'));
  await evalInPage(pub, '() => switchboard.joined', undefined, 20_000);
  assert.is(await evalInPage(pub, '() => switchboard.state'), 'joined');

  for (const [i, p] of subs.entries()) {
    const st = await until(`sub${i + 1} media`, () => stats(p), (s) => num(inbound(s, 'audio'), 'packetsReceived') >= 100 &&
      num(inbound(s, 'audio'), 'totalAudioEnergy') > 0 && num(inbound(s, 'video'), 'framesDecoded') > 0, 30_000);
    const a = inbound(st, 'audio')!;
    const v = inbound(st, 'video')!;
    const tr = st.filter((s) => s.type === 'transport' && s.pc === 'subscriber');
    assert.is(tr.length, 1);
    assert.is(tr[0]!.dtlsState, 'connected');
    assert.is(num(a, 'packetsLost'), 0, 'no audio sequence gaps on loopback');
    assert.ok(num(a, 'totalAudioEnergy') > 0.0001, `audio energy ${num(a, 'totalAudioEnergy')}`);
    assert.ok(num(v, 'framesDecoded') > 0);
    const ps = await participants(p);
    const others = ps.map((x) => x.identity).sort();
    assert.equal(others, i === 0 ? ['pub', 'sub2'] : ['pub', 'sub1']);
    assert.equal(ps.find((x) => x.identity === 'pub')!.tracks.map((t) => t.kind).sort(), ['audio', 'video']);
    console.log(`[demo] sub${i + 1}: audio packets ${a.packetsReceived} lost ${a.packetsLost} energy ${num(a, 'totalAudioEnergy').toFixed(4)}; video frames ${v.framesDecoded}; dtls ${tr[0]!.dtlsState} ${tr[0]!.srtpCipher}`);
  }
  // The page's own panel shows the same streams.
  await sleep(1200);
  const panel = await evalInPage<string>(subs[0]!, '() => document.getElementById("stats").textContent');
  assert.match(panel, /recv.*audio.*pub/s);
  const pubOut = (await stats(pub)).filter((s) => s.type === 'outbound-rtp');
  assert.equal(pubOut.map((s) => s.kind).sort(), ['audio', 'video']);
});

test('a late page that publishes audio: it gets everyone at once, and everyone gets it (two-way call)', async () => {
  const late = await browser!.newPage(pageUrl('room=call&identity=late&autojoin=1&publish=audio&ec=0&ns=0&agc=0'));
  await evalInPage(late, '() => switchboard.joined', undefined, 20_000);
  const st = await until('late receives pub', () => stats(late), (s) => num(inbound(s, 'audio'), 'totalAudioEnergy') > 0 && num(inbound(s, 'video'), 'framesDecoded') > 0, 20_000);
  assert.is(num(inbound(st, 'audio'), 'packetsLost'), 0);
  assert.equal((await participants(late)).map((x) => x.identity).sort(), ['pub', 'sub1', 'sub2']);
  for (const p of [pub, subs[0]!]) {
    await until('late heard', () => stats(p), (s) => num(inbound(s, 'audio', 'late'), 'totalAudioEnergy') > 0 && num(inbound(s, 'audio', 'late'), 'packetsReceived') > 50, 20_000);
  }
  await evalInPage(late, '() => switchboard.leave()');
  for (const p of [pub, ...subs]) await until('late gone', () => participants(p), (ps) => !ps.some((x) => x.identity === 'late'), 10_000);
  // Join again from the same page (the Join button), then leave for good.
  await evalInPage(late, '() => switchboard.join()', undefined, 20_000);
  assert.is(await evalInPage(late, '() => switchboard.state'), 'joined');
  await until('late back', () => stats(late), (s) => num(inbound(s, 'audio'), 'packetsReceived') > 20, 15_000);
  await until('late seen again', () => participants(subs[1]!), (ps) => ps.some((x) => x.identity === 'late' && x.tracks.length === 1), 10_000);
  await evalInPage(late, '() => switchboard.leave()');
  for (const p of [pub, ...subs]) await until('late gone', () => participants(p), (ps) => !ps.some((x) => x.identity === 'late'), 10_000);
  await late.close();
});

test('the publisher mutes and unmutes: subscribers see it in participant updates', async () => {
  const pubAudio = async (p: Page) => (await participants(p)).find((x) => x.identity === 'pub')?.tracks.find((t) => t.kind === 'audio');
  await evalInPage(pub, '() => switchboard.mute("audio", true)');
  assert.is(await evalInPage(pub, '() => switchboard.publisherPc.getSenders().find((s) => s.track.kind === "audio").track.enabled'), false);
  for (const p of subs) await until('mute seen', () => pubAudio(p), (t) => t?.muted === true, 10_000);
  await evalInPage(pub, '() => switchboard.mute("audio", false)');
  for (const p of subs) {
    await until('unmute seen', () => pubAudio(p), (t) => t?.muted === false, 10_000);
    const before = num(inbound(await stats(p), 'audio'), 'packetsReceived');
    const st = await until('audio after unmute', () => stats(p), (s) => num(inbound(s, 'audio'), 'packetsReceived') >= before + 50, 10_000);
    assert.is(num(inbound(st, 'audio'), 'packetsLost'), 0, 'no gap across mute/unmute');
    const events = await evalInPage<string[]>(p, '() => switchboard.events');
    assert.ok(events.includes('pub muted audio') && events.includes('pub unmuted audio'), events.join(' | '));
  }
  // The camera: muted in the participant update, the tile dimmed, frames again after unmute.
  const pubVideo = async (p: Page) => (await participants(p)).find((x) => x.identity === 'pub')?.tracks.find((t) => t.kind === 'video');
  await evalInPage(pub, '() => switchboard.mute("video", true)');
  for (const p of subs) {
    await until('camera mute seen', () => pubVideo(p), (t) => t?.muted === true, 10_000);
    assert.is(await evalInPage(p, '() => document.querySelectorAll("#tiles .tile.video-muted").length'), 1);
  }
  await evalInPage(pub, '() => switchboard.mute("video", false)');
  for (const p of subs) {
    await until('camera unmute seen', () => pubVideo(p), (t) => t?.muted === false, 10_000);
    const frames = num(inbound(await stats(p), 'video'), 'framesDecoded');
    await until('frames after unmute', () => stats(p), (s) => num(inbound(s, 'video'), 'framesDecoded') > frames + 10, 10_000);
  }
});

test('the publisher leaves: subscribers see its tracks end and the participant leave', async () => {
  await evalInPage(pub, '() => switchboard.leave()');
  assert.is(await evalInPage(pub, '() => switchboard.state'), 'disconnected');
  for (const p of subs) {
    await until('pub gone', () => participants(p), (ps) => !ps.some((x) => x.identity === 'pub'), 10_000);
    const events = await until('tracks ended', () => evalInPage<string[]>(p, '() => switchboard.events'),
      (ev) => ev.includes('audio from pub ended') && ev.includes('video from pub ended'), 10_000);
    assert.ok(events.includes('pub left'), events.join(' | '));
    const captions = await evalInPage<string[]>(p, '() => [...document.querySelectorAll("#tiles .tile:not(.self) figcaption")].map((c) => c.textContent)');
    assert.is(captions.length, 1, 'one tile left: the other subscriber');
    assert.not.match(captions[0]!, /^pub/);
    assert.is(await evalInPage(p, '() => switchboard.state'), 'joined');
  }
  await until('engine: pub left', async () => sb.engine.room('call')?.participants.size, (n) => n === 2, 5_000);
});

test('a bad token is refused with HTTP 401 and a reason, and the page shows it', async () => {
  // Signed with a key the server does not know.
  const forged = await createToken('APIunknown', 'x'.repeat(40), { identity: 'mallory', video: { room: 'call', roomJoin: true } });
  const refused = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const ws = new WebSocket(`${sb.httpUrl.replace('http', 'ws')}/rtc?access_token=${forged}`);
    ws.on('open', () => { ws.close(); reject(new Error('a forged token was accepted')); });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', () => undefined);
  });
  assert.is(refused.status, 401);
  assert.match(refused.body, /APIunknown|unknown|key/i);

  const p = await browser!.newPage(pageUrl(`room=call&identity=mallory&autojoin=1&publish=&token=${forged}`));
  const state = await until('page failed', () => evalInPage<{ state: string; error: string }>(p, '() => ({ state: switchboard.state, error: switchboard.error })'), (s) => s.state === 'failed', 10_000);
  assert.match(state.error, /^401: /);
  assert.ok(state.error.includes(refused.body), `${state.error} vs ${refused.body}`);
  const shown = await evalInPage<string>(p, '() => document.getElementById("status").textContent');
  assert.ok(shown.includes(refused.body), shown);
  await p.close();
});

test('without a camera the page publishes the microphone alone', async () => {
  const p = await browser!.newPage();
  await p.addInitScript(`{
    const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (c) => c.video ? Promise.reject(new DOMException('no camera here', 'NotFoundError')) : real(c);
  }`);
  await p.goto(pageUrl('room=call&identity=nocam&autojoin=1&ec=0&ns=0&agc=0'));
  await evalInPage(p, '() => switchboard.joined', undefined, 20_000);
  assert.ok((await evalInPage<string[]>(p, '() => switchboard.events')).some((e) => /camera unavailable \(NotFoundError\)/.test(e)));
  const seen = await until('nocam audio only', () => participants(subs[0]!), (ps) => (ps.find((x) => x.identity === 'nocam')?.tracks.length ?? 0) > 0, 10_000);
  assert.equal(seen.find((x) => x.identity === 'nocam')!.tracks.map((t) => t.kind), ['audio']);
  assert.is(await evalInPage(p, '() => document.getElementById("mute-video").disabled'), true);
  await evalInPage(p, '() => switchboard.leave()');
  await p.close();
});

test('server shutdown (what SIGINT does): the pages say the session ended and why', async () => {
  await sb.close();
  for (const p of subs) {
    const st = await until('page disconnected', () => evalInPage<{ state: string; error: string }>(p, '() => ({ state: switchboard.state, error: switchboard.error })'), (s) => s.state === 'disconnected', 10_000);
    assert.match(st.error, /server ended the session: server shutdown/);
  }
});

test.run();
