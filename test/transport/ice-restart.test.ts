// ICE restart on a connected server transport, over real loopback UDP: our client-role
// transport connects (ICE + DTLS + SRTP), then the server restarts ICE and our own STUN
// client checks with the NEW credentials from a different port. Media continues on the
// new path with the same SRTP keys (no new DTLS handshake), the old credentials are
// refused once the new path is nominated, and the ufrag map follows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket } from 'node:dgram';
import { generateCertificate, SrtpProfile } from '../../src/dtls/index.js';
import { SrtpContext, SRTP_MAX_TRAILER } from '../../src/srtp/index.js';
import {
  ATTR_ICE_CONTROLLING, ATTR_PRIORITY, ATTR_USE_CANDIDATE, ATTR_USERNAME, BINDING_REQUEST, BINDING_SUCCESS,
  HmacSha1, ParseStatus, StunBuilder, StunMessageView,
} from '../../src/stun/index.js';
import { TransportServer, randomIceString } from '../../src/transport/index.js';

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
  const b = Buffer.alloc(12 + payloadLen + SRTP_MAX_TRAILER);
  b[0] = 0x80; b[1] = 111;
  b.writeUInt16BE(seq, 2); b.writeUInt32BE(seq * 960, 4); b.writeUInt32BE(ssrc, 8);
  for (let i = 12; i < 12 + payloadLen; i++) b[i] = (seq + i) & 0xff;
  return b;
}

const sb = new StunBuilder();
let txn = 0;
function bindingRequest(username: string, pwd: string, nominate: boolean): Buffer {
  const buf = Buffer.alloc(300);
  const tx = Buffer.alloc(12); tx.writeUInt32BE(++txn, 8); tx.writeUInt32BE(0xabcdef, 0);
  sb.begin(buf, 0, BINDING_REQUEST, tx, 0).text(ATTR_USERNAME, username).u32(ATTR_PRIORITY, 0x6e7f00ff).u64(ATTR_ICE_CONTROLLING, 7, 7);
  if (nominate) sb.flag(ATTR_USE_CANDIDATE);
  sb.integrity(new HmacSha1(Buffer.from(pwd))).fingerprint();
  return buf.subarray(0, sb.end());
}

/** A plain UDP socket that is our STUN client + SRTP endpoint on the new path. */
async function rawSocket(): Promise<{ s: Socket; port: number; got: Buffer[] }> {
  const s = createSocket('udp4');
  const got: Buffer[] = [];
  s.on('message', (m) => got.push(m));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return { s, port: s.address().port, got };
}

async function ask(sock: { s: Socket; got: Buffer[] }, port: number, req: Buffer, waitMs = 1000): Promise<Buffer | undefined> {
  const before = sock.got.length;
  sock.s.send(req, port, '127.0.0.1');
  const end = Date.now() + waitMs;
  while (Date.now() < end) {
    const r = sock.got.slice(before).find((m) => m[0]! < 2 && m.subarray(8, 20).equals(req.subarray(8, 20)));
    if (r) return r;
    await new Promise((res) => setTimeout(res, 5));
  }
  return undefined;
}

async function connectedPair(iceRestartGraceMs?: number) {
  const server = new TransportServer({ certificate: serverCert, host: '127.0.0.1', tickMs: 10 });
  const client = new TransportServer({ certificate: clientCert, host: '127.0.0.1', tickMs: 10 });
  const port = await server.listen();
  await client.listen();
  const st = server.createTransport({ dtlsRole: 'server', srtpProfiles: [SrtpProfile.AES128_CM_HMAC_SHA1_80], ...(iceRestartGraceMs !== undefined ? { iceRestartGraceMs } : {}) });
  const ct = client.createTransport({
    iceRole: 'controlling', dtlsRole: 'client', remoteIceUfrag: st.iceUfrag, remoteIcePwd: st.icePwd,
    remoteFingerprints: [serverCert.fingerprint], remoteCandidates: [{ address: '127.0.0.1', port }],
    srtpProfiles: [SrtpProfile.AES128_CM_HMAC_SHA1_80],
  });
  st.setRemoteParameters(ct.iceUfrag, ct.icePwd, [clientCert.fingerprint]);
  let connects = 0;
  st.events.onConnected = () => { connects++; };
  await until(() => st.state === 'connected' && ct.state === 'connected', 5000, 'both connected');
  return { server, client, st, ct, port, connects: () => connects };
}

test('ICE restart: new credentials from a new port take over; same SRTP keys; old credentials refused', async () => {
  const { server, client, st, ct, port, connects } = await connectedPair();
  const sock = await rawSocket();
  const other = await rawSocket();
  try {
    const rx: string[] = [];
    st.events.onRtp = (buf, len) => rx.push(buf.subarray(0, len).toString('hex'));
    const p1 = rtpPacket(100, 0x1111, 80);
    assert.ok(ct.sendRtp(p1, 0, 92));
    await until(() => rx.length === 1, 2000, 'first RTP on the old path');
    const oldPort = st.selectedPort;
    const oldUfrag = st.iceUfrag, oldPwd = st.icePwd;
    const dtls = st.dtls;
    const keys = ct.connectedInfo!.srtpKeys!;

    // The peer restarted (its offer has new credentials): we must change ours too.
    const peer = { ufrag: randomIceString(8), pwd: randomIceString(24) };
    const ours = st.restartRemote(peer.ufrag, peer.pwd);
    assert.is.not(ours.ufrag, oldUfrag);
    assert.is.not(ours.pwd, oldPwd);
    assert.is(st.iceUfrag, ours.ufrag);
    assert.is(st.remoteIceUfrag, peer.ufrag);
    assert.is(server.ufragCount, 2, 'both ufrags map to the transport during the restart');
    assert.is(server.transportCount, 1);
    assert.is(st.restartRemote(peer.ufrag, peer.pwd).ufrag, ours.ufrag, 'same remote credentials: no second restart');

    // Old path still carries media (until the new one is nominated).
    assert.ok(ct.sendRtp(rtpPacket(101, 0x1111, 80), 0, 92));
    await until(() => rx.length === 2, 2000, 'RTP on the old path during the restart');
    // Old credentials from an unknown port during the restart: claimable (old generation still live),
    // but a wrong password is not.
    assert.is(await ask(other, port, bindingRequest(`${ours.ufrag}:${peer.ufrag}`, oldPwd, false), 300), undefined, 'new ufrag + old password: not claimed');

    // Our STUN client: a check with the NEW credentials from a different port, nominated.
    const res = await ask(sock, port, bindingRequest(`${ours.ufrag}:${peer.ufrag}`, ours.pwd, true));
    assert.ok(res, 'answered');
    const v = new StunMessageView();
    assert.is(v.reset(res!, 0, res!.length), ParseStatus.Ok);
    assert.is(v.type, BINDING_SUCCESS);
    assert.ok(v.verifyIntegrity(new HmacSha1(Buffer.from(ours.pwd))), 'signed with the new password');
    assert.is(st.selectedPort, sock.port, 'the new path is selected');
    assert.is.not(st.selectedPort, oldPort);
    assert.is(server.ufragCount, 1, 'old ufrag unmapped once the new path is selected');
    assert.is(st.ice.previousUfrag, undefined);

    // SRTP continues with the same keys: our socket sends with the client's key, later seq.
    const tx = new SrtpContext(keys.profile, keys.localMasterKey, keys.localMasterSalt);
    const p2 = rtpPacket(102, 0x1111, 80);
    const plain2 = p2.subarray(0, 92).toString('hex');
    const n = tx.protectRtp(p2, 92);
    assert.ok(n > 92);
    sock.s.send(p2.subarray(0, n), port, '127.0.0.1');
    await until(() => rx.length === 3, 2000, 'RTP from the new path');
    assert.is(rx[2], plain2, 'decrypted with the same SRTP context');
    // And the server's media now goes to the new port, decryptable with the same keys.
    const before = sock.got.length;
    const down = rtpPacket(7, 0x2222, 50);
    const plainDown = down.subarray(0, 62).toString('hex');
    assert.ok(st.sendRtp(down, 0, 62));
    await until(() => sock.got.slice(before).some((m) => m[0]! >= 128), 2000, 'server RTP at the new port');
    const srtpDown = Buffer.from(sock.got.slice(before).find((m) => m[0]! >= 128)!);
    const rxc = new SrtpContext(keys.profile, keys.remoteMasterKey, keys.remoteMasterSalt);
    const dn = rxc.unprotectRtp(srtpDown, srtpDown.length);
    assert.is(srtpDown.subarray(0, dn).toString('hex'), plainDown);

    // No new DTLS handshake: same endpoint, one onConnected, still connected.
    assert.is(st.dtls, dtls);
    assert.is(connects(), 1, 'onConnected fired once: at the first handshake only');
    assert.is(st.state, 'connected');

    // Old credentials are refused now: from the old address (401) and from a new one (not claimed).
    const badUsername = st.ice.stats.badUsername;
    const stale = await ask(other, port, bindingRequest(`${oldUfrag}:${ct.iceUfrag}`, oldPwd, true), 300);
    assert.is(stale, undefined, 'old ufrag from an unknown port: not claimed, no answer');
    // The old path's tuple is unbound: a check (or media) from the client transport's port is
    // now an unknown address, and the old ufrag no longer claims it.
    const unknown = server.mux.stats.unknownAddress;
    const oldCheck = bindingRequest(`${oldUfrag}:${ct.iceUfrag}`, oldPwd, false);
    client.mux.send(oldCheck, 0, oldCheck.length, port, '127.0.0.1');
    assert.ok(ct.sendRtp(rtpPacket(103, 0x1111, 80), 0, 92));
    await until(() => server.mux.stats.unknownAddress >= unknown + 2, 2000, 'old-path check and RTP dropped');
    assert.is(rx.length, 3, 'no RTP taken from the old path');
    assert.is(st.ice.stats.badUsername, badUsername);
    assert.is(st.selectedPort, sock.port, 'old checks do not move the selection back');
    assert.is(st.ice.stats.restarts, 1);
  } finally {
    sock.s.close(); other.s.close();
    client.close(); server.close();
  }
});

test('restartLocal (our ICE-restart offer), then the answer\'s credentials: one restart; grace retires the old', async () => {
  const { server, client, st, ct } = await connectedPair(2000);
  try {
    const oldUfrag = st.iceUfrag;
    const ours = st.restartLocal();
    assert.is(st.remoteIceUfrag, undefined, 'the peer\'s new credentials are not known yet');
    assert.is(server.ufragCount, 2);
    st.tick(performance.now() + 10_000);
    assert.is(server.ufragCount, 2, 'no answer yet: no grace clock, the old path is kept');
    // The answer arrives with the peer's new credentials: that completes THIS restart.
    const peer = { ufrag: randomIceString(8), pwd: randomIceString(24) };
    st.setRemoteParameters(peer.ufrag, peer.pwd, [clientCert.fingerprint]);
    assert.is(st.iceUfrag, ours.ufrag, 'no second set of local credentials');
    assert.is(st.ice.stats.restarts, 1);
    // Nobody checks with the new credentials: the grace period (2 s here) runs from the
    // first tick that sees the answer's credentials; then the old ones are retired.
    const t0 = performance.now();
    st.tick(t0);
    st.tick(t0 + 1000);
    assert.is(server.ufragCount, 2, 'within the grace period');
    st.tick(t0 + 2500);
    assert.is(server.ufragCount, 1);
    assert.is(st.ice.previousUfrag, undefined);
    assert.is.not(st.iceUfrag, oldUfrag);
    assert.is(ct.state, 'connected');
  } finally {
    client.close(); server.close();
  }
});

test('restart on a closed transport throws; the ufrag map is empty after close', async () => {
  const { server, client, st } = await connectedPair();
  st.restartLocal();
  assert.is(server.ufragCount, 2);
  st.close();
  assert.is(server.ufragCount, 0);
  assert.is(server.transportCount, 0);
  assert.throws(() => st.restartLocal(), /closed/);
  client.close(); server.close();
});

test.run();
