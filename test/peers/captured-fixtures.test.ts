// The committed captures are what their manifests and READMEs say they are: checked with
// our independent readers (wire-describe.ts) and with tshark's dissectors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';
import { classifyDatagram } from './tshark.js';
import { describeDtls, describeStun, verifyStunIntegrity } from './wire-describe.js';

const DTLS = join(REPO_ROOT, 'fixtures/dtls/chromium');
const STUN = join(REPO_ROOT, 'fixtures/stun/chromium');
const SDP = join(REPO_ROOT, 'fixtures/sdp/chromium');
const bin = (dir: string, f: string): Buffer => readFileSync(join(dir, f));

/** A pcap (LINKTYPE_RAW) of IPv4/UDP datagrams 127.0.0.1:5000 -> 127.0.0.1:5001, for tshark. */
function pcapOf(payloads: Buffer[]): Buffer {
  const gh = Buffer.alloc(24);
  gh.writeUInt32LE(0xa1b2c3d4, 0); gh.writeUInt16LE(2, 4); gh.writeUInt16LE(4, 6);
  gh.writeUInt32LE(65535, 16); gh.writeUInt32LE(101, 20);
  const parts: Buffer[] = [gh];
  payloads.forEach((p, i) => {
    const ip = Buffer.alloc(28);
    ip[0] = 0x45; ip.writeUInt16BE(28 + p.length, 2); ip[8] = 64; ip[9] = 17;
    Buffer.from([127, 0, 0, 1, 127, 0, 0, 1]).copy(ip, 12);
    let sum = 0;
    for (let j = 0; j < 20; j += 2) sum += ip.readUInt16BE(j);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    ip.writeUInt16BE(~sum & 0xffff, 10);
    ip.writeUInt16BE(5000, 20); ip.writeUInt16BE(5001, 22); ip.writeUInt16BE(8 + p.length, 24); // UDP checksum 0: none
    const rh = Buffer.alloc(16);
    rh.writeUInt32LE(1_700_000_000 + i, 0); rh.writeUInt32LE(28 + p.length, 8); rh.writeUInt32LE(28 + p.length, 12);
    parts.push(rh, ip, p);
  });
  return Buffer.concat(parts);
}

function tsharkFields(payloads: Buffer[], decodeAs: string, fields: string[]): string[][] {
  const dir = mkdtempSync(join(tmpdir(), 'sb-fx-'));
  try {
    const f = join(dir, 'x.pcap');
    writeFileSync(f, pcapOf(payloads));
    const r = spawnSync('tshark', ['-r', f, '-d', `udp.port==5001,${decodeAs}`, '-T', 'fields', '-E', 'separator=/t',
      ...fields.flatMap((x) => ['-e', x])], { encoding: 'utf8', timeout: 60_000 });
    assert.is(r.status, 0, r.stderr);
    return r.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('ClientHello: two datagrams, two fragments of one 1413-byte message, contiguous', () => {
  const [a, b] = [bin(DTLS, 'clienthello-1.bin'), bin(DTLS, 'clienthello-2.bin')];
  const ra = describeDtls(a); const rb = describeDtls(b);
  assert.is(ra.length, 1); assert.is(rb.length, 1);
  const ha = ra[0]!.handshake!; const hb = rb[0]!.handshake!;
  assert.is(a[0], 22);
  assert.is(ha.name, 'client_hello'); assert.is(hb.name, 'client_hello');
  assert.is(ha.length, hb.length);
  assert.is(ha.fragmentOffset, 0);
  assert.is(hb.fragmentOffset, ha.fragmentLength);
  assert.is(ha.fragmentLength + hb.fragmentLength, ha.length);
  assert.is(a.length, 13 + 12 + ha.fragmentLength);
  assert.is(b.length, 13 + 12 + hb.fragmentLength);
});

test('tshark reassembles the ClientHello and sees use_srtp with Chromium\'s three profiles', () => {
  const rows = tsharkFields([bin(DTLS, 'clienthello-1.bin'), bin(DTLS, 'clienthello-2.bin')], 'dtls',
    ['dtls.handshake.type', 'dtls.use_srtp.protection_profile', 'dtls.handshake.length']);
  const last = rows[rows.length - 1]!;
  assert.is(last[0], '1', `handshake type in ${JSON.stringify(rows)}`);
  // SRTP_AES128_CM_HMAC_SHA1_80 (0x0001), SRTP_AEAD_AES_256_GCM (0x0008), SRTP_AEAD_AES_128_GCM (0x0007)
  const profiles = last[1]!.split(',').map((x) => Number(x)).sort();
  assert.equal(profiles, [1, 7, 8]);
});

test('every captured DTLS datagram walks to its exact end', () => {
  const m = JSON.parse(readFileSync(join(DTLS, 'manifest.json'), 'utf8')) as { sessions: Record<string, { datagrams: Array<{ file: string }> }> };
  const dirs: Record<string, string> = { c2c: 'c2c', 'chromium-dtls-client': 'chromium-client-vs-dtls12-server', 'chromium-dtls-server': 'chromium-server-vs-dtls12-client' };
  let n = 0;
  for (const [name, s] of Object.entries(m.sessions)) {
    for (const d of s.datagrams) {
      const p = bin(join(DTLS, dirs[name]!), d.file);
      assert.is(classifyDatagram(p), 'dtls', d.file);
      const recs = describeDtls(p);
      const total = recs.reduce((acc, r) => acc + r.length + (r.kind === 'dtls13_ciphertext' ? 0 : 13), 0);
      if (recs.every((r) => r.kind !== 'dtls13_ciphertext')) assert.is(total, p.length, d.file);
      n++;
    }
  }
  assert.ok(n >= 20, `${n} datagrams`);
});

test('Chromium as DTLS 1.2 client: flight 5 = Certificate, ClientKeyExchange, CertificateVerify, CCS, Finished', () => {
  const dir = join(DTLS, 'chromium-client-vs-dtls12-server');
  const files = readdirSync(dir).filter((f) => f.endsWith('-chromium-answerer.bin')).sort();
  const kinds = files.map((f) => describeDtls(bin(dir, f)).map((r) => r.handshake?.name ?? `${r.kind}@${r.epoch}`).join(','));
  assert.ok(kinds.includes('certificate,client_key_exchange,certificate_verify,change_cipher_spec@0,handshake@1'), kinds.join(' | '));
});

test('STUN: every captured message verifies MESSAGE-INTEGRITY with the recorded ICE password', () => {
  const m = JSON.parse(readFileSync(join(STUN, 'manifest.json'), 'utf8')) as { messages: Array<{ file: string; integrityPassword: string; username?: string }> };
  assert.ok(m.messages.length >= 4);
  for (const msg of m.messages) {
    const p = bin(STUN, msg.file);
    assert.ok(verifyStunIntegrity(p, msg.integrityPassword), msg.file);
    assert.not.ok(verifyStunIntegrity(p, msg.integrityPassword + 'x'), `${msg.file} with a wrong password`);
    assert.is(describeStun(p)?.username, msg.username);
  }
});

test('tshark: binding requests carry the USERNAME the manifest records and a good FINGERPRINT', () => {
  const m = JSON.parse(readFileSync(join(STUN, 'manifest.json'), 'utf8')) as { messages: Array<{ file: string; username?: string }> };
  const reqs = m.messages.filter((x) => x.username);
  const rows = tsharkFields(reqs.map((x) => bin(STUN, x.file)), 'stun', ['stun.type', 'stun.att.username', 'stun.att.crc32.status']);
  assert.is(rows.length, reqs.length);
  rows.forEach((r, i) => {
    assert.is(r[0], '0x0001');
    assert.is(r[1], reqs[i]!.username);
    assert.is(r[2], '1', 'FINGERPRINT good'); // 1 = good
  });
});

test('SDP: simulcast offer has three rids and an a=simulcast line; recvonly offer sends nothing', () => {
  const sim = readFileSync(join(SDP, 'simulcast-offer.sdp'), 'utf8');
  assert.match(sim, /a=rid:q send\r?\na=rid:h send\r?\na=rid:f send\r?\na=simulcast:send q;h;f/);
  const ro = readFileSync(join(SDP, 'recvonly-offer.sdp'), 'utf8');
  assert.is((ro.match(/a=recvonly/g) ?? []).length, 2);
  assert.not.match(ro, /a=ssrc:/);
  const ans = readFileSync(join(SDP, 'audio-video-answer.sdp'), 'utf8');
  assert.match(ans, /a=setup:active/);
});

test.run();
