import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, generateKeyPairSync, sign, verify, X509Certificate } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { certificateFromPem, fingerprintOf, generateCertificate, matchesFingerprint } from '../../src/dtls/index.js';
import { CookieSecret } from '../../src/dtls/cookie.js';
import { parseClientHello } from '../../src/dtls/client-hello.js';

const cert = generateCertificate({ commonName: 'unit-test' });

test('generated certificate parses with node X509Certificate: self-signed ECDSA P-256, validity around now', () => {
  const x = new X509Certificate(cert.der);
  assert.is(x.subject, 'CN=unit-test');
  assert.is(x.issuer, 'CN=unit-test');
  assert.ok(x.verify(x.publicKey), 'signature verifies with its own key');
  assert.is(x.publicKey.asymmetricKeyType, 'ec');
  assert.is(x.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  const now = Date.now();
  assert.ok(new Date(x.validFrom).getTime() < now && new Date(x.validTo).getTime() > now + 29 * 86_400_000);
  assert.is(x.fingerprint256, cert.fingerprint.value);
  assert.ok(verify('sha256', Buffer.from('x'), x.publicKey, sign('sha256', Buffer.from('x'), cert.privateKey)), 'private key matches');
});

test('generated certificate parses with `openssl x509 -inform DER -text`', () => {
  const r = spawnSync('openssl', ['x509', '-inform', 'DER', '-noout', '-text'], { input: cert.der, encoding: 'utf8', timeout: 10_000 });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /Version: 3 \(0x2\)/);
  assert.match(r.stdout, /Signature Algorithm: ecdsa-with-SHA256/);
  assert.match(r.stdout, /ASN1 OID: prime256v1/);
  assert.match(r.stdout, /Subject: CN ?= ?unit-test/);
  const fp = spawnSync('openssl', ['x509', '-inform', 'DER', '-noout', '-fingerprint', '-sha256'], { input: cert.der, encoding: 'utf8' });
  assert.is(fp.stdout.trim().split('=')[1], cert.fingerprint.value);
});

test('fingerprints: SDP format, every algorithm, case-insensitive match, mismatch refused', () => {
  assert.match(cert.fingerprint.value, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  for (const [alg, h] of [['sha-1', 'sha1'], ['sha-256', 'sha256'], ['sha-384', 'sha384'], ['sha-512', 'sha512']]) {
    const v = fingerprintOf(cert.der, alg);
    assert.is(v.replace(/:/g, '').toLowerCase(), createHash(h).update(cert.der).digest('hex'));
    assert.ok(matchesFingerprint(cert.der, [{ algorithm: alg.toUpperCase(), value: v.toLowerCase() }]));
  }
  assert.not.ok(matchesFingerprint(cert.der, [{ algorithm: 'sha-256', value: fingerprintOf(generateCertificate().der, 'sha-256') }]));
  assert.not.ok(matchesFingerprint(cert.der, [{ algorithm: 'md5', value: 'AA' }]));
  assert.throws(() => fingerprintOf(cert.der, 'md5'));
});

test('certificateFromPem loads a PEM pair and refuses a non-P-256 key', () => {
  const x = new X509Certificate(cert.der);
  const pem = x.toString();
  const keyPem = cert.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const c = certificateFromPem(pem, keyPem);
  assert.equal(c.der, cert.der);
  assert.is(c.fingerprint.value, cert.fingerprint.value);
  const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  assert.throws(() => certificateFromPem(pem, p384), /P-256/);
});

test('stateless cookie: verifies for the same peer and hello, not for another peer or random; survives one rotation', () => {
  const body = Buffer.concat([Buffer.from([0xfe, 0xfd]), Buffer.alloc(32, 5), Buffer.from([0, 0, 0, 2, 0xc0, 0x2b, 1, 0])]);
  const hello = parseClientHello(body)!;
  assert.ok(hello);
  const s = new CookieSecret();
  const cookie = s.make('1.2.3.4:5', hello);
  assert.is(cookie.length, 20);
  assert.not.ok(s.verify('1.2.3.4:5', hello), 'empty cookie');
  hello.cookie = cookie;
  assert.ok(s.verify('1.2.3.4:5', hello));
  assert.not.ok(s.verify('1.2.3.4:6', hello));
  const other = { ...hello, random: Buffer.alloc(32, 6) };
  assert.not.ok(s.verify('1.2.3.4:5', other));
  s.rotate();
  assert.ok(s.verify('1.2.3.4:5', hello));
  s.rotate();
  assert.not.ok(s.verify('1.2.3.4:5', hello));
});

test.run();
