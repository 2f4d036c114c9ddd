// Issue 12: livekit-client behind a network that drops UDP. An nftables rule in this
// test's own namespace drops every UDP datagram except the TURN relay's leg to the media
// server (relay ports 20000-20100 <-> the engine's UDP socket), so the browsers' TURN/UDP
// allocations and any direct UDP die. With rtcConfig { iceTransportPolicy: 'relay' } and
// NO ICE servers of their own, a publisher and a subscriber must connect with the
// JoinResponse's ice_servers only:
//   1. over TURN/TCP (turn:HOST:PORT?transport=tcp): selected local candidate relay/tcp;
//   2. with the plain TCP TURN port dropped too, over TURN/TLS (turns:DOMAIN:PORT?transport=tcp):
//      selected local candidate relay/tls.
// The subscriber decodes the audio (energy) and video (frames) in both, with one peer
// connection (/rtc/v1) and with two (/rtc).
//
// Each case has its own server and browser. Case 1 serves no TLS and names 127.0.0.1 in
// its URLs (as a dev server does), so Chromium does try TURN/UDP and the rule's counter
// proves it was dropped. Case 2 needs a name for TLS: the certificate is self-signed by
// openssl for DOMAIN; Chromium resolves DOMAIN to 127.0.0.1 by --host-resolver-rules and
// trusts exactly that certificate's key by --ignore-certificate-errors-spki-list (no
// blanket --ignore-certificate-errors). Measured here: Chromium 156 resolves a TURN
// hostname through those rules for TCP and TLS but never sends TURN/UDP to it (no
// relay/udp candidate even with no nft rule), so case 2 proves TLS over a dropped plain
// TCP port, and its UDP rule is belt and braces.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { startLkHarness, type LkClient, type LkHarness } from './harness.js';
import { PC_ICE_SERVERS, SELECTED_LOCAL, type Selected } from './ice-probes.js';
import { makeSelfSigned } from '../peers/self-signed.js';

const NFT = '/usr/sbin/nft';
const DOMAIN = 'turn.switchboard.test';
const RELAY_RANGE = '20000-20100';
const cert = makeSelfSigned(DOMAIN);
let h: LkHarness;

function nft(...args: string[]): string {
  return execFileSync(NFT, args, { encoding: 'utf8', timeout: 5000 });
}

/** Packets each counted rule dropped, by rule comment. */
function dropped(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of nft('list', 'table', 'inet', 'sbturn').matchAll(/counter packets (\d+) bytes \d+ drop comment "([^"]+)"/g)) out[m[2]!] = Number(m[1]);
  return out;
}

/** A server (+ Chromium) for one case, with the UDP rule in place. */
async function start(tls: boolean): Promise<LkHarness> {
  const argv = ['--turn', '--turn-port', '0', '--workers', '1', '--turn-relay-range', RELAY_RANGE];
  const chromiumArgs: string[] = [];
  if (tls) {
    argv.push('--turn-domain', DOMAIN, '--turn-tls-port', '0', '--turn-cert-file', cert.certFile, '--turn-key-file', cert.keyFile);
    chromiumArgs.push(
      `--host-resolver-rules=MAP ${DOMAIN} 127.0.0.1 , MAP * ~NOTFOUND , EXCLUDE 127.0.0.1`,
      `--ignore-certificate-errors-spki-list=${cert.spkiSha256}`,
    );
  }
  const harness = await startLkHarness({ argv, chromiumArgs });
  // Only in this namespace (it vanishes with it).
  nft('add', 'table', 'inet', 'sbturn');
  nft('add', 'chain', 'inet', 'sbturn', 'out', '{ type filter hook output priority 0 ; policy accept ; }');
  nft('add', 'rule', 'inet', 'sbturn', 'out', 'udp', 'sport', '!=', RELAY_RANGE, 'udp', 'dport', '!=', RELAY_RANGE, 'counter', 'drop', 'comment', '"udp"');
  return harness;
}

async function stop(): Promise<void> {
  await h?.close();
  try { nft('delete', 'table', 'inet', 'sbturn'); } catch { /* not made, or the namespace goes away anyway */ }
}

test.after(async () => {
  await stop();
  cert.remove();
});

const RELAY_ONLY = { rtcConfig: { iceTransportPolicy: 'relay' } };

/** Every local candidate the page's PCs gathered, as "type/relayProtocol". */
const GATHERED = `async () => {
  const pcm = lkt.room.engine.pcManager;
  const pcs = [pcm && pcm.publisher && pcm.publisher.pc, pcm && pcm.subscriber && pcm.subscriber.pc].filter(Boolean);
  const out = {};
  for (const pc of pcs) for (const s of (await pc.getStats()).values()) if (s.type === 'local-candidate') {
    const k = s.candidateType + '/' + (s.relayProtocol || s.protocol);
    out[k] = (out[k] || 0) + 1;
  }
  return out;
}`;

async function call(tag: string, want: 'tcp' | 'tls', roomOptions: Record<string, unknown>): Promise<void> {
  const room = `turn-only-${tag}`;
  const turn = h.sb.turn!;
  const before = (await turn.stats())!;
  const drops0 = dropped();
  const pub: LkClient = await h.client(`pub-${tag}`, room);
  const sub: LkClient = await h.client(`sub-${tag}`, room);
  try {
    const p = await pub.connect(roomOptions, RELAY_ONLY);
    await pub.publish(true, true);
    await sub.connect(roomOptions, RELAY_ONLY);
    const r = await sub.waitRemote(`pub-${tag}`, (x) => x.audioRms > 0.02 && x.framesDecoded > 30, 'audio energy and 30 decoded frames', 40_000);
    assert.ok(r.audioPackets > 0 && r.videoPackets > 0);

    const host = want === 'tls' ? DOMAIN : '127.0.0.1';
    const urls = [`turn:${host}:${turn.udpPort}?transport=udp`, `turn:${host}:${turn.tcpPort}?transport=tcp`];
    if (want === 'tls') urls.push(`turns:${DOMAIN}:${turn.tlsPort}?transport=tcp`);
    const cfg = await pub.eval<{ policy: string; servers: { urls: string[]; username: string }[] }[]>(PC_ICE_SERVERS);
    assert.ok(cfg.length >= 1);
    for (const c of cfg) {
      assert.is(c.policy, 'relay');
      assert.is(c.servers.length, 1, 'only the JoinResponse\'s ICE server');
      assert.equal(c.servers[0]!.urls, urls);
      assert.ok(c.servers[0]!.username.endsWith(`:${p.sid}`), `credential of the participant (${c.servers[0]!.username})`);
    }
    const sp = await pub.eval<Selected[]>(SELECTED_LOCAL);
    const ss = await sub.eval<Selected[]>(SELECTED_LOCAL);
    assert.is(sp.length, 2, 'publisher: audio and video senders');
    assert.ok(ss.length >= 2, 'subscriber: the receivers');
    for (const s of [...sp, ...ss]) {
      assert.is(s.type, 'relay', JSON.stringify(s));
      assert.is(s.relayProtocol, want, JSON.stringify(s));
    }
    const gp = await pub.eval<Record<string, number>>(GATHERED);
    const gs = await sub.eval<Record<string, number>>(GATHERED);
    const after = (await turn.stats())!;
    const drops = dropped();
    const delta = (k: string): number => (drops[k] ?? 0) - (drops0[k] ?? 0);
    const d = (k: keyof typeof after): number => (after[k] as number) - (before[k] as number);
    console.log(`[lk-turn-${want} ${tag}] subscriber: audio rms ${r.audioRms.toFixed(3)} packets ${r.audioPackets}; video packets ${r.videoPackets} frames ${r.framesDecoded}`);
    console.log(`[lk-turn-${want} ${tag}] selected local: pub ${sp.map((s) => `${s.type}/${s.relayProtocol}`).join(',')} sub ${ss.map((s) => `${s.type}/${s.relayProtocol}`).join(',')} (${sp[0]!.url}); gathered: pub ${JSON.stringify(gp)} sub ${JSON.stringify(gs)}`);
    console.log(`[lk-turn-${want} ${tag}] TURN: allocations +${d('allocationsCreated')}, tcp connections +${d('tcpConnections')} (tls +${d('tlsConnections')}, tls handshake failures +${d('tlsHandshakeFailures')}), to peers +${d('packetsToPeers')} pkts, from peers +${d('packetsFromPeers')} pkts; nft dropped: udp +${delta('udp')}${drops['tcp-turn'] !== undefined ? `, tcp to the TURN port +${delta('tcp-turn')}` : ''}`);
    for (const g of [gp, gs]) assert.not.ok(Object.keys(g).some((k) => k.endsWith('/udp')), `no UDP candidate survived: ${JSON.stringify(g)}`);
    if (want === 'tcp') assert.ok(delta('udp') > 0, 'the browsers did try TURN/UDP, and the rule dropped it');
    assert.ok(d('tcpConnections') >= 2, 'TURN over a stream from both browsers');
    if (want === 'tls') {
      assert.ok(d('tlsConnections') >= 2, 'over the TLS listener');
      assert.ok(delta('tcp-turn') > 0, 'plain TCP to the TURN port was tried and dropped');
      assert.ok(ss.every((s) => s.url?.startsWith('turns:')) && sp.every((s) => s.url?.startsWith('turns:')), 'from the turns: URL');
    }
    assert.ok(d('packetsToPeers') > 200, 'media relayed to the engine');
    assert.ok(d('packetsFromPeers') > 200, 'media relayed from the engine');
    assert.is(after.malformed, before.malformed);
  } finally {
    await sub.disconnect(); await pub.disconnect();
    await sub.page.close(); await pub.page.close();
  }
}

test('UDP dropped: relay-only livekit-client connects over TURN/TCP from the JoinResponse and receives audio and video (one PC /rtc/v1, then two PCs /rtc)', async () => {
  h = await start(false);
  try {
    await call('v1', 'tcp', {});
    await call('v0', 'tcp', { singlePeerConnection: false });
  } finally { await stop(); }
});

test('UDP and the TURN TCP port dropped: relay-only livekit-client connects over TURN/TLS (turns:) and receives audio and video (two PCs /rtc, then one PC /rtc/v1)', async () => {
  h = await start(true);
  nft('add', 'rule', 'inet', 'sbturn', 'out', 'tcp', 'dport', String(h.sb.turn!.tcpPort), 'counter', 'drop', 'comment', '"tcp-turn"');
  await call('v0', 'tls', { singlePeerConnection: false });
  await call('v1', 'tls', {});
});

test.run();
