// RFC 5769 test vectors, byte for byte (fixtures/stun/rfc5769-*.hex).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import {
  ATTR_ICE_CONTROLLED, ATTR_PRIORITY, ATTR_SOFTWARE, ATTR_USERNAME, ATTR_XOR_MAPPED_ADDRESS,
  BINDING_REQUEST, BINDING_SUCCESS, HmacSha1, ParseStatus, StunBuilder, StunMessageView, XorAddress, readXorAddress,
} from '../../src/stun/index.js';
import { loadHex, RFC5769_PASSWORD, RFC5769_TXID } from './fixtures.js';

const key = new HmacSha1(Buffer.from(RFC5769_PASSWORD));

/** Builds a message whose text attribute is padded with spaces, as the RFC samples are. */
function spacePadded(b: StunBuilder, type: number, s: string): void {
  b.text(type, s);
  const len = Buffer.byteLength(s);
  for (let i = len; i < ((len + 3) & ~3); i++) b.buf[b.pos - ((len + 3) & ~3) + i] = 0x20;
}

test('2.1 sample request parses, verifies, and is rebuilt byte for byte', () => {
  const want = loadHex('rfc5769-2.1-sample-request.hex');
  const v = new StunMessageView();
  assert.is(v.reset(want, 0, want.length), ParseStatus.Ok);
  assert.is(v.type, BINDING_REQUEST);
  assert.ok(v.transactionIdEquals(RFC5769_TXID, 0));
  assert.is(v.text(v.username, v.usernameLength), 'evtj:h6vY');
  assert.is(v.text(v.software, v.softwareLength), 'STUN test client');
  assert.is(v.priorityValue, 0x6e0001ff);
  assert.is(Buffer.from(want.subarray(v.iceControlled, v.iceControlled + 8)).toString('hex'), '932ff9b151263b36');
  assert.ok(v.verifyIntegrity(key));
  assert.ok(v.verifyFingerprint());
  assert.not.ok(v.verifyIntegrity(new HmacSha1(Buffer.from('wrong'))));

  const out = Buffer.alloc(200, 0xee);
  const b = new StunBuilder().begin(out, 0, BINDING_REQUEST, RFC5769_TXID, 0);
  spacePadded(b, ATTR_SOFTWARE, 'STUN test client');
  b.u32(ATTR_PRIORITY, 0x6e0001ff).u64(ATTR_ICE_CONTROLLED, 0x932ff9b1, 0x51263b36);
  spacePadded(b, ATTR_USERNAME, 'evtj:h6vY');
  const n = b.integrity(key).fingerprint().end();
  assert.is(out.subarray(0, n).toString('hex'), want.toString('hex'));
});

for (const [section, file, addr, family] of [
  ['2.2', 'rfc5769-2.2-ipv4-response.hex', '192.0.2.1', 4],
  ['2.3', 'rfc5769-2.3-ipv6-response.hex', '2001:db8:1234:5678:11:2233:4455:6677', 6],
] as const) {
  test(`${section} response parses, verifies, and is rebuilt byte for byte`, () => {
    const want = loadHex(file);
    const v = new StunMessageView();
    assert.is(v.reset(want, 0, want.length), ParseStatus.Ok);
    assert.is(v.type, BINDING_SUCCESS);
    assert.ok(v.verifyIntegrity(key));
    assert.ok(v.verifyFingerprint());
    const a = new XorAddress();
    assert.ok(readXorAddress(want, v.xorMappedAddress, v.xorMappedAddressLength, v.transactionId, a));
    assert.is(a.family, family);
    assert.is(a.address(), addr);
    assert.is(a.port, 32853);

    const out = Buffer.alloc(200);
    const b = new StunBuilder().begin(out, 0, BINDING_SUCCESS, RFC5769_TXID, 0);
    spacePadded(b, ATTR_SOFTWARE, 'test vector');
    b.xorAddressText(ATTR_XOR_MAPPED_ADDRESS, addr, 32853);
    const n = b.integrity(key).fingerprint().end();
    assert.is(out.subarray(0, n).toString('hex'), want.toString('hex'));
  });
}

test('2.4 long-term credential request: integrity with MD5(user:realm:SASLprep(pass))', () => {
  const msg = loadHex('rfc5769-2.4-long-term-request.hex');
  const v = new StunMessageView();
  assert.is(v.reset(msg, 0, msg.length), ParseStatus.Ok);
  const user = v.text(v.username, v.usernameLength);
  assert.is(user, '\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9');
  assert.is(v.text(v.realm, v.realmLength), 'example.org');
  assert.is(v.text(v.nonce, v.nonceLength), 'f//499k954d6OL34oL9FSTvy64sA');
  assert.is(v.fingerprint, -1);
  const ltKey = createHash('md5').update(`${user}:example.org:TheMatrIX`).digest();
  assert.ok(v.verifyIntegrity(new HmacSha1(ltKey)));
  // The unprepared password (soft hyphen, U+00AA, U+2168) must not verify.
  const raw = createHash('md5').update(`${user}:example.org:The\u00ADM\u00AAtr\u2168`).digest();
  assert.not.ok(v.verifyIntegrity(new HmacSha1(raw)));
  // Any flipped byte before MESSAGE-INTEGRITY's value breaks it.
  for (let i = 20; i < v.integrity + 4; i++) {
    const bad = Buffer.from(msg);
    bad[i] ^= 0x01;
    const w = new StunMessageView();
    if (w.reset(bad, 0, bad.length) !== ParseStatus.Ok || w.integrity < 0) continue;
    assert.not.ok(w.verifyIntegrity(new HmacSha1(ltKey)), `byte ${i}`);
  }
});

test.run();
