// MediaDemux: which flow each datagram is reported on. IPv6 Send indications decode the
// XOR-PEER-ADDRESS with the transaction id; ChannelData from the server maps back to the
// client's binding; a channel bound before the capture keeps the outer addresses and is
// marked; ICE checks and Allocate stay plain UDP.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MediaDemux, CaptureReader, PcapWriter, LinkType, PcapStatus, bufferSource, CARRIER_NAMES, endpoint, ipv6ToBytes, DemuxResult } from '../../src/pcap/index.js';
import { flow4, flow6, collector } from './helpers.js';
import { rtp, channelData, channelBind, sendIndication6, stun } from './tcp-helpers.js';

function demux(build: (w: PcapWriter) => void) {
  const c = collector();
  const w = new PcapWriter(c.sink, { linkType: LinkType.RAW });
  build(w);
  const r = new CaptureReader(bufferSource(c.bytes()));
  const got: string[] = [];
  const results: number[] = [];
  const d = new MediaDemux((p) => got.push(`${CARRIER_NAMES[p.carrier]} ${endpoint(p.flow, true)}>${endpoint(p.flow, false)}${p.relay ? ` via ${p.relay}` : ''}${p.peerUnknown ? ` ch${p.channel.toString(16)}?` : ''} ${p.buf.readUInt32BE(p.off + 8).toString(16)}`));
  while (r.next() === PcapStatus.OK) results.push(d.add(r));
  d.finish();
  return { got, d, results };
}

test('IPv6 Send indication: the peer decoded with the transaction id', () => {
  const c2t = flow6('2001:db8::1', 5000, '2001:db8::9', 3478);
  const { got, results } = demux((w) => w.writeUdpFlow(1, c2t, sendIndication6(ipv6ToBytes('2001:db8:ffff::42'), 7000, rtp(0xabc, 1, 1))));
  assert.equal(got, ['turn-udp [2001:db8::1]:5000>[2001:db8:ffff::42]:7000 via [2001:db8::9]:3478 abc']);
  assert.equal(results, [DemuxResult.REPLACED]);
});

test('ChannelData both ways after a ChannelBind; an unbound channel keeps the outer tuple; STUN stays UDP', () => {
  const c2t = flow4('10.0.0.1', 5000, '10.0.0.9', 3478), t2c = flow4('10.0.0.9', 3478, '10.0.0.1', 5000);
  const { got, d, results } = demux((w) => {
    w.writeUdpFlow(1, c2t, stun(0x0003, []));
    w.writeUdpFlow(2, c2t, channelBind(0x4005, '192.0.2.5', 9000));
    w.writeUdpFlow(3, c2t, channelData(0x4005, rtp(1, 1, 1)));
    w.writeUdpFlow(4, t2c, channelData(0x4005, rtp(2, 1, 1), false));
    w.writeUdpFlow(5, t2c, channelData(0x4006, rtp(3, 1, 1)));
  });
  assert.equal(got.slice(2), [
    'turn-udp 10.0.0.1:5000>192.0.2.5:9000 via 10.0.0.9:3478 1',
    'turn-udp 192.0.2.5:9000>10.0.0.1:5000 via 10.0.0.9:3478 2',
    'turn-udp 10.0.0.9:3478>10.0.0.1:5000 via 10.0.0.9:3478 ch4006? 3',
  ]);
  assert.ok(got[0].startsWith('udp 10.0.0.1:5000>10.0.0.9:3478'), 'Allocate: a plain datagram');
  assert.equal(results, [DemuxResult.DIRECT, DemuxResult.DIRECT, DemuxResult.REPLACED, DemuxResult.REPLACED, DemuxResult.REPLACED]);
  assert.is(d.counts.unknownChannel, 1); assert.is(d.counts.channelBinds, 1); assert.is(d.counts.channelData, 3);
});

test.run();
