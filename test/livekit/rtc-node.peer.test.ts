// @livekit/rtc-node (LiveKit's Rust SDK and its libwebrtc) through Switchboard: one
// participant publishes 16 kHz speech PCM from an AudioSource, another receives it with
// AudioStream. Measured at the receiver: how much audio arrived and its energy against
// what was sent. Its libwebrtc ignores loopback, so the test gives its own network
// namespace a veth pair with a test address and binds the media there (PEERS.md).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { AudioFrame, AudioSource, AudioStream, LocalAudioTrack, Room, RoomEvent, TrackKind, TrackPublishOptions, TrackSource, dispose, type RemoteTrack } from '@livekit/rtc-node';
import { assertInsideNetns } from '../peers/netns.js';
import { ensureSpeechWav, sleep, withTimeout } from '../peers/paths.js';
import { readWav, rms } from '../peers/wav.js';
import { startSwitchboard, type Switchboard } from '../../src/server/index.js';

assertInsideNetns();
const ADDR = '10.201.0.1';
function ip(args: string): void {
  const r = spawnSync('ip', args.split(' '), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args}: ${r.stderr || r.error?.message}`);
}

let sb: Switchboard;
test.before(async () => {
  ip('link add d0 type veth peer name d1');
  ip(`addr add ${ADDR}/24 dev d0`);
  ip('link set d0 up');
  ip('link set d1 up');
  sb = await startSwitchboard({ argv: ['--port', '0', '--udp-port', '0', '--udp-host', ADDR, '--workers', '1'], env: {}, log: (l) => { if (process.env.E2E_LOG) console.error(l); } });
});
test.after(async () => {
  await sb?.close();
  await dispose();
});

async function token(room: string, identity: string): Promise<string> {
  const r = await fetch(`${sb.httpUrl}/token?room=${room}&identity=${identity}`);
  return ((await r.json()) as { token: string }).token;
}

test('rtc-node: 16 kHz speech from an AudioSource arrives at another participant\'s AudioStream with its energy', async () => {
  const pcm = readWav(ensureSpeechWav());
  assert.is(pcm.sampleRate, 16000);
  const speech = pcm.samples.subarray(0, 16000 * 3); // 3 s
  const url = sb.httpUrl.replace(/^http/, 'ws');
  const pub = new Room();
  const sub = new Room();
  try {
    await withTimeout(pub.connect(url, await token('node', 'speaker'), { autoSubscribe: true, dynacast: false }), 20_000, 'speaker connect');
    const got = new Promise<RemoteTrack>((resolve) => sub.on(RoomEvent.TrackSubscribed, (track) => { if (track.kind === TrackKind.KIND_AUDIO) resolve(track); }));
    await withTimeout(sub.connect(url, await token('node', 'listener'), { autoSubscribe: true, dynacast: false }), 20_000, 'listener connect');

    const source = new AudioSource(16000, 1);
    const track = LocalAudioTrack.createAudioTrack('speech', source);
    await withTimeout(pub.localParticipant!.publishTrack(track, new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE })), 15_000, 'publish');
    const remote = await withTimeout(got, 15_000, 'listener subscribed');

    const received: Int16Array[] = [];
    const reading = (async () => {
      const stream = new AudioStream(remote, 16000, 1);
      const reader = stream.getReader();
      const deadline = Date.now() + 12_000;
      let n = 0;
      while (Date.now() < deadline && n < 16000 * 4) {
        const r = await reader.read();
        if (r.done) break;
        received.push(Int16Array.from(r.value.data));
        n += r.value.samplesPerChannel;
      }
      reader.releaseLock();
    })();
    // Silence first (the receiver's stream starts), then the speech, then silence, in 10 ms frames.
    const frame = 160;
    const all = new Int16Array(16000 * 4);
    all.set(speech, 8000);
    for (let off = 0; off < all.length; off += frame) {
      await source.captureFrame(new AudioFrame(all.slice(off, off + frame), 16000, 1, frame));
    }
    await withTimeout(reading, 15_000, 'listener audio');
    await source.waitForPlayout?.();
    const total = received.reduce((s, x) => s + x.length, 0);
    const joined = new Int16Array(total);
    let o = 0; for (const x of received) { joined.set(x, o); o += x.length; }
    const sentRms = rms(speech), gotRms = rms(joined);
    console.log(`rtc-node: received ${(total / 16000).toFixed(2)} s of 16 kHz audio, rms ${gotRms.toFixed(4)} vs sent ${sentRms.toFixed(4)} (over ${(speech.length / 16000).toFixed(1)} s)`);
    assert.ok(total >= 16000 * 3, `at least 3 s received (${total} samples)`);
    // The received window holds the 3 s of speech plus silence: its rms is the speech's scaled by ~sqrt(3/4); Opus keeps the level.
    const ratio = gotRms / (sentRms * Math.sqrt(speech.length / total));
    assert.ok(ratio > 0.4 && ratio < 2.5, `energy ratio ${ratio.toFixed(2)}`);
  } finally {
    await pub.disconnect();
    await sub.disconnect();
    await sleep(100);
  }
});

test('rtc-node: publishData (reliable, lossy, destinations), performRpc and sendText between two Rust SDK participants', async () => {
  const url = sb.httpUrl.replace(/^http/, 'ws');
  const a = new Room(), b = new Room(), c = new Room();
  const got: Record<string, { from?: string; topic?: string; text: string }[]> = { b: [], c: [] };
  b.on(RoomEvent.DataReceived, (payload, p, _k, topic) => got.b!.push({ ...(p ? { from: p.identity } : {}), ...(topic ? { topic } : {}), text: Buffer.from(payload).toString() }));
  c.on(RoomEvent.DataReceived, (payload, p, _k, topic) => got.c!.push({ ...(p ? { from: p.identity } : {}), ...(topic ? { topic } : {}), text: Buffer.from(payload).toString() }));
  const until = async (ok: () => boolean, what: string, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!ok() && Date.now() < end) await sleep(50);
    if (!ok()) throw new Error(`${what} not within ${ms} ms: ${JSON.stringify(got)}`);
  };
  try {
    await withTimeout(a.connect(url, await token('node-data', 'agent-a'), { autoSubscribe: true, dynacast: false }), 20_000, 'a connect');
    await withTimeout(b.connect(url, await token('node-data', 'user-b'), { autoSubscribe: true, dynacast: false }), 20_000, 'b connect');
    await withTimeout(c.connect(url, await token('node-data', 'user-c'), { autoSubscribe: true, dynacast: false }), 20_000, 'c connect');
    await until(() => a.remoteParticipants.size === 2, 'a sees b and c');
    const enc = (t: string) => new TextEncoder().encode(t);
    await a.localParticipant!.publishData(enc('hello all'), { reliable: true, topic: 't1' });
    await a.localParticipant!.publishData(enc('only c'), { reliable: true, destination_identities: ['user-c'] });
    await a.localParticipant!.publishData(enc('lossy all'), { reliable: false });
    await until(() => got.b!.some((x) => x.text === 'lossy all') && got.c!.some((x) => x.text === 'lossy all') && got.c!.some((x) => x.text === 'only c'), 'data at b and c');
    assert.equal(got.b!.find((x) => x.text === 'hello all'), { from: 'agent-a', topic: 't1', text: 'hello all' });
    assert.equal(got.c!.find((x) => x.text === 'only c'), { from: 'agent-a', text: 'only c' });
    assert.not.ok(got.b!.some((x) => x.text === 'only c'), 'b is not a destination');

    b.localParticipant!.registerRpcMethod('echo', async (d) => `echo:${d.payload}:${d.callerIdentity}`);
    const r = await withTimeout(a.localParticipant!.performRpc({ destinationIdentity: 'user-b', method: 'echo', payload: 'ping' }), 15_000, 'rpc');
    assert.is(r, 'echo:ping:agent-a');

    const texts: string[] = [];
    c.registerTextStreamHandler('lk.node', async (reader, info) => { texts.push(`${info.identity}:${await reader.readAll()}`); });
    await a.localParticipant!.sendText('streamed hello', { topic: 'lk.node' });
    await until(() => texts.length > 0, 'text stream at c');
    assert.equal(texts, ['agent-a:streamed hello']);
    console.log(`rtc-node data: b got ${got.b!.length}, c got ${got.c!.length} packets; rpc and text stream ok`);
  } finally {
    await a.disconnect(); await b.disconnect(); await c.disconnect();
    await sleep(100);
  }
});

test.run();
