// The impairment proxy between real Chromium and our ICE-lite server, the way later
// tests will use it: the server's answer advertises the PROXY's port as its only host
// candidate; the proxy latches Chromium's address from its first STUN check and relays
// to the server's real UDP port; the server sees the proxy's address as the remote
// 5-tuple (ICE-lite accepts whatever tuple a valid check arrives from) and answers
// through it. Then loss on the uplink shows up as RTP sequence gaps at the server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { assertInsideNetns } from '../peers/netns.js';
import { evalInPage, launchChromium, pollStats, statNumber, statsOf, type ChromiumPeer } from '../peers/chromium.js';
import { startStaticServer, type StaticServer } from '../peers/http.js';
import { generateCertificate } from '../../src/dtls/index.js';
import { TransportServer, type WebRtcTransport } from '../../src/transport/index.js';
import { minimalAnswer, readOffer } from '../interop/minimal-sdp.js';
import { MediaLog } from '../interop/media-log.js';
import { UdpImpairmentProxy } from './udp-proxy.js';

assertInsideNetns();

const cert = generateCertificate();
let server: TransportServer;
let browser: ChromiumPeer | undefined;
let http: StaticServer | undefined;
let page: Page;
const proxies: UdpImpairmentProxy[] = [];

test.before(async () => {
  server = new TransportServer({ certificate: cert, host: '127.0.0.1' });
  await server.listen();
  http = await startStaticServer();
  browser = await launchChromium();
  page = await browser.newPage(http.origin + '/');
});

test.after(async () => {
  if (page) await evalInPage(page, '() => sb.closeAll()').catch(() => undefined);
  await Promise.all(proxies.map((p) => p.close()));
  await browser?.close();
  await http?.close();
  server?.close();
});

/** A sendonly mic PC in the page, answered with the proxy's port as our candidate. */
async function connectThroughProxy(pcName: string, proxy: UdpImpairmentProxy): Promise<{ transport: WebRtcTransport; log: MediaLog }> {
  const transport = server.createTransport({ dtlsRole: 'server' });
  const log = new MediaLog();
  transport.events.onRtp = (buf, len) => log.rtp(buf, len);
  transport.events.onRtcp = (buf, len) => log.rtcp(buf, len);
  const offer = await evalInPage<string>(page, `async (name) => {
    const pc = sb.newPc(name);
    const s = await sb.getMic();
    pc.addTransceiver(s.getAudioTracks()[0], { direction: 'sendonly', streams: [s] });
    await pc.setLocalDescription(await pc.createOffer());
    await sb.waitGathering(pc);
    return pc.localDescription.sdp;
  }`, pcName);
  const facts = readOffer(offer);
  transport.setRemoteParameters(facts.ufrag, facts.pwd, [facts.fingerprint]);
  const answer = minimalAnswer({ offer, ufrag: transport.iceUfrag, pwd: transport.icePwd,
    fingerprint: `${cert.fingerprint.algorithm} ${cert.fingerprint.value}`, port: proxy.port });
  await evalInPage(page, `async ([name, sdp]) => {
    const pc = sb.pcs[name];
    await pc.setRemoteDescription({ type: 'answer', sdp });
    await sb.waitConnected(pc, 15000);
  }`, [pcName, answer], 20_000);
  return { transport, log };
}

test('Chromium connects through the proxy; the server sees the proxy as the remote 5-tuple', async () => {
  const proxy = await UdpImpairmentProxy.start({ upstreamPort: server.port, seed: 3 });
  proxies.push(proxy);
  const { transport, log } = await connectThroughProxy('clean', proxy);
  await log.waitFor(() => log.rtpPackets >= 100, 10_000);
  assert.is(transport.selectedAddress, '127.0.0.1');
  assert.is(transport.selectedPort, proxy.port, 'server talks to the proxy, not to Chromium');
  assert.ok(proxy.client && proxy.client.port !== server.port && proxy.client.port !== proxy.port);
  const st = proxy.stats();
  assert.ok(st.toUpstream.forwarded >= 100, `uplink ${st.toUpstream.forwarded}`);
  assert.ok(st.toClient.forwarded >= 3, `downlink ${st.toClient.forwarded} (STUN responses + DTLS flights)`);
  assert.is(log.seqGaps, 0);
  const stats = await pollStats(page, 'clean', (s) => statNumber(s, 'outbound-rtp', 'packetsSent', 'audio') >= 100, { timeoutMs: 10_000 });
  assert.is(statsOf(stats, 'transport')[0].dtlsState, 'connected');
  await evalInPage(page, `(name) => { sb.pcs[name].close(); delete sb.pcs[name]; }`, 'clean');
  transport.close();
});

test('10 % uplink loss at the proxy shows up as ~10 % RTP sequence gaps at the server', async () => {
  const proxy = await UdpImpairmentProxy.start({ upstreamPort: server.port, seed: 11 });
  proxies.push(proxy);
  const { transport, log } = await connectThroughProxy('lossy', proxy);
  await log.waitFor(() => log.rtpPackets >= 20, 10_000);
  proxy.setLoss(10, 'toUpstream');
  const base = { rtp: log.rtpPackets, gaps: log.seqGaps };
  await log.waitFor(() => log.rtpPackets - base.rtp >= 300, 20_000);
  const got = log.rtpPackets - base.rtp, lost = log.seqGaps - base.gaps;
  const frac = lost / (got + lost);
  assert.ok(frac > 0.05 && frac < 0.16, `gap fraction ${frac.toFixed(3)} (${lost} of ${got + lost})`);
  assert.ok(proxy.stats().toUpstream.droppedLoss >= lost, 'every gap is a proxy drop');
  assert.is(proxy.stats().toClient.droppedLoss, 0);
  await evalInPage(page, `(name) => { sb.pcs[name].close(); delete sb.pcs[name]; }`, 'lossy');
  transport.close();
});

test.run();
