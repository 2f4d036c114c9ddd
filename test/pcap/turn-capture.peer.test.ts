// TURN traffic captured off the wire: coturn's turnutils_uclient (an independent TURN
// client) relays through our TurnServer to turnutils_peer on loopback, over UDP and TCP,
// with ChannelData (channel numbers in RFC 5766's 0x4000-0x7FFF) and with Send / Data
// indications; dumpcap records it. MediaDemux must unwrap as many ChannelData and
// indications as tshark's TURN dissector counts, and relay them between the client and
// the peer's address.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertInsideNetns } from '../peers/netns.js';
import { TurnServer } from '../../src/turn/index.js';
import { runUclient, startEchoPeer, type EchoPeer } from '../turn/coturn.js';
import { CaptureReader, MediaDemux, PcapStatus, Carrier, endpoint } from '../../src/pcap/index.js';

assertInsideNetns();

const HOST = '127.0.0.1', PEER_PORT = 3480, SECRET = 'capture-secret', MESSAGES = 50;
const dir = mkdtempSync(join(tmpdir(), 'sb-turn-cap-'));
const server = new TurnServer();
let peer: EchoPeer | undefined;

test.before(async () => {
  await server.start({ udpPort: 0, tcpPort: 0, host: HOST, realm: 'switchboard.test', secret: SECRET, allowPeers: [`${HOST}:${PEER_PORT}`, `${HOST}:${PEER_PORT + 1}`], rfc5766ChannelNumbers: true });
  peer = await startEchoPeer(HOST, PEER_PORT);
});
test.after(async () => { await peer?.stop(); server.close(); rmSync(dir, { recursive: true, force: true }); });

async function capture(file: string, filter: string, run: () => Promise<void>): Promise<void> {
  const p = spawn('dumpcap', ['-i', 'lo', '-f', filter, '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const exited = new Promise<number | null>((res) => p.on('exit', (c) => res(c)));
  await new Promise<void>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`dumpcap did not start: ${err}`)), 15_000);
    p.stderr.on('data', (d: Buffer) => { err += d; if (err.includes('Capturing on')) { clearTimeout(t); res(); } });
  }).catch((e) => { p.kill(); throw e; });
  await new Promise((r) => setTimeout(r, 300));
  await run();
  await new Promise((r) => setTimeout(r, 300));
  p.kill('SIGINT');
  assert.is(await exited, 0, err);
}

/** How many times tshark shows `field` (with `value`, when given) over the capture. */
function tsharkCount(file: string, tcpPort: number, field: string, value?: string): number {
  const r = spawnSync('tshark', ['-r', file, '-d', `tcp.port==${tcpPort},stun`, '-d', `udp.port==${server.udpPort},stun`, '-Y', field, '-T', 'fields', '-e', field], { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).flatMap((l) => l.split(',')).filter((v) => value === undefined || Number(v) === Number(value)).length;
}

for (const [name, extra, tcp] of [['UDP, channels', [], false], ['UDP, Send/Data indications', ['-s'], false], ['TCP, channels', ['-t'], true], ['TCP, Send/Data indications', ['-t', '-s'], true]] as const) {
  test(`${name}: our unwrapping counts what tshark's TURN dissector counts`, async () => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.pcapng`);
    const port = tcp ? server.tcpPort : server.udpPort;
    await capture(file, `port ${port} or port ${PEER_PORT} or port ${PEER_PORT + 1}`, async () => {
      const r = await runUclient(['-c', '-e', HOST, '-r', String(PEER_PORT), '-W', SECRET, '-u', 'alice', '-n', String(MESSAGES), '-l', '120', '-z', '5', '-p', String(port), ...extra, HOST], 30_000);
      assert.is(r.code, 0, r.output.slice(-1500));
      assert.is(r.received, MESSAGES);
    });
    const rd = CaptureReader.openFile(file);
    const toPeer = new Map<string, number>();
    const d = new MediaDemux((p) => {
      if (p.carrier !== Carrier.TURN_UDP && p.carrier !== Carrier.TURN_TCP) return;
      if (p.turnControl) return;
      assert.is(p.carrier, tcp ? Carrier.TURN_TCP : Carrier.TURN_UDP);
      assert.not.ok(p.peerUnknown, 'every channel was bound inside the capture');
      const k = `${endpoint(p.flow, true)}>${endpoint(p.flow, false)}`;
      toPeer.set(k, (toPeer.get(k) ?? 0) + 1);
    });
    for (let s; (s = rd.next()) !== PcapStatus.END;) { assert.is(s, PcapStatus.OK); d.add(rd); }
    rd.close();
    d.finish();
    const c = d.counts;
    if ((extra as readonly string[]).includes('-s')) {
      assert.is(c.sendIndications, tsharkCount(file, server.tcpPort, 'stun.type', '0x0016'));
      assert.is(c.dataIndications, tsharkCount(file, server.tcpPort, 'stun.type', '0x0017'));
      assert.ok(c.sendIndications >= MESSAGES && c.dataIndications >= MESSAGES, JSON.stringify(c));
    } else {
      assert.is(c.channelData, tsharkCount(file, server.tcpPort, 'stun.channel'));
      assert.ok(c.channelData >= 2 * MESSAGES, JSON.stringify(c));
    }
    // client -> peer and peer -> client, the peer at its own address (not the relay's)
    const peerEnd = `${HOST}:${PEER_PORT}`;
    const out = [...toPeer].filter(([k]) => k.endsWith(`>${peerEnd}`)), back = [...toPeer].filter(([k]) => k.startsWith(`${peerEnd}>`));
    assert.ok(out.length >= 1 && back.length >= 1, JSON.stringify([...toPeer]));
    console.log(`[turn capture] ${name}: ${JSON.stringify({ channelData: c.channelData, send: c.sendIndications, data: c.dataIndications, binds: c.channelBinds, flows: Object.fromEntries(toPeer) })}`);
  });
}

test.run();
