// livekit-client in Chromium with rtcConfig { iceTransportPolicy: 'relay' } and NO ICE
// servers of its own: it takes the turn: URLs and credential from our JoinResponse
// (ice_servers, minted per participant by the embedded TURN server), publishes mic +
// camera through its relay, and a second relay-only client receives them (audio energy,
// decoded frames). getStats on both sides: the selected pair's local candidate is
// 'relay'. Once with one peer connection (/rtc/v1, livekit-client's default) and once
// with two (/rtc).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startLkHarness, type LkClient, type LkHarness } from './harness.js';
import { PC_ICE_SERVERS, SELECTED_LOCAL, type Selected } from './ice-probes.js';

let h: LkHarness;

test.before(async () => {
  h = await startLkHarness({ argv: ['--turn', '--turn-port', '0', '--workers', '1'] });
});
test.after(async () => {
  await h?.close();
});

const RELAY_ONLY = { rtcConfig: { iceTransportPolicy: 'relay' } };

async function relayCall(tag: string, roomOptions: Record<string, unknown>): Promise<void> {
  const room = `turn-lk-${tag}`;
  const turn = h.sb.turn!;
  const before = (await turn.stats())!;
  const pub: LkClient = await h.client(`pub-${tag}`, room);
  const sub: LkClient = await h.client(`sub-${tag}`, room);
  try {
    const p = await pub.connect(roomOptions, RELAY_ONLY);
    await pub.publish(true, true);
    await sub.connect(roomOptions, RELAY_ONLY);
    const r = await sub.waitRemote(`pub-${tag}`, (x) => x.audioRms > 0.02 && x.framesDecoded > 30, 'audio energy and 30 decoded frames', 30_000);
    assert.ok(r.audioPackets > 0 && r.videoPackets > 0);

    const cfg = await pub.eval<{ policy: string; servers: { urls: string[]; username: string }[] }[]>(PC_ICE_SERVERS);
    assert.ok(cfg.length >= 1);
    for (const c of cfg) {
      assert.is(c.policy, 'relay');
      assert.is(c.servers.length, 1, 'only the JoinResponse\'s ICE server');
      assert.equal(c.servers[0]!.urls, [`turn:127.0.0.1:${turn.udpPort}?transport=udp`, `turn:127.0.0.1:${turn.tcpPort}?transport=tcp`]);
      assert.ok(c.servers[0]!.username.endsWith(`:${p.sid}`), `credential of the participant (${c.servers[0]!.username})`);
    }
    const sp = await pub.eval<Selected[]>(SELECTED_LOCAL);
    const ss = await sub.eval<Selected[]>(SELECTED_LOCAL);
    assert.is(sp.length, 2, 'publisher: audio and video senders');
    assert.ok(ss.length >= 2, 'subscriber: the receivers');
    for (const s of [...sp, ...ss]) {
      assert.is(s.type, 'relay', JSON.stringify(s));
      assert.is(s.relayProtocol, 'udp', `TURN/UDP is the first URL and nothing blocks it: ${JSON.stringify(s)}`);
    }
    const after = (await turn.stats())!;
    console.log(`[lk-turn ${tag}] subscriber: audio rms ${r.audioRms.toFixed(3)} packets ${r.audioPackets}; video packets ${r.videoPackets} frames ${r.framesDecoded}; selected local: pub ${sp.map((s) => `${s.type}/${s.relayProtocol}`).join(',')} sub ${ss.map((s) => `${s.type}/${s.relayProtocol}`).join(',')}`);
    console.log(`[lk-turn ${tag}] TURN: allocations +${after.allocationsCreated - before.allocationsCreated}, to peers +${after.packetsToPeers - before.packetsToPeers} pkts, from peers +${after.packetsFromPeers - before.packetsFromPeers} pkts, forbidden ${after.forbiddenPeers}, auth failures ${after.authFailures - before.authFailures}`);
    assert.ok(after.packetsToPeers - before.packetsToPeers > 200, 'media relayed to the engine');
    assert.ok(after.packetsFromPeers - before.packetsFromPeers > 200, 'media relayed from the engine');
  } finally {
    await sub.disconnect(); await pub.disconnect();
    await sub.page.close(); await pub.page.close();
  }
}

test('one peer connection (/rtc/v1): relay-only livekit-client connects with the JoinResponse ice_servers and receives audio and video', async () => {
  await relayCall('v1', {});
});

test('two peer connections (/rtc): the same, both PCs relay-only', async () => {
  await relayCall('v0', { singlePeerConnection: false });
});

test.run();
