// `npm run pcap -- decrypt`: SRTP captures made with our SrtpContext and with werift's
// SrtpSession (independent) are decrypted by the CLI; tshark reads the output as RTP/RTCP
// with the original sequence numbers, timestamps and payloads, good IP/UDP checksums.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RtpPacket, SrtpSession, SrtcpSession } from 'werift-rtp';
import { SrtpContext, srtpProfileInfo, SRTP_MAX_TRAILER } from '../../src/srtp/index.js';
import { PcapFileWriter, PcapngFileWriter, LinkType, SDES_SUITES, type CaptureWriter } from '../../src/pcap/index.js';
import { flow4, flow6, readAll } from '../pcap/helpers.js';
import { PCMU, rtpPacket, rtcpCompound, T0 } from './pcap-capture.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-pcap-dec-'));
const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/pcap.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
function tshark(file: string, args: string[]): string[][] {
  const r = spawnSync('tshark', ['-r', file, '-o', 'udp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', ...args], { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
}
function keyOf(seed: number, profile: number): { key: Buffer; salt: Buffer; b64: string } {
  const info = srtpProfileInfo(profile);
  const raw = Buffer.alloc(info.keyLength + info.saltLength);
  for (let i = 0; i < raw.length; i++) raw[i] = (seed * 97 + i * 13) & 255;
  return { key: raw.subarray(0, info.keyLength), salt: raw.subarray(info.keyLength), b64: raw.toString('base64') };
}

interface Sent { t: number; plain: Buffer; kind: 'rtp' | 'rtcp' }
const N = 60;

/** Write N SRTP packets (seq across the wrap) + 4 SRTCP + a STUN packet + one tampered SRTP packet. */
function buildSrtp(w: CaptureWriter, profile: number, k: { key: Buffer; salt: Buffer }, v6: boolean, ifId: number): Sent[] {
  const tx = new SrtpContext(profile, k.key, k.salt);
  const a = v6 ? flow6('2001:db8::1', 40000, '2001:db8::2', 5004) : flow4('10.0.0.1', 40000, '10.0.0.2', 5004);
  const sent: Sent[] = [];
  const b = Buffer.alloc(1500);
  for (let i = 0; i < N; i++) {
    const n = rtpPacket(b, PCMU, i);
    const plain = Buffer.from(b.subarray(0, n));
    const m = tx.protectRtp(b, n);
    assert.ok(m > n);
    const t = T0 + i * 20_000 + 7;
    w.writeUdpFlow(t, a, b, 0, m, ifId);
    sent.push({ t, plain, kind: 'rtp' });
    if (i % 15 === 0) {
      const r = rtcpCompound(b, i / 15, PCMU.ssrc, 0x77);
      const rp = Buffer.from(b.subarray(0, r));
      const rm = tx.protectRtcp(b, r);
      w.writeUdpFlow(t + 1, a, b, 0, rm, ifId);
      sent.push({ t: t + 1, plain: rp, kind: 'rtcp' });
    }
  }
  const stun = Buffer.from('000100002112a442' + '0102030405060708090a0b0c', 'hex');
  w.writeUdpFlow(T0 + N * 20_000, a, stun, 0, stun.length, ifId);
  const n = rtpPacket(b, PCMU, N);
  const m = tx.protectRtp(b, n);
  b[20] ^= 1; // tampered payload: must fail authentication
  w.writeUdpFlow(T0 + N * 20_000 + 1, a, b, 0, m, ifId);
  tx.close();
  return sent;
}

function decrypt(file: string, out: string, args: string[]): Record<string, number> {
  const r = cli(['decrypt', file, '-o', out, '--json', ...args]);
  assert.is(r.status, 0, r.stderr + r.stdout);
  return JSON.parse(r.stdout) as Record<string, number>;
}

/** The output holds exactly the plaintext, at the original times. */
function checkOutput(out: string, sent: Sent[], v6: boolean): void {
  const { pkts } = readAll(readFileSync(out), 4096);
  const mine = pkts.filter((p) => p.sport === 40000);
  assert.is(mine.length, sent.length + 2);
  sent.forEach((s, i) => {
    assert.is(mine[i].payload, s.plain.toString('hex'), `packet ${i}`);
    assert.is(mine[i].sec * 1e6 + Math.floor(mine[i].ns / 1000), s.t);
  });
  // tshark: RTP fields, RTCP types, and checksums of the rewritten headers
  const rows = tshark(out, ['-d', 'udp.port==5004,rtp', '-Y', 'udp.srcport==40000', '-T', 'fields', '-e', 'rtp.seq', '-e', 'rtp.timestamp', '-e', 'rtp.payload', '-e', 'rtcp.pt', '-e', v6 ? 'udp.checksum.status' : 'ip.checksum.status', '-e', 'frame.time_epoch']);
  assert.is(rows.length, sent.length + 2);
  sent.forEach((s, i) => {
    const [seq, ts, payload, rtcpPt, ck, epoch] = rows[i];
    assert.is(ck, '1', `checksum good, packet ${i}`);
    assert.is(Math.round(Number(epoch) * 1e6), s.t);
    if (s.kind === 'rtp') {
      assert.equal([Number(seq), Number(ts), payload], [s.plain.readUInt16BE(2), s.plain.readUInt32BE(4), s.plain.subarray(12).toString('hex')], `rtp ${i}`);
    } else assert.ok(rtcpPt.split(',')[0] === '200' || rtcpPt.split(',')[0] === '201', `rtcp ${i}: ${rtcpPt}`);
  });
}

for (const [suite, profile] of Object.entries(SDES_SUITES)) {
  test(`decrypt ${suite}: pcap over IPv4 Ethernet, and pcapng over IPv6 SLL2 (ns)`, () => {
    const k = keyOf(profile, profile);
    for (const v6 of [false, true]) {
      const file = join(dir, `srtp-${profile}-${v6}.${v6 ? 'pcapng' : 'pcap'}`), out = join(dir, `rtp-${profile}-${v6}.${v6 ? 'pcapng' : 'pcap'}`);
      const w = v6 ? new PcapngFileWriter(file, { interfaces: [{ linkType: LinkType.LINUX_SLL2, tsResolution: 'ns' }] }) : new PcapFileWriter(file, { linkType: LinkType.ETHERNET });
      const sent = buildSrtp(w, profile, k, v6, 0);
      w.close();
      const c = decrypt(file, out, ['--key', k.b64, '--profile', suite]);
      assert.equal([c.rtpDecrypted, c.rtcpDecrypted, c.authFailed, c.notSrtp, c.replayed], [N, 4, 1, 1, 0]);
      checkOutput(out, sent, v6);
    }
  });
}

test('decrypt: a wrong key fails authentication everywhere (exit 1); --ssrc skips others; bad key length is a clear error', () => {
  const file = join(dir, 'srtp-1-false.pcap');
  const wrong = keyOf(5, 1);
  const r = cli(['decrypt', file, '-o', join(dir, 'x.pcap'), '--key', wrong.b64]);
  assert.is(r.status, 1);
  assert.match(r.stdout, /0 SRTP and 0 SRTCP decrypted, 65 failed authentication/);
  const c = decrypt(file, join(dir, 'y.pcap'), ['--key', keyOf(1, 1).b64, '--ssrc', '0x12345678']);
  assert.equal([c.rtpDecrypted, c.skippedSsrc], [0, 65]);
  const bad = cli(['decrypt', file, '-o', join(dir, 'z.pcap'), '--key', 'AAAA']);
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /needs 30 bytes/);
});

test('decrypt: werift-protected SRTP/SRTCP in the other direction, two --key flags (one per direction)', () => {
  for (const profile of [1, 7] as const) {
    const ours = keyOf(1, profile), theirs = keyOf(9, profile);
    const file = join(dir, `werift-${profile}.pcapng`), out = join(dir, `werift-${profile}-out.pcapng`);
    const w = new PcapngFileWriter(file, { interfaces: [{ linkType: LinkType.ETHERNET, tsResolution: 'ns' }] });
    const sent = buildSrtp(w, profile, ours, false, 0);
    const keys = { localMasterKey: theirs.key, localMasterSalt: theirs.salt, remoteMasterKey: ours.key, remoteMasterSalt: ours.salt };
    const ws = new SrtpSession({ keys, profile }), wc = new SrtcpSession({ keys, profile });
    const back = flow4('10.0.0.2', 5004, '10.0.0.1', 40000);
    const b = Buffer.alloc(1500 + SRTP_MAX_TRAILER);
    const plains: Buffer[] = [];
    for (let i = 0; i < 20; i++) {
      const n = rtpPacket(b, { ...PCMU, ssrc: 0xabcdef01, firstSeq: 65530 }, i);
      const plain = Buffer.from(b.subarray(0, n));
      const pkt = RtpPacket.deSerialize(plain);
      const wire = ws.encrypt(pkt.payload, pkt.header);
      w.writeUdpFlow(T0 + 5000 + i * 20_000, back, wire, 0, wire.length, 0);
      plains.push(plain);
    }
    const rn = rtcpCompound(b, 1, 0xabcdef01, PCMU.ssrc);
    const rplain = Buffer.from(b.subarray(0, rn));
    const rwire = Buffer.from(wc.encrypt(rplain));
    w.writeUdpFlow(T0 + 999_999, back, rwire, 0, rwire.length, 0);
    w.close();
    const suite = profile === 1 ? 'AES_CM_128_HMAC_SHA1_80' : 'AEAD_AES_128_GCM';
    const c = decrypt(file, out, ['--key', ours.b64, '--key', theirs.b64, '--profile', suite]);
    assert.equal([c.rtpDecrypted, c.rtcpDecrypted, c.authFailed], [N + 20, 5, 1]);
    const back2 = readAll(readFileSync(out), 4096).pkts.filter((p) => p.sport === 5004);
    assert.equal(back2.map((p) => p.payload), [...plains.map((p) => p.toString('hex')), rplain.toString('hex')]);
    checkOutput(out, sent, false);
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
