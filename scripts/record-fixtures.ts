// Records the replay benchmark's fixtures from real headless Chromium calls through the
// engine, with the engine's own capture tap (src/engine/capture): the publisher's
// DECRYPTED RTP/RTCP as the server saw it, with real timestamps.
//
//   node --import tsx scripts/record-fixtures.ts [opus|vp8|all] [--out pcap]
//
// Runs itself inside `unshare -n` (a private network namespace with only lo up), as
// PEERS.md requires for Chromium. Per fixture: one Chromium page publishes (fake mic
// playing a 16 kHz espeak-ng speech file -> Opus; or the fake camera -> VP8, capped at
// 600 kbit/s to keep pcap/ small), one Chromium page subscribes (so RTCP feedback, PLIs
// and receiver reports are real), and only the publisher participant is captured.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nonLoopbackInterfaces } from '../test/peers/netns.js';
import { evalInPage, launchChromium, pollStats, statNumber } from '../test/peers/chromium.js';
import { startStaticServer } from '../test/peers/http.js';
import { SPEECH_WAV, sleep } from '../test/peers/paths.js';
import { INSTALL_E2E, autoAnswer } from '../test/e2e/page-call.js';
import { Engine } from '../src/engine/index.js';
import { startCapture, stopCapture } from '../src/engine/capture/index.js';

const argv = process.argv.slice(2);
const which = argv.find((a) => !a.startsWith('--')) ?? 'all';
const outDir = resolve(argv[argv.indexOf('--out') + 1] && argv.includes('--out') ? argv[argv.indexOf('--out') + 1]! : 'pcap');

if (nonLoopbackInterfaces().length > 0) {
  // Re-run inside a fresh network namespace.
  const r = spawnSync('unshare', ['-n', 'sh', '-c', `ip link set lo up; exec "${process.execPath}" --import tsx "${process.argv[1]}" ${argv.map((a) => `'${a}'`).join(' ')}`], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const SPEECH_TEXT = [
  'The quick brown fox jumps over the lazy dog while the radio plays softly in the kitchen.',
  'Switchboard forwards packets as they are; it never decodes or mixes the media it routes.',
  'Each participant publishes tracks and subscribes to the tracks that other people publish.',
  'One, two, three, four, five, six, seven, eight, nine, ten. Testing the microphone again.',
  'Packets arrive, are decrypted, routed to every subscriber, rewritten, encrypted and sent.',
  'A long pause follows this sentence.',
  'Now we read the weather: light rain in the morning, clearing skies by late afternoon, and a cool night.',
  'Please remember to mute yourself when you are not speaking, so that everyone can hear clearly.',
].join(' ');

/** ~60 s of 16 kHz mono speech from espeak-ng (falls back to the repo's 9.5 s sample, looped by Chromium). */
function speechWav(dir: string): string {
  const raw = join(dir, 'speech.wav'), out = join(dir, 'speech16k-60s.wav');
  const e = spawnSync('espeak-ng', ['-s', '140', '-g', '6', '-w', raw, `${SPEECH_TEXT} ${SPEECH_TEXT}`], { timeout: 60_000 });
  if (e.status !== 0) return SPEECH_WAV;
  const s = spawnSync('sox', [raw, '-r', '16000', '-c', '1', '-b', '16', out, 'trim', '0', '60'], { timeout: 60_000 });
  return s.status === 0 ? out : SPEECH_WAV;
}

interface Spec { name: string; file: string; kind: 'audio' | 'video'; seconds: number; simulcast?: boolean }
const SPECS: Spec[] = [
  { name: 'opus', file: 'opus-speech-60s.pcapng', kind: 'audio', seconds: 60 },
  { name: 'vp8', file: 'vp8-camera-30s.pcapng', kind: 'video', seconds: 30 },
  { name: 'simulcast', file: 'vp8-simulcast-30s.pcapng', kind: 'video', seconds: 30, simulcast: true },
];

const PUBLISH = `async ([kind, maxBitrate, simulcast]) => {
  const pc = sb.newPc('pub');
  const s = kind === 'audio' ? await sb.getMic()
    : simulcast ? await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 } }) : await sb.getCam();
  const track = kind === 'audio' ? s.getAudioTracks()[0] : s.getVideoTracks()[0];
  const tr = pc.addTransceiver(track, { direction: 'sendonly', streams: [s], ...(simulcast ? { sendEncodings: [
    { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150000 },
    { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 400000 },
    { rid: 'f', maxBitrate: 900000 },
  ] } : {}) });
  if (kind === 'video') {
    const codecs = RTCRtpReceiver.getCapabilities('video').codecs.filter((c) => /vp8|rtx/i.test(c.mimeType));
    tr.setCodecPreferences(codecs);
  }
  await pc.setLocalDescription(await pc.createOffer());
  await sb.waitGathering(pc);
  window.pubSender = tr.sender;
  window.pubMaxBitrate = maxBitrate;
  return pc.localDescription.sdp;
}`;

async function record(spec: Spec, wav: string): Promise<void> {
  const engine = await Engine.create({ workers: 1 });
  const http = await startStaticServer();
  const browser = await launchChromium({ fakeAudioPath: wav });
  const tmp = join(outDir, `.${spec.file}.tmp`);
  try {
    const room = await engine.createRoom(`fixture-${spec.name}`);
    const subPage = await browser.newPage(http.origin + '/');
    await evalInPage(subPage, INSTALL_E2E);
    const sub = await room.join({ identity: 'subscriber' });
    const auto = autoAnswer(sub, subPage, 'sub');
    const pubPage = await browser.newPage(http.origin + '/');
    const pub = await room.join({ identity: 'publisher' });
    await startCapture(pub, tmp);
    const offer = await evalInPage<string>(pubPage, PUBLISH, [spec.kind, 600_000, spec.simulcast === true], 20_000);
    // Video: no transport-cc / goog-remb, so Chromium's rate is set by loss-based control and
    // maxBitrate rather than by whatever feedback the engine sends (it kept ~80 kbit/s with it).
    // (Simulcast keeps them: the engine sends TWCC feedback to publishers now, and the layers
    // need a real estimate to turn on.)
    const munged = spec.kind === 'video' && !spec.simulcast ? offer.split('\r\n').filter((l) => !/transport-cc|goog-remb|transport-wide-cc/.test(l)).join('\r\n') : offer;
    const answer = await pub.publisherOffer(munged);
    await evalInPage(pubPage, `async ([sdp]) => {
      const pc = sb.pcs.pub;
      await pc.setRemoteDescription({ type: 'answer', sdp });
      await sb.waitConnected(pc, 15000);
      if (window.pubSender.track.kind === 'video' && window.pubSender.getParameters().encodings.length === 1) {
        const p = window.pubSender.getParameters();
        p.encodings[0].maxBitrate = window.pubMaxBitrate;
        await window.pubSender.setParameters(p);
      }
    }`, [answer], 20_000);
    const t0 = Date.now();
    process.stdout.write(`${spec.file}: recording ${spec.seconds} s of ${spec.kind} from Chromium ${browser.version} ...\n`);
    await sleep(spec.seconds * 1000);
    const stats = await pollStats(subPage, 'sub', (s) => statNumber(s, 'inbound-rtp', 'packetsReceived', spec.kind) > 0, { timeoutMs: 10_000 });
    const st = await stopCapture(pub);
    const pubStats = await evalInPage<{ type: string; kind?: string; packetsSent?: number; codecId?: string; mimeType?: string }[]>(pubPage, '() => sb.stats(sb.pcs.pub)');
    const sent = pubStats.filter((x) => x.type === 'outbound-rtp' && x.kind === spec.kind).map((x) => `${(x as { rid?: string }).rid ?? '-'}:${x.packetsSent ?? 0}`).join(' ');
    const codec = pubStats.find((x) => x.type === 'codec' && (x.mimeType ?? '').toLowerCase().startsWith(spec.kind))?.mimeType ?? '?';
    renameSync(tmp, join(outDir, spec.file));
    process.stdout.write(`${spec.file}: ${st.packets} packets captured (${st.dropped} dropped), ${(statSync(join(outDir, spec.file)).size / 1e6).toFixed(2)} MB, ` +
      `${((Date.now() - t0) / 1000).toFixed(1)} s, codec ${codec}, Chromium sent ${sent} RTP, subscriber received ${statNumber(stats, 'inbound-rtp', 'packetsReceived', spec.kind)} (lost ${statNumber(stats, 'inbound-rtp', 'packetsLost', spec.kind)}), answers ${auto.answers()}\n`);
    await evalInPage(pubPage, '() => sb.closeAll()').catch(() => undefined);
    await evalInPage(subPage, '() => sb.closeAll()').catch(() => undefined);
  } finally {
    if (existsSync(tmp)) rmSync(tmp);
    await browser.close();
    await http.close();
    await engine.close();
  }
}

mkdirSync(outDir, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'sb-fixtures-'));
try {
  const wav = speechWav(work);
  process.stdout.write(`fake microphone: ${wav}\n`);
  for (const s of SPECS) if (which === 'all' || which === s.name) await record(s, wav);
} finally {
  rmSync(work, { recursive: true, force: true });
}
