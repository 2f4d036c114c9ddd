// Allocate and Refresh (RFC 8656 §7, §8): attributes of the success response, the checks
// in their RFC order, retransmissions, quotas, lifetimes and expiry with an injected clock.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ATTR_UNKNOWN_ATTRIBUTES, ATTR_XOR_MAPPED_ADDRESS, ATTR_FINGERPRINT, BINDING_REQUEST, StunBuilder } from '../../src/stun/index.js';
import {
  ATTR_DONT_FRAGMENT, ATTR_EVEN_PORT, ATTR_LIFETIME, ATTR_REQUESTED_ADDRESS_FAMILY, ATTR_REQUESTED_TRANSPORT,
  ATTR_RESERVATION_TOKEN, ATTR_XOR_RELAYED_ADDRESS, METHOD_ALLOCATE, mintTurnCredential, restApiParticipant,
} from '../../src/turn/index.js';
import { Bench, SECRET, newTx, parse } from './harness.js';

test('Allocate returns XOR-RELAYED-ADDRESS, XOR-MAPPED-ADDRESS and the default LIFETIME', async () => {
  const bench = new Bench();
  const c = bench.client('alice', '192.0.2.10', 40001);
  const r = (await c.allocate(() => {}, { fingerprint: true }))!;
  assert.is(r.code, 0);
  assert.equal(r.address(ATTR_XOR_RELAYED_ADDRESS), { address: '198.51.100.7', port: bench.relay().port });
  assert.equal(r.address(ATTR_XOR_MAPPED_ADDRESS), { address: '192.0.2.10', port: 40001 });
  assert.is(r.u32(ATTR_LIFETIME), 600);
  assert.ok(r.attr(ATTR_FINGERPRINT), 'FINGERPRINT when the request had one');
  assert.ok(r.view.verifyFingerprint());
  assert.is(bench.core.stats.allocationsActive, 1);
  assert.ok(bench.events.some((e) => e.type === 'allocated'));
});

test('requested lifetimes are clamped to [default, max]', async () => {
  for (const [want, got] of [[1200, 1200], [99_999, 3600], [10, 600]] as const) {
    const bench = new Bench();
    const r = (await bench.client().allocate((b) => b.u32(ATTR_LIFETIME, want)))!;
    assert.is(r.u32(ATTR_LIFETIME), got, `asked ${want}`);
  }
});

test('missing REQUESTED-TRANSPORT is 400; TCP (6) is 442', () => {
  const bench = new Bench();
  const c = bench.client();
  assert.is(c.request(METHOD_ALLOCATE, () => {})!.code, 400);
  assert.is(c.request(METHOD_ALLOCATE, (b) => b.u32(ATTR_REQUESTED_TRANSPORT, 6 << 24))!.code, 442);
  assert.is(bench.relays.opened.length, 0);
});

test('a retransmitted Allocate gets the same response; a new one on the same 5-tuple gets 437', async () => {
  const bench = new Bench();
  const c = bench.client();
  c.send(METHOD_ALLOCATE, () => {}); // learn the nonce
  const tx = newTx();
  const first = (await c.allocate(() => {}, { tx }))!;
  assert.is(first.code, 0);
  const again = c.request(METHOD_ALLOCATE, (b) => b.u32(ATTR_REQUESTED_TRANSPORT, 17 << 24), { tx })!;
  assert.ok(again.buf.equals(first.buf), 'byte-identical retransmission answer');
  const other = c.request(METHOD_ALLOCATE, (b) => b.u32(ATTR_REQUESTED_TRANSPORT, 17 << 24))!;
  assert.is(other.code, 437);
  assert.is(bench.relays.opened.length, 1);
});

test('DONT-FRAGMENT and unknown comprehension-required attributes get 420 listing them', async () => {
  const bench = new Bench();
  const c = bench.client();
  let r = (await c.allocate((b) => b.flag(ATTR_DONT_FRAGMENT)))!;
  assert.is(r.code, 420);
  let u = r.attr(ATTR_UNKNOWN_ATTRIBUTES)!;
  assert.is(r.buf.readUInt16BE(u.v), ATTR_DONT_FRAGMENT);
  r = (await c.allocate((b) => b.u32(0x7777, 1)))!;
  assert.is(r.code, 420);
  u = r.attr(ATTR_UNKNOWN_ATTRIBUTES)!;
  assert.is(r.buf.readUInt16BE(u.v), 0x7777);
  // Comprehension-optional ones are ignored.
  assert.is((await c.allocate((b) => b.u32(0x8777, 1)))!.code, 0);
});

test('RESERVATION-TOKEN is 508 (no reservations kept), with EVEN-PORT 400; EVEN-PORT gives an even port', async () => {
  const bench = new Bench();
  const c = bench.client();
  assert.is((await c.allocate((b) => b.u64(ATTR_RESERVATION_TOKEN, 1, 2)))!.code, 508);
  assert.is((await c.allocate((b) => b.u64(ATTR_RESERVATION_TOKEN, 1, 2).bytes(ATTR_EVEN_PORT, Buffer.of(0x80))))!.code, 400);
  bench.relays.nextPort = 50001;
  const r = (await c.allocate((b) => b.bytes(ATTR_EVEN_PORT, Buffer.of(0x00))))!;
  assert.is(r.code, 0);
  assert.is(r.address(ATTR_XOR_RELAYED_ADDRESS)!.port % 2, 0);
});

test('REQUESTED-ADDRESS-FAMILY IPv6 on an IPv4-only server is 440; IPv4 is fine', async () => {
  const bench = new Bench();
  const c = bench.client();
  assert.is((await c.allocate((b) => b.u32(ATTR_REQUESTED_ADDRESS_FAMILY, 0x02 << 24)))!.code, 440);
  assert.is((await c.allocate((b) => b.u32(ATTR_REQUESTED_ADDRESS_FAMILY, 0x01 << 24)))!.code, 0);
});

test('no free relay port: 508, and the pending allocation is gone', async () => {
  const bench = new Bench();
  bench.relays.fail = true;
  const c = bench.client();
  const r = (await c.allocate())!;
  assert.is(r.code, 508);
  assert.is(bench.core.allocationCount, 0);
  assert.is(bench.core.stats.relayBindFailures, 1);
  bench.relays.fail = false;
  assert.is((await c.allocate())!.code, 0);
});

test('quota: allocations per participant (486) and per server (508)', async () => {
  const bench = new Bench({ maxAllocationsPerParticipant: 2, maxAllocations: 3 });
  const alice = [0, 1, 2].map((i) => bench.client('alice', '192.0.2.10', 41000 + i));
  const shared = alice[0];
  for (const c of alice) c.setCredential(shared.username, shared.password);
  assert.is((await alice[0].allocate())!.code, 0);
  assert.is((await alice[1].allocate())!.code, 0);
  assert.is((await alice[2].allocate())!.code, 486);
  assert.is((await bench.client('bob', '192.0.2.11').allocate())!.code, 0);
  assert.is((await bench.client('carol', '192.0.2.12').allocate())!.code, 508);
  assert.is(bench.core.stats.quotaRejections, 2);
  // Freed quota is reusable.
  assert.is(alice[0].refresh(0)!.code, 0);
  assert.is((await alice[2].allocate())!.code, 0);
});

test('quota is per participant: a reconnect\'s new credential shares it, another participant\'s does not', async () => {
  const bench = new Bench({ maxAllocationsPerParticipant: 2 });
  const nowS = Math.floor(bench.now / 1000);
  // Three credentials for one participant sid, as three joins would mint them (different expiries).
  const creds = [3600, 3000, 2400].map((ttl) => mintTurnCredential(SECRET, 'PA_reconnecting', ttl, nowS));
  assert.is(new Set(creds.map((c) => c.username)).size, 3, 'three distinct usernames');
  const clients = creds.map((c, i) => {
    const t = bench.client('PA_reconnecting', '192.0.2.20', 42000 + i);
    t.setCredential(c.username, c.password);
    return t;
  });
  assert.is((await clients[0].allocate())!.code, 0);
  assert.is((await clients[1].allocate())!.code, 0);
  const third = (await clients[2].allocate())!;
  assert.is(third.code, 486, 'the third allocation of the same participant, under a fresh credential');
  assert.is(bench.core.perParticipant.get('PA_reconnecting'), 2);
  const quota = bench.events.find((e) => e.type === 'quota');
  assert.equal(quota, { type: 'quota', username: creds[2].username, what: 'allocations per participant' });
  // Another participant (the same address even) has its own quota.
  assert.is((await bench.client('PA_other', '192.0.2.20', 42010).allocate())!.code, 0);
  // When one of the participant's allocations goes, the new credential may allocate.
  assert.is(clients[0].refresh(0)!.code, 0);
  assert.is((await clients[2].allocate())!.code, 0);
  assert.is(bench.core.perParticipant.get('PA_reconnecting'), 2);
  assert.is(bench.core.stats.quotaRejections, 1);
});

test('restApiParticipant: the text after the first colon, else the whole username', () => {
  assert.is(restApiParticipant('1700000000:PA_abc'), 'PA_abc');
  assert.is(restApiParticipant('1700000000:PA:with:colons'), 'PA:with:colons');
  assert.is(restApiParticipant('1700000000'), '1700000000');
  assert.is(restApiParticipant('1700000000:'), '1700000000:');
  assert.is(restApiParticipant(''), '');
});

test('Refresh extends the lifetime; LIFETIME 0 deletes the allocation and closes its relay', async () => {
  const bench = new Bench();
  const c = bench.client();
  await c.allocate();
  const r = c.refresh(1800)!;
  assert.is(r.code, 0);
  assert.is(r.u32(ATTR_LIFETIME), 1800);
  bench.advance(1_000_000); // past the first 600 s, inside 1800 s
  assert.is(bench.core.allocationCount, 1);
  const del = c.refresh(0)!;
  assert.is(del.code, 0);
  assert.is(del.u32(ATTR_LIFETIME), 0);
  assert.ok(bench.relay().closed);
  assert.is(bench.core.allocationCount, 0);
  assert.is(bench.core.stats.allocationsDeleted, 1);
  assert.is(c.refresh(600)!.code, 437, 'no allocation any more');
});

test('an allocation expires when its lifetime passes without a Refresh', async () => {
  const bench = new Bench();
  const c = bench.client();
  await c.allocate();
  bench.advance(599_000);
  assert.is(bench.core.allocationCount, 1);
  bench.advance(1_000);
  assert.is(bench.core.allocationCount, 0);
  assert.ok(bench.relay().closed);
  assert.is(bench.core.stats.allocationsExpired, 1);
  assert.ok(bench.events.some((e) => e.type === 'allocation-closed' && e.reason === 'expired'));
});

test('Refresh with another credential on the 5-tuple is 441', async () => {
  const bench = new Bench();
  const c = bench.client('alice');
  await c.allocate();
  const bob = bench.client('bob');
  c.setCredential(bob.username, bob.password);
  assert.is(c.refresh(600)!.code, 441);
});

test('a Binding request is answered without authentication', () => {
  const bench = new Bench();
  const c = bench.client('alice', '192.0.2.44', 4444);
  const buf = c.build(BINDING_REQUEST, () => {}, { sign: false });
  bench.core.handleClient(c.link, buf, 0, buf.length);
  const r = parse(c.link.take()!);
  assert.is(r.type, 0x0101);
  assert.equal(r.address(ATTR_XOR_MAPPED_ADDRESS), { address: '192.0.2.44', port: 4444 });
});

test('an unknown request method is 400; responses and unknown indications are ignored', () => {
  const bench = new Bench();
  const c = bench.client();
  const buf = c.build(0x000b, () => {}, { sign: false });
  bench.core.handleClient(c.link, buf, 0, buf.length);
  assert.is(parse(c.link.take()!).code, 400);
  const res = c.build(0x0103, () => {}, { sign: false });
  bench.core.handleClient(c.link, res, 0, res.length);
  const ind = c.build(0x0019, () => {}, { sign: false });
  bench.core.handleClient(c.link, ind, 0, ind.length);
  assert.is(c.link.out.length, 0);
  assert.is(bench.core.stats.ignored, 2);
});

test('close() closes every allocation and relay; later input is ignored', async () => {
  const bench = new Bench();
  await bench.client('a', '192.0.2.1').allocate();
  await bench.client('b', '192.0.2.2').allocate();
  bench.core.close();
  assert.is(bench.core.allocationCount, 0);
  assert.ok(bench.relays.opened.every((r) => r.closed));
  const c = bench.client('c', '192.0.2.3');
  c.send(METHOD_ALLOCATE, (b) => b.u32(ATTR_REQUESTED_TRANSPORT, 17 << 24));
  assert.is(c.link.out.length, 0);
  void StunBuilder;
});

test.run();
