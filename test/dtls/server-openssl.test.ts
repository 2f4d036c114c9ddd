// Our SERVER endpoint against `openssl s_client -dtls1_2` (OpenSSL 3): the handshake
// completes and OpenSSL's exported keying material equals ours byte for byte.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CipherSuite, DtlsEndpoint, generateCertificate, NamedGroup, SrtpProfile, type DtlsConnectedInfo, type DtlsError } from '../../src/dtls/index.js';
import { keyingMaterial, opensslCert, runOpenssl, UdpDriver, waitFor } from './openssl-peer.js';

const peer = opensslCert();
const serverCert = generateCertificate();

interface Case { srtp: string; groups: string; cipher?: string; expectLen: number; fingerprint?: string }

async function serverVsClient(c: Case) {
  let info: DtlsConnectedInfo | undefined;
  let error: DtlsError | undefined;
  const received: Buffer[] = [];
  const driver = new UdpDriver((send, peerId) => new DtlsEndpoint({
    role: 'server', certificate: serverCert, send, peerId,
    remoteFingerprints: [{ algorithm: 'sha-256', value: c.fingerprint ?? peer.fingerprint256 }],
    srtpProfiles: [SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES128_CM_HMAC_SHA1_80],
    onConnected: (i) => { info = i; },
    onApplicationData: (d) => { received.push(Buffer.from(d)); },
    onError: (e) => { error = e; },
  }));
  const port = await driver.bind();
  const run = runOpenssl(['s_client', '-dtls1_2', '-connect', `127.0.0.1:${port}`, '-use_srtp', c.srtp,
    '-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', String(c.expectLen),
    '-cipher', c.cipher ?? 'ECDHE-ECDSA-AES128-GCM-SHA256', '-groups', c.groups, '-cert', peer.cert, '-key', peer.key], 20_000);
  await waitFor(() => info !== undefined || error !== undefined, 10_000);
  let appData = '';
  if (info) {
    // Application data both ways: s_client sends its stdin lines, prints what it receives.
    run.child.stdin!.write('ping-from-openssl\n');
    await waitFor(() => received.length > 0, 3000);
    appData = Buffer.concat(received).toString();
    driver.endpoint!.sendApplicationData(Buffer.from('pong-from-switchboard\n'));
  }
  await new Promise((r) => setTimeout(r, 300));
  run.endInput();
  const out = await run.done;
  const ep = driver.endpoint;
  await waitFor(() => ep?.state === 'closed', 1000);
  const stateAfter = ep?.state;
  let ours: string | undefined;
  if (info && ep) ours = ep.exportKeyingMaterial('EXTRACTOR-dtls_srtp', c.expectLen).toString('hex');
  driver.close();
  return { info, error, out, ours, appData, stateAfter };
}

test('server: AES128_CM_SHA1_80 over P-256, keying material equals OpenSSL s_client, application data both ways', async () => {
  const r = await serverVsClient({ srtp: 'SRTP_AES128_CM_SHA1_80', groups: 'P-256', expectLen: 60 });
  assert.ok(r.info, `not connected: ${r.error?.message}\n${r.out.stdout}\n${r.out.stderr}`);
  assert.is(r.info!.cipherSuite, CipherSuite.ECDHE_ECDSA_AES_128_GCM_SHA256);
  assert.is(r.info!.group, NamedGroup.secp256r1);
  assert.is(r.info!.srtpProfile, SrtpProfile.AES128_CM_HMAC_SHA1_80);
  assert.ok(r.info!.remoteCertificate.equals(peer.der));
  const theirs = keyingMaterial(r.out.stdout);
  assert.ok(theirs, r.out.stdout);
  assert.is(theirs!.length, 120);
  assert.is(r.ours, theirs);
  assert.match(r.out.stdout, /SRTP Extension negotiated, profile=SRTP_AES128_CM_SHA1_80/);
  assert.is(r.appData, 'ping-from-openssl\n');
  assert.match(r.out.stdout, /pong-from-switchboard/);
  assert.is(r.stateAfter, 'closed', 's_client sent close_notify at EOF');
  assert.is(r.error, undefined);
  const k = r.info!.srtpKeys!;
  // Server role: local = server_write (second), remote = client_write (first).
  assert.is(k.remoteMasterKey.toString('hex'), theirs!.slice(0, 32));
  assert.is(k.localMasterKey.toString('hex'), theirs!.slice(32, 64));
  assert.is(k.remoteMasterSalt.toString('hex'), theirs!.slice(64, 92));
  assert.is(k.localMasterSalt.toString('hex'), theirs!.slice(92, 120));
});

// OpenSSL refuses an ECDSA P-256 key when P-256 is not among its groups ("wrong curve"), so X25519 runs as -groups X25519:P-256 and we pick X25519 first.
test('server: SRTP_AEAD_AES_128_GCM (56 bytes) over X25519', async () => {
  const r = await serverVsClient({ srtp: 'SRTP_AEAD_AES_128_GCM', groups: 'X25519:P-256', expectLen: 56 });
  assert.ok(r.info, `not connected: ${r.error?.message}\n${r.out.stdout}\n${r.out.stderr}`);
  assert.is(r.info!.group, NamedGroup.x25519);
  assert.is(r.info!.srtpProfile, SrtpProfile.AEAD_AES_128_GCM);
  assert.is(r.ours, keyingMaterial(r.out.stdout));
  assert.is(r.ours!.length, 112);
});

test('server: AES-256-GCM-SHA384 and ChaCha20-Poly1305 suites, application data both ways', async () => {
  const a = await serverVsClient({ srtp: 'SRTP_AES128_CM_SHA1_80', groups: 'P-256', cipher: 'ECDHE-ECDSA-AES256-GCM-SHA384', expectLen: 60 });
  assert.ok(a.info, `not connected: ${a.error?.message}\n${a.out.stderr}`);
  assert.is(a.info!.cipherSuite, CipherSuite.ECDHE_ECDSA_AES_256_GCM_SHA384);
  assert.is(a.ours, keyingMaterial(a.out.stdout));
  assert.is(a.appData, 'ping-from-openssl\n');
  assert.match(a.out.stdout, /pong-from-switchboard/);
  const b = await serverVsClient({ srtp: 'SRTP_AES128_CM_SHA1_80', groups: 'X25519:P-256', cipher: 'ECDHE-ECDSA-CHACHA20-POLY1305', expectLen: 60 });
  assert.ok(b.info, `not connected: ${b.error?.message}\n${b.out.stderr}`);
  assert.is(b.info!.cipherSuite, CipherSuite.ECDHE_ECDSA_CHACHA20_POLY1305_SHA256);
  assert.is(b.ours, keyingMaterial(b.out.stdout));
  assert.is(b.appData, 'ping-from-openssl\n');
  assert.match(b.out.stdout, /pong-from-switchboard/);
});

test('server: wrong expected fingerprint is refused with bad_certificate, OpenSSL sees the alert', async () => {
  const wrong = peer.fingerprint256.replace(/^../, peer.fingerprint256.startsWith('00') ? '11' : '00');
  const r = await serverVsClient({ srtp: 'SRTP_AES128_CM_SHA1_80', groups: 'P-256', expectLen: 60, fingerprint: wrong });
  assert.not.ok(r.info);
  assert.ok(r.error);
  assert.is(r.error!.code, 'fingerprint-mismatch');
  assert.is(r.error!.alert, 42);
  assert.match(r.out.stdout + r.out.stderr, /bad certificate/i);
});

test.after(() => peer.cleanup());
test.run();
