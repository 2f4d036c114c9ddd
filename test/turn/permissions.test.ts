// CreatePermission (RFC 8656 §9), Send and Data indications (§10), and the allow-list:
// no open relay, a foreign peer address is 403 and nothing is installed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ATTR_XOR_PEER_ADDRESS, ATTR_DATA, DATA_INDICATION, METHOD_CREATE_PERMISSION } from '../../src/turn/index.js';
import { Bench, parse } from './harness.js';

async function allocated(config = {}) {
  const bench = new Bench(config);
  const c = bench.client();
  await c.allocate();
  return { bench, c, relay: bench.relay() };
}

test('CreatePermission for an allow-listed peer succeeds; its datagrams (any port) come back as Data indications', async () => {
  const { bench, c, relay } = await allocated();
  const r = c.permit(['203.0.113.5'])!;
  assert.is(r.code, 0);
  assert.is(r.type, 0x0108);
  relay.fromPeer(Buffer.from('hello'), '203.0.113.5', 1234);
  const d = parse(c.link.take()!);
  assert.is(d.type, DATA_INDICATION);
  assert.equal(d.address(ATTR_XOR_PEER_ADDRESS), { address: '203.0.113.5', port: 1234 });
  const data = d.attr(ATTR_DATA)!;
  assert.is(d.buf.subarray(data.v, data.v + data.len).toString(), 'hello');
  assert.is(bench.core.stats.dataIndications, 1);
  assert.is(bench.core.stats.packetsFromPeers, 1);
});

test('a peer address outside the allow-list is 403 and installs nothing', async () => {
  const { bench, c, relay } = await allocated();
  const r = c.permit(['198.18.0.1'])!;
  assert.is(r.code, 403);
  assert.is(bench.core.stats.forbiddenPeers, 1);
  assert.ok(bench.events.some((e) => e.type === 'forbidden-peer'));
  relay.fromPeer(Buffer.from('x'), '198.18.0.1', 1);
  assert.is(c.link.out.length, 0);
  assert.is(bench.core.stats.droppedNoPermission, 1);
});

test('CreatePermission is all or nothing: one foreign address in the list refuses all', async () => {
  const { bench, c } = await allocated();
  assert.is(c.permit(['203.0.113.5', '192.0.2.99'])!.code, 403);
  assert.is(bench.core.snapshot().permissionsActive, 0);
  assert.is(c.permit(['203.0.113.5', '10.1.2.3'])!.code, 0, 'a CIDR entry covers 10.1.2.3');
  assert.is(bench.core.snapshot().permissionsActive, 2);
});

test('with an empty allow-list nothing is relayed (the server default: no open relay)', async () => {
  const { c } = await allocated({ allowPeers: [] });
  assert.is(c.permit(['203.0.113.5'])!.code, 403);
  assert.is(c.bind(0x4000, '203.0.113.5', 1)!.code, 403);
});

test('CreatePermission without XOR-PEER-ADDRESS is 400; an IPv6 peer on an IPv4 relay is 443; no allocation is 437', async () => {
  const { c } = await allocated();
  assert.is(c.request(METHOD_CREATE_PERMISSION, () => {})!.code, 400);
  assert.is(c.permit(['2001:db8::1'])!.code, 443);
  const other = new Bench().client();
  assert.is(other.permit(['203.0.113.5'])!.code, 437);
});

test('permission quota per allocation: 508 past the cap, refreshing an existing one is fine', async () => {
  const { bench, c } = await allocated({ maxPermissionsPerAllocation: 2 });
  assert.is(c.permit(['10.1.0.1', '10.1.0.2'])!.code, 0);
  assert.is(c.permit(['10.1.0.3'])!.code, 508);
  assert.is(c.permit(['10.1.0.1'])!.code, 0);
  assert.is(bench.core.stats.quotaRejections, 1);
});

test('a permission lasts 300 s unless refreshed', async () => {
  const { bench, c, relay } = await allocated();
  c.permit(['203.0.113.5']);
  bench.advance(299_000);
  relay.fromPeer(Buffer.from('a'), '203.0.113.5', 1);
  assert.is(c.link.out.length, 1);
  c.link.out.length = 0;
  c.refresh(600); c.link.out.length = 0;
  bench.advance(1_000);
  relay.fromPeer(Buffer.from('b'), '203.0.113.5', 1);
  assert.is(c.link.out.length, 0);
  assert.is(bench.core.stats.permissionsExpired, 1);
  c.permit(['203.0.113.5']);
  c.link.out.length = 0;
  bench.advance(200_000);
  c.permit(['203.0.113.5']); // refresh
  c.link.out.length = 0;
  bench.advance(200_000);
  relay.fromPeer(Buffer.from('c'), '203.0.113.5', 1);
  assert.is(c.link.out.length, 1);
});

test('Send indications reach permitted peers only, and only allow-listed ports', async () => {
  const { bench, c, relay } = await allocated();
  c.sendIndication('203.0.113.5', 7000, Buffer.from('no permission yet'));
  assert.is(relay.sent.length, 0);
  assert.is(bench.core.stats.droppedNoPermission, 1);
  c.permit(['203.0.113.5', '203.0.113.6']);
  c.sendIndication('203.0.113.5', 7000, Buffer.from('hi'));
  assert.equal(relay.sent.map((s) => [s.data.toString(), s.address, s.port]), [['hi', '203.0.113.5', 7000]]);
  // 203.0.113.6 is allow-listed with port 9000 only.
  c.sendIndication('203.0.113.6', 9001, Buffer.from('wrong port'));
  assert.is(relay.sent.length, 1);
  assert.is(bench.core.stats.droppedForbidden, 1);
  c.sendIndication('203.0.113.6', 9000, Buffer.from('right port'));
  assert.is(relay.sent.length, 2);
  assert.is(bench.core.stats.sendIndications, 4);
  assert.is(bench.core.stats.packetsToPeers, 2);
  assert.is(c.link.out.length, 0, 'indications are never answered');
});

test('Send indications without an allocation, or too big, are dropped and counted', async () => {
  const { bench, c, relay } = await allocated({ maxPayload: 100 });
  c.permit(['203.0.113.5']);
  c.sendIndication('203.0.113.5', 1, Buffer.alloc(101));
  assert.is(bench.core.stats.droppedTooBig, 1);
  const stranger = bench.client('eve', '192.0.2.200');
  stranger.sendIndication('203.0.113.5', 1, Buffer.from('x'));
  assert.is(bench.core.stats.droppedNoAllocation, 1);
  assert.is(relay.sent.length, 0);
});

test('a full client link drops Data indications and counts them', async () => {
  const { bench, c, relay } = await allocated();
  c.permit(['203.0.113.5']);
  c.link.out.length = 0;
  c.link.full = true;
  relay.fromPeer(Buffer.from('x'), '203.0.113.5', 1);
  assert.is(bench.core.stats.droppedBackpressure, 1);
});

test.run();
