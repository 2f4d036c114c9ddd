import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { locateUdp, UdpLocation, PcapStatus, LinkType, ipv6ToBytes, bytesToIpv6 } from '../../src/pcap/index.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const SRC6 = '20010db8000000000000000000000001', DST6 = '20010db8000000000000000000000002';
const UDP = '1388 1770 000c 0000 61626364'; // 5000 -> 6000, len 12, "abcd"
const loc = new UdpLocation();

function v6(next: number, ext: string, body = UDP): Buffer {
  const rest = hex(ext + body);
  return Buffer.concat([hex(`60000000 ${rest.length.toString(16).padStart(4, '0')} ${next.toString(16).padStart(2, '0')} 40 ${SRC6} ${DST6}`), rest]);
}
function found(buf: Buffer, lt: number): string {
  const s = locateUdp(buf, 0, buf.length, lt, loc);
  if (s !== PcapStatus.OK) return `status ${s}`;
  return `${loc.srcPort}>${loc.dstPort} ${buf.subarray(loc.payloadOffset, loc.payloadOffset + loc.payloadLength).toString()}`;
}

test('IPv6: extension headers skipped (hop-by-hop, routing, destination options, AH)', () => {
  // hop-by-hop (next 43) 8 bytes; routing (next 60) 8 bytes; dest opts (next 51) 8 bytes; AH (next 17) (2+2)*4 = 16 bytes
  const ext = '2b00 010400000000' + '3c00 0000 00000000' + '3300 010400000000' + '1102 0000 00000001 00000002 00000000';
  const b = v6(0, ext);
  assert.is(found(b, LinkType.IPV6), '5000>6000 abcd');
  assert.is(bytesToIpv6(loc.src6), '2001:db8::1');
  assert.is(loc.ipVersion, 6);
  assert.is(found(b, LinkType.RAW), '5000>6000 abcd');
  assert.is(found(v6(44, '1100 0001 12345678'), LinkType.IPV6), `status ${PcapStatus.FRAGMENT}`);
  assert.is(found(v6(50, '00000001 00000001'), LinkType.IPV6), `status ${PcapStatus.NOT_UDP}`);
  assert.is(found(v6(6, ''), LinkType.IPV6), `status ${PcapStatus.NOT_UDP}`);
  // an extension header longer than the packet
  assert.is(found(v6(0, '11ff 000000000000'), LinkType.IPV6), `status ${PcapStatus.BAD_LENGTH}`);
  // payload length beyond the captured bytes (snap length cut)
  const cut = v6(17, '');
  assert.is(found(cut.subarray(0, cut.length - 1), LinkType.IPV6), `status ${PcapStatus.BAD_LENGTH}`);
});

test('IPv4: options, fragments (MF and offset), not UDP', () => {
  const ip = (ihl: number, flags: string, proto = '11', opts = '') => {
    const body = hex(opts + UDP);
    return Buffer.concat([hex(`4${ihl.toString(16)}00 ${(20 + body.length).toString(16).padStart(4, '0')} 0001 ${flags} 40${proto} 0000 0a000001 0a000002`), body]);
  };
  assert.is(found(ip(5, '4000'), LinkType.IPV4), '5000>6000 abcd');
  assert.is(found(ip(6, '0000', '11', '01010100'), LinkType.IPV4), '5000>6000 abcd');
  assert.is(loc.srcIp, 0x0a000001);
  assert.is(found(ip(5, '2000'), LinkType.IPV4), `status ${PcapStatus.FRAGMENT}`);
  assert.is(found(ip(5, '0010'), LinkType.IPV4), `status ${PcapStatus.FRAGMENT}`);
  assert.is(found(ip(5, '4000', '06'), LinkType.IPV4), `status ${PcapStatus.NOT_UDP}`);
});

test('link layers: Ethernet (VLAN, QinQ, padding), SLL, SLL2 (hand-made headers)', () => {
  const ip4 = hex(`4500 0020 0001 4000 4011 0000 7f000001 7f000002 ${UDP}`);
  const mac = '020000000001 020000000002';
  assert.is(found(Buffer.concat([hex(`${mac} 0800`), ip4, Buffer.alloc(14)]), LinkType.ETHERNET), '5000>6000 abcd'); // padded to 60+
  assert.is(found(Buffer.concat([hex(`${mac} 8100 0064 0800`), ip4]), LinkType.ETHERNET), '5000>6000 abcd');
  assert.is(found(Buffer.concat([hex(`${mac} 88a8 0064 8100 0065 86dd`), v6(17, '')]), LinkType.ETHERNET), '5000>6000 abcd');
  assert.is(found(Buffer.concat([hex(`${mac} 0806`), ip4]), LinkType.ETHERNET), `status ${PcapStatus.NOT_UDP}`);
  // SLL: packet type 0 (to us), ARPHRD_ETHER 1, address length 6, address (8), protocol
  assert.is(found(Buffer.concat([hex('0000 0001 0006 020000000001 0000 0800'), ip4]), LinkType.LINUX_SLL), '5000>6000 abcd');
  // SLL2: protocol, reserved, ifindex 4, ARPHRD 772 (loopback), packet type 0, address length 6, address (8)
  assert.is(found(Buffer.concat([hex('86dd 0000 00000001 0304 00 06 000000000000 0000'), v6(17, '')]), LinkType.LINUX_SLL2), '5000>6000 abcd');
  assert.is(bytesToIpv6(loc.dst6), '2001:db8::2');
  assert.is(found(hex('86dd 0000 0000'), LinkType.LINUX_SLL2), `status ${PcapStatus.BAD_LENGTH}`);
  assert.is(found(ip4, 147), `status ${PcapStatus.NOT_UDP}`);
});

test('IPv6 text <-> bytes', () => {
  for (const [t, h] of [['::', '0'.repeat(32)], ['::1', '0'.repeat(31) + '1'], ['2001:db8::1', SRC6], ['fe80::2:3', 'fe800000000000000000000000020003'], ['::ffff:1.2.3.4', '00000000000000000000ffff01020304'], ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008']]) {
    assert.is(Buffer.from(ipv6ToBytes(t)).toString('hex'), h, t);
  }
  assert.is(bytesToIpv6(hex('20010db8000000010000000000000001')), '2001:db8:0:1::1');
  assert.is(bytesToIpv6(hex('00010002000300040005000600070008')), '1:2:3:4:5:6:7:8');
  for (const bad of ['1::2::3', '12345::', '1:2:3:4:5:6:7', 'x::', '1.2.3.4']) assert.throws(() => ipv6ToBytes(bad), bad);
});

test.run();
