// examples/custom-signaling: the engine behind WHIP/WHEP-style HTTP signaling. Chromium
// publishes mic + camera with WHIP (POST offer -> 201 + answer + Location), a second
// Chromium page plays with WHEP (POST -> 201 + offer, PATCH answer -> 204) and must receive
// audio without gaps and with energy, and decoded video. Also the HTTP edges: 415 for a
// wrong content type, 404 for playback of an empty room, 405 for trickle, DELETE ends it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { assertInsideNetns } from '../peers/netns.js';
import { evalInPage, launchChromium, statsOf, type ChromiumPeer, type StatsEntry } from '../peers/chromium.js';
import { sleep } from '../peers/paths.js';
import { startWhipServer, type WhipServer } from '../../examples/custom-signaling/server.js';

assertInsideNetns();

let s: WhipServer;
let browser: ChromiumPeer | undefined;
let publisher: Page;
let player: Page;

test.before(async () => {
  s = await startWhipServer({ port: 0 });
  browser = await launchChromium();
});
test.after(async () => {
  await browser?.close();
  await s?.close();
});

const stats = (p: Page) => evalInPage<StatsEntry[]>(p, 'async () => { const o = []; (await whip.pc.getStats()).forEach((x) => o.push(JSON.parse(JSON.stringify(x)))); return o; }');
const num = (e: StatsEntry | undefined, f: string): number => { const v = e?.[f]; return typeof v === 'number' ? v : 0; };

test('HTTP edges: 415 without application/sdp, 404 to play an empty room', async () => {
  const r415 = await fetch(`${s.url}/whip/room1`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'v=0' });
  assert.is(r415.status, 415);
  const r404 = await fetch(`${s.url}/whep/room1`, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: '' });
  assert.is(r404.status, 404);
  assert.match(await r404.text(), /nothing is published in room room1/);
});

test('Chromium publishes with WHIP; another Chromium page plays with WHEP and hears and sees it', async () => {
  publisher = await browser!.newPage(`${s.url}/?mode=publish&room=room1`);
  const resource = await evalInPage<string>(publisher, '() => whip.ready', undefined, 20_000);
  assert.match(resource, new RegExp(`^${s.url}/whip/room1/\\S+$`));
  const room = s.engine.room('room1')!;
  for (let i = 0; i < 40 && [...room.participants.values()].every((p) => p.tracks.size < 2); i++) await sleep(100);
  assert.equal([...[...room.participants.values()][0]!.tracks.values()].map((t) => t.kind).sort(), ['audio', 'video']);

  player = await browser!.newPage(`${s.url}/?mode=play&room=room1`);
  const playResource = await evalInPage<string>(player, '() => whip.ready', undefined, 20_000);
  assert.match(playResource, /\/whep\/room1\//);
  let st: StatsEntry[] = [];
  for (let i = 0; i < 120; i++) {
    st = await stats(player);
    const a = statsOf(st, 'inbound-rtp', 'audio')[0];
    if (num(a, 'packetsReceived') >= 100 && num(a, 'totalAudioEnergy') > 0 && num(statsOf(st, 'inbound-rtp', 'video')[0], 'framesDecoded') > 0) break;
    await sleep(250);
  }
  const a = statsOf(st, 'inbound-rtp', 'audio')[0];
  const v = statsOf(st, 'inbound-rtp', 'video')[0];
  assert.ok(num(a, 'packetsReceived') >= 100, `audio packets ${num(a, 'packetsReceived')}`);
  assert.is(num(a, 'packetsLost'), 0);
  assert.ok(num(a, 'totalAudioEnergy') > 0.0001, `energy ${num(a, 'totalAudioEnergy')}`);
  assert.ok(num(v, 'framesDecoded') > 0);
  assert.is(statsOf(st, 'transport')[0]?.dtlsState, 'connected');
  console.log(`[whep] audio packets ${num(a, 'packetsReceived')} lost 0 energy ${num(a, 'totalAudioEnergy').toFixed(4)}; video frames ${num(v, 'framesDecoded')}`);

  const trickle = await fetch(resource, { method: 'PATCH', headers: { 'content-type': 'application/trickle-ice-sdpfrag' }, body: 'a=end-of-candidates' });
  assert.is(trickle.status, 405);
});

test('DELETE of the WHIP resource: the publisher leaves the room', async () => {
  const room = s.engine.room('room1')!;
  const before = room.participants.size;
  assert.is(before, 2);
  await evalInPage(publisher, '() => whip.stop()');
  assert.is(room.participants.size, 1);
  await evalInPage(player, '() => whip.stop()');
  assert.is(room.participants.size, 0);
  assert.is((await fetch(`${s.url}/whip/room1/1-whip`, { method: 'DELETE' })).status, 404, 'gone');
});

test.run();
