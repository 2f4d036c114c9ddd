// Chromium's real DTLS ClientHello (captured by scripts/capture-peer-fixtures.ts into
// fixtures/dtls/chromium/): 1413 bytes in two fragments in two datagrams, offering DTLS 1.3
// too. We must reassemble it, parse it and answer DTLS 1.2 + 0xC02B + an SRTP profile.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { DtlsEndpoint, generateCertificate, SrtpProfile } from '../../src/dtls/index.js';
import { parseClientHello } from '../../src/dtls/client-hello.js';
import { ExtensionType, HandshakeType } from '../../src/dtls/constants.js';
import { readU16List, readUseSrtp } from '../../src/dtls/extensions.js';
import { HandshakeFragmentView } from '../../src/dtls/handshake-header.js';
import { parseHelloVerifyRequest } from '../../src/dtls/hello-verify-request.js';
import { Reassembler } from '../../src/dtls/reassembler.js';
import { RecordView } from '../../src/dtls/record.js';
import { parseServerHello } from '../../src/dtls/server-hello.js';
import { Writer } from '../../src/dtls/wire.js';
import { handshakeRecord, message } from './util.js';

const dir = new URL('../../fixtures/dtls/chromium/', import.meta.url).pathname;
const files = ['clienthello-1.bin', 'clienthello-2.bin'].map((f) => dir + f);
const present = files.every((f) => existsSync(f));
const datagrams = present ? files.map((f) => readFileSync(f)) : [];

function reassemble(dgrams: Buffer[]): Buffer | null {
  const r = new Reassembler();
  const rec = new RecordView();
  const frag = new HandshakeFragmentView();
  for (const d of dgrams) {
    let off = 0;
    while (off < d.length) {
      assert.is(rec.reset(d, off, d.length), 0);
      off = rec.end;
      let fo = rec.payloadOff;
      while (fo < rec.end) {
        assert.ok(frag.reset(d, fo, rec.end));
        fo = frag.end;
        r.add(frag, d, rec.epoch);
      }
    }
  }
  return r.next()?.body ?? null;
}

test('fixtures are present (captured from Chromium)', () => {
  assert.ok(present, `missing ${files.join(', ')}`);
});

test('Chromium ClientHello: two fragments reassemble in either order to a 1413-byte hello offering DTLS 1.3 and 1.2', () => {
  const body = reassemble(datagrams)!;
  assert.ok(body);
  assert.is(body.length, 1413);
  assert.equal(reassemble([...datagrams].reverse()), body);
  const ch = parseClientHello(body)!;
  assert.ok(ch, 'parses');
  assert.is(ch.version, 0xfefd);
  assert.is(ch.cookie.length, 0);
  assert.ok(ch.cipherSuites.includes(0xc02b));
  const versions = readU16List(ch.extensions.get(ExtensionType.supportedVersions)!, 1)!;
  assert.ok(versions.includes(0xfefc) && versions.includes(0xfefd), versions.map((v) => v.toString(16)).join());
  assert.ok(ch.extensions.get(ExtensionType.keyShare)!.length > 1000, 'big (ML-KEM) key_share');
  assert.ok(ch.extensions.has(ExtensionType.extendedMasterSecret));
  assert.ok(readUseSrtp(ch.extensions.get(ExtensionType.useSrtp)!)!.profiles.includes(SrtpProfile.AES128_CM_HMAC_SHA1_80));
});

/** Put a cookie into a ClientHello body (after session_id). */
function withCookie(body: Buffer, cookie: Buffer): Buffer {
  const sidLen = body[34];
  const at = 35 + sidLen;
  const oldLen = body[at];
  return Buffer.concat([body.subarray(0, at), new Writer().vec8(cookie).finish(), body.subarray(at + 1 + oldLen)]);
}

test('server endpoint: Chromium datagrams get a HelloVerifyRequest; the cookie hello gets DTLS 1.2, 0xC02B and an SRTP profile', () => {
  const out: Buffer[] = [];
  const ep = new DtlsEndpoint({ role: 'server', certificate: generateCertificate(), peerId: 'chromium', send: (b, l) => { out.push(Buffer.from(b.subarray(0, l))); } });
  ep.handleDatagram(datagrams[0], datagrams[0].length, 0);
  assert.is(out.length, 0, 'no answer to half a hello');
  ep.handleDatagram(datagrams[1], datagrams[1].length, 0);
  const hvr = parseHelloVerifyRequest(message(out, HandshakeType.helloVerifyRequest)!)!;
  assert.ok(hvr);
  // Chromium would resend the same hello with the cookie, message_seq 1, again in two fragments.
  const body = withCookie(reassemble(datagrams)!, hvr.cookie);
  const split = 1100;
  out.length = 0;
  ep.handleDatagram(handshakeRecord(HandshakeType.clientHello, 1, body, 2, split), 1 << 20, 10);
  assert.is(out.length, 0);
  ep.handleDatagram(handshakeRecord(HandshakeType.clientHello, 1, body, 3, 0, split), 1 << 20, 10);
  const sh = parseServerHello(message(out, HandshakeType.serverHello)!)!;
  assert.ok(sh, 'ServerHello sent');
  assert.is(sh.version, 0xfefd);
  assert.is(sh.cipherSuite, 0xc02b);
  assert.not.ok(sh.extensions.has(ExtensionType.supportedVersions), 'no 1.3 negotiation');
  assert.ok(sh.extensions.has(ExtensionType.extendedMasterSecret));
  const srtp = readUseSrtp(sh.extensions.get(ExtensionType.useSrtp)!)!;
  assert.equal(srtp.profiles, [SrtpProfile.AEAD_AES_128_GCM]);
  assert.ok(message(out, HandshakeType.serverHelloDone) !== undefined);
});

test.run();
