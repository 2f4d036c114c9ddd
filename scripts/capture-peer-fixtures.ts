// Records real bytes from real peers into fixtures/ (SDP from Chromium and @roamhq/wrtc;
// DTLS, STUN and SRTP datagrams captured with tshark on lo). Run inside a namespace:
//   unshare -n sh -c 'ip link set lo up; node --import tsx scripts/capture-peer-fixtures.ts'
// Every file it writes is listed in a manifest.json beside it; READMEs are written by hand.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { assertInsideNetns } from '../test/peers/netns.js';
import { evalInPage, launchChromium, type ChromiumPeer } from '../test/peers/chromium.js';
import { startStaticServer, type StaticServer } from '../test/peers/http.js';
import { REPO_ROOT } from '../test/peers/paths.js';
import { chromiumAndWrtc, chromiumToChromium, type Session } from '../test/peers/capture-sessions.js';
import { classifyDatagram, type UdpDatagram } from '../test/peers/tshark.js';
import { describeDtls, describeRtcp, describeRtp, describeStun, verifyStunIntegrity } from '../test/peers/wire-describe.js';
import { createSpeechSender, createWrtcPc, offerAnswer } from '../test/peers/wrtc.js';
import { datagramList, dtlsReadme, sdpChromiumReadme, sdpWrtcReadme, stunReadme } from './capture-peer-readmes.js';

assertInsideNetns();

const SDP_CHROMIUM = join(REPO_ROOT, 'fixtures/sdp/chromium');
const SDP_WRTC = join(REPO_ROOT, 'fixtures/sdp/wrtc');
const DTLS_DIR = join(REPO_ROOT, 'fixtures/dtls/chromium');
const STUN_DIR = join(REPO_ROOT, 'fixtures/stun/chromium');
const WORK = join(tmpdir(), `sb-capture-${process.pid}`);

const log = (m: string): void => { process.stdout.write(`[capture] ${m}\n`); };

const ufrag = (sdp: string): string => /a=ice-ufrag:(\S+)/.exec(sdp)![1]!;
const pwd = (sdp: string): string => /a=ice-pwd:(\S+)/.exec(sdp)![1]!;

// ---------------------------------------------------------------- SDP

async function captureChromiumSdp(page: Page): Promise<Record<string, string>> {
  const files = await evalInPage<Record<string, string>>(page, `async () => {
    const offerOf = async (name, setup) => {
      const pc = sb.newPc(name);
      await setup(pc);
      await pc.setLocalDescription(await pc.createOffer());
      await sb.waitGathering(pc);
      return pc.localDescription.sdp;
    };
    const mic = () => sb.getMic().then((s) => s.getAudioTracks()[0]);
    const cam = () => sb.getCam().then((s) => s.getVideoTracks()[0]);
    const out = {};
    out['audio-offer.sdp'] = await offerOf('a', async (pc) => { pc.addTrack(await mic()); });
    out['audio-video-offer.sdp'] = await offerOf('av', async (pc) => {
      const s = await sb.getMicCam(); for (const t of s.getTracks()) pc.addTrack(t, s);
    });
    out['simulcast-offer.sdp'] = await offerOf('sim', async (pc) => {
      pc.addTransceiver(await mic(), { direction: 'sendonly' });
      pc.addTransceiver(await cam(), { direction: 'sendonly', sendEncodings: [
        { rid: 'q', scaleResolutionDownBy: 4 }, { rid: 'h', scaleResolutionDownBy: 2 }, { rid: 'f' }] });
    });
    out['recvonly-offer.sdp'] = await offerOf('ro', async (pc) => {
      pc.addTransceiver('audio', { direction: 'recvonly' });
      pc.addTransceiver('video', { direction: 'recvonly' });
    });
    // Chromium answering: (1) an audio+video sendrecv offer, answered with its own mic+cam;
    // (2) a sendonly offer (what an SFU sends a subscriber), answered with nothing to send.
    {
      const a = sb.newPc('ans-o'), b = sb.newPc('ans-a');
      const s1 = await sb.getMicCam(); for (const t of s1.getTracks()) a.addTrack(t, s1);
      const s2 = await sb.getMicCam(); for (const t of s2.getTracks()) b.addTrack(t, s2);
      const r = await sb.offerAnswer(a, b);
      out['answer-input-audio-video-offer.sdp'] = r.offer;
      out['audio-video-answer.sdp'] = r.answer;
    }
    {
      const a = sb.newPc('sub-o'), b = sb.newPc('sub-a');
      const s = await sb.getMicCam();
      a.addTransceiver(s.getAudioTracks()[0], { direction: 'sendonly', streams: [s] });
      a.addTransceiver(s.getVideoTracks()[0], { direction: 'sendonly', streams: [s] });
      const r = await sb.offerAnswer(a, b);
      out['answer-input-sendonly-offer.sdp'] = r.offer;
      out['recvonly-answer.sdp'] = r.answer;
    }
    sb.closeAll();
    return out;
  }`, undefined, 60_000);
  rmSync(SDP_CHROMIUM, { recursive: true, force: true });
  mkdirSync(SDP_CHROMIUM, { recursive: true });
  for (const [name, sdp] of Object.entries(files)) writeFileSync(join(SDP_CHROMIUM, name), sdp);
  log(`wrote ${Object.keys(files).length} Chromium SDP files`);
  return files;
}

async function captureWrtcSdp(): Promise<void> {
  const a = createWrtcPc();
  const b = createWrtcPc();
  const sa = createSpeechSender();
  const sb2 = createSpeechSender();
  try {
    a.addTrack(sa.track);
    b.addTrack(sb2.track);
    const r = await offerAnswer(a, b);
    mkdirSync(SDP_WRTC, { recursive: true });
    writeFileSync(join(SDP_WRTC, 'audio-offer.sdp'), r.offer);
    writeFileSync(join(SDP_WRTC, 'audio-answer.sdp'), r.answer);
    log('wrote wrtc SDP files');
  } finally {
    sa.stop(); sb2.stop(); a.close(); b.close();
  }
}

// ---------------------------------------------------------------- writing fixtures

const sender = (s: Session, d: UdpDatagram): string => s.owners.get(d.srcPort) ?? `port-${d.srcPort}`;
const receiver = (s: Session, d: UdpDatagram): string => s.owners.get(d.dstPort) ?? `port-${d.dstPort}`;
const pad = (n: number): string => String(n).padStart(2, '0');

function transportSummary(stats: unknown): unknown {
  const t = (stats as Array<Record<string, unknown>>).find((x) => x.type === 'transport') ?? {};
  const pick = ['tlsVersion', 'dtlsCipher', 'srtpCipher', 'dtlsRole', 'iceRole', 'iceLocalUsernameFragment', 'dtlsState'];
  return Object.fromEntries(pick.map((k) => [k, t[k]]));
}

function sessionInfo(s: Session): Record<string, unknown> {
  return {
    ports: Object.fromEntries([...s.owners].map(([p, o]) => [o, p])),
    ice: { offer: { ufrag: ufrag(s.sdp.offer!), pwd: pwd(s.sdp.offer!) }, answer: { ufrag: ufrag(s.sdp.answer!), pwd: pwd(s.sdp.answer!) } },
    transport: Object.fromEntries(Object.entries(s.stats).map(([k, v]) => [k, transportSummary(v)])),
  };
}

/** Writes each DTLS datagram of a session; returns manifest rows. */
function writeDtlsSession(s: Session, dir: string, prefix: string, limit = 40): Array<Record<string, unknown>> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'offer.sdp'), s.sdp.offer!);
  writeFileSync(join(dir, 'answer.sdp'), s.sdp.answer!);
  const rows: Array<Record<string, unknown>> = [];
  const dtls = s.datagrams.filter((d) => classifyDatagram(d.payload) === 'dtls').slice(0, limit);
  dtls.forEach((d, i) => {
    const file = `${prefix}${pad(i + 1)}-${sender(s, d)}.bin`;
    writeFileSync(join(dir, file), d.payload);
    rows.push({ file, from: sender(s, d), to: receiver(s, d), srcPort: d.srcPort, dstPort: d.dstPort, time: d.time, bytes: d.payload.length, records: describeDtls(d.payload) });
  });
  return rows;
}

function writeDtls(c2c: Session, asClient: Session, asServer: Session, version: string, date: string): void {
  rmSync(DTLS_DIR, { recursive: true, force: true });
  mkdirSync(DTLS_DIR, { recursive: true });
  // The first run of DTLS datagrams from one sender is the client's first flight: ClientHello.
  const dtls = c2c.datagrams.filter((d) => classifyDatagram(d.payload) === 'dtls');
  const first = dtls[0]!;
  const hello: Array<Record<string, unknown>> = [];
  for (const d of dtls) {
    if (d.srcPort !== first.srcPort) break;
    if (describeDtls(d.payload)[0]?.handshake?.name !== 'client_hello') break;
    const file = `clienthello-${hello.length + 1}.bin`;
    writeFileSync(join(DTLS_DIR, file), d.payload);
    hello.push({ file, from: sender(c2c, d), to: receiver(c2c, d), bytes: d.payload.length, records: describeDtls(d.payload) });
  }
  const manifest = {
    note: 'written by scripts/capture-peer-fixtures.ts; see README.md',
    clientHello: { session: 'c2c', files: hello },
    sessions: {
      c2c: { ...sessionInfo(c2c), datagrams: writeDtlsSession(c2c, join(DTLS_DIR, 'c2c'), 'flight-') },
      'chromium-dtls-client': { ...sessionInfo(asClient), datagrams: writeDtlsSession(asClient, join(DTLS_DIR, 'chromium-client-vs-dtls12-server'), 'flight-') },
      'chromium-dtls-server': { ...sessionInfo(asServer), datagrams: writeDtlsSession(asServer, join(DTLS_DIR, 'chromium-server-vs-dtls12-client'), 'flight-') },
    },
  };
  writeFileSync(join(DTLS_DIR, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
  const rows = (k: keyof typeof manifest.sessions): Parameters<typeof datagramList>[0] => manifest.sessions[k].datagrams as never;
  writeFileSync(join(DTLS_DIR, 'README.md'), dtlsReadme(version, date, c2c, asClient, asServer, hello.map((h) => h.bytes as number),
    { c2c: datagramList(rows('c2c')), asClient: datagramList(rows('chromium-dtls-client')), asServer: datagramList(rows('chromium-dtls-server')) }));
  log(`wrote ${hello.length} ClientHello datagrams (${hello.map((h) => h.bytes).join(' + ')} bytes) and DTLS flights`);
}

function writeSrtp(c2c: Session): void {
  const dir = join(DTLS_DIR, 'srtp');
  mkdirSync(dir, { recursive: true });
  const rows: Array<Record<string, unknown>> = [];
  const perKey = new Map<string, number>();
  for (const d of c2c.datagrams) {
    const kind = classifyDatagram(d.payload);
    if (kind !== 'rtp' && kind !== 'rtcp') continue;
    const info = kind === 'rtp' ? describeRtp(d.payload) : describeRtcp(d.payload);
    const key = kind === 'rtp' ? `srtp-pt${(info as { payloadType: number }).payloadType}` : `srtcp-${(info as { packetType: number }).packetType}`;
    const n = (perKey.get(key) ?? 0) + 1;
    if (n > 3) continue;
    perKey.set(key, n);
    const file = `${key}-${n}-${sender(c2c, d)}.bin`;
    writeFileSync(join(dir, file), d.payload);
    rows.push({ file, from: sender(c2c, d), bytes: d.payload.length, ...info });
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ session: 'c2c', datagrams: rows }, null, 1) + '\n');
  log(`wrote ${rows.length} SRTP/SRTCP datagrams`);
}

function writeStun(sessions: Session[]): void {
  rmSync(STUN_DIR, { recursive: true, force: true });
  mkdirSync(STUN_DIR, { recursive: true });
  const rows: Array<Record<string, unknown>> = [];
  for (const s of sessions) {
    const pwdOf = new Map([[ufrag(s.sdp.offer!), pwd(s.sdp.offer!)], [ufrag(s.sdp.answer!), pwd(s.sdp.answer!)]]);
    const count = new Map<string, number>();
    for (const d of s.datagrams) {
      if (classifyDatagram(d.payload) !== 'stun') continue;
      const info = describeStun(d.payload);
      if (!info || (info.name !== 'binding_request' && info.name !== 'binding_success')) continue;
      const from = sender(s, d);
      if (!from.startsWith('chromium')) continue;
      const k = `${info.name}-${from}`;
      const n = (count.get(k) ?? 0) + 1;
      if (n > 2) continue;
      count.set(k, n);
      // Requests are keyed with the receiver's password (USERNAME = "receiver:sender");
      // responses with the responder's own password.
      const ownerUfrag = (o: string): string => ufrag(o.includes('offerer') ? s.sdp.offer! : s.sdp.answer!);
      const keyUfrag = info.name === 'binding_request' ? info.username!.split(':')[0]! : ownerUfrag(from);
      const password = pwdOf.get(keyUfrag)!;
      const ok = verifyStunIntegrity(d.payload, password);
      if (!ok) throw new Error(`MESSAGE-INTEGRITY of a captured ${info.name} did not verify with ${keyUfrag}'s password`);
      const file = `stun-${info.name.replace('_', '-')}-${s.name}-${from}-${n}.bin`;
      writeFileSync(join(STUN_DIR, file), d.payload);
      rows.push({ file, session: s.name, from, to: receiver(s, d), bytes: d.payload.length, username: info.username,
        integrityKeyUfrag: keyUfrag, integrityPassword: password, integrityVerified: ok, transactionId: info.transactionId,
        attributes: info.attributes.map((a) => `${a.name}(${a.length})`) });
    }
  }
  writeFileSync(join(STUN_DIR, 'manifest.json'), JSON.stringify({ note: 'see README.md', messages: rows }, null, 1) + '\n');
  log(`wrote ${rows.length} STUN messages, MESSAGE-INTEGRITY verified for each`);
}

// ---------------------------------------------------------------- main

let browser: ChromiumPeer | undefined;
let server: StaticServer | undefined;
let code = 0;
try {
  mkdirSync(WORK, { recursive: true });
  server = await startStaticServer();
  browser = await launchChromium();
  log(`Chromium ${browser.version}`);
  const page = await browser.newPage(server.origin + '/');
  await captureChromiumSdp(page);
  await captureWrtcSdp();
  const c2c = await chromiumToChromium(page, WORK);
  const asClient = await chromiumAndWrtc(page, WORK, false);
  const asServer = await chromiumAndWrtc(page, WORK, true);
  for (const s of [c2c, asClient, asServer]) log(`${s.name}: ${s.datagrams.length} datagrams, ${JSON.stringify(sessionInfo(s).transport)}`);
  const date = new Date().toISOString().slice(0, 10);
  writeDtls(c2c, asClient, asServer, browser.version, date);
  writeSrtp(c2c);
  writeStun([c2c, asClient]);
  writeFileSync(join(STUN_DIR, 'README.md'), stunReadme(browser.version, date, [c2c, asClient]));
  writeFileSync(join(SDP_CHROMIUM, 'VERSION'), `${browser.version}\n`);
  writeFileSync(join(SDP_CHROMIUM, 'README.md'), sdpChromiumReadme(browser.version, date));
  writeFileSync(join(SDP_WRTC, 'README.md'), sdpWrtcReadme(date));
} catch (e) {
  code = 1;
  process.stderr.write(`[capture] failed: ${(e as Error).stack}\n`);
} finally {
  await browser?.close();
  await server?.close();
  rmSync(WORK, { recursive: true, force: true });
}
// wrtc hangs or segfaults at a natural exit (see test/peers/wrtc.ts)
process.exit(code);
