// ICE-lite agent (controlled): answers only checks that authenticate; negative cases get
// no success response; nomination, switching, consent expiry, role conflict.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ATTR_ICE_CONTROLLED, ATTR_ICE_CONTROLLING, ATTR_PRIORITY, ATTR_USE_CANDIDATE, ATTR_USERNAME, ATTR_XOR_MAPPED_ADDRESS,
  BINDING_ERROR, BINDING_INDICATION, BINDING_REQUEST, BINDING_SUCCESS, CandidatePair, HmacSha1, IceLiteAgent, IceStatus,
  ParseStatus, StunBuilder, StunMessageView, XorAddress, iceStatusName, readLocalUfrag, readXorAddress, localUfragRange,
} from '../../src/stun/index.js';

const LOCAL = { ufrag: 'srvU', pwd: 'serverpassword22charsX' };
const REMOTE = { ufrag: 'cliU', pwd: 'clientpassword22charsY' };
const localKey = new HmacSha1(Buffer.from(LOCAL.pwd));
const b = new StunBuilder();
const v = new StunMessageView();
let txn = 0;

interface ReqOpts { username?: string | null; key?: HmacSha1 | null; fingerprint?: boolean; useCandidate?: boolean; controlled?: boolean; priority?: number; extra?: number; type?: number }

function request(o: ReqOpts = {}): Buffer {
  const buf = Buffer.alloc(300);
  const tx = Buffer.alloc(12); tx.writeUInt32BE(++txn, 8);
  b.begin(buf, 0, o.type ?? BINDING_REQUEST, tx, 0);
  if (o.username !== null) b.text(ATTR_USERNAME, o.username ?? `${LOCAL.ufrag}:${REMOTE.ufrag}`);
  b.u32(ATTR_PRIORITY, o.priority ?? 0x6e7f00ff);
  b.u64(o.controlled ? ATTR_ICE_CONTROLLED : ATTR_ICE_CONTROLLING, 1, 2);
  if (o.useCandidate) b.flag(ATTR_USE_CANDIDATE);
  if (o.extra !== undefined) b.bytes(o.extra, Buffer.alloc(4));
  if (o.key !== null) b.integrity(o.key ?? localKey);
  if (o.fingerprint !== false) b.fingerprint();
  return buf.subarray(0, b.end());
}

function agent(remoteKnown = true): IceLiteAgent {
  return new IceLiteAgent({ localUfrag: LOCAL.ufrag, localPwd: LOCAL.pwd, ...(remoteKnown ? { remoteUfrag: REMOTE.ufrag, remotePwd: REMOTE.pwd } : {}) });
}

const out = Buffer.alloc(1500);

test('a valid check gets a signed success response with XOR-MAPPED-ADDRESS', () => {
  const a = agent();
  const req = request();
  const st = a.handleRequest(req, req.length, '192.0.2.7', 40000, 4, 1000, out);
  assert.is(st, IceStatus.Success, iceStatusName(st));
  assert.ok(a.responseLength > 0);
  assert.is(v.reset(out, 0, a.responseLength), ParseStatus.Ok);
  assert.is(v.type, BINDING_SUCCESS);
  assert.ok(v.transactionIdEquals(req, 8));
  assert.ok(v.verifyIntegrity(localKey), 'signed with OUR password');
  assert.ok(v.verifyFingerprint());
  const x = new XorAddress();
  assert.ok(readXorAddress(out, v.xorMappedAddress, v.xorMappedAddressLength, v.transactionId, x));
  assert.is(`${x.address()}:${x.port}`, '192.0.2.7:40000');
  assert.is(a.stats.success, 1);
  assert.is(a.pairs.length, 1);
  assert.is(a.pairs[0].priority, 0x6e7f00ff);
  assert.is(a.selectedPair, null, 'no USE-CANDIDATE yet');
  // IPv6 sender.
  assert.is(a.handleRequest(req, req.length, '2001:db8::5', 1234, 6, 1000, out), IceStatus.Success);
  v.reset(out, 0, a.responseLength);
  readXorAddress(out, v.xorMappedAddress, v.xorMappedAddressLength, v.transactionId, x);
  assert.is(`${x.address()}:${x.port}`, '2001:db8::5:1234');
});

function expectNoSuccess(a: IceLiteAgent, req: Buffer, want: number, errorCode: number): void {
  const st = a.handleRequest(req, req.length, '192.0.2.7', 40000, 4, 0, out);
  assert.is(st, want, `${iceStatusName(st)} != ${iceStatusName(want)}`);
  if (errorCode === 0) { assert.is(a.responseLength, 0); return; }
  assert.ok(a.responseLength > 0);
  assert.is(v.reset(out, 0, a.responseLength), ParseStatus.Ok);
  assert.is(v.type, BINDING_ERROR);
  assert.is(v.errorCodeValue, errorCode);
  assert.is(v.xorMappedAddress, -1);
}

test('negative cases get no success response and are counted', () => {
  const a = agent();
  const wrongKey = new HmacSha1(Buffer.from(REMOTE.pwd)); // the other side's password
  expectNoSuccess(a, request({ key: wrongKey }), IceStatus.BadIntegrity, 401);
  const badFp = request(); badFp[badFp.length - 1] ^= 1;
  expectNoSuccess(a, badFp, IceStatus.BadFingerprint, 0);
  const tampered = request(); tampered[25] ^= 1; // inside USERNAME, fingerprint then fails first
  expectNoSuccess(a, tampered, IceStatus.BadFingerprint, 0);
  const tamperedNoFp = request({ fingerprint: false }); tamperedNoFp[33] ^= 1; // PRIORITY value; MI fails
  expectNoSuccess(a, tamperedNoFp, IceStatus.BadIntegrity, 401);
  expectNoSuccess(a, request({ username: `${LOCAL.ufrag}:other` }), IceStatus.BadUsername, 401);
  expectNoSuccess(a, request({ username: `xxxx:${REMOTE.ufrag}` }), IceStatus.BadUsername, 401);
  expectNoSuccess(a, request({ username: `${LOCAL.ufrag}:${REMOTE.ufrag}x` }), IceStatus.BadUsername, 401);
  expectNoSuccess(a, request({ username: null }), IceStatus.BadRequest, 400);
  expectNoSuccess(a, request({ key: null }), IceStatus.BadRequest, 400);
  const good = request();
  expectNoSuccess(a, good.subarray(0, good.length - 8), IceStatus.Malformed, 0); // truncated
  const badLen = Buffer.from(good); badLen.writeUInt16BE(good.length - 20 + 4, 2);
  expectNoSuccess(a, badLen, IceStatus.Malformed, 0);
  const badAttrLen = Buffer.from(good); badAttrLen.writeUInt16BE(0x0100, 22); // USERNAME length overruns
  expectNoSuccess(a, badAttrLen, IceStatus.Malformed, 0);
  expectNoSuccess(a, request({ type: BINDING_INDICATION, key: null, username: null }), IceStatus.Indication, 0);
  expectNoSuccess(a, request({ type: BINDING_SUCCESS }), IceStatus.Ignored, 0);
  assert.equal(
    { bi: a.stats.badIntegrity, bf: a.stats.badFingerprint, bu: a.stats.badUsername, br: a.stats.badRequest, m: a.stats.malformed, ok: a.stats.success },
    { bi: 2, bf: 2, bu: 3, br: 2, m: 3, ok: 0 });
  assert.is(a.pairs.length, 0, 'no tuple validated by a failed check');
  // With error responses off, unsigned 400/401 are dropped.
  const quiet = new IceLiteAgent({ localUfrag: LOCAL.ufrag, localPwd: LOCAL.pwd, sendErrorResponses: false });
  expectNoSuccess(quiet, request({ key: wrongKey }), IceStatus.BadIntegrity, 0);
});

test('unknown comprehension-required attribute: 420 with UNKNOWN-ATTRIBUTES, signed', () => {
  const a = agent();
  expectNoSuccess(a, request({ extra: 0x7abc }), IceStatus.UnknownAttribute, 420);
  assert.ok(v.verifyIntegrity(localKey));
  // Unknown comprehension-optional: answered normally.
  const ok = request({ extra: 0xc0de });
  assert.is(a.handleRequest(ok, ok.length, '192.0.2.7', 40000, 4, 0, out), IceStatus.Success);
});

test('remote ufrag unknown: any suffix accepted; once known, exactly ours:theirs', () => {
  const a = agent(false);
  const any = request({ username: `${LOCAL.ufrag}:whatever` });
  assert.is(a.handleRequest(any, any.length, '192.0.2.7', 1, 4, 0, out), IceStatus.Success);
  const empty = request({ username: `${LOCAL.ufrag}:` });
  assert.is(a.handleRequest(empty, empty.length, '192.0.2.7', 1, 4, 0, out), IceStatus.BadUsername);
  a.setRemoteCredentials(REMOTE.ufrag, REMOTE.pwd);
  assert.is(a.handleRequest(any, any.length, '192.0.2.7', 1, 4, 0, out), IceStatus.BadUsername);
  const exact = request();
  assert.is(a.handleRequest(exact, exact.length, '192.0.2.7', 1, 4, 0, out), IceStatus.Success);
});

test('nomination selects a pair; a later nomination switches it; consent expires once after 30 s', () => {
  const a = agent();
  const selected: string[] = [];
  const expired: string[] = [];
  a.onSelectedPair((p: CandidatePair) => selected.push(p.toString()));
  a.onConsentExpired((p) => expired.push(p.toString()));
  const nom = request({ useCandidate: true });
  a.handleRequest(nom, nom.length, '10.0.0.2', 5000, 4, 0, out);
  assert.equal(selected, ['10.0.0.2:5000']);
  // Consent checks (no USE-CANDIDATE) keep it fresh.
  for (let t = 5000; t <= 25000; t += 5000) {
    const c = request();
    assert.is(a.handleRequest(c, c.length, '10.0.0.2', 5000, 4, t, out), IceStatus.Success);
    a.tick(t);
  }
  a.tick(25000 + 29_999);
  assert.equal(expired, []);
  a.tick(25000 + 30_000);
  assert.equal(expired, ['10.0.0.2:5000']);
  a.tick(25000 + 90_000);
  assert.equal(expired.length, 1, 'reported once');
  // Network change: Chromium nominates a new tuple; selection switches and consent re-arms.
  const nom2 = request({ useCandidate: true });
  a.handleRequest(nom2, nom2.length, '10.0.0.3', 6000, 4, 200_000, out);
  assert.equal(selected, ['10.0.0.2:5000', '10.0.0.3:6000']);
  assert.is(a.selectedPair?.toString(), '10.0.0.3:6000');
  assert.not.ok(a.consentExpired);
  a.tick(229_999);
  assert.is(expired.length, 1);
  a.tick(230_000);
  assert.equal(expired, ['10.0.0.2:5000', '10.0.0.3:6000']);
  // A check on a non-selected tuple does not refresh the selected pair's consent.
  assert.is(a.stats.selectedPairChanges, 2);
});

test('role conflict: a peer that also claims controlled gets 487 and no success', () => {
  const a = agent();
  expectNoSuccess(a, request({ controlled: true, useCandidate: true }), IceStatus.RoleConflict, 487);
  assert.ok(v.verifyIntegrity(localKey), '487 is signed');
  assert.is(a.stats.roleConflict, 1);
  assert.is(a.selectedPair, null);
  // ICE-CONTROLLING is what a lite agent expects: no conflict.
  const ok = request({ useCandidate: true });
  assert.is(a.handleRequest(ok, ok.length, '192.0.2.7', 40000, 4, 0, out), IceStatus.Success);
});

test('isAuthenticatedRequest and readLocalUfrag for claiming unknown tuples', () => {
  const a = agent();
  const good = request();
  assert.ok(a.isAuthenticatedRequest(good, good.length));
  assert.not.ok(a.isAuthenticatedRequest(request({ key: new HmacSha1(Buffer.from('x'.repeat(22))) }), good.length));
  const badFp = Buffer.from(good); badFp[badFp.length - 2] ^= 4;
  assert.not.ok(a.isAuthenticatedRequest(badFp, badFp.length));
  assert.not.ok(a.isAuthenticatedRequest(good, good.length - 4));
  assert.is(a.stats.requests, 0, 'the helper counts nothing');
  assert.is(readLocalUfrag(good, good.length), LOCAL.ufrag);
  assert.is(readLocalUfrag(good, 10), undefined);
  const noColon = request({ username: 'nocolon' });
  assert.is(readLocalUfrag(noColon, noColon.length), undefined);
  const r = new Int32Array(2);
  assert.ok(localUfragRange(good, good.length, r));
  assert.is(good.toString('latin1', r[0], r[0] + r[1]), LOCAL.ufrag);
});

test('a request without ICE-CONTROLLING/ICE-CONTROLLED (RFC 5245-era peer) is still answered', () => {
  const a = agent();
  const tx = Buffer.alloc(12, 9);
  const buf = Buffer.alloc(200);
  const n = b.begin(buf, 0, BINDING_REQUEST, tx, 0).text(ATTR_USERNAME, `${LOCAL.ufrag}:${REMOTE.ufrag}`).flag(ATTR_USE_CANDIDATE)
    .integrity(localKey).fingerprint().end();
  assert.is(a.handleRequest(buf, n, '192.0.2.7', 1, 4, 0, out), IceStatus.Success);
  assert.is(a.selectedPair?.toString(), '192.0.2.7:1');
  assert.is(a.pairs[0].priority, 0, 'no PRIORITY: 0');
});

test('pairs are bounded; the selected pair is never evicted', () => {
  const a = new IceLiteAgent({ localUfrag: LOCAL.ufrag, localPwd: LOCAL.pwd, maxPairs: 3 });
  const nom = request({ useCandidate: true, username: `${LOCAL.ufrag}:x` });
  a.handleRequest(nom, nom.length, '10.0.0.1', 1, 4, 0, out);
  for (let i = 2; i < 10; i++) {
    const c = request({ username: `${LOCAL.ufrag}:x` });
    a.handleRequest(c, c.length, `10.0.0.${i}`, 1, 4, i, out);
  }
  assert.is(a.pairs.length, 3);
  assert.ok(a.findPair('10.0.0.1', 1));
  assert.ok(a.findPair('10.0.0.9', 1));
});

test.run();
