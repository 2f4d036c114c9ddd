// ICE restart in the ICE-lite agent (RFC 8445 §9): a new generation of credentials; the
// old one keeps the old pair's consent until a new-credential check nominates a pair or
// the grace period ends; after that old-credential checks get 401 and old pairs are gone.
// Pure core: no sockets (addresses are documentation ranges, nothing is sent).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ATTR_ICE_CONTROLLING, ATTR_PRIORITY, ATTR_USE_CANDIDATE, ATTR_USERNAME, BINDING_ERROR, BINDING_REQUEST, BINDING_SUCCESS,
  HmacSha1, IceLiteAgent, IceStatus, ParseStatus, StunBuilder, StunMessageView, iceStatusName, type CandidatePair,
} from '../../src/stun/index.js';

const OLD = { local: 'srvOld', localPwd: 'serverpasswordOLD22chr', remote: 'cliOld', remotePwd: 'clientpasswordOLD22chr' };
const NEW = { local: 'srvNew', localPwd: 'serverpasswordNEW22chr', remote: 'cliNew', remotePwd: 'clientpasswordNEW22chr' };
const b = new StunBuilder();
const v = new StunMessageView();
const out = Buffer.alloc(1500);
let txn = 0;

function check(localUfrag: string, remoteUfrag: string, pwd: string, useCandidate = false): Buffer {
  const buf = Buffer.alloc(300);
  const tx = Buffer.alloc(12); tx.writeUInt32BE(++txn, 8);
  b.begin(buf, 0, BINDING_REQUEST, tx, 0).text(ATTR_USERNAME, `${localUfrag}:${remoteUfrag}`).u32(ATTR_PRIORITY, 0x6e7f00ff).u64(ATTR_ICE_CONTROLLING, 1, 2);
  if (useCandidate) b.flag(ATTR_USE_CANDIDATE);
  b.integrity(new HmacSha1(Buffer.from(pwd))).fingerprint();
  return buf.subarray(0, b.end());
}
const oldCheck = (nominate = false) => check(OLD.local, OLD.remote, OLD.localPwd, nominate);
const newCheck = (nominate = false) => check(NEW.local, NEW.remote, NEW.localPwd, nominate);

function send(a: IceLiteAgent, req: Buffer, address: string, port: number, nowMs: number): IceStatus {
  return a.handleRequest(req, req.length, address, port, 4, nowMs, out);
}

/** The response's type and whether it is signed with `pwd`. */
function response(a: IceLiteAgent, pwd: string): { type: number; signed: boolean } {
  assert.ok(a.responseLength > 0, 'a response was written');
  assert.is(v.reset(out, 0, a.responseLength), ParseStatus.Ok);
  return { type: v.type, signed: v.integrity >= 0 && v.verifyIntegrity(new HmacSha1(Buffer.from(pwd))) };
}

function connected(): { a: IceLiteAgent; selected: string[]; retired: string[][] } {
  const a = new IceLiteAgent({ localUfrag: OLD.local, localPwd: OLD.localPwd, remoteUfrag: OLD.remote, remotePwd: OLD.remotePwd, restartGraceMs: 5000 });
  const selected: string[] = [];
  const retired: string[][] = [];
  a.onSelectedPair((p: CandidatePair) => selected.push(p.toString()));
  a.onRetired((ufrag, pairs) => retired.push([ufrag, ...pairs.map((p) => p.toString())]));
  assert.is(send(a, oldCheck(true), '192.0.2.1', 5000, 0), IceStatus.Success);
  send(a, oldCheck(), '192.0.2.1', 5001, 0); // a second (backup) old pair
  return { a, selected, retired };
}

test('restart: old credentials keep the old pair until a new-credential nomination, then are refused', () => {
  const { a, selected, retired } = connected();
  a.restart(NEW.local, NEW.localPwd);
  a.setRemoteCredentials(NEW.remote, NEW.remotePwd);
  assert.is(a.localUfrag, NEW.local);
  assert.is(a.previousUfrag, OLD.local);
  assert.ok(a.restarting);
  assert.is(a.selectedPair?.toString(), '192.0.2.1:5000', 'media stays on the old pair meanwhile');
  // Old consent check: answered with the OLD password.
  assert.is(send(a, oldCheck(), '192.0.2.1', 5000, 1500), IceStatus.Success);
  assert.equal(response(a, OLD.localPwd), { type: BINDING_SUCCESS, signed: true });
  assert.ok(a.isAuthenticatedRequest(oldCheck(), oldCheck().length), 'old credentials still claim during the restart');
  // A new-credential check (not nominated) from a new port: valid, selection unchanged.
  assert.is(send(a, newCheck(), '198.51.100.9', 6000, 1600), IceStatus.Success);
  assert.equal(response(a, NEW.localPwd), { type: BINDING_SUCCESS, signed: true });
  assert.is(a.selectedPair?.toString(), '192.0.2.1:5000');
  // Nominated on the new credentials: switch, and the old generation is retired.
  assert.is(send(a, newCheck(true), '198.51.100.9', 6000, 1700), IceStatus.Success);
  assert.equal(selected, ['192.0.2.1:5000', '198.51.100.9:6000']);
  assert.not.ok(a.restarting);
  assert.is(a.previousUfrag, undefined);
  assert.equal(retired, [[OLD.local, '192.0.2.1:5001', '192.0.2.1:5000']], 'old pairs forgotten');
  assert.equal(a.pairs.map((p) => p.toString()), ['198.51.100.9:6000']);
  // From now on old credentials get 401, from the old address and from any other.
  const st = send(a, oldCheck(), '192.0.2.1', 5000, 1800);
  assert.is(st, IceStatus.BadUsername, iceStatusName(st));
  assert.is(response(a, OLD.localPwd).type, BINDING_ERROR);
  assert.not.ok(a.isAuthenticatedRequest(oldCheck(), oldCheck().length));
  assert.is(send(a, oldCheck(true), '198.51.100.9', 6000, 1800), IceStatus.BadUsername);
  assert.is(a.selectedPair?.toString(), '198.51.100.9:6000');
  assert.equal({ r: a.stats.restarts, p: a.stats.previousGenerationChecks, x: a.stats.retired }, { r: 1, p: 1, x: 1 });
});

test('restart on the same path: the tuple moves to the new generation and is kept', () => {
  const { a, retired } = connected();
  a.restart(NEW.local, NEW.localPwd);
  a.setRemoteCredentials(NEW.remote, NEW.remotePwd);
  assert.is(send(a, newCheck(true), '192.0.2.1', 5000, 100), IceStatus.Success);
  assert.equal(retired, [[OLD.local, '192.0.2.1:5001']]);
  assert.is(a.selectedPair?.toString(), '192.0.2.1:5000');
  assert.is(a.selectedPair?.generation, 1);
});

test('old-generation nomination does not end the restart; the grace period (from the answer) does', () => {
  const { a, retired } = connected();
  a.restart(NEW.local, NEW.localPwd);
  // Remote credentials not known yet (our offer is out): `new:anything` authenticates.
  assert.is(send(a, check(NEW.local, 'whoever', NEW.localPwd), '198.51.100.9', 6000, 1100), IceStatus.Success);
  assert.is(send(a, oldCheck(true), '192.0.2.1', 5001, 1200), IceStatus.Success);
  assert.is(a.selectedPair?.toString(), '192.0.2.1:5001', 'the old generation may still switch pairs');
  // No answer yet: however long it takes, the working old path is not cut.
  a.tick(100_000);
  assert.ok(a.restarting, 'unanswered restart: no grace clock');
  a.setRemoteCredentials(NEW.remote, NEW.remotePwd);
  a.tick(100_100); // arms: retire at 105 100
  a.tick(105_099);
  assert.ok(a.restarting, 'grace not over');
  a.tick(105_100);
  assert.not.ok(a.restarting);
  assert.is(retired.length, 1);
  assert.is(send(a, oldCheck(), '192.0.2.1', 5001, 105_200), IceStatus.BadUsername);
  assert.is(a.selectedPair?.toString(), '192.0.2.1:5001', 'the selected pair stays; consent decides');
});

test('a restart of an unfinished restart drops the unfinished credentials, keeps the oldest', () => {
  const { a } = connected();
  a.restart(NEW.local, NEW.localPwd);
  send(a, newCheck(), '198.51.100.9', 6000, 10);
  a.restart('srvThird', 'serverpasswordTHIRD22c');
  assert.is(a.previousUfrag, OLD.local);
  assert.is(a.pairs.find((p) => p.port === 6000), undefined, 'pair of the dropped generation forgotten');
  assert.is(send(a, newCheck(), '198.51.100.9', 6000, 30), IceStatus.BadUsername);
  assert.is(send(a, oldCheck(), '192.0.2.1', 5000, 30), IceStatus.Success);
  // The selected old pair touched by the unfinished generation's check stays selected and findable.
  const sel = a.selectedPair!;
  a.restart(NEW.local, NEW.localPwd);
  a.setRemoteCredentials(NEW.remote, NEW.remotePwd);
  send(a, newCheck(), '192.0.2.1', 5000, 35); // same tuple, not nominated
  assert.is(sel.generation, a.generation);
  a.restart('srvThird', 'serverpasswordTHIRD22c');
  assert.is(a.findPair('192.0.2.1', 5000), sel, 'selected pair kept across the second restart');
  assert.is(a.selectedPair, sel);
  assert.is(send(a, oldCheck(), '192.0.2.1', 5000, 36), IceStatus.Success);
  assert.is(sel.lastValidMs, 36, 'old checks keep its consent');
  assert.is(send(a, check('srvThird', 'x', 'serverpasswordTHIRD22c', true), '198.51.100.9', 6001, 40), IceStatus.Success);
  assert.not.ok(a.restarting);
  assert.is(send(a, oldCheck(), '192.0.2.1', 5000, 50), IceStatus.BadUsername);
});

test.run();
