// Real captures made by dumpcap (Wireshark's capture engine) on loopback, in the link
// types it picks itself: 'any' -> Linux SLL, 'any' -y LINUX_SLL2, 'lo' -> Ethernet; pcapng
// with nanosecond if_tsresol. We must read every UDP datagram we sent, over IPv4 and IPv6,
// with the same timestamps tshark shows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinkType } from '../../src/pcap/index.js';
import { readAll } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-pcap-dumpcap-'));
const COUNT = 6;

async function captureLoopback(file: string, args: string[], port: number): Promise<void> {
  const p = spawn('dumpcap', [...args, '-f', `udp port ${port}`, '-c', String(COUNT), '-a', 'duration:20', '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const exited = new Promise<number | null>((res) => p.on('exit', (c) => res(c)));
  await new Promise<void>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`dumpcap did not start: ${err}`)), 15_000);
    p.stderr.on('data', (d: Buffer) => { err += d; if (err.includes('Capturing on')) { clearTimeout(t); res(); } });
    p.on('exit', () => { clearTimeout(t); rej(new Error(`dumpcap exited: ${err}`)); });
  }).catch((e) => { p.kill(); throw e; });
  // "Capturing on" can come a moment before the filter is live: send until dumpcap has
  // its COUNT packets and exits (at most 200 sends), so the capture holds consecutive ones.
  let done = false;
  void exited.then(() => { done = true; });
  const s4 = createSocket('udp4'), s6 = createSocket('udp6');
  for (let i = 0; i < 200 && !done; i++) {
    const msg = Buffer.from(`switchboard-${i}`);
    await new Promise<void>((res) => (i % 2 ? s6.send(msg, port, '::1', () => res()) : s4.send(msg, port, '127.0.0.1', () => res())));
    await new Promise((r) => setTimeout(r, 20));
  }
  s4.close(); s6.close();
  const kill = setTimeout(() => p.kill(), 20_000);
  const code = await exited;
  clearTimeout(kill);
  assert.is(code, 0, err);
}

const cases: [string, string[], number][] = [
  ['any (SLL)', ['-i', 'any'], LinkType.LINUX_SLL],
  ['any (SLL2)', ['-i', 'any', '-y', 'LINUX_SLL2'], LinkType.LINUX_SLL2],
  ['lo (Ethernet)', ['-i', 'lo'], LinkType.ETHERNET],
];

for (const [name, args, linkType] of cases) {
  test(`dumpcap ${name}: we read what it captured, as tshark does`, async () => {
    const port = 40000 + Math.floor(Math.random() * 20000);
    const file = join(dir, `${linkType}.pcapng`);
    await captureLoopback(file, args, port);
    const { pkts, reader } = readAll(readFileSync(file), 4096);
    assert.is(reader.format, 'pcapng');
    assert.is(reader.interfaces[0].tsresol, 9);
    const first = Number(/\d+$/.exec(Buffer.from(pkts[0]?.payload ?? '', 'hex').toString())?.[0]);
    assert.ok(first >= 0, 'first payload');
    assert.equal(pkts.map((p) => Buffer.from(p.payload, 'hex').toString()), Array.from({ length: COUNT }, (_, i) => `switchboard-${first + i}`));
    assert.ok(pkts.every((p) => p.linkType === linkType && p.dport === port));
    // even sends went to 127.0.0.1, odd ones to ::1 (16 bytes in hex)
    assert.equal(pkts.map((p) => p.src), Array.from({ length: COUNT }, (_, i) => ((first + i) % 2 ? '00000000000000000000000000000001' : '127.0.0.1')));
    const r = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'udp.payload'], { encoding: 'utf8', timeout: 60_000 });
    assert.is(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n'), pkts.map((p) => `${p.sec}.${String(p.ns).padStart(9, '0')}\t${p.payload}`));
  });
}

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
