// A real kernel TCP connection on loopback, captured by dumpcap: RFC 4571-framed RTP
// written in odd-sized chunks (frames split across segments, several in one), and TURN
// over TCP (ChannelBind + padded ChannelData). `pcap info` must find every packet, and
// tshark (its own TCP reassembly and dissectors) must agree on the count.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, connect, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pcapInfo } from '../../src/cli/pcap.js';
import { rfc4571, rtp, channelBind, channelData } from './tcp-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-pcap-dumpcap-tcp-'));
const N = 200;

async function captureTcp(file: string, stream: Buffer): Promise<number> {
  let received = 0;
  const srv = createServer((s) => s.on('data', (d) => { received += d.length; }));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as AddressInfo).port;
  const p = spawn('dumpcap', ['-i', 'lo', '-f', `tcp port ${port}`, '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const exited = new Promise<number | null>((res) => p.on('exit', (c) => res(c)));
  await new Promise<void>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`dumpcap did not start: ${err}`)), 15_000);
    p.stderr.on('data', (d: Buffer) => { err += d; if (err.includes('Capturing on')) { clearTimeout(t); res(); } });
  }).catch((e) => { p.kill(); throw e; });
  await new Promise((r) => setTimeout(r, 300)); // the filter goes live a moment after "Capturing on"
  const c = connect(port, '127.0.0.1');
  c.setNoDelay(true);
  await new Promise<void>((r) => c.on('connect', () => r()));
  for (let o = 0, i = 0; o < stream.length; i++) {
    const n = [1, 37, 500, 3, 1400, 90][i % 6];
    c.write(stream.subarray(o, o + n));
    o += n;
    if (i % 4 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  await new Promise<void>((r) => c.end(() => r()));
  for (let i = 0; i < 200 && received < stream.length; i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 300));
  p.kill('SIGINT');
  const code = await exited;
  srv.close();
  assert.is(code, 0, err);
  assert.is(received, stream.length);
  return port;
}

function tsharkRtpCount(file: string, port: number): number {
  const r = spawnSync('tshark', ['-r', file, '-o', 'rtp.heuristic_rtp:TRUE', '-o', 'tcp.reassemble_out_of_order:TRUE', '-d', `tcp.port==${port},rtp`, '-Y', 'rtp.ssrc', '-T', 'fields', '-e', 'rtp.ssrc'], { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).reduce((a, l) => a + l.split(',').length, 0);
}

test('RFC 4571 over a real TCP connection: every RTP packet found, tshark agrees', async () => {
  const file = join(dir, 'ice-tcp.pcapng');
  const port = await captureTcp(file, rfc4571(Array.from({ length: N }, (_, i) => rtp(0x4571, i, i * 960, 111, 20 + (i * 37) % 900))));
  const rep = pcapInfo(file);
  const s = rep.flows.flatMap((f) => f.streams.map((x) => ({ carrier: f.carrier, dstPort: f.dstPort, ...x })));
  assert.equal(s.map((x) => [x.carrier, x.dstPort, x.ssrc, x.packets, x.lost]), [['tcp', port, 0x4571, N, 0]]);
  assert.is(rep.counts.tcpStreams.gaps, 0);
  assert.is(tsharkRtpCount(file, port), N);
});

test('TURN over a real TCP connection: ChannelData unwrapped to the bound peer', async () => {
  const file = join(dir, 'turn-tcp.pcapng');
  const stream = Buffer.concat([channelBind(0x4003, '203.0.113.5', 6100), ...Array.from({ length: N }, (_, i) => channelData(0x4003, rtp(0x7e11, i, i * 960, 96, 30 + (i * 53) % 700)))]);
  const port = await captureTcp(file, stream);
  const rep = pcapInfo(file);
  const s = rep.flows.flatMap((f) => f.streams.map((x) => ({ f, x })));
  assert.is(s.length, 1);
  assert.equal([s[0].f.carrier, s[0].f.dst, s[0].f.dstPort, s[0].f.relay, s[0].x.packets, s[0].x.lost], ['turn-tcp', '203.0.113.5', 6100, `127.0.0.1:${port}`, N, 0]);
  // tshark: TURN over TCP on a non-standard port, then heuristic RTP inside ChannelData
  const r = spawnSync('tshark', ['-r', file, '-o', 'rtp.heuristic_rtp:TRUE', '-d', `tcp.port==${port},stun`, '-Y', 'rtp.ssrc', '-T', 'fields', '-e', 'rtp.ssrc'], { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.split('\n').filter(Boolean).reduce((a, l) => a + l.split(',').length, 0), N, 'tshark RTP in ChannelData');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
