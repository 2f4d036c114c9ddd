// Cross-check with tshark (Wireshark 4.x): files we write are read by tshark with the
// same packets, timestamps, addresses and UDP payloads; files tshark / editcap write
// (pcap, pcapng, nanosecond pcap) are read by us identically.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapFileWriter, PcapngFileWriter, LinkType, PcapStatus, CaptureReader } from '../../src/pcap/index.js';
import { readAll, samplePackets, writeSamples } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-pcap-tshark-'));
const FIELDS = ['frame.interface_id', 'frame.time_epoch', 'udp.srcport', 'udp.dstport', 'udp.payload', 'ip.src', 'ipv6.src', 'udp.checksum.status', 'ip.checksum.status'];

function tshark(args: string[]): string {
  const r = spawnSync('tshark', args, { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  return r.stdout;
}
function tsharkRows(file: string): string[][] {
  return tshark(['-r', file, '-o', 'udp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])])
    .split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}
const epoch = (sec: number, ns: number) => `${sec}.${String(ns).padStart(9, '0')}`;
/** Our reading as tshark would print it (interface, time, ports, payload). */
function ours(file: string): string[] {
  return readAll(readFileSync(file), 4096).pkts.map((p) => [p.ifId, epoch(p.sec, p.ns), p.sport, p.dport, p.payload].join(' '));
}
// tshark leaves frame.interface_id empty for classic pcap
const theirs = (rows: string[][]) => rows.map((r) => [r[0] || '0', ...r.slice(1, 5)].join(' '));

const LINKS = [LinkType.ETHERNET, LinkType.RAW, LinkType.LINUX_SLL, LinkType.IPV4, LinkType.IPV6, LinkType.LINUX_SLL2];

test('tshark reads our pcap and pcapng (every link type, IPv4 + IPv6, µs and ns)', () => {
  for (const lt of LINKS) {
    const v6 = lt === LinkType.IPV6 || (lt !== LinkType.IPV4 && lt % 2 === 0);
    for (const ng of [false, true]) {
      for (const nanos of [false, true]) {
        const f = join(dir, `ours-${lt}-${ng}-${nanos}.${ng ? 'pcapng' : 'pcap'}`);
        const w = ng ? new PcapngFileWriter(f, { interfaces: [{ linkType: lt, tsResolution: nanos ? 'ns' : 'us' }] }) : new PcapFileWriter(f, { linkType: lt, nanos });
        const pk = samplePackets(9, v6);
        writeSamples(w, pk);
        w.close();
        const rows = tsharkRows(f);
        assert.is(rows.length, pk.length, f);
        rows.forEach((r, i) => {
          const p = pk[i];
          const ns = nanos ? p.ns : Math.round(p.ns / 1000) * 1000;
          assert.equal(r.slice(1, 5), [epoch(p.sec, ns), String(p.flow.srcPort), '6000', p.payload.toString('hex')], `${f} #${i}`);
          assert.is(v6 ? r[6] : r[5], v6 ? '2001:db8::1' : '10.0.0.1');
          if (v6) assert.is(r[7], '1', 'IPv6 UDP checksum good'); else assert.is(r[8], '1', 'IPv4 header checksum good');
        });
        assert.equal(ours(f), theirs(rows));
      }
    }
  }
});

test('tshark reads our two-interface pcapng (Ethernet ns + SLL2 µs)', () => {
  const f = join(dir, 'two-if.pcapng');
  const w = new PcapngFileWriter(f, { interfaces: [{ linkType: LinkType.ETHERNET, tsResolution: 'ns', name: 'eth0' }, { linkType: LinkType.LINUX_SLL2, name: 'any' }] });
  writeSamples(w, samplePackets(5, true), 0);
  writeSamples(w, samplePackets(5, false), 1);
  w.close();
  const rows = tsharkRows(f);
  assert.is(rows.length, 10);
  assert.equal(rows.map((r) => r[0]), ['0', '0', '0', '0', '0', '1', '1', '1', '1', '1']);
  assert.equal(ours(f), theirs(rows));
});

test('we read what tshark and editcap write: pcapng, pcap, nanosecond pcap, SLL/SLL2', () => {
  for (const lt of LINKS) {
    const src = join(dir, `ours-${lt}-false-true.pcap`); // ns classic pcap from the first test
    const want = theirs(tsharkRows(src));
    const conversions: [string, string[]][] = [
      ['pcapng', ['tshark', '-r', src, '-F', 'pcapng', '-w']],
      ['pcap', ['tshark', '-r', src, '-F', 'pcap', '-w']],
      ['nsecpcap', ['editcap', '-F', 'nsecpcap', src]],
      ['pcapng-editcap', ['editcap', '-F', 'pcapng', src]],
    ];
    for (const [name, cmd] of conversions) {
      const out = join(dir, `theirs-${lt}-${name}`);
      const r = spawnSync(cmd[0], [...cmd.slice(1), out], { encoding: 'utf8', timeout: 60_000 });
      assert.is(r.status, 0, r.stderr);
      const got = ours(out);
      // classic µs pcap loses the sub-µs part: compare at µs there
      const norm = (l: string) => (name === 'pcap' ? l.replace(/\.(\d{6})\d{3} /, '.$1000 ') : l);
      assert.equal(got, want.map(norm), `${lt} ${name}`);
      const rd = CaptureReader.openFile(out);
      let s; let n = 0;
      while ((s = rd.next()) === PcapStatus.OK) { n++; assert.is(rd.linkType, lt); }
      rd.close();
      assert.is(s, PcapStatus.END);
      assert.is(n, 9);
    }
  }
});

test('editcap -T relabels the link type (frames unchanged): raw IP -> rawip4 / rawip6, Ethernet SLL frames -> linux-sll', () => {
  // editcap -T does not convert headers, so only relabelings that keep the frames valid are meaningful
  const cases: [string, string, number][] = [
    ['ours-101-false-true.pcap', 'rawip4', LinkType.IPV4],   // raw IP carrying IPv4 (101 with v4 frames)
    ['ours-229-false-true.pcap', 'rawip', LinkType.RAW],     // raw IPv6 -> raw IP (version nibble says 6)
    ['ours-113-true-true.pcapng', 'linux-sll', LinkType.LINUX_SLL],
    ['ours-276-true-true.pcapng', 'linux-sll2', LinkType.LINUX_SLL2],
  ];
  for (const [src, t, lt] of cases) {
    const out = join(dir, `relabel-${t}.pcapng`);
    const r = spawnSync('editcap', ['-T', t, join(dir, src), out], { encoding: 'utf8', timeout: 60_000 });
    assert.is(r.status, 0, r.stderr);
    const { pkts } = readAll(readFileSync(out), 4096);
    assert.ok(pkts.length === 9 && pkts.every((p) => p.linkType === lt), `${t}: ${pkts.length}`);
    assert.equal(ours(out), theirs(tsharkRows(out)), t);
  }
});

test('tshark merges two of our files into one multi-interface pcapng that we read', () => {
  const a = join(dir, 'ours-276-true-true.pcapng'), b = join(dir, 'ours-101-true-false.pcapng');
  const out = join(dir, 'merged.pcapng');
  const r = spawnSync('mergecap', ['-w', out, a, b], { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  const rows = tsharkRows(out);
  assert.is(rows.length, 18);
  const { pkts, reader } = readAll(readFileSync(out), 4096);
  assert.is(reader.interfaces.length, 2);
  assert.equal(ours(out), theirs(rows));
  assert.equal(new Set(pkts.map((p) => p.linkType)), new Set([276, 101]));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
