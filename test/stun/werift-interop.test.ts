// Cross-check with an independent STUN implementation: werift (node_modules/werift,
// lib/ice-server/src/stun). It parses and verifies what we build; we parse and verify
// what it builds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Message, parseMessage, classes, methods } from 'werift';
import {
  ATTR_ERROR_CODE, ATTR_XOR_MAPPED_ADDRESS, BINDING_SUCCESS, HmacSha1, IceAgent, IceLiteAgent, IceStatus, ParseStatus,
  StunBuilder, StunMessageView, XorAddress, readXorAddress,
} from '../../src/stun/index.js';

const SRV = { ufrag: 'srvU', pwd: 'serverpassword22charsX' };
const CLI = { ufrag: 'cliU', pwd: 'clientpassword22charsY' };
const view = new StunMessageView();

function captureAgentRequest(): Buffer {
  const agent = new IceAgent({ localUfrag: CLI.ufrag, localPwd: CLI.pwd, remoteUfrag: SRV.ufrag, remotePwd: SRV.pwd, tiebreaker: 0x0123456789abcdefn, priority: 1845501695 });
  agent.addRemoteCandidate('127.0.0.1', 3478, 1);
  let sent: Buffer | null = null;
  agent.onSend((buf, len) => { sent = Buffer.from(buf.subarray(0, len)); });
  agent.tick(0);
  return sent!;
}

test('werift parses and verifies our controlling agent\'s check', () => {
  const req = captureAgentRequest();
  const m = parseMessage(req, Buffer.from(SRV.pwd));
  assert.ok(m, 'werift verified MESSAGE-INTEGRITY and FINGERPRINT');
  assert.is(m!.messageMethod, methods.BINDING);
  assert.is(m!.messageClass, classes.REQUEST);
  assert.is(m!.getAttributeValue('USERNAME'), 'srvU:cliU');
  assert.is(m!.getAttributeValue('PRIORITY'), 1845501695);
  assert.is(m!.getAttributeValue('ICE-CONTROLLING'), 0x0123456789abcdefn);
  assert.ok(m!.attributesKeys.includes('USE-CANDIDATE'));
  // A wrong key fails in werift too (so the check above is meaningful).
  assert.is(parseMessage(req, Buffer.from(CLI.pwd)), undefined);
});

for (const [addr, fam] of [['127.0.0.1', 4], ['::1', 6], ['2001:db8::42', 6]] as const) {
  test(`werift parses our ICE-lite success response (${addr})`, () => {
    const req = captureAgentRequest();
    const lite = new IceLiteAgent({ localUfrag: SRV.ufrag, localPwd: SRV.pwd, remoteUfrag: CLI.ufrag });
    const out = Buffer.alloc(1500);
    assert.is(lite.handleRequest(req, req.length, addr, 54321, fam, 0, out), IceStatus.Success);
    const res = out.subarray(0, lite.responseLength);
    const m = parseMessage(res, Buffer.from(SRV.pwd));
    assert.ok(m);
    assert.is(m!.messageClass, classes.RESPONSE);
    assert.equal(m!.getAttributeValue('XOR-MAPPED-ADDRESS'), [addr === '::1' ? '::1' : addr, 54321]);
    assert.ok(m!.transactionId.equals(req.subarray(8, 20)));
  });
}

test('werift parses our error responses', () => {
  const b = new StunBuilder();
  const out = Buffer.alloc(200);
  const n = b.begin(out, 0, 0x0111, Buffer.alloc(12, 7), 0).errorCode(487, 'Role Conflict')
    .integrity(new HmacSha1(Buffer.from(SRV.pwd))).fingerprint().end();
  const m = parseMessage(out.subarray(0, n), Buffer.from(SRV.pwd));
  assert.ok(m);
  assert.equal(m!.getAttributeValue('ERROR-CODE'), [487, 'Role Conflict']);
  assert.is(ATTR_ERROR_CODE, 0x0009);
});

function wereftRequest(username: string, key: string, extra?: (m: Message) => void): Buffer {
  const m = new Message(methods.BINDING, classes.REQUEST);
  m.setAttribute('USERNAME', username)
    .setAttribute('PRIORITY', 1853824767)
    .setAttribute('ICE-CONTROLLING', 0xfedcba9876543210n)
    .setAttribute('USE-CANDIDATE', null);
  extra?.(m);
  m.addMessageIntegrity(Buffer.from(key)).addFingerprint();
  return m.bytes;
}

test('our ICE-lite agent answers werift-built checks, and refuses forged ones', () => {
  const lite = new IceLiteAgent({ localUfrag: SRV.ufrag, localPwd: SRV.pwd, remoteUfrag: CLI.ufrag });
  const out = Buffer.alloc(1500);
  const good = wereftRequest('srvU:cliU', SRV.pwd);
  assert.is(lite.handleRequest(good, good.length, '127.0.0.1', 5000, 4, 0, out), IceStatus.Success);
  assert.is(lite.selectedPair?.toString(), '127.0.0.1:5000');
  assert.is(lite.pairs[0].priority, 1853824767);
  const forged = wereftRequest('srvU:cliU', CLI.pwd);
  assert.is(lite.handleRequest(forged, forged.length, '127.0.0.1', 5000, 4, 0, out), IceStatus.BadIntegrity);
  const odd = wereftRequest('srvU:cliU', SRV.pwd, (m) => m.setAttribute('SOFTWARE', 'werift'));
  assert.is(lite.handleRequest(odd, odd.length, '127.0.0.1', 5000, 4, 0, out), IceStatus.Success);
  // ICE-CONTROLLED from werift: role conflict.
  const m = new Message(methods.BINDING, classes.REQUEST);
  m.setAttribute('USERNAME', 'srvU:cliU').setAttribute('ICE-CONTROLLED', 5n).addMessageIntegrity(Buffer.from(SRV.pwd)).addFingerprint();
  const cc = m.bytes;
  assert.is(lite.handleRequest(cc, cc.length, '127.0.0.1', 5000, 4, 0, out), IceStatus.RoleConflict);
  const e = parseMessage(out.subarray(0, lite.responseLength), Buffer.from(SRV.pwd));
  assert.equal(e!.getAttributeValue('ERROR-CODE')[0], 487);
});

for (const [addr, fam] of [['192.0.2.200', 4], ['2001:db8:1:2:3:4:5:6', 6]] as const) {
  test(`we parse and verify a werift-built success response (${addr})`, () => {
    const m = new Message(methods.BINDING, classes.RESPONSE, Buffer.from('00112233445566778899aabb', 'hex'));
    m.setAttribute('XOR-MAPPED-ADDRESS', [addr, 61000]).addMessageIntegrity(Buffer.from(SRV.pwd)).addFingerprint();
    const bytes = m.bytes;
    assert.is(view.reset(bytes, 0, bytes.length), ParseStatus.Ok);
    assert.is(view.type, BINDING_SUCCESS);
    assert.ok(view.verifyFingerprint());
    assert.ok(view.verifyIntegrity(new HmacSha1(Buffer.from(SRV.pwd))));
    assert.not.ok(view.verifyIntegrity(new HmacSha1(Buffer.from(CLI.pwd))));
    const x = new XorAddress();
    assert.ok(readXorAddress(bytes, view.xorMappedAddress, view.xorMappedAddressLength, view.transactionId, x));
    assert.is(x.family, fam);
    assert.is(`${x.address()} ${x.port}`, `${addr} 61000`);
    assert.is(ATTR_XOR_MAPPED_ADDRESS, 0x0020);
  });
}

test('our controlling agent connects through a werift-signed response path', () => {
  // werift plays the lite server: it answers our agent's check with its own Message.
  const agent = new IceAgent({ localUfrag: CLI.ufrag, localPwd: CLI.pwd, remoteUfrag: SRV.ufrag, remotePwd: SRV.pwd });
  agent.addRemoteCandidate('127.0.0.1', 3478, 1);
  let connected = false;
  agent.onConnected(() => { connected = true; });
  agent.onSend((buf, len) => {
    const req = parseMessage(Buffer.from(buf.subarray(0, len)), Buffer.from(SRV.pwd));
    assert.ok(req, 'werift verified our request');
    const res = new Message(methods.BINDING, classes.RESPONSE, req!.transactionId);
    res.setAttribute('XOR-MAPPED-ADDRESS', ['127.0.0.1', 5000]).addMessageIntegrity(Buffer.from(SRV.pwd)).addFingerprint();
    const bytes = res.bytes;
    agent.handleDatagram(bytes, bytes.length, '127.0.0.1', 3478, 4, 0);
  });
  agent.tick(0);
  assert.ok(connected);
});

test.run();
