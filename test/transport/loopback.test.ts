// Our client-role transport (ICE controlling + DTLS client) against our server-role
// transport (ICE-lite + DTLS server) over real loopback UDP: the whole stack in both
// roles, every SRTP profile, media both ways, RTCP both ways, close and consent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateCertificate, SrtpProfile } from '../../src/dtls/index.js';
import { TransportServer, type WebRtcTransport } from '../../src/transport/index.js';

const serverCert = generateCertificate();
const clientCert = generateCertificate();

async function until(cond: () => boolean, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function rtpPacket(seq: number, ssrc: number, payloadLen: number): Buffer {
  const b = Buffer.alloc(12 + payloadLen);
  b[0] = 0x80; b[1] = 111;
  b.writeUInt16BE(seq, 2); b.writeUInt32BE(seq * 960, 4); b.writeUInt32BE(ssrc, 8);
  for (let i = 12; i < b.length; i++) b[i] = (seq + i) & 0xff;
  return b;
}

function srPacket(ssrc: number): Buffer {
  const b = Buffer.alloc(28);
  b[0] = 0x80; b[1] = 200; b.writeUInt16BE(6, 2); b.writeUInt32BE(ssrc, 4);
  return b;
}

async function pair(profile: number) {
  const server = new TransportServer({ certificate: serverCert, host: '127.0.0.1', tickMs: 10 });
  const client = new TransportServer({ certificate: clientCert, host: '127.0.0.1', tickMs: 10 });
  const port = await server.listen();
  await client.listen();
  const st = server.createTransport({ dtlsRole: 'server', srtpProfiles: [profile] });
  const ct = client.createTransport({
    iceRole: 'controlling',
    dtlsRole: 'client',
    remoteIceUfrag: st.iceUfrag,
    remoteIcePwd: st.icePwd,
    remoteFingerprints: [serverCert.fingerprint],
    remoteCandidates: [{ address: '127.0.0.1', port }],
    srtpProfiles: [profile],
  });
  st.setRemoteParameters(ct.iceUfrag, ct.icePwd, [clientCert.fingerprint]);
  return { server, client, st, ct };
}

function collect(t: WebRtcTransport) {
  const got = { rtp: [] as string[], rtcp: [] as string[] };
  t.events.onRtp = (buf, len) => got.rtp.push(buf.subarray(0, len).toString('hex'));
  t.events.onRtcp = (buf, len) => got.rtcp.push(buf.subarray(0, len).toString('hex'));
  return got;
}

const profiles: [string, number][] = [
  ['AES128_CM_HMAC_SHA1_80', SrtpProfile.AES128_CM_HMAC_SHA1_80],
  ['AES128_CM_HMAC_SHA1_32', SrtpProfile.AES128_CM_HMAC_SHA1_32],
  ['AEAD_AES_128_GCM', SrtpProfile.AEAD_AES_128_GCM],
  ['AEAD_AES_256_GCM', SrtpProfile.AEAD_AES_256_GCM],
];

for (const [name, profile] of profiles) {
  test(`client and server connect and carry SRTP/SRTCP both ways (${name})`, async () => {
    const { server, client, st, ct } = await pair(profile);
    try {
      await until(() => st.state === 'connected' && ct.state === 'connected', 5000, 'both connected');
      assert.is(st.connectedInfo?.srtpProfile, profile);
      assert.is(ct.connectedInfo?.srtpProfile, profile);
      const atServer = collect(st);
      const atClient = collect(ct);
      const up = [rtpPacket(65534, 0x1111, 100), rtpPacket(65535, 0x1111, 100), rtpPacket(0, 0x1111, 1200)];
      const down = [rtpPacket(7, 0x2222, 50), rtpPacket(8, 0x2222, 900)];
      for (const p of up) assert.ok(ct.sendRtp(p, 0, p.length));
      for (const p of down) assert.ok(st.sendRtp(p, 0, p.length));
      assert.ok(ct.sendRtcp(srPacket(0x1111), 0, 28));
      assert.ok(st.sendRtcp(srPacket(0x2222), 0, 28));
      await until(() => atServer.rtp.length === 3 && atClient.rtp.length === 2 && atServer.rtcp.length === 1 && atClient.rtcp.length === 1, 3000, 'media');
      assert.equal(atServer.rtp, up.map((p) => p.toString('hex')), 'plaintext identical after protect/unprotect (across the seq wrap)');
      assert.equal(atClient.rtp, down.map((p) => p.toString('hex')));
      assert.equal(atServer.rtcp, [srPacket(0x1111).toString('hex')]);
      assert.equal(atClient.rtcp, [srPacket(0x2222).toString('hex')]);
      assert.is(st.stats.srtpInDropped + ct.stats.srtpInDropped, 0);
    } finally {
      client.close();
      server.close();
    }
  });
}

test('closing the client sends close_notify: the server transport closes as dtls-closed', async () => {
  const { server, client, st, ct } = await pair(SrtpProfile.AEAD_AES_128_GCM);
  try {
    await until(() => st.state === 'connected' && ct.state === 'connected', 5000, 'connected');
    let reason = '';
    st.events.onClose = (r) => { reason = r; };
    ct.close();
    await until(() => reason !== '', 3000, 'server saw close');
    assert.is(reason, 'dtls-closed');
    assert.is(server.transportCount, 0, 'the server forgot the transport');
    assert.is(server.mux.peerAddressCount, 0, 'and its addresses');
  } finally {
    client.close();
    server.close();
  }
});

test('no consent for 30 s closes the server transport (RFC 7675)', async () => {
  const { server, client, st, ct } = await pair(SrtpProfile.AEAD_AES_128_GCM);
  try {
    await until(() => st.state === 'connected' && ct.state === 'connected', 5000, 'connected');
    let reason = '';
    st.events.onClose = (r) => { reason = r; };
    st.tick(performance.now() + 29_000);
    assert.is(reason, '', 'still within the consent window');
    st.tick(performance.now() + 31_000);
    assert.is(reason, 'ice-consent-expired');
    assert.is(st.state, 'failed');
  } finally {
    client.close();
    server.close();
  }
});

test('a client with the wrong server fingerprint never connects and reports dtls-failed', async () => {
  const server = new TransportServer({ certificate: serverCert, host: '127.0.0.1', tickMs: 10 });
  const client = new TransportServer({ certificate: clientCert, host: '127.0.0.1', tickMs: 10 });
  try {
    const port = await server.listen();
    await client.listen();
    const st = server.createTransport({ dtlsRole: 'server' });
    const ct = client.createTransport({
      iceRole: 'controlling', dtlsRole: 'client', remoteIceUfrag: st.iceUfrag, remoteIcePwd: st.icePwd,
      remoteFingerprints: [clientCert.fingerprint], // not the server's
      remoteCandidates: [{ address: '127.0.0.1', port }],
    });
    st.setRemoteParameters(ct.iceUfrag, ct.icePwd, [clientCert.fingerprint]);
    let reason = '';
    ct.events.onClose = (r) => { reason = r; };
    await until(() => reason !== '', 5000, 'client failed');
    assert.is(reason, 'dtls-failed');
    assert.is.not(st.state, 'connected');
  } finally {
    client.close();
    server.close();
  }
});

test.run();
