// Builder -> view round trips for every attribute ICE uses, and malformed input statuses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ATTR_ERROR_CODE, ATTR_ICE_CONTROLLED, ATTR_ICE_CONTROLLING, ATTR_PRIORITY, ATTR_SOFTWARE, ATTR_USE_CANDIDATE,
  ATTR_USERNAME, ATTR_XOR_MAPPED_ADDRESS, ATTR_FINGERPRINT, ATTR_MESSAGE_INTEGRITY, BINDING_ERROR, BINDING_REQUEST,
  BINDING_SUCCESS, CLASS_ERROR, CLASS_REQUEST, CLASS_SUCCESS, HmacSha1, METHOD_BINDING, ParseStatus, StunBuilder,
  StunMessageView, XorAddress, parseStatusName, readXorAddress,
} from '../../src/stun/index.js';
import { loadHex } from './fixtures.js';

const TX = Buffer.from('0102030405060708090a0b0c', 'hex');
const key = new HmacSha1(Buffer.from('a-22-char-ice-password'));
const out = Buffer.alloc(600);
const b = new StunBuilder();
const v = new StunMessageView();

function parse(buf: Buffer, len = buf.length): number { return v.reset(buf, 0, len); }

test('every ICE attribute round-trips', () => {
  const n = b.begin(out, 0, BINDING_REQUEST, TX, 0)
    .text(ATTR_USERNAME, 'abcd:efgh')
    .u32(ATTR_PRIORITY, 0xfffffffe)
    .u64(ATTR_ICE_CONTROLLING, 0xdeadbeef, 0x01020304)
    .u64(ATTR_ICE_CONTROLLED, 0x11111111, 0x22222222)
    .flag(ATTR_USE_CANDIDATE)
    .xorAddressText(ATTR_XOR_MAPPED_ADDRESS, '2001:db8::7', 65535)
    .errorCode(487, 'Role Conflict')
    .text(ATTR_SOFTWARE, 'switchboard')
    .integrity(key).fingerprint().end();
  assert.ok(n > 0);
  assert.is(n % 4, 0);
  assert.is(parse(out, n), ParseStatus.Ok, parseStatusName(v.reset(out, 0, n)));
  assert.is(v.type, BINDING_REQUEST);
  assert.is(v.method, METHOD_BINDING);
  assert.is(v.messageClass, CLASS_REQUEST);
  assert.ok(v.transactionIdEquals(TX, 0));
  assert.is(v.text(v.username, v.usernameLength), 'abcd:efgh');
  assert.is(v.priorityValue, 0xfffffffe);
  assert.is(v.readU32(v.iceControlling), 0xdeadbeef);
  assert.is(v.readU32(v.iceControlling + 4), 0x01020304);
  assert.is(v.readU32(v.iceControlled), 0x11111111);
  assert.ok(v.useCandidate);
  const a = new XorAddress();
  assert.ok(readXorAddress(out, v.xorMappedAddress, v.xorMappedAddressLength, v.transactionId, a));
  assert.is(a.address(), '2001:db8::7');
  assert.is(a.port, 65535);
  assert.is(v.errorCodeValue, 487);
  assert.is(v.errorReason(), 'Role Conflict');
  assert.is(v.text(v.software, v.softwareLength), 'switchboard');
  assert.ok(v.verifyIntegrity(key));
  assert.ok(v.verifyFingerprint());
  assert.is(v.unknownRequiredCount, 0);
  // Iteration by offset visits every attribute in order.
  const types: number[] = [];
  for (let p = v.firstAttribute(); p >= 0; p = v.nextAttribute(p)) types.push(v.attributeType(p));
  assert.equal(types, [ATTR_USERNAME, ATTR_PRIORITY, ATTR_ICE_CONTROLLING, ATTR_ICE_CONTROLLED, ATTR_USE_CANDIDATE,
    ATTR_XOR_MAPPED_ADDRESS, ATTR_ERROR_CODE, ATTR_SOFTWARE, ATTR_MESSAGE_INTEGRITY, ATTR_FINGERPRINT]);
});

test('IPv4 XOR address, success and error classes, message at an offset', () => {
  const n = b.begin(out, 0, BINDING_SUCCESS, TX, 0).xorAddressText(ATTR_XOR_MAPPED_ADDRESS, '127.0.0.1', 5000).end();
  assert.is(n, 32);
  const shifted = Buffer.alloc(n + 7);
  out.copy(shifted, 7, 0, n);
  assert.is(v.reset(shifted, 7, n), ParseStatus.Ok);
  assert.is(v.messageClass, CLASS_SUCCESS);
  const a = new XorAddress();
  assert.ok(readXorAddress(shifted, v.xorMappedAddress, v.xorMappedAddressLength, v.transactionId, a));
  assert.is(a.address(), '127.0.0.1');
  assert.is(a.port, 5000);
  const m = b.begin(out, 0, BINDING_ERROR, TX, 0).errorCode(401, 'Unauthenticated').end();
  assert.is(parse(out, m), ParseStatus.Ok);
  assert.is(v.messageClass, CLASS_ERROR);
  assert.is(v.errorCodeValue, 401);
});

test('unknown attributes: optional ones skipped, required ones listed', () => {
  const n = b.begin(out, 0, BINDING_REQUEST, TX, 0)
    .bytes(0xc001, Buffer.from([1, 2, 3])) // optional, odd length -> padded
    .bytes(0x7ffe, Buffer.alloc(4)).bytes(0x0777, Buffer.alloc(0)).u32(ATTR_PRIORITY, 9).end();
  assert.is(parse(out, n), ParseStatus.Ok);
  assert.is(v.unknownRequiredCount, 2);
  assert.equal([...v.unknownRequired.subarray(0, 2)], [0x7ffe, 0x0777]);
  assert.is(v.priorityValue, 9);
});

test('attributes after MESSAGE-INTEGRITY are ignored (only FINGERPRINT counts)', () => {
  // Build: USERNAME, MI, then a PRIORITY appended after it.
  let n = b.begin(out, 0, BINDING_REQUEST, TX, 0).text(ATTR_USERNAME, 'abcd:efgh').integrity(key).u32(ATTR_PRIORITY, 5).end();
  assert.is(parse(out, n), ParseStatus.Ok);
  assert.is(v.priority, -1);
  // MI computed over the message up to itself with the length patched: still verifies.
  assert.ok(v.verifyIntegrity(key));
  n = b.begin(out, 0, BINDING_REQUEST, TX, 0).integrity(key).bytes(0x7fff, Buffer.alloc(4)).end();
  assert.is(parse(out, n), ParseStatus.Ok);
  assert.is(v.unknownRequiredCount, 0);
});

test('malformed input gets a status, never a throw', () => {
  const good = loadHex('rfc5769-2.1-sample-request.hex');
  assert.is(parse(good.subarray(0, 19)), ParseStatus.TooShort);
  assert.is(v.reset(good, 0, good.length + 1), ParseStatus.TooShort); // len past the buffer
  const notStun = Buffer.from(good); notStun[0] = 0x80;
  assert.is(parse(notStun), ParseStatus.NotStun);
  const cookie = Buffer.from(good); cookie[4] ^= 1;
  assert.is(parse(cookie), ParseStatus.BadMagicCookie);
  const odd = Buffer.from(good); odd.writeUInt16BE(0x57, 2);
  assert.is(parse(odd), ParseStatus.LengthNotMultipleOf4);
  assert.is(parse(good.subarray(0, good.length - 4)), ParseStatus.LengthMismatch); // truncated datagram
  const long = Buffer.concat([good, Buffer.alloc(4)]);
  assert.is(parse(long), ParseStatus.LengthMismatch);
  // An attribute whose length runs past the end.
  const over = Buffer.from(good); over.writeUInt16BE(0x00ff, 22);
  assert.is(parse(over), ParseStatus.AttributeOverrun);
  // A last attribute header claiming 8 bytes of value that are not there.
  const dangling = Buffer.concat([good.subarray(0, 100), Buffer.from([0x80, 0x22, 0, 8])]);
  dangling.writeUInt16BE(dangling.length - 20, 2);
  assert.is(parse(dangling), ParseStatus.AttributeOverrun);
  // A 2-byte tail after the last attribute cannot even hold a header (length is then odd: caught earlier),
  // so check an odd value length whose padding runs past the end instead.
  const pad = Buffer.concat([good.subarray(0, 100), Buffer.from([0x80, 0x22, 0, 3])]);
  pad.writeUInt16BE(pad.length - 20, 2);
  assert.is(parse(pad), ParseStatus.AttributeOverrun);
  // MESSAGE-INTEGRITY with a wrong length.
  let n = b.begin(out, 0, BINDING_REQUEST, TX, 0).bytes(ATTR_MESSAGE_INTEGRITY, Buffer.alloc(16)).end();
  assert.is(parse(out, n), ParseStatus.BadAttributeLength);
  n = b.begin(out, 0, BINDING_REQUEST, TX, 0).bytes(ATTR_PRIORITY, Buffer.alloc(3)).end();
  assert.is(parse(out, n), ParseStatus.BadAttributeLength);
  n = b.begin(out, 0, BINDING_REQUEST, TX, 0).bytes(ATTR_USE_CANDIDATE, Buffer.alloc(4)).end();
  assert.is(parse(out, n), ParseStatus.BadAttributeLength);
  n = b.begin(out, 0, BINDING_REQUEST, TX, 0).bytes(ATTR_ICE_CONTROLLING, Buffer.alloc(4)).end();
  assert.is(parse(out, n), ParseStatus.BadAttributeLength);
  n = b.begin(out, 0, BINDING_REQUEST, TX, 0).bytes(ATTR_XOR_MAPPED_ADDRESS, Buffer.alloc(12)).end();
  assert.is(parse(out, n), ParseStatus.BadAttributeLength);
  n = b.begin(out, 0, BINDING_REQUEST, TX, 0).bytes(ATTR_ERROR_CODE, Buffer.alloc(2)).end();
  assert.is(parse(out, n), ParseStatus.BadAttributeLength);
  n = b.begin(out, 0, BINDING_REQUEST, TX, 0).bytes(ATTR_FINGERPRINT, Buffer.alloc(8)).end();
  assert.is(parse(out, n), ParseStatus.BadAttributeLength);
  // Anything after FINGERPRINT.
  n = b.begin(out, 0, BINDING_REQUEST, TX, 0).fingerprint().u32(ATTR_PRIORITY, 1).end();
  assert.is(parse(out, n), ParseStatus.AttributeAfterFingerprint);
  // An XOR address with a bad family decodes to false.
  n = b.begin(out, 0, BINDING_SUCCESS, TX, 0).xorAddressText(ATTR_XOR_MAPPED_ADDRESS, '1.2.3.4', 1).end();
  out[21 + 4] = 3;
  assert.is(parse(out, n), ParseStatus.Ok);
  assert.not.ok(readXorAddress(out, v.xorMappedAddress, v.xorMappedAddressLength, v.transactionId, new XorAddress()));
});

test('a flipped bit anywhere breaks integrity or fingerprint or parsing', () => {
  const good = loadHex('rfc5769-2.1-sample-request.hex');
  const k = new HmacSha1(Buffer.from('VOkJxbRl1RmTxUk/WvJxBt'));
  for (let i = 0; i < good.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const bad = Buffer.from(good);
      bad[i] ^= 1 << bit;
      if (parse(bad) !== ParseStatus.Ok) continue;
      const fp = v.verifyFingerprint();
      const mi = v.verifyIntegrity(k);
      assert.not.ok(fp && mi, `byte ${i} bit ${bit} still verified`);
    }
  }
});

test('builder reports overflow with 0 and never writes past the buffer', () => {
  const small = Buffer.alloc(40, 0xaa);
  const n = b.begin(small.subarray(0, 36), 0, BINDING_REQUEST, TX, 0).text(ATTR_USERNAME, 'a-long-username:more').end();
  assert.is(n, 0);
  assert.equal([...small.subarray(36)], [0xaa, 0xaa, 0xaa, 0xaa]);
  assert.is(b.begin(out, 0, BINDING_REQUEST, TX, 0).xorAddressText(ATTR_XOR_MAPPED_ADDRESS, 'not-an-ip', 1).end(), 0);
});

test.run();
