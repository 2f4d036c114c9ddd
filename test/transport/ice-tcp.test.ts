// ICE-TCP through TransportServer: a connection binds to a WebRtcTransport only with a
// check that authenticates for its ufrag; the nominated TCP pair becomes the send path;
// a later UDP nomination switches back; closing the transport closes the connection.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import { TransportServer } from '../../src/transport/index.js';
import { generateCertificate } from '../../src/dtls/index.js';
import { framedClient as tcpClient, frame, until } from '../net/framed-client.js';
import { ATTR_ICE_CONTROLLING, ATTR_PRIORITY, ATTR_USE_CANDIDATE, ATTR_USERNAME, BINDING_REQUEST, HmacSha1, ParseStatus, StunBuilder, StunMessageView } from '../../src/stun/index.js';
import { CLIENT, SERVER, chromiumLikeRequest } from '../stun/chromium-like.js';

test('TCP check with valid MESSAGE-INTEGRITY binds, answers on the connection, nominates a tcp pair; UDP nomination switches back', async () => {
  const server = new TransportServer({ certificate: generateCertificate(), tcp: {} });
  await server.listen();
  const udp = createSocket('udp4');
  try {
    const t = server.createTransport({ iceUfrag: SERVER.ufrag, icePwd: SERVER.pwd, remoteIceUfrag: CLIENT.ufrag, remoteIcePwd: CLIENT.pwd });
    assert.ok(server.tcpPort > 0);
    const c = await tcpClient(server.tcpPort);
    // Wrong password: not attached, no answer.
    const bad = Buffer.from(chromiumLikeRequest());
    bad[bad.length - 30] ^= 1; // inside MESSAGE-INTEGRITY
    c.s.write(frame(bad));
    await until(() => server.tcp!.stats.authFailures === 1);
    assert.is(t.selectedProtocol, undefined);
    c.s.write(frame(chromiumLikeRequest()));
    await until(() => c.frames.length === 1);
    const v = new StunMessageView();
    assert.is(v.reset(c.frames[0], 0, c.frames[0].length), ParseStatus.Ok);
    assert.is(v.type, 0x0101, 'binding success response over TCP');
    assert.is(t.selectedProtocol, 'tcp');
    assert.is(server.tcp!.stats.authenticated, 1);

    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    udp.send(chromiumLikeRequest(Buffer.from('0102030405060708090a0b0c', 'hex')), server.port, '127.0.0.1');
    await until(() => t.selectedProtocol === 'udp');
    t.close();
    await until(() => c.closed());
    assert.is(server.tcp!.links.size, 0);
  } finally { udp.close(); server.close(); }
});

test('ICE restart from an ICE-TCP path to UDP: the old generation\'s TCP connection is closed once the new UDP pair is nominated', async () => {
  const server = new TransportServer({ certificate: generateCertificate(), tcp: {} });
  await server.listen();
  const udp = createSocket('udp4');
  try {
    const t = server.createTransport({ iceUfrag: SERVER.ufrag, icePwd: SERVER.pwd, remoteIceUfrag: CLIENT.ufrag, remoteIcePwd: CLIENT.pwd });
    const c = await tcpClient(server.tcpPort);
    c.s.write(frame(chromiumLikeRequest()));
    await until(() => t.selectedProtocol === 'tcp');
    const ours = t.restartRemote('Nw2q', 'clientSidePasswordNew24c');
    assert.is(t.selectedProtocol, 'tcp', 'media stays on the TCP path during the restart');
    assert.not.ok(c.closed());
    const out = Buffer.alloc(200);
    const n = new StunBuilder().begin(out, 0, BINDING_REQUEST, Buffer.from('0102030405060708090a0b0c', 'hex'), 0)
      .text(ATTR_USERNAME, `${ours.ufrag}:Nw2q`).u64(ATTR_ICE_CONTROLLING, 1, 2).flag(ATTR_USE_CANDIDATE).u32(ATTR_PRIORITY, 0x6e7f1eff)
      .integrity(new HmacSha1(Buffer.from(ours.pwd))).fingerprint().end();
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    udp.send(out.subarray(0, n), server.port, '127.0.0.1');
    await until(() => t.selectedProtocol === 'udp');
    await until(() => c.closed());
    assert.is(server.tcp!.links.size, 0, 'the retired TCP path is gone');
    assert.is(server.ufragCount, 1);
    assert.not.ok(t.closed, 'the transport itself lives on');
  } finally { udp.close(); server.close(); }
});

test.run();
