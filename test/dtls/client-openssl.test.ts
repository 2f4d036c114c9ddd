// Our CLIENT endpoint against `openssl s_server -dtls1_2 -listen` (cookie exchange path):
// the handshake completes and the exported keying material equals OpenSSL's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CipherSuite, DtlsEndpoint, generateCertificate, NamedGroup, SrtpProfile, type DtlsConnectedInfo, type DtlsError } from '../../src/dtls/index.js';
import { keyingMaterial, opensslCert, runOpenssl, UdpDriver, waitFor } from './openssl-peer.js';

const peer = opensslCert();
const clientCert = generateCertificate();

/** A free UDP port number: bind, read, close (s_server binds it right after). */
async function freePort(): Promise<number> {
  const { createSocket } = await import('node:dgram');
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

interface Case { srtp: string; groups: string; ourProfiles: number[]; expectLen: number; cipher?: string; fingerprint?: string; clientCert?: boolean }

async function clientVsServer(c: Case) {
  const port = await freePort();
  const args = ['s_server', '-dtls1_2', '-listen', '-accept', String(port), '-use_srtp', c.srtp,
    '-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', String(c.expectLen),
    '-cipher', c.cipher ?? 'ECDHE-ECDSA-AES128-GCM-SHA256', '-groups', c.groups, '-cert', peer.cert, '-key', peer.key];
  if (c.clientCert !== false) args.push('-verify', '1');
  const run = runOpenssl(args, 20_000);
  // s_server prints ACCEPT when it is listening.
  await waitFor(() => false, 300);
  let info: DtlsConnectedInfo | undefined;
  let error: DtlsError | undefined;
  const driver = new UdpDriver((send) => new DtlsEndpoint({
    role: 'client', certificate: clientCert, send,
    remoteFingerprints: [{ algorithm: 'sha-256', value: c.fingerprint ?? peer.fingerprint256 }],
    srtpProfiles: c.ourProfiles,
    initialRetransmitMs: 200,
    onConnected: (i) => { info = i; },
    onError: (e) => { error = e; },
  }), { address: '127.0.0.1', port });
  await driver.bind();
  driver.start();
  await waitFor(() => info !== undefined || error !== undefined, 10_000);
  await new Promise((r) => setTimeout(r, 200));
  let ours: string | undefined;
  if (info) ours = driver.endpoint!.exportKeyingMaterial('EXTRACTOR-dtls_srtp', c.expectLen).toString('hex');
  driver.close();
  run.endInput();
  const out = await run.done;
  return { info, error, out, ours };
}

test('client: cookie exchange with s_server -listen, AES128_CM_SHA1_80 over P-256, keying material equals', async () => {
  const r = await clientVsServer({ srtp: 'SRTP_AES128_CM_SHA1_80', groups: 'P-256', ourProfiles: [SrtpProfile.AES128_CM_HMAC_SHA1_80], expectLen: 60 });
  assert.ok(r.info, `not connected: ${r.error?.message}\n${r.out.stdout}\n${r.out.stderr}`);
  assert.is(r.info!.cipherSuite, CipherSuite.ECDHE_ECDSA_AES_128_GCM_SHA256);
  assert.is(r.info!.group, NamedGroup.secp256r1);
  assert.is(r.info!.srtpProfile, SrtpProfile.AES128_CM_HMAC_SHA1_80);
  const theirs = keyingMaterial(r.out.stdout);
  assert.ok(theirs, r.out.stdout);
  assert.is(r.ours, theirs);
  const k = r.info!.srtpKeys!;
  assert.is(k.localMasterKey.toString('hex'), theirs!.slice(0, 32)); // client_write_key
  assert.is(k.remoteMasterKey.toString('hex'), theirs!.slice(32, 64));
  // s_server verified our certificate (-verify 1) and printed it.
  assert.match(r.out.stdout + r.out.stderr, /CN\s*=\s*switchboard/);
});

test('client: SRTP_AEAD_AES_128_GCM (56 bytes) over X25519', async () => {
  const r = await clientVsServer({ srtp: 'SRTP_AEAD_AES_128_GCM', groups: 'X25519:P-256', ourProfiles: [SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES128_CM_HMAC_SHA1_80], expectLen: 56 });
  assert.ok(r.info, `not connected: ${r.error?.message}\n${r.out.stdout}\n${r.out.stderr}`);
  assert.is(r.info!.group, NamedGroup.x25519);
  assert.is(r.info!.srtpProfile, SrtpProfile.AEAD_AES_128_GCM);
  assert.is(r.ours, keyingMaterial(r.out.stdout));
});

test('client: server without a certificate request still completes (no client Certificate sent)', async () => {
  const r = await clientVsServer({ srtp: 'SRTP_AES128_CM_SHA1_80', groups: 'P-256', ourProfiles: [SrtpProfile.AES128_CM_HMAC_SHA1_80], expectLen: 60, clientCert: false });
  assert.ok(r.info, `not connected: ${r.error?.message}\n${r.out.stderr}`);
  assert.is(r.ours, keyingMaterial(r.out.stdout));
});

test('client: wrong server fingerprint is refused with bad_certificate', async () => {
  const r = await clientVsServer({ srtp: 'SRTP_AES128_CM_SHA1_80', groups: 'P-256', ourProfiles: [SrtpProfile.AES128_CM_HMAC_SHA1_80], expectLen: 60, fingerprint: '00:'.repeat(31) + '00' });
  assert.not.ok(r.info);
  assert.is(r.error?.code, 'fingerprint-mismatch');
  assert.is(r.error?.alert, 42);
  assert.match(r.out.stdout + r.out.stderr, /bad certificate/i);
});

test.after(() => peer.cleanup());
test.run();
