// The small pieces: REST-API credentials (vector from openssl), the long-term key against
// RFC 5769 §2.4, nonces, the allow-list grammar, the ChannelData codec, TURN attributes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HmacSha1, ParseStatus, StunBuilder, StunMessageView } from '../../src/stun/index.js';
import {
  ATTR_CHANNEL_NUMBER, ATTR_LIFETIME, ATTR_XOR_PEER_ADDRESS, AttributeStatus, ChannelDataStatus, ChannelDataView,
  MAX_PEER_ADDRESSES, NonceCheck, NonceIssuer, PeerAllowList, TurnAttributes, TurnError, channelDataWireLength,
  longTermKey, messageType, mintTurnCredential, restApiExpiry, restApiPassword, writeChannelDataHeader,
} from '../../src/turn/index.js';
import { loadHex } from '../stun/fixtures.js';

test('REST-API password = base64(HMAC-SHA1(secret, username)) (vector from `openssl dgst -sha1 -hmac`)', () => {
  assert.is(restApiPassword('north-secret', '1800003600:alice'), 'ERbGROgPO96Ue8GY9xOaOOqmnZI=');
  const c = mintTurnCredential('north-secret', 'alice', 3600, 1_800_000_000);
  assert.equal(c, { username: '1800003600:alice', password: 'ERbGROgPO96Ue8GY9xOaOOqmnZI=', expiresAt: 1_800_003_600 });
  assert.is(mintTurnCredential('s', '', 10, 100).username, '110');
});

test('restApiExpiry reads the leading unix seconds, -1 for anything else', () => {
  assert.is(restApiExpiry('1800003600:alice'), 1_800_003_600);
  assert.is(restApiExpiry('1800003600'), 1_800_003_600);
  assert.is(restApiExpiry('1800003600:a:b'), 1_800_003_600);
  for (const bad of ['', ':alice', 'alice', '18x:alice', '12345678901234567:a']) assert.is(restApiExpiry(bad), -1, bad);
});

test('longTermKey = MD5(user:realm:password) verifies the RFC 5769 §2.4 long-term request', () => {
  const msg = loadHex('rfc5769-2.4-long-term-request.hex');
  const v = new StunMessageView();
  assert.is(v.reset(msg, 0, msg.length), ParseStatus.Ok);
  const key = longTermKey('\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9', 'example.org', 'TheMatrIX');
  assert.ok(v.verifyIntegrity(new HmacSha1(key)));
});

test('nonces: valid for their lifetime, stale after, invalid for another address or when altered', () => {
  const n = new NonceIssuer(600, Buffer.alloc(20, 7));
  const t = 1_800_000_000_000;
  const s = Buffer.from(n.issue('192.0.2.1', 5000, t));
  assert.is(s.length, 24);
  assert.is(n.check(s, 0, s.length, '192.0.2.1', 5000, t + 599_000), NonceCheck.Ok);
  assert.is(n.check(s, 0, s.length, '192.0.2.1', 5000, t + 600_000), NonceCheck.Stale);
  assert.is(n.check(s, 0, s.length, '192.0.2.1', 5000, t - 5_000), NonceCheck.Stale, 'from the future');
  assert.is(n.check(s, 0, s.length, '192.0.2.2', 5000, t), NonceCheck.Invalid);
  assert.is(n.check(s, 0, s.length, '192.0.2.1', 5001, t), NonceCheck.Invalid);
  const bad = Buffer.from(s); bad[20] = bad[20] === 0x61 ? 0x62 : 0x61;
  assert.is(n.check(bad, 0, bad.length, '192.0.2.1', 5000, t), NonceCheck.Invalid);
  assert.is(n.check(s, 0, 23, '192.0.2.1', 5000, t), NonceCheck.Invalid);
  const other = new NonceIssuer(600, Buffer.alloc(20, 8));
  assert.is(other.check(s, 0, s.length, '192.0.2.1', 5000, t), NonceCheck.Invalid, 'another server key');
});

test('allow-list: addresses, CIDRs, ports, IPv6; malformed entries throw TurnError', () => {
  const l = new PeerAllowList(['127.0.0.1:7882', '10.0.0.0/8', '192.168.1.7', '[::1]:7882', 'fd00::/8']);
  const v4 = (s: string) => Uint8Array.from(s.split('.').map(Number));
  assert.ok(l.allows(4, v4('127.0.0.1'), 0, 7882));
  assert.ok(l.allows(4, v4('127.0.0.1'), 0, -1), 'IP-only check (CreatePermission)');
  assert.not.ok(l.allows(4, v4('127.0.0.1'), 0, 22), 'media port only, not the host\'s other ports');
  assert.ok(l.allows(4, v4('10.200.3.4'), 0, 1));
  assert.not.ok(l.allows(4, v4('11.0.0.1'), 0, 1));
  assert.ok(l.allows(4, v4('192.168.1.7'), 0, 80));
  const v6 = Buffer.alloc(16); v6[15] = 1;
  assert.ok(l.allows(6, v6, 0, 7882));
  assert.not.ok(l.allows(6, v6, 0, 7883));
  const ula = Buffer.alloc(16); ula[0] = 0xfd; ula[15] = 9;
  assert.ok(l.allows(6, ula, 0, 1));
  assert.not.ok(new PeerAllowList().allows(4, v4('127.0.0.1'), 0, 1), 'empty allows nothing');
  for (const bad of ['', 'localhost', '10.0.0.0/33', '1.2.3.4:0', '1.2.3.4:70000', '[::1', '[::1]x', '::/129']) {
    try { new PeerAllowList([bad]); assert.unreachable(bad); } catch (e) { assert.instance(e, TurnError, bad); }
  }
});

test('ChannelData view: header, reserved ranges, truncation, padding; wire length', () => {
  const v = new ChannelDataView();
  const buf = Buffer.alloc(12);
  writeChannelDataHeader(buf, 0, 0x4abc, 5);
  assert.is(v.reset(buf, 0, 9), ChannelDataStatus.Ok);
  assert.equal([v.channel, v.dataOffset, v.dataLength], [0x4abc, 4, 5]);
  assert.is(v.reset(buf, 0, 12), ChannelDataStatus.Ok, 'padding allowed');
  assert.is(v.reset(buf, 0, 8), ChannelDataStatus.Truncated);
  assert.is(v.reset(buf, 0, 3), ChannelDataStatus.TooShort);
  assert.is(v.reset(buf, 10, 4), ChannelDataStatus.TooShort, 'past the buffer');
  buf[0] = 0x80;
  assert.is(v.reset(buf, 0, 9), ChannelDataStatus.NotChannelData);
  buf[0] = 0x00;
  assert.is(v.reset(buf, 0, 9), ChannelDataStatus.NotChannelData);
  assert.is(channelDataWireLength(5, false), 9);
  assert.is(channelDataWireLength(5, true), 12);
  assert.is(channelDataWireLength(8, true), 12);
});

test('TURN attributes: offsets read, bad lengths refused, too many peer addresses refused', () => {
  const out = Buffer.alloc(1024), tx = Buffer.alloc(12, 1);
  const b = new StunBuilder();
  const v = new StunMessageView(), at = new TurnAttributes();
  let n = b.begin(out, 0, messageType(0x009, 0), tx, 0).u32(ATTR_CHANNEL_NUMBER, 0x40000000).u32(ATTR_LIFETIME, 77)
    .xorAddressText(ATTR_XOR_PEER_ADDRESS, '10.0.0.1', 5).u32(0x7001, 0).end();
  assert.is(v.reset(out, 0, n), ParseStatus.Ok);
  assert.is(at.read(v), AttributeStatus.Ok);
  assert.is(v.readU32(at.lifetime), 77);
  assert.is(at.peerCount, 1);
  assert.equal([...at.unknown.subarray(0, at.unknownCount)], [0x7001]);
  n = b.begin(out, 0, messageType(0x009, 0), tx, 0).bytes(ATTR_LIFETIME, Buffer.alloc(3)).end();
  v.reset(out, 0, n);
  assert.is(at.read(v), AttributeStatus.BadAttribute);
  b.begin(out, 0, messageType(0x008, 0), tx, 0);
  for (let i = 0; i <= MAX_PEER_ADDRESSES; i++) b.xorAddressText(ATTR_XOR_PEER_ADDRESS, '10.0.0.1', i);
  n = b.end();
  v.reset(out, 0, n);
  assert.is(at.read(v), AttributeStatus.BadAttribute);
});

test.run();
