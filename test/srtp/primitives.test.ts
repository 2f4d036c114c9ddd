// The building blocks against OpenSSL (node:crypto) on random inputs: JS AES-128/256
// blocks, JS and wasm AES-CTR keystreams, JS HMAC-SHA1 (with and without the ROC
// trailer, across block boundaries), and JS GHASH through a full GCM tag.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { aesCtrXor, aesEncryptWords, expandAesKey } from '../../src/srtp/aes.js';
import { ctrXor, prepareKey } from '../../src/srtp/keystream.js';
import { wasmAes } from '../../src/srtp/wasm-aes.js';
import { HmacSha1 } from '../../src/srtp/hmac-sha1.js';
import { Ghash } from '../../src/srtp/ghash.js';

const words = (b: Buffer) => [b.readInt32BE(0), b.readInt32BE(4), b.readInt32BE(8), b.readInt32BE(12)] as const;
const bytes = (w: ArrayLike<number>, n = w.length) => { const b = Buffer.alloc(n * 4); for (let i = 0; i < n; i++) b.writeInt32BE(w[i], 4 * i); return b; };

test('AES-128 and AES-256 blocks equal OpenSSL ECB', () => {
  const out = new Int32Array(4);
  for (const kl of [16, 32]) for (let i = 0; i < 200; i++) {
    const key = randomBytes(kl), blk = randomBytes(16);
    const c = createCipheriv(kl === 16 ? 'aes-128-ecb' : 'aes-256-ecb', key, null).setAutoPadding(false);
    aesEncryptWords(expandAesKey(key), ...words(blk), out);
    assert.is(bytes(out).toString('hex'), c.update(blk).toString('hex'));
  }
});

test('the wasm engine loaded here (WebAssembly is available in Node 20)', () => {
  assert.ok(wasmAes, 'wasm AES did not instantiate');
});

test('AES-CTR: JS and wasm keystreams equal OpenSSL aes-ctr, all lengths 0..700 and odd offsets', () => {
  for (const kl of [16, 32]) for (let len = 0; len <= 700; len += kl === 16 ? 1 : 7) {
    const key = randomBytes(kl);
    const iv = randomBytes(16); iv[12] = 0; iv[13] = 0; iv[14] = 0; iv[15] = 0; // no carry past 32 bits
    const data = randomBytes(len + 3);
    const want = createCipheriv(kl === 16 ? 'aes-128-ctr' : 'aes-256-ctr', key, iv).update(data.subarray(3));
    const a = Buffer.from(data), b = Buffer.from(data);
    aesCtrXor(expandAesKey(key), ...words(iv), a, 3, len);
    ctrXor(prepareKey(expandAesKey(key)), ...words(iv), b, 3, len);
    assert.is(a.subarray(3).toString('hex'), want.toString('hex'), `js ${kl} len ${len}`);
    assert.is(b.subarray(3).toString('hex'), want.toString('hex'), `wasm ${kl} len ${len}`);
    assert.equal(a.subarray(0, 3), data.subarray(0, 3));
  }
});

test('wasm key slots: many keys stay distinct', () => {
  const keys = Array.from({ length: 600 }, () => randomBytes(16)); // > one 64 KiB page of slots
  const ks = keys.map((k) => prepareKey(expandAesKey(k)));
  for (let i = 0; i < keys.length; i += 37) {
    const b = Buffer.alloc(32);
    ctrXor(ks[i], 1, 2, 3, 0, b, 0, 32);
    const iv = Buffer.alloc(16); iv.writeInt32BE(1, 0); iv.writeInt32BE(2, 4); iv.writeInt32BE(3, 8);
    assert.is(b.toString('hex'), createCipheriv('aes-128-ctr', keys[i], iv).update(Buffer.alloc(32)).toString('hex'));
  }
});

test('HMAC-SHA1 equals OpenSSL for lengths 0..300, with and without a trailer word', () => {
  const out = new Int32Array(5);
  for (let len = 0; len <= 300; len++) {
    const key = randomBytes(20), msg = randomBytes(len), tr = randomBytes(4);
    const has = len % 2 === 0;
    const h = createHmac('sha1', key).update(msg);
    if (has) h.update(tr);
    const buf = Buffer.concat([randomBytes(5), msg]);
    new HmacSha1(key).mac(buf, 5, len, has, tr.readInt32BE(0), out);
    assert.is(bytes(out).toString('hex'), h.digest('hex'), `len ${len}`);
  }
});

test('GHASH gives the OpenSSL GCM tag for random AAD/plaintext lengths', () => {
  for (let i = 0; i < 100; i++) {
    const key = randomBytes(16), iv = randomBytes(12), aad = randomBytes(i % 37), pt = randomBytes((i * 13) % 300);
    const c = createCipheriv('aes-128-gcm', key, iv);
    c.setAAD(aad);
    const ct = Buffer.concat([c.update(pt), c.final()]);
    const k = expandAesKey(key);
    const h = new Int32Array(4);
    aesEncryptWords(k, 0, 0, 0, 0, h);
    const g = new Ghash(h[0], h[1], h[2], h[3]);
    g.update(aad, 0, aad.length); g.pad(); g.update(ct, 0, ct.length);
    const s = new Int32Array(4);
    g.finish(aad.length, ct.length, s);
    const j0 = new Int32Array(4);
    aesEncryptWords(k, iv.readInt32BE(0), iv.readInt32BE(4), iv.readInt32BE(8), 1, j0);
    for (let w = 0; w < 4; w++) s[w] ^= j0[w];
    assert.is(bytes(s).toString('hex'), c.getAuthTag().toString('hex'));
  }
});

test.run();
