// ChannelBind (RFC 8656 §11) and ChannelData (§12): number range, rebinding rules,
// permission installed by the bind, expiry, caps, padding over TCP.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DATA_INDICATION, ChannelDataView, ChannelDataStatus } from '../../src/turn/index.js';
import { Bench, parse } from './harness.js';

async function bound(config = {}, transport: 'udp' | 'tcp' = 'udp') {
  const bench = new Bench(config);
  const c = bench.client('alice', '192.0.2.10', 40000, transport);
  await c.allocate();
  return { bench, c, relay: bench.relay() };
}

test('ChannelBind, then ChannelData both ways (UDP: no padding)', async () => {
  const { bench, c, relay } = await bound();
  const r = c.bind(0x4001, '203.0.113.5', 5000)!;
  assert.is(r.code, 0);
  assert.is(r.type, 0x0109);
  c.channelData(0x4001, Buffer.from('to peer'));
  assert.equal(relay.sent.map((s) => [s.data.toString(), s.address, s.port]), [['to peer', '203.0.113.5', 5000]]);
  relay.fromPeer(Buffer.from('abcde'), '203.0.113.5', 5000);
  const out = c.link.take()!;
  assert.is(out.length, 9);
  const v = new ChannelDataView();
  assert.is(v.reset(out, 0, out.length), ChannelDataStatus.Ok);
  assert.is(v.channel, 0x4001);
  assert.is(out.subarray(v.dataOffset, v.dataOffset + v.dataLength).toString(), 'abcde');
  assert.is(bench.core.stats.channelDataIn, 1);
  assert.is(bench.core.stats.channelDataOut, 1);
  // The same peer IP from another port has a permission but no channel: Data indication.
  relay.fromPeer(Buffer.from('z'), '203.0.113.5', 5001);
  assert.is(parse(c.link.take()!).type, DATA_INDICATION);
});

test('over TCP, ChannelData to the client is padded to 4 bytes with zeros', async () => {
  const { c, relay } = await bound({}, 'tcp');
  c.bind(0x4000, '203.0.113.5', 5000);
  relay.fromPeer(Buffer.from('abcde'), '203.0.113.5', 5000);
  const out = c.link.take()!;
  assert.is(out.length, 12);
  assert.is(out.readUInt16BE(2), 5, 'length excludes padding');
  assert.equal([...out.subarray(9)], [0, 0, 0]);
});

test('ChannelData from the client may carry padding over UDP; a length past the datagram is dropped', async () => {
  const { bench, c, relay } = await bound();
  c.bind(0x4000, '203.0.113.5', 5000);
  c.channelData(0x4000, Buffer.from('abc'), 1);
  assert.is(relay.sent[0].data.toString(), 'abc');
  const bad = Buffer.from([0x40, 0x00, 0x00, 0x09, 1, 2, 3]);
  bench.core.handleClient(c.link, bad, 0, bad.length);
  assert.is(relay.sent.length, 1);
  assert.is(bench.core.stats.malformed, 1);
});

test('channel numbers outside 0x4000-0x4FFF are 400 (the RFC 5766 range only with rfc5766ChannelNumbers)', async () => {
  const { c } = await bound();
  assert.is(c.bind(0x3fff, '203.0.113.5', 1)!.code, 400);
  assert.is(c.bind(0x5000, '203.0.113.5', 1)!.code, 400);
  assert.is(c.bind(0x4fff, '203.0.113.5', 1)!.code, 0);
  const legacy = await bound({ rfc5766ChannelNumbers: true });
  assert.is(legacy.c.bind(0x7fff, '203.0.113.5', 1)!.code, 0);
  assert.is(legacy.c.bind(0x8000, '203.0.113.5', 2)!.code, 400);
});

test('rebinding rules: same channel+peer refreshes; channel to another peer or peer to another channel is 400', async () => {
  const { c } = await bound();
  assert.is(c.bind(0x4000, '203.0.113.5', 5000)!.code, 0);
  assert.is(c.bind(0x4000, '203.0.113.5', 5000)!.code, 0, 'refresh');
  assert.is(c.bind(0x4000, '203.0.113.5', 5001)!.code, 400, 'channel already bound to another peer');
  assert.is(c.bind(0x4001, '203.0.113.5', 5000)!.code, 400, 'peer already bound to another channel');
  assert.is(c.bind(0x4001, '203.0.113.5', 5001)!.code, 0);
});

test('ChannelBind to a foreign peer, or to a port the allow-list does not name, is 403', async () => {
  const { bench, c } = await bound();
  assert.is(c.bind(0x4000, '198.18.0.1', 5000)!.code, 403);
  assert.is(c.bind(0x4000, '203.0.113.6', 9001)!.code, 403);
  assert.is(c.bind(0x4000, '203.0.113.6', 9000)!.code, 0);
  assert.is(bench.core.stats.forbiddenPeers, 2);
});

test('ChannelBind without CHANNEL-NUMBER or XOR-PEER-ADDRESS is 400; without an allocation 437', async () => {
  const { c } = await bound();
  assert.is(c.request(0x009, (b) => b.u32(0x000c, 0x4000 << 16))!.code, 400);
  assert.is(c.request(0x009, (b) => b.xorAddressText(0x0012, '203.0.113.5', 1))!.code, 400);
  assert.is(new Bench().client().bind(0x4000, '203.0.113.5', 1)!.code, 437);
});

test('ChannelData on an unbound channel, or with no allocation, is dropped', async () => {
  const { bench, c, relay } = await bound();
  c.channelData(0x4abc, Buffer.from('x'));
  assert.is(bench.core.stats.droppedNoChannel, 1);
  const stranger = bench.client('eve', '192.0.2.200');
  stranger.channelData(0x4000, Buffer.from('x'));
  assert.is(bench.core.stats.droppedNoAllocation, 1);
  assert.is(relay.sent.length, 0);
});

test('a channel lasts 600 s; its permission 300 s unless refreshed; afterwards data stops', async () => {
  const { bench, c, relay } = await bound();
  c.bind(0x4000, '203.0.113.5', 5000);
  c.refresh(3600);
  bench.advance(301_000);
  c.channelData(0x4000, Buffer.from('perm gone'));
  assert.is(relay.sent.length, 0, 'the bind installed a 300 s permission, now expired');
  assert.is(bench.core.stats.droppedNoPermission, 1);
  c.permit(['203.0.113.5']);
  c.channelData(0x4000, Buffer.from('ok'));
  assert.is(relay.sent.length, 1);
  bench.advance(300_000); // 601 s after the bind
  c.permit(['203.0.113.5']);
  c.link.out.length = 0;
  c.channelData(0x4000, Buffer.from('channel gone'));
  assert.is(relay.sent.length, 1);
  assert.is(bench.core.stats.channelsExpired, 1);
  relay.fromPeer(Buffer.from('back'), '203.0.113.5', 5000);
  assert.is(parse(c.link.take()!).type, DATA_INDICATION, 'no channel: Data indication');
  assert.is(c.bind(0x4000, '203.0.113.5', 5000)!.code, 0, 'rebindable after expiry');
});

test('channel quota per allocation: 508 past the cap', async () => {
  const { bench, c } = await bound({ maxChannelsPerAllocation: 2 });
  assert.is(c.bind(0x4000, '10.1.0.1', 1)!.code, 0);
  assert.is(c.bind(0x4001, '10.1.0.2', 1)!.code, 0);
  assert.is(c.bind(0x4002, '10.1.0.3', 1)!.code, 508);
  assert.is(c.bind(0x4000, '10.1.0.1', 1)!.code, 0, 'refresh is fine at the cap');
  assert.is(bench.core.snapshot().channelsActive, 2);
});

test('a TCP link closing deletes its allocation', async () => {
  const { bench, c, relay } = await bound({}, 'tcp');
  bench.core.linkClosed(c.link);
  assert.is(bench.core.allocationCount, 0);
  assert.ok(relay.closed);
});

test.run();
