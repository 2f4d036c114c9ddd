// Regression (found by `npm run fuzz`): a cookie-bearing ClientHello with message_seq
// 0xffff made the server number its replies past 16 bits and throw out of handleDatagram.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CookieSecret, DtlsEndpoint, generateCertificate } from '../../src/dtls/index.js';

test('a ClientHello with message_seq 65535 (valid cookie) is dropped, not thrown', () => {
  const cert = generateCertificate();
  const cookieSecret = new CookieSecret();
  const toServer: Buffer[] = [];
  const toClient: Buffer[] = [];
  const client = new DtlsEndpoint({ role: 'client', certificate: cert, send: (b, n) => { toServer.push(Buffer.from(b.subarray(0, n))); } });
  const server = new DtlsEndpoint({ role: 'server', certificate: cert, peerId: 'p', cookieSecret, send: (b, n) => { toClient.push(Buffer.from(b.subarray(0, n))); } });
  client.start(0);
  const hello1 = toServer.shift()!;
  server.handleDatagram(hello1, hello1.length, 1);
  const hvr = toClient.shift()!;
  client.handleDatagram(hvr, hvr.length, 2);
  const hello2 = toServer.shift()!;
  assert.is(hello2[13], 1, 'a handshake record');
  // Record header 13 bytes, then handshake header: type(1) length(3) message_seq(2).
  const fresh = new DtlsEndpoint({ role: 'server', certificate: cert, peerId: 'p', cookieSecret, send: (b, n) => { toClient.push(Buffer.from(b.subarray(0, n))); } });
  const bad = Buffer.from(hello2);
  bad.writeUInt16BE(0xffff, 13 + 4);
  assert.not.throws(() => fresh.handleDatagram(bad, bad.length, 3));
  assert.is(toClient.length, 0, 'no flight answers an impossible message_seq');
  // The same hello with its real message_seq is answered by a fresh endpoint: the cookie
  // is valid, so the drop above is the message_seq check and nothing else.
  const control = new DtlsEndpoint({ role: 'server', certificate: cert, peerId: 'p', cookieSecret, send: (b, n) => { toClient.push(Buffer.from(b.subarray(0, n))); } });
  control.handleDatagram(hello2, hello2.length, 4);
  assert.ok(toClient.length > 0, 'server flight sent for the real hello');
});

test.run();
