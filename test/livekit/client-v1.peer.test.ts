// livekit-client 2.x in Chromium with its DEFAULT options: the v1 signal path (/rtc/v1,
// one peer connection, the first offer inside the join request). The page is served from
// another origin than the server. The first participant joins an empty room and
// publishes mic + camera; a second joins and must receive both (audio energy at its
// WebAudio analyser, frames decoded), mute/unmute seen remotely, and the first leaving.
// Join-to-first-audio is printed (median of the runs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { assertInsideNetns } from '../peers/netns.js';
import { evalInPage, launchChromium, type ChromiumPeer } from '../peers/chromium.js';
import { startStaticServer, type StaticServer } from '../peers/http.js';
import { sleep } from '../peers/paths.js';
import { startSwitchboard, type Switchboard } from '../../src/server/index.js';
import { createToken } from '../../src/signal/index.js';

assertInsideNetns();

const require = createRequire(import.meta.url);
// The package's exports hide dist/; find it next to the resolved entry.
const UMD = readFileSync(join(dirname(require.resolve('livekit-client')), 'livekit-client.umd.js'));

// Page helpers: connect with given options, publish, and measure what arrives.
const PAGE = `<!doctype html><meta charset="utf-8"><script src="/livekit-client.umd.js"></script><script>
window.lk = {
  events: [], room: undefined, ctx: undefined, analysers: {},
  async connect(url, token, opts) {
    const room = new LivekitClient.Room(opts.room || {});
    this.room = room;
    const ev = (name) => (...a) => this.events.push({ name, t: performance.now(), a: a.map((x) => (x && x.sid) || (x && x.identity) || String(x)) });
    for (const n of ['participantConnected', 'participantDisconnected', 'trackSubscribed', 'trackUnsubscribed', 'trackMuted', 'trackUnmuted', 'disconnected', 'reconnecting', 'reconnected']) room.on(n, ev(n));
    room.on('trackSubscribed', (track) => {
      if (track.kind !== 'audio') return;
      this.ctx = this.ctx || new AudioContext();
      const src = this.ctx.createMediaStreamSource(new MediaStream([track.mediaStreamTrack]));
      const an = this.ctx.createAnalyser(); an.fftSize = 2048; src.connect(an);
      this.analysers[track.sid] = an;
      const el = track.attach(); el.muted = true; document.body.appendChild(el);
    });
    const t0 = performance.now();
    await room.connect(url, token, opts.connect || {});
    return { ms: performance.now() - t0, sid: room.localParticipant.sid, v1: !!(room.engine && room.engine.pcManager && room.engine.pcManager.mode === 'publisher-only') };
  },
  async publish() {
    await this.room.localParticipant.setMicrophoneEnabled(true);
    await this.room.localParticipant.setCameraEnabled(true, { resolution: { width: 320, height: 240, frameRate: 15 } });
    return [...this.room.localParticipant.trackPublications.values()].map((p) => p.kind);
  },
  energy() {
    let best = 0;
    for (const an of Object.values(this.analysers)) {
      const buf = new Float32Array(an.fftSize); an.getFloatTimeDomainData(buf);
      let s = 0; for (const x of buf) s += x * x; best = Math.max(best, Math.sqrt(s / buf.length));
    }
    return best;
  },
  async inbound() {
    const out = { audioPackets: 0, framesDecoded: 0, pcs: 0 };
    const pcs = [this.room.engine.pcManager.publisher, this.room.engine.pcManager.subscriber].filter(Boolean);
    out.pcs = pcs.length;
    for (const t of pcs) {
      const stats = await t.getStats();
      stats.forEach((s) => {
        if (s.type !== 'inbound-rtp') return;
        if (s.kind === 'audio') out.audioPackets += s.packetsReceived || 0;
        if (s.kind === 'video') out.framesDecoded += s.framesDecoded || 0;
      });
    }
    return out;
  },
  remote() {
    return [...this.room.remoteParticipants.values()].map((p) => ({ identity: p.identity, tracks: [...p.trackPublications.values()].map((t) => ({ kind: t.kind, subscribed: t.isSubscribed, muted: t.isMuted })) }));
  },
};
</script>`;

let sb: Switchboard;
let page: StaticServer;
let browser: ChromiumPeer | undefined;

test.before(async () => {
  sb = await startSwitchboard({ argv: ['--port', '0', '--udp-port', '0'], env: {}, log: () => undefined });
  page = await startStaticServer({ routes: { '/lk.html': PAGE, '/livekit-client.umd.js': UMD } });
  browser = await launchChromium({ logConsole: !!process.env.E2E_CONSOLE });
});
test.after(async () => {
  await browser?.close();
  await page?.close();
  await sb?.close();
});

const wsUrl = () => sb.httpUrl.replace(/^http/, 'ws');
async function token(room: string, identity: string): Promise<string> {
  const r = await fetch(`${sb.httpUrl}/token?room=${room}&identity=${identity}`);
  return ((await r.json()) as { token: string }).token;
}
async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let v = await read();
  for (let i = 0; i < 400 && !ok(v) && Date.now() < deadline; i++) { await sleep(200); v = await read(); }
  if (!ok(v)) throw new Error(`${what}: not true after ${timeoutMs} ms; last: ${JSON.stringify(v).slice(0, 800)}`);
  return v;
}
async function open(): Promise<Page> {
  const p = await browser!.newPage(`${page.origin}/lk.html`);
  await evalInPage(p, '() => typeof LivekitClient.Room');
  return p;
}

/** The one PC's ICE ufrag, selected-pair changes and DTLS state (livekit-client internals, read only). */
const ONE_PC_ICE = `async () => {
  const s = await lk.room.engine.pcManager.publisher.pc.getStats();
  let out;
  s.forEach((r) => { if (r.type === 'transport') out = { ufrag: r.iceLocalUsernameFragment, changes: r.selectedCandidatePairChanges, dtls: r.dtlsState }; });
  return out;
}`;

test('v1 (default options): empty-room join, publish, a second participant receives audio + video; mute; leave', async () => {
  const room = 'v1call';
  const a = await open();
  const ja = await evalInPage<{ ms: number; sid: string; v1: boolean }>(a, '([u, t]) => lk.connect(u, t, {})', [wsUrl(), await token(room, 'alice')], 20_000);
  assert.ok(ja.sid.startsWith('PA_'), ja.sid);
  assert.ok(ja.v1, 'livekit-client stayed on the single peer connection (no fallback to /rtc)');
  assert.equal(await evalInPage<string[]>(a, '() => lk.publish()', undefined, 20_000), ['audio', 'video']);

  const b = await open();
  const t0 = Date.now();
  const jb = await evalInPage<{ ms: number; v1: boolean }>(b, '([u, t]) => lk.connect(u, t, {})', [wsUrl(), await token(room, 'bob')], 20_000);
  assert.ok(jb.v1);
  await until('bob subscribed to alice\'s audio and video', () => evalInPage<{ identity: string; tracks: { kind: string; subscribed: boolean }[] }[]>(b, '() => lk.remote()'),
    (r) => r.length === 1 && r[0]!.tracks.filter((t) => t.subscribed).length === 2);
  const energy = await until('audio energy at bob', () => evalInPage<number>(b, '() => lk.energy()'), (e) => e > 0.005);
  const firstAudioMs = Date.now() - t0;
  const inb = await until('frames decoded at bob', () => evalInPage<{ audioPackets: number; framesDecoded: number; pcs: number }>(b, '() => lk.inbound()'), (s) => s.framesDecoded > 20 && s.audioPackets > 50);
  assert.is(inb.pcs, 1, 'one peer connection');
  console.log(`v1: alice join ${ja.ms.toFixed(0)} ms, bob join ${jb.ms.toFixed(0)} ms, join-to-first-audio ${firstAudioMs} ms, energy ${energy.toFixed(3)}, frames ${inb.framesDecoded}`);

  await evalInPage(a, '() => lk.room.localParticipant.setMicrophoneEnabled(false)');
  await until('bob sees alice muted', () => evalInPage<{ tracks: { kind: string; muted: boolean }[] }[]>(b, '() => lk.remote()'), (r) => r[0]!.tracks.find((t) => t.kind === 'audio')?.muted === true);
  await evalInPage(a, '() => lk.room.localParticipant.setMicrophoneEnabled(true)');
  await until('bob sees alice unmuted', () => evalInPage<{ tracks: { kind: string; muted: boolean }[] }[]>(b, '() => lk.remote()'), (r) => r[0]!.tracks.find((t) => t.kind === 'audio')?.muted === false);

  // Reconnects as livekit-client's simulateScenario drives them, timed until audio flows again.
  for (const scenario of ['signal-reconnect', 'full-reconnect']) {
    const before = (await evalInPage<{ audioPackets: number }>(b, '() => lk.inbound()')).audioPackets;
    const ice0 = await evalInPage<{ ufrag: string; changes: number }>(b, ONE_PC_ICE);
    const r0 = Date.now();
    await evalInPage(b, '(s) => lk.room.simulateScenario(s)', scenario);
    await until(`bob ${scenario}: reconnected`, () => evalInPage<{ name: string }[]>(b, '() => lk.events'), (ev) => ev.filter((e) => e.name === 'reconnected').length >= (scenario === 'signal-reconnect' ? 1 : 2), 25_000);
    await until(`bob ${scenario}: audio flows again`, () => evalInPage<{ audioPackets: number }>(b, '() => lk.inbound()'), (x) => x.audioPackets > (scenario === 'full-reconnect' ? 50 : before + 50), 25_000);
    await until(`bob ${scenario}: energy`, () => evalInPage<number>(b, '() => lk.energy()'), (e) => e > 0.005);
    console.log(`v1 ${scenario}: audio again after ${Date.now() - r0} ms`);
    if (scenario === 'signal-reconnect') {
      // livekit-client restarts ICE on its one PC after the resume (an iceRestart offer); we
      // answer with new credentials on the same transport and DTLS.
      let ice1 = ice0;
      for (let i = 0; i < 50 && (ice1.ufrag === ice0.ufrag || ice1.changes <= ice0.changes); i++) { await new Promise((r) => setTimeout(r, 100)); ice1 = await evalInPage<typeof ice0>(b, ONE_PC_ICE); }
      console.log(`v1 signal-reconnect: ICE ufrag ${ice0.ufrag} -> ${ice1.ufrag}, pair changes ${ice0.changes} -> ${ice1.changes}, dtls ${String((ice1 as { dtls?: string }).dtls)}`);
      assert.is.not(ice1.ufrag, ice0.ufrag, 'ICE restarted on the one PC');
      assert.ok(ice1.changes > ice0.changes, 'a new candidate pair was selected');
      assert.is((ice1 as { dtls?: string }).dtls, 'connected');
    }
  }

  await evalInPage(a, '() => lk.room.disconnect()');
  await until('bob sees alice leave', () => evalInPage<unknown[]>(b, '() => lk.remote()'), (r) => r.length === 0);
  await evalInPage(b, '() => lk.room.disconnect()');
  await a.close(); await b.close();
});

test('v1: join-to-first-audio, median of 5 fresh subscribers; a subscribe-only token (canPublish false) receives too', async () => {
  const room = 'v1median';
  const a = await open();
  await evalInPage(a, '([u, t]) => lk.connect(u, t, {})', [wsUrl(), await token(room, 'speaker')], 20_000);
  await evalInPage(a, '() => lk.publish()', undefined, 20_000);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const b = await open();
    const t0 = Date.now();
    await evalInPage(b, '([u, t]) => lk.connect(u, t, {})', [wsUrl(), await token(room, `listener${i}`)], 20_000);
    await until(`listener${i} hears`, () => evalInPage<number>(b, '() => lk.energy()'), (e) => e > 0.005);
    times.push(Date.now() - t0);
    await evalInPage(b, '() => lk.room.disconnect()');
    await b.close();
  }
  const sorted = [...times].sort((x, y) => x - y);
  console.log(`v1 join-to-first-audio ms: ${times.join(', ')} (median ${sorted[2]})`);
  assert.is(times.length, 5);

  // Dev mode signs with devkey / secret (as livekit-server --dev).
  const watcherToken = await createToken('devkey', 'secret', { identity: 'watcher', video: { room, roomJoin: true, canPublish: false } });
  const w = await open();
  await evalInPage(w, '([u, t]) => lk.connect(u, t, {})', [wsUrl(), watcherToken], 20_000);
  await until('subscribe-only watcher hears', () => evalInPage<number>(w, '() => lk.energy()'), (e) => e > 0.005);
  await evalInPage(w, '() => lk.room.disconnect()');
  await evalInPage(a, '() => lk.room.disconnect()');
  await w.close(); await a.close();
});

test.run();
