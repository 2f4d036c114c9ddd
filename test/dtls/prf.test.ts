import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHmac } from 'node:crypto';
import { exportKeyingMaterial, extendedMasterSecret, prf } from '../../src/dtls/prf.js';

const h = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// The TLS 1.2 PRF (P_SHA256) vector published on the IETF TLS list (msg03416), used by
// mbedTLS, BoringSSL and others.
test('PRF P_SHA256: IETF TLS WG 100-byte vector', () => {
  const out = prf('sha256', h('9b be 43 6b a9 40 f0 17 b1 76 52 84 9a 71 db 35'), 'test label', h('a0 ba 9f 93 6c da 31 18 27 a6 f7 96 ff d5 19 8c'), 100);
  assert.is(out.toString('hex'), h(`e3 f2 29 ba 72 7b e1 7b 8d 12 26 20 55 7c d4 53 c2 aa b2 1d 07 c3 d4 95 32 9b 52 d4 e6 1e db 5a
    6b 30 17 91 e9 0d 35 c9 c9 a4 6b 4e 14 ba f9 af 0f a0 22 f7 07 7d ef 17 ab fd 37 97 c0 56 4b ab
    4f bc 91 66 6e 9d ef 9b 97 fc e3 4f 79 67 89 ba a4 80 82 d1 22 ee 42 c5 a7 2e 5a 51 10 ff f7 01 87 34 7b 66`).toString('hex'));
});

// P_SHA384 checked against its definition (RFC 5246 §5) computed step by step.
test('PRF P_SHA384: output is A(1)-chained HMAC-SHA384 (structural check against a direct computation)', () => {
  const secret = Buffer.from('secret');
  const seed = Buffer.from('seed');
  const ls = Buffer.concat([Buffer.from('label'), seed]);
  const a1 = createHmac('sha384', secret).update(ls).digest();
  const b1 = createHmac('sha384', secret).update(a1).update(ls).digest();
  const a2 = createHmac('sha384', secret).update(a1).digest();
  const b2 = createHmac('sha384', secret).update(a2).update(ls).digest();
  assert.is(prf('sha384', secret, 'label', seed, 60).toString('hex'), Buffer.concat([b1, b2]).subarray(0, 60).toString('hex'));
});

test('EMS and exporter are the PRF with their RFC labels and seeds', () => {
  const pms = Buffer.alloc(32, 7);
  const sh = Buffer.alloc(32, 9);
  assert.equal(extendedMasterSecret('sha256', pms, sh), prf('sha256', pms, 'extended master secret', sh, 48));
  const cr = Buffer.alloc(32, 1);
  const sr = Buffer.alloc(32, 2);
  assert.equal(exportKeyingMaterial('sha256', pms, cr, sr, 'EXTRACTOR-dtls_srtp', 60), prf('sha256', pms, 'EXTRACTOR-dtls_srtp', Buffer.concat([cr, sr]), 60));
  const ctx = Buffer.from('ctx');
  assert.equal(exportKeyingMaterial('sha256', pms, cr, sr, 'L', 10, ctx), prf('sha256', pms, 'L', Buffer.concat([cr, sr, Buffer.from([0, 3]), ctx]), 10));
});

test.run();
