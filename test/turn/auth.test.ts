// Long-term credential checks on every authenticated request (RFC 8489 §9.2.4) with
// TURN REST API usernames: 401 without MESSAGE-INTEGRITY, with a wrong password, with an
// expired username (for new allocations; its own allocation still refreshes); 438 for a stale or foreign nonce; 400 when USERNAME is missing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ATTR_NONCE, ATTR_REALM, ATTR_MESSAGE_INTEGRITY, ATTR_SOFTWARE, HmacSha1 } from '../../src/stun/index.js';
import { ATTR_REQUESTED_TRANSPORT, METHOD_ALLOCATE, TRANSPORT_UDP, longTermKey, mintTurnCredential } from '../../src/turn/index.js';
import { Bench, REALM, SECRET } from './harness.js';

const udp = (b: import('../../src/stun/index.js').StunBuilder) => b.u32(ATTR_REQUESTED_TRANSPORT, TRANSPORT_UDP << 24);

test('a request without MESSAGE-INTEGRITY gets 401 with REALM and NONCE and no MESSAGE-INTEGRITY', () => {
  const bench = new Bench();
  const c = bench.client();
  const r = c.send(METHOD_ALLOCATE, udp)!;
  assert.is(r.code, 401);
  assert.is(r.type, 0x0113);
  const realm = r.attr(ATTR_REALM)!;
  assert.is(r.view.text(realm.v, realm.len), REALM);
  assert.ok(r.attr(ATTR_NONCE));
  assert.is(r.attr(ATTR_MESSAGE_INTEGRITY), undefined);
  assert.ok(r.attr(ATTR_SOFTWARE));
  assert.is(bench.core.stats.authFailures, 1);
  assert.is(bench.relays.opened.length, 0);
});

test('the right REST-API password allocates; the response is signed with the long-term key', async () => {
  const bench = new Bench();
  const c = bench.client();
  const r = (await c.allocate())!;
  assert.is(r.code, 0);
  assert.is(r.type, 0x0103);
  assert.ok(r.verify(new HmacSha1(longTermKey(c.username, REALM, c.password))));
  assert.is(bench.core.stats.allocationsCreated, 1);
});

test('a wrong password gets 401 (and a fresh nonce), not an allocation', async () => {
  const bench = new Bench();
  const c = bench.client();
  c.setCredential(c.username, 'not-the-password');
  const r = (await c.allocate())!;
  assert.is(r.code, 401);
  assert.ok(r.attr(ATTR_NONCE));
  assert.is(bench.relays.opened.length, 0);
  assert.is(bench.core.stats.errors['401'], 2);
  assert.ok(bench.events.some((e) => e.type === 'auth-failed' && e.reason === 'MESSAGE-INTEGRITY mismatch'));
});

test('a password derived from another secret gets 401', async () => {
  const bench = new Bench();
  const c = bench.client();
  const other = mintTurnCredential('some-other-secret', 'alice', 3600, Math.floor(bench.now / 1000));
  c.setCredential(other.username, other.password);
  assert.is((await c.allocate())!.code, 401);
});

test('an expired username gets 401 even with its correct password', async () => {
  const bench = new Bench();
  const c = bench.client();
  const expired = mintTurnCredential(SECRET, 'alice', -1, Math.floor(bench.now / 1000));
  c.setCredential(expired.username, expired.password);
  const r = (await c.allocate())!;
  assert.is(r.code, 401);
  assert.ok(bench.events.some((e) => e.type === 'auth-failed' && e.reason === 'credential expired'));
});

test('past its expiry a credential still refreshes its own allocation, but allocates nothing new (as livekit-server)', async () => {
  const bench = new Bench();
  const short = mintTurnCredential(SECRET, 'alice', 60, Math.floor(bench.now / 1000));
  const c = bench.client();
  c.setCredential(short.username, short.password);
  assert.is((await c.allocate())!.code, 0);
  bench.advance(120_000); // the credential expired 60 s ago; the allocation (600 s) lives
  const r = c.refresh(600)!;
  assert.is(r.code, 0, 'Refresh on the own allocation');
  assert.is(c.permit(['203.0.113.5'])!.code, 0, 'CreatePermission on the own allocation');
  const d = bench.client('alice', '192.0.2.11', 40001);
  d.setCredential(short.username, short.password);
  assert.is((await d.allocate())!.code, 401, 'a new allocation with the expired credential');
  assert.ok(bench.events.some((e) => e.type === 'auth-failed' && e.reason === 'credential expired'));
});

test('a username without an expiry prefix gets 401', async () => {
  const bench = new Bench();
  const c = bench.client();
  c.setCredential('alice', 'whatever');
  assert.is((await c.allocate())!.code, 401);
});

test('a nonce older than its lifetime gets 438 Stale Nonce with a new nonce; the retry succeeds', async () => {
  const bench = new Bench({ nonceLifetimeS: 60 });
  const c = bench.client();
  c.send(METHOD_ALLOCATE, udp); // 401, learn the nonce
  const first = c.nonce;
  bench.now += 61_000;
  const r = c.send(METHOD_ALLOCATE, udp)!;
  assert.is(r.code, 438);
  assert.ok(r.attr(ATTR_REALM));
  assert.is.not(c.nonce, first);
  assert.is(r.attr(ATTR_MESSAGE_INTEGRITY), undefined);
  assert.is(bench.core.stats.staleNonces, 1);
  assert.is((await c.allocate())!.code, 0);
});

test('a nonce issued to another client address is not accepted (438)', () => {
  const bench = new Bench();
  const a = bench.client('alice', '192.0.2.10', 40000);
  const b = bench.client('bob', '192.0.2.11', 40000);
  a.send(METHOD_ALLOCATE, udp);
  const r = b.send(METHOD_ALLOCATE, udp, { sign: true, nonce: a.nonce })!;
  assert.is(r.code, 438);
});

test('a made-up nonce gets 438', () => {
  const bench = new Bench();
  const c = bench.client();
  assert.is(c.send(METHOD_ALLOCATE, udp, { sign: true, nonce: '0000000000000000deadbeef' })!.code, 438);
});

test('MESSAGE-INTEGRITY without USERNAME gets 400', () => {
  const bench = new Bench();
  const c = bench.client();
  const r = c.send(METHOD_ALLOCATE, (b) => { udp(b); b.text(ATTR_REALM, REALM).text(ATTR_NONCE, 'x'.repeat(24)).integrity(c.key); }, { sign: false })!;
  assert.is(r.code, 400);
});

test('a wrong realm gets 401', async () => {
  const bench = new Bench();
  const c = bench.client();
  c.send(METHOD_ALLOCATE, udp);
  const r = c.send(METHOD_ALLOCATE, udp, { realm: 'elsewhere' })!;
  assert.is(r.code, 401);
});

test('every later request is checked too: a Refresh with a tampered MESSAGE-INTEGRITY gets 401 and changes nothing', async () => {
  const bench = new Bench();
  const c = bench.client();
  await c.allocate();
  const good = c.key;
  c.key = new HmacSha1(Buffer.from('wrong key'));
  const r = c.refresh(0, { sign: true })!;
  assert.is(r.code, 401);
  assert.is(bench.core.allocationCount, 1);
  c.key = good;
  assert.is(c.refresh(0)!.code, 0);
  assert.is(bench.core.allocationCount, 0);
});

test('a request without MESSAGE-INTEGRITY on an allocation gets 401, not service', async () => {
  const bench = new Bench();
  const c = bench.client();
  await c.allocate();
  const r = c.permit(['203.0.113.5'], { sign: false })!;
  assert.is(r.code, 401);
  assert.is(bench.core.snapshot().permissionsActive, 0);
});

test.run();
