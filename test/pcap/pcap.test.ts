import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapWriter, PcapFileWriter, PcapReader, PcapStatus, LinkType, UdpLocation, locateUdp, ipv4ToU32, u32ToIpv4 } from '../../src/pcap/index.js';

const A = ipv4ToU32('10.0.0.1'), B = ipv4ToU32('192.168.1.20');

function writeToBuffer(linkType: number, payloads: Buffer[]): Buffer {
  const chunks: Buffer[] = [];
  const w = new PcapWriter((c) => chunks.push(Buffer.from(c)), { linkType });
  payloads.forEach((p, i) => w.writeUdp(1_700_000_000_000_000 + i * 1500, A, 5000 + i, B, 6000, p));
  return Buffer.concat(chunks);
}

test('ipv4 helpers', () => {
  assert.is(ipv4ToU32('192.168.1.20'), 0xc0a80114);
  assert.is(u32ToIpv4(0xc0a80114), '192.168.1.20');
  assert.throws(() => ipv4ToU32('1.2.3'));
  assert.throws(() => ipv4ToU32('1.2.3.256'));
});

test('global header bytes (little-endian, v2.4, snaplen, linktype)', () => {
  const b = writeToBuffer(LinkType.RAW, []);
  assert.is(b.toString('hex'), 'd4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + 'ffff0000' + '65000000');
});

for (const lt of [LinkType.ETHERNET, LinkType.RAW]) {
  test(`write then read back, link type ${lt}`, () => {
    const payloads = [Buffer.from('hello'), Buffer.alloc(0), Buffer.alloc(1200, 7)];
    const b = writeToBuffer(lt, payloads);
    const r = new PcapReader();
    assert.is(r.reset(b), PcapStatus.OK);
    assert.is(r.linkType, lt);
    const loc = new UdpLocation();
    for (let i = 0; i < payloads.length; i++) {
      assert.is(r.next(), PcapStatus.OK);
      assert.is(r.tsUs, 1_700_000_000_000_000 + i * 1500);
      assert.is(r.capturedLength, r.originalLength);
      assert.is(locateUdp(b, r.dataOffset, r.capturedLength, r.linkType, loc), PcapStatus.OK);
      assert.equal([loc.srcIp, loc.dstIp, loc.srcPort, loc.dstPort], [A, B, 5000 + i, 6000]);
      assert.is(b.subarray(loc.payloadOffset, loc.payloadOffset + loc.payloadLength).toString('hex'), payloads[i].toString('hex'));
      // IPv4 header checksum verifies to 0xffff
      const ip = r.dataOffset + (lt === LinkType.ETHERNET ? 14 : 0);
      let s = 0;
      for (let k = 0; k < 20; k += 2) s += b.readUInt16BE(ip + k);
      while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
      assert.is(s, 0xffff);
    }
    assert.is(r.next(), PcapStatus.END);
  });
}

test('reader: bad magic, truncated record, big-endian nanosecond file', () => {
  const r = new PcapReader();
  assert.is(r.reset(Buffer.alloc(24)), PcapStatus.BAD_MAGIC);
  assert.is(r.reset(Buffer.alloc(3)), PcapStatus.BAD_MAGIC);
  const b = writeToBuffer(LinkType.RAW, [Buffer.from('abc')]);
  assert.is(r.reset(b.subarray(0, b.length - 1)), PcapStatus.OK);
  assert.is(r.next(), PcapStatus.TRUNCATED);
  // Hand-made big-endian, nanosecond pcap with one 4-byte record.
  const be = Buffer.from('a1b23c4d 0002 0004 00000000 00000000 0000ffff 00000065  00000002 000003e8 00000004 00000004 deadbeef'.replace(/ /g, ''), 'hex');
  assert.is(r.reset(be), PcapStatus.OK);
  assert.is(r.linkType, 101);
  assert.is(r.next(), PcapStatus.OK);
  assert.is(r.tsUs, 2_000_001);
  assert.is(be.subarray(r.dataOffset, r.dataOffset + r.capturedLength).toString('hex'), 'deadbeef');
  const loc = new UdpLocation();
  assert.is(locateUdp(be, r.dataOffset, r.capturedLength, r.linkType, loc), PcapStatus.BAD_LENGTH);
});

test('tshark reads our file: ports, lengths, good IP checksum', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-pcap-'));
  try {
    for (const lt of [LinkType.ETHERNET, LinkType.RAW]) {
      const f = join(dir, `t${lt}.pcap`);
      const w = new PcapFileWriter(f, { linkType: lt });
      w.writeUdp(1_000_000, A, 1234, B, 4321, Buffer.from('0123456789'));
      w.close();
      assert.ok(readFileSync(f).length > 24);
      const r = spawnSync('tshark', ['-r', f, '-o', 'ip.check_checksum:TRUE', '-T', 'fields', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'udp.srcport', '-e', 'udp.dstport', '-e', 'udp.length', '-e', 'ip.checksum.status', '-e', 'frame.time_epoch'], { encoding: 'utf8', timeout: 30_000 });
      assert.is(r.status, 0, r.stderr);
      const [src, dst, sp, dp, ul, ck, ts] = r.stdout.trim().split('\t');
      // ip.checksum.status 1 = good
      assert.equal([src, dst, sp, dp, ul, ck], ['10.0.0.1', '192.168.1.20', '1234', '4321', '18', '1']);
      assert.is(Number(ts), 1);
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();
