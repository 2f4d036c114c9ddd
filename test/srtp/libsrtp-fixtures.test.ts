// Cross-check against libsrtp (the SRTP library inside Chromium's WebRTC): packets
// protected by libsrtp 2.5.0 for all four profiles, across a sequence-number wrap, with
// CSRCs, a header extension, an empty and a 1188-byte payload (our node:crypto path),
// and SRTCP. Generated once by fixtures/srtp/libsrtp-gen.c, so this test needs no
// libsrtp at run time. We must produce the same bytes and open libsrtp's packets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { SrtpContext, srtpProfileInfo } from '../../src/srtp/index.js';

interface Pair { plain: string; protected: string }
interface Profile { profile: number; masterKey: string; masterSalt: string; rtp: Pair[]; rtcp: Pair[] }
const fx = JSON.parse(readFileSync(new URL('../../fixtures/srtp/libsrtp-2.5.0-protected.json', import.meta.url), 'utf8')) as { profiles: Profile[] };
const hex = (s: string) => Buffer.from(s, 'hex');

test('the fixture covers all four profiles', () => {
  assert.equal(fx.profiles.map((p) => p.profile), [1, 2, 7, 8]);
});

for (const p of fx.profiles) {
  const info = srtpProfileInfo(p.profile);
  for (const mode of ['default', 'all-JS', 'all-node:crypto'] as const) {
    const opts = mode === 'all-JS' ? { nativeCryptoMinPayload: Infinity } : mode === 'all-node:crypto' ? { nativeCryptoMinPayload: 0 } : {};
    test(`${info.name} (${mode}): RTP byte-identical to libsrtp both ways, across the wrap`, () => {
      const tx = new SrtpContext(p.profile, hex(p.masterKey), hex(p.masterSalt), opts);
      const rx = new SrtpContext(p.profile, hex(p.masterKey), hex(p.masterSalt), opts);
      for (const [i, r] of p.rtp.entries()) {
        const plain = hex(r.plain);
        const buf = Buffer.alloc(plain.length + 20);
        plain.copy(buf);
        const n = tx.protectRtp(buf, plain.length);
        assert.is(buf.subarray(0, n).toString('hex'), r.protected, `packet ${i}`);
        const wire = hex(r.protected);
        assert.is(rx.unprotectRtp(wire, wire.length), plain.length, `open packet ${i}`);
        assert.is(wire.subarray(0, plain.length).toString('hex'), r.plain);
      }
      assert.is(rx.rolloverCounter(0xcafebabe), 1);
    });
  }

  test(`${info.name}: SRTCP byte-identical to libsrtp both ways`, () => {
    const tx = new SrtpContext(p.profile, hex(p.masterKey), hex(p.masterSalt));
    const rx = new SrtpContext(p.profile, hex(p.masterKey), hex(p.masterSalt));
    for (const [i, r] of p.rtcp.entries()) {
      const plain = hex(r.plain);
      const want = hex(r.protected);
      const e = want.readUInt32BE(want.length - (info.aead ? 4 : 14));
      assert.ok(e & 0x80000000, 'libsrtp sets the E flag');
      tx.setNextSrtcpIndex(0xcafebabe, e & 0x7fffffff); // libsrtp starts at 1, we at 0
      const buf = Buffer.alloc(plain.length + 20);
      plain.copy(buf);
      const n = tx.protectRtcp(buf, plain.length);
      assert.is(buf.subarray(0, n).toString('hex'), r.protected, `SRTCP ${i}`);
      assert.is(rx.unprotectRtcp(want, want.length), plain.length);
      assert.is(want.subarray(0, plain.length).toString('hex'), r.plain);
    }
  });
}

test.run();
