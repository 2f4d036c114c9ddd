// Proof for data channels (issue 10, SCTP layer): Chromium's RTCDataChannel (dcsctp, an
// SCTP stack nobody here wrote) against our ICE-lite + DTLS + SCTP/DCEP on loopback. The
// answer comes from src/sdp (m=application webrtc-datachannel); the server side is a bare
// WebRtcTransport with enableDataChannels() — the engine's routing is tested elsewhere.
// Measured on the receiving side each way: echoes of ordered text, a 256 KiB binary
// message, 1,000 small messages in order, an unordered maxRetransmits:0 channel, a
// server-opened channel, and close by stream reset from the browser.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { assertInsideNetns } from '../peers/netns.js';
import { evalInPage, launchChromium, type ChromiumPeer } from '../peers/chromium.js';
import { startStaticServer, type StaticServer } from '../peers/http.js';
import { generateCertificate } from '../../src/dtls/index.js';
import { TransportServer, type WebRtcTransport } from '../../src/transport/index.js';
import { answerOffer } from '../../src/sdp/index.js';
import type { DataChannel } from '../../src/sctp/index.js';

assertInsideNetns();

const cert = generateCertificate();
let server: TransportServer;
let browser: ChromiumPeer | undefined;
let http: StaticServer | undefined;
let page: Page;

test.before(async () => {
  server = new TransportServer({ certificate: cert, host: '127.0.0.1' });
  await server.listen();
  http = await startStaticServer();
  browser = await launchChromium();
  page = await browser.newPage(http.origin + '/');
});

test.after(async () => {
  if (page) await evalInPage(page, '() => sb.closeAll()').catch(() => undefined);
  await browser?.close();
  await http?.close();
  server?.close();
});

/** Chromium offers with its channels made by `setup`; we answer; returns our transport once connected. */
async function connect(pcName: string, setup: string, onDataChannel: (ch: DataChannel) => void): Promise<WebRtcTransport> {
  const offer = await evalInPage<string>(page, `async (name) => {
    const pc = sb.newPc(name);
    window.dcs = window.dcs || {};
    ${setup}
    await pc.setLocalDescription(await pc.createOffer());
    await sb.waitGathering(pc);
    return pc.localDescription.sdp;
  }`, pcName);
  const t = server.createTransport({ dtlsRole: 'server' });
  t.events.onDataChannel = onDataChannel; // before anything can arrive
  const res = answerOffer(offer, {
    iceUfrag: t.iceUfrag, icePwd: t.icePwd, fingerprints: [cert.fingerprint],
    candidates: [{ address: '127.0.0.1', port: server.port }], sessionId: '42',
  });
  const n = res.negotiated;
  const app = n.media.find((m) => m.kind === 'application');
  assert.ok(app?.sctp, 'the answer has a data section');
  t.setRemoteParameters(n.remoteIce.ufrag, n.remoteIce.pwd, n.remoteFingerprints);
  t.enableDataChannels(app.sctp);
  await evalInPage(page, `async ([name, sdp]) => {
    const pc = sb.pcs[name];
    await pc.setRemoteDescription({ type: 'answer', sdp });
    await sb.waitConnected(pc, 15000);
  }`, [pcName, res.sdp], 20_000);
  return t;
}

test('Chromium RTCDataChannel echoes through our SCTP: text, 256 KiB, 1,000 in order, unordered maxRetransmits:0, close', async () => {
  const opened: DataChannel[] = [];
  const closed: string[] = [];
  const t = await connect('dc1', `
    window.dcs.echo = pc.createDataChannel('echo', { protocol: 'sb-test' });
    window.dcs.lossy = pc.createDataChannel('lossy', { ordered: false, maxRetransmits: 0 });
    window.dcs.echo.binaryType = 'arraybuffer';
    window.dcs.lossy.binaryType = 'arraybuffer';`, (ch) => {
    opened.push(ch);
    ch.on('message', (m) => ch.send(m)); // echo, keeping string vs binary
    ch.on('close', () => closed.push(ch.label));
  });
  const r = await evalInPage<{ texts: string[]; big: number; bigOk: boolean; order: boolean; lossy: number; states: string[] }>(page, `async () => {
    const { echo, lossy } = window.dcs;
    const open = (dc) => dc.readyState === 'open' ? null : new Promise((r) => dc.addEventListener('open', r, { once: true }));
    await Promise.all([open(echo), open(lossy)]);
    const got = [];
    const lossyGot = [];
    echo.onmessage = (e) => got.push(e.data);
    lossy.onmessage = (e) => lossyGot.push(e.data);
    echo.send('hello switchboard');
    echo.send('');
    const big = new Uint8Array(262144);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    echo.send(big);
    for (let i = 0; i < 1000; i++) echo.send('m' + i);
    for (let i = 0; i < 100; i++) lossy.send('u' + i);
    const t0 = Date.now();
    while ((got.length < 1003 || lossyGot.length < 100) && Date.now() - t0 < 20000) await new Promise((r) => setTimeout(r, 20));
    const b = got.find((x) => x instanceof ArrayBuffer);
    const bytes = b ? new Uint8Array(b) : new Uint8Array(0);
    let bigOk = bytes.length === 262144;
    for (let i = 0; bigOk && i < bytes.length; i++) if (bytes[i] !== ((i * 7) & 0xff)) bigOk = false;
    const strs = got.filter((x) => typeof x === 'string');
    let order = true;
    const ms = strs.filter((s) => /^m\\d+$/.test(s));
    for (let i = 0; i < 1000; i++) if (ms[i] !== 'm' + i) order = false;
    return { texts: strs.slice(0, 2), big: bytes.length, bigOk, order: order && ms.length === 1000, lossy: new Set(lossyGot).size, states: [echo.readyState, lossy.readyState] };
  }`, undefined, 40_000);
  const diag = () => JSON.stringify({ opened: opened.map((c) => [c.label, c.id, c.readyState]), state: t.data?.sctp.state, stats: t.data?.sctp.stats, drops: [...(t.data?.sctp.stats.drops ?? [])], dcep: t.data?.dcepErrors, r });
  assert.equal(r.texts, ['hello switchboard', ''], `text and empty text echoed (PPID 51, 56) ${diag()}`);
  assert.is(r.big, 262144, '256 KiB binary echoed');
  assert.ok(r.bigOk, '256 KiB content intact');
  assert.ok(r.order, '1,000 messages echoed in order');
  assert.is(r.lossy, 100, 'unordered maxRetransmits:0: all 100 on a loss-free loopback');
  const echo = opened.find((c) => c.label === 'echo')!;
  assert.is(echo.protocol, 'sb-test');
  assert.is(echo.id % 2, 0, 'Chromium (DTLS client) uses even stream ids');
  const lossy = opened.find((c) => c.label === 'lossy')!;
  assert.equal([lossy.ordered, lossy.maxRetransmits], [false, 0]);

  // A channel we open: Chromium's ondatachannel sees it and its message.
  await evalInPage(page, `async () => {
    const pc = sb.pcs.dc1;
    window.fromServer = new Promise((resolve) => {
      pc.ondatachannel = (e) => { e.channel.onmessage = (m) => resolve([e.channel.label, m.data]); };
      setTimeout(() => resolve(['timeout', '']), 10000);
    });
  }`);
  const ours = t.data!.createDataChannel('from-server');
  assert.is(ours.id % 2, 1, 'we (DTLS server) use odd ids');
  ours.on('open', () => ours.send('pushed by the server'));
  assert.equal(await evalInPage<string[]>(page, 'async () => window.fromServer', undefined, 15_000), ['from-server', 'pushed by the server']);

  // Close from the browser: RFC 8831 §6.7 stream reset, both directions.
  await evalInPage(page, `async () => { window.dcs.echo.close(); }`);
  const t0 = Date.now();
  while (!closed.includes('echo') && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
  assert.ok(closed.includes('echo'), 'our channel saw close');
  const state = await evalInPage<string>(page, `async () => {
    const dc = window.dcs.echo; const t0 = Date.now();
    while (dc.readyState !== 'closed' && Date.now() - t0 < 10000) await new Promise((r) => setTimeout(r, 20));
    return dc.readyState; }`, undefined, 15_000);
  assert.is(state, 'closed', 'Chromium saw close');
  assert.is(lossy.readyState, 'open', 'the other channel stays open');
  assert.ok(t.data!.sctp.established);
  const drops = t.data!.sctp.stats.drops.reduce((a, b) => a + b, 0);
  assert.is(drops, 0, 'no packet dropped by our SCTP');
  t.close();
});

test.run();
