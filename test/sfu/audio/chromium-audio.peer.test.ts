// Real Chromium as the audio publisher, for the audio pieces of issue 5:
//  - RED (RFC 2198): the answer puts `red/48000/2` first, so Chromium sends RED; every
//    packet parses with RedView, each redundant block is byte-for-byte the primary of the
//    packet its timestamp offset points at, and writeRedPrimary yields plain Opus.
//  - Audio levels + DTX: the fake mic plays 2 s of tone then 3 s of digital silence, in a
//    loop; the answer asks for `usedtx=1` and the ssrc-audio-level extension. During
//    silence Chromium stops sending (DTX), and the AudioLevelObserver must still report
//    the track as not speaking there and speaking during the tone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { assertInsideNetns } from '../../peers/netns.js';
import { evalInPage, launchChromium, type ChromiumPeer } from '../../peers/chromium.js';
import { startStaticServer, type StaticServer } from '../../peers/http.js';
import { generateCertificate } from '../../../src/dtls/index.js';
import { TransportServer } from '../../../src/transport/index.js';
import { readOffer } from '../../interop/minimal-sdp.js';
import { RedView, RtpStatus, RtpView, writeRedPrimary } from '../../../src/rtp/index.js';
import { AudioLevelObserver } from '../../../src/sfu/audio/index.js';

assertInsideNetns();

const RATE = 16_000;
/** 16 kHz mono s16 WAV: `toneMs` of a 440 Hz tone at -12 dBFS, then `silenceMs` of zeros. */
function toneThenSilence(toneMs: number, silenceMs: number): Buffer {
  const n = ((toneMs + silenceMs) * RATE) / 1000;
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < (toneMs * RATE) / 1000; i++) data.writeInt16LE(Math.round(8192 * Math.sin((2 * Math.PI * 440 * i) / RATE)), i * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36 + data.length, 4); h.write('WAVE', 8); h.write('fmt ', 12);
  h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22); h.writeUInt32LE(RATE, 24);
  h.writeUInt32LE(RATE * 2, 28); h.writeUInt16LE(2, 32); h.writeUInt16LE(16, 34); h.write('data', 36); h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** Answer the offer's audio section with RED first, Opus with DTX, and the audio-level extension. */
function redAnswer(offer: string, ufrag: string, pwd: string, fingerprint: string, port: number) {
  const o = readOffer(offer);
  const audio = offer.slice(offer.indexOf('m=audio'));
  const redPt = Number(/^a=rtpmap:(\d+) red\/48000\/2\r?$/m.exec(audio)?.[1]);
  const levelId = Number(/^a=extmap:(\d+) urn:ietf:params:rtp-hdrext:ssrc-audio-level\r?$/m.exec(audio)?.[1]);
  if (!redPt || !levelId) throw new Error('Chromium did not offer RED and the audio-level extension');
  const bundle = /^a=group:BUNDLE /m.test(offer) ? `a=group:BUNDLE ${o.mid}` : '';
  const sdp = ['v=0', `o=- ${Date.now()} 1 IN IP4 127.0.0.1`, 's=-', 't=0 0', 'a=ice-lite', bundle, 'a=msid-semantic: WMS',
    `m=audio ${port} UDP/TLS/RTP/SAVPF ${redPt} ${o.opusPt}`, 'c=IN IP4 127.0.0.1', 'a=rtcp-mux', `a=mid:${o.mid}`, 'a=recvonly',
    `a=ice-ufrag:${ufrag}`, `a=ice-pwd:${pwd}`, `a=fingerprint:${fingerprint}`, 'a=setup:passive',
    `a=extmap:${levelId} urn:ietf:params:rtp-hdrext:ssrc-audio-level`,
    `a=rtpmap:${redPt} red/48000/2`, `a=fmtp:${redPt} ${o.opusPt}/${o.opusPt}`,
    `a=rtpmap:${o.opusPt} opus/48000/2`, `a=fmtp:${o.opusPt} minptime=10;useinbandfec=1;usedtx=1`,
    `a=candidate:1 1 udp 2130706431 127.0.0.1 ${port} typ host`, 'a=end-of-candidates', '']
    .filter((l, i, all) => l !== '' || i === all.length - 1).join('\r\n');
  return { sdp, redPt, opusPt: o.opusPt, levelId };
}

const cert = generateCertificate();
let server: TransportServer;
let browser: ChromiumPeer | undefined;
let http: StaticServer | undefined;
let page: Page;
let dir = '';

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-audio-'));
  const wav = join(dir, 'tone-silence.wav');
  writeFileSync(wav, toneThenSilence(2000, 3000));
  server = new TransportServer({ certificate: cert, host: '127.0.0.1' });
  await server.listen();
  http = await startStaticServer();
  browser = await launchChromium({ fakeAudioPath: wav });
  page = await browser.newPage(http.origin + '/');
});

test.after(async () => {
  if (page) await evalInPage(page, '() => sb.closeAll()').catch(() => undefined);
  await browser?.close();
  await http?.close();
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('Chromium RED: blocks parse, redundancy repeats earlier primaries, primary-only rewrite is Opus; levels + DTX drive the speaker state', async () => {
  const transport = server.createTransport({ dtlsRole: 'server' });
  const offer = await evalInPage<string>(page, `async () => {
    const pc = sb.newPc('red');
    const s = await sb.getMic();
    pc.addTransceiver(s.getAudioTracks()[0], { direction: 'sendonly', streams: [s] });
    await pc.setLocalDescription(await pc.createOffer());
    await sb.waitGathering(pc);
    return pc.localDescription.sdp;
  }`);
  const facts = readOffer(offer);
  transport.setRemoteParameters(facts.ufrag, facts.pwd, [facts.fingerprint]);
  const a = redAnswer(offer, transport.iceUfrag, transport.icePwd, `${cert.fingerprint.algorithm} ${cert.fingerprint.value}`, server.port);

  const rtp = new RtpView(), red = new RedView(), out = new RtpView();
  const plain = Buffer.alloc(1500);
  const primaries = new Map<number, string>(); // timestamp -> primary block hex (recent packets)
  const r = { packets: 0, red: 0, bad: 0, withRedundancy: 0, matched: 0, mismatched: 0, rewriteOk: 0, tsOffsets: new Set<number>() };
  const obs = new AudioLevelObserver();
  const t0 = performance.now();
  const track = obs.addTrack('mic', 0);
  const arrivals: number[] = [];
  transport.events.onRtp = (buf, len) => {
    r.packets++;
    if (rtp.reset(buf, 0, len) !== RtpStatus.OK) { r.bad++; return; }
    arrivals.push(performance.now() - t0);
    if (rtp.findExtension(a.levelId) >= 0) track.observeByte(buf[rtp.extValueOffset]);
    if (rtp.payloadType !== a.redPt) return;
    r.red++;
    if (red.parse(buf, rtp.payloadOffset, rtp.payloadLength) !== RtpStatus.OK) { r.bad++; return; }
    const ts = rtp.timestamp;
    for (let i = 0; i < red.redundantCount; i++) {
      r.withRedundancy++;
      r.tsOffsets.add(red.tsOffsets[i]);
      const earlier = primaries.get((ts - red.tsOffsets[i]) >>> 0);
      if (earlier === undefined) continue; // that packet was not seen (or too old)
      if (earlier === buf.subarray(red.offsets[i], red.offsets[i] + red.lengths[i]).toString('hex')) r.matched++; else r.mismatched++;
    }
    const primary = buf.subarray(red.primaryOffset, red.primaryOffset + red.primaryLength);
    primaries.set(ts, primary.toString('hex'));
    if (primaries.size > 50) primaries.delete(primaries.keys().next().value!);
    const n = writeRedPrimary(plain, 0, rtp, red, a.opusPt);
    if (n > 0 && out.reset(plain, 0, n) === RtpStatus.OK && out.payloadType === a.opusPt && out.sequenceNumber === rtp.sequenceNumber
      && out.timestamp === ts && plain.subarray(out.payloadOffset, out.payloadOffset + out.payloadLength).equals(primary)) r.rewriteOk++;
  };
  // The engine's periodic tick, here every 100 ms on the real clock.
  const timeline: { at: number; speaking: boolean; changed: boolean }[] = [];
  const timer = setInterval(() => {
    const now = performance.now() - t0;
    const u = obs.tick(now);
    timeline.push({ at: now, speaking: u.speakers.length > 0, changed: u.changed });
  }, 100);
  try {
    await evalInPage(page, `async (sdp) => { const pc = sb.pcs.red; await pc.setRemoteDescription({ type: 'answer', sdp }); await sb.waitConnected(pc, 15000); }`, a.sdp, 20_000);
    const end = Date.now() + 14_000;
    while (Date.now() < end) await new Promise((res) => setTimeout(res, 200));
  } finally {
    clearInterval(timer);
  }

  // RED
  assert.ok(r.packets > 150, `packets ${r.packets}`);
  assert.is(r.bad, 0);
  assert.is(r.red, r.packets, 'every packet is RED');
  assert.ok(r.withRedundancy > 50, `redundant blocks ${r.withRedundancy}`);
  assert.ok(r.matched > 50, `matched ${r.matched}`);
  assert.is(r.mismatched, 0, 'a redundant block differs from the primary it repeats');
  assert.ok([...r.tsOffsets].every((x) => x > 0 && x % 960 === 0), `ts offsets ${[...r.tsOffsets]}`);
  assert.is(r.rewriteOk, r.red, 'primary-only rewrite');

  // DTX: some seconds carry far fewer packets than 50 (silence), others about 50 (tone).
  const perSecond = new Map<number, number>();
  for (const t of arrivals) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
  const counts = [...perSecond.entries()].filter(([s]) => s >= 2 && s < 13).map(([, c]) => c);
  assert.ok(counts.some((c) => c <= 15) && counts.some((c) => c >= 40), `packets per second ${counts}`);

  // Speaker state follows the 5 s cycle: it turns on and off at least twice each, and
  // every change was reported exactly on the tick where the state flipped.
  let on = 0, off = 0;
  for (let i = 1; i < timeline.length; i++) {
    const flipped = timeline[i].speaking !== timeline[i - 1].speaking;
    assert.is(timeline[i].changed, flipped, `tick ${i}`);
    if (flipped && timeline[i].speaking) on++;
    if (flipped && !timeline[i].speaking) off++;
  }
  console.log(`chromium audio: ${r.packets} RED packets, ${r.matched} redundant blocks matched, ts offsets ${[...r.tsOffsets]}, ` +
    `packets/s ${counts}, speaker on ${on}x off ${off}x, speaking ${(100 * timeline.filter((t) => t.speaking).length / timeline.length).toFixed(0)} %`);
  assert.ok(on >= 2 && off >= 2, `speaking turned on ${on}x, off ${off}x`);
  const speakingShare = timeline.filter((t) => t.speaking).length / timeline.length;
  assert.ok(speakingShare > 0.2 && speakingShare < 0.7, `speaking ${(speakingShare * 100).toFixed(0)} % of the time (tone is 40 %)`);
  await evalInPage(page, `() => { sb.pcs.red.close(); delete sb.pcs.red; }`);
  transport.close();
});

test.run();
