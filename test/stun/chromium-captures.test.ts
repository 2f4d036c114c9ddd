// Real Chromium 156 STUN traffic (fixtures/stun/chromium, captured with tshark by
// scripts/capture-peer-fixtures.ts; manifest.json names each message's key): our view
// parses every message, verifies FINGERPRINT and MESSAGE-INTEGRITY, and our agents
// answer Chromium's checks the way RFC 8445 says they should.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import {
  ATTR_FINGERPRINT, ATTR_ICE_CONTROLLED, ATTR_ICE_CONTROLLING, ATTR_MESSAGE_INTEGRITY, ATTR_PRIORITY,
  ATTR_USE_CANDIDATE, ATTR_USERNAME, ATTR_XOR_MAPPED_ADDRESS, BINDING_REQUEST, BINDING_SUCCESS, HmacSha1, IceAgent,
  IceLiteAgent, IceStatus, ParseStatus, StunMessageView, XorAddress, iceStatusName, readLocalUfrag, readXorAddress,
} from '../../src/stun/index.js';

interface Entry { file: string; username?: string; integrityPassword: string; transactionId: string; attributes: string[]; bytes: number }
const dir = new URL('../../fixtures/stun/chromium/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as { messages: Entry[] };
const load = (e: Entry) => readFileSync(new URL(e.file, dir));
const NAMES: Record<number, string> = {
  [ATTR_USERNAME]: 'USERNAME', 0xc057: 'GOOG-NETWORK-INFO', [ATTR_ICE_CONTROLLED]: 'ICE-CONTROLLED',
  [ATTR_ICE_CONTROLLING]: 'ICE-CONTROLLING', [ATTR_USE_CANDIDATE]: 'USE-CANDIDATE', [ATTR_PRIORITY]: 'PRIORITY',
  [ATTR_MESSAGE_INTEGRITY]: 'MESSAGE-INTEGRITY', [ATTR_FINGERPRINT]: 'FINGERPRINT', [ATTR_XOR_MAPPED_ADDRESS]: 'XOR-MAPPED-ADDRESS',
};
const view = new StunMessageView();

test('there are captured requests of both ICE roles and responses', () => {
  const reqs = manifest.messages.filter((m) => m.username);
  assert.ok(reqs.some((m) => m.attributes.some((a) => a.startsWith('ICE-CONTROLLING'))));
  assert.ok(reqs.some((m) => m.attributes.some((a) => a.startsWith('ICE-CONTROLLED'))));
  assert.ok(manifest.messages.some((m) => !m.username));
});

for (const e of manifest.messages) {
  test(`${e.file}: parses, attributes as captured, FINGERPRINT and MESSAGE-INTEGRITY verify`, () => {
    const buf = load(e);
    assert.is(buf.length, e.bytes);
    assert.is(view.reset(buf, 0, buf.length), ParseStatus.Ok);
    assert.is(buf.subarray(8, 20).toString('hex'), e.transactionId);
    const seen: string[] = [];
    for (let p = view.firstAttribute(); p >= 0; p = view.nextAttribute(p)) seen.push(`${NAMES[view.attributeType(p)] ?? view.attributeType(p).toString(16)}(${view.attributeLength(p)})`);
    assert.equal(seen, e.attributes);
    assert.ok(view.verifyFingerprint());
    assert.ok(view.verifyIntegrity(new HmacSha1(Buffer.from(e.integrityPassword))));
    assert.not.ok(view.verifyIntegrity(new HmacSha1(Buffer.from(e.integrityPassword + 'x'))));
    if (view.type === BINDING_SUCCESS) {
      const a = new XorAddress();
      assert.ok(readXorAddress(buf, view.xorMappedAddress, view.xorMappedAddressLength, view.transactionId, a));
      assert.is(a.address(), '127.0.0.1');
      assert.ok(a.port > 0);
    } else {
      assert.is(view.type, BINDING_REQUEST);
      assert.is(view.text(view.username, view.usernameLength), e.username);
    }
  });
}

for (const e of manifest.messages.filter((m) => m.username)) {
  const [receiver, sender] = e.username!.split(':');
  const controlling = e.attributes.some((a) => a.startsWith('ICE-CONTROLLING'));
  test(`${e.file}: ICE-lite ${controlling ? 'answers it' : 'answers 487 (peer claims controlled)'}; a full controlling agent ${controlling ? 'answers 487 or yields' : 'answers it'}`, () => {
    const buf = load(e);
    assert.is(readLocalUfrag(buf, buf.length), receiver);
    const lite = new IceLiteAgent({ localUfrag: receiver, localPwd: e.integrityPassword, remoteUfrag: sender });
    const out = Buffer.alloc(1500);
    const st = lite.handleRequest(buf, buf.length, '127.0.0.1', 40000, 4, 0, out);
    assert.is(st, controlling ? IceStatus.Success : IceStatus.RoleConflict, iceStatusName(st));
    assert.ok(lite.isAuthenticatedRequest(buf, buf.length));
    if (controlling && e.attributes.includes('USE-CANDIDATE(0)')) assert.is(lite.selectedPair?.toString(), '127.0.0.1:40000');
    // Our response verifies with our (the receiver's) password.
    assert.is(view.reset(out, 0, lite.responseLength), ParseStatus.Ok);
    assert.ok(view.verifyIntegrity(new HmacSha1(Buffer.from(e.integrityPassword))) && view.verifyFingerprint());
    // Wrong password, wrong peer ufrag: no success.
    const other = new IceLiteAgent({ localUfrag: receiver, localPwd: 'x'.repeat(24), remoteUfrag: sender });
    assert.is(other.handleRequest(buf, buf.length, '127.0.0.1', 40000, 4, 0, out), IceStatus.BadIntegrity);
    const stranger = new IceLiteAgent({ localUfrag: receiver, localPwd: e.integrityPassword, remoteUfrag: 'zzzz' });
    assert.is(stranger.handleRequest(buf, buf.length, '127.0.0.1', 40000, 4, 0, out), IceStatus.BadUsername);
    // A full agent in the controlled role answers a controlling peer; in the controlling role
    // it answers a controlled peer.
    const full = new IceAgent({ localUfrag: receiver, localPwd: e.integrityPassword, remoteUfrag: sender, remotePwd: 'y'.repeat(24), role: controlling ? 'controlled' : 'controlling' });
    let sent = 0;
    full.onSend(() => { sent++; });
    assert.is(full.handleDatagram(buf, buf.length, '127.0.0.1', 40000, 4, 0), IceStatus.Success);
    assert.is(sent, 1);
    assert.is(full.stats.roleConflicts, 0);
  });
}

test.run();
