// HMAC-SHA1 and CRC-32 against node:crypto / zlib-known values, and IP text parsing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHmac } from 'node:crypto';
import { HmacSha1, crc32, parseIpv4, parseIpv6, formatIpv6, canonicalIp } from '../../src/stun/index.js';
import { prng } from '../fuzz/harness.js';

test('CRC-32 check value and known strings', () => {
  assert.is(crc32(Buffer.from('123456789'), 0, 9), 0xcbf43926); // the standard check value
  assert.is(crc32(Buffer.alloc(0), 0, 0), 0);
  assert.is(crc32(Buffer.from('The quick brown fox jumps over the lazy dog'), 0, 43), 0x414fa339);
  const b = Buffer.from('xx123456789yy');
  assert.is(crc32(b, 2, 9), 0xcbf43926);
});

test('HMAC-SHA1 equals node:crypto for every length 0..300 and key lengths 0..100', () => {
  const rnd = prng(42);
  const data = Buffer.alloc(310);
  for (let i = 0; i < data.length; i++) data[i] = rnd() & 0xff;
  const out = Buffer.alloc(20);
  for (const kl of [0, 1, 20, 22, 63, 64, 65, 100]) {
    const key = data.subarray(300 - kl, 300);
    const h = new HmacSha1(key);
    for (let len = 0; len <= 300; len++) {
      h.sign(data, 5, len, out, 0);
      const want = createHmac('sha1', key).update(data.subarray(5, 5 + len)).digest();
      assert.is(out.toString('hex'), want.toString('hex'), `key ${kl} len ${len}`);
      assert.ok(h.verify(data, 5, len, want, 0));
      want[19] ^= 1;
      assert.not.ok(h.verify(data, 5, len, want, 0));
    }
  }
});

test('IPv4 and IPv6 text parsing', () => {
  const b = new Uint8Array(16);
  assert.ok(parseIpv4('192.0.2.1', b, 0));
  assert.equal([...b.subarray(0, 4)], [192, 0, 2, 1]);
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', 'a.b.c.d', '1.2.3.4 ', '1234.1.1.1']) assert.not.ok(parseIpv4(bad, b, 0), bad);
  const cases: [string, string][] = [
    ['::1', '::1'], ['::', '::'], ['2001:db8::1', '2001:db8::1'], ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:1234:5678:11:2233:4455:6677', '2001:db8:1234:5678:11:2233:4455:6677'], ['fe80::1%eth0', 'fe80::1'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'], ['::ffff:102:304', '::ffff:1.2.3.4'], ['1::', '1::'], ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
  ];
  for (const [text, canon] of cases) {
    assert.ok(parseIpv6(text, b, 0), text);
    assert.is(formatIpv6(b, 0), canon, text);
  }
  for (const bad of [':', ':::', '1:2', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', 'g::1', '1:2:3:4:5:6:7:', ':1::']) assert.not.ok(parseIpv6(bad, b, 0), bad);
  assert.is(canonicalIp('0:0:0:0:0:0:0:1'), '::1');
  assert.is(canonicalIp('127.0.0.1'), '127.0.0.1');
  assert.is(canonicalIp('nope'), '');
});

test.run();
