// Issue 13 (E2EE pass-through) proof: livekit-client end-to-end encryption (its insertable
// streams cryptor, AES-GCM with a shared key) in Chromium through Switchboard. The server
// forwards payloads it cannot read: a subscriber with the key decrypts and decodes (audio
// energy at its analyser, frames decoded), one with a wrong key gets nothing decodable,
// the TrackInfo each subscriber sees says GCM (so livekit-client sets up its decryptor),
// and the engine still finds the publisher's key frames (from the VP8 payload header,
// which livekit-client leaves in the clear).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startLkHarness, type LkHarness } from './harness.js';
import { sleep } from '../peers/paths.js';

let h: LkHarness;

test.before(async () => { h = await startLkHarness(); });
test.after(async () => { await h?.close(); });

const ENC = `() => [...lkt.room.remoteParticipants.values()].flatMap((p) => [...p.trackPublications.values()].map((t) => ({ kind: t.kind, encryption: t.trackInfo ? t.trackInfo.encryption : -1 })))`;

test('E2EE: the key holder decrypts and decodes, a wrong key gets nothing, the server forwards opaque media and still sees key frames', async () => {
  const room = 'e2ee';
  const alice = await h.client('alice', room);
  await alice.connect({ e2eeKey: 'correct horse battery staple' });
  const pubs = await alice.publish(true, true);
  assert.equal(pubs.map((p) => p.kind).sort(), ['audio', 'video']);
  const bob = await h.client('bob', room);
  await bob.connect({ e2eeKey: 'correct horse battery staple' });
  const carol = await h.client('carol', room);
  await carol.connect({ e2eeKey: 'a different key' });

  const b = await bob.waitRemote('alice', (r) => r.audioRms > 0.01 && r.framesDecoded > 20, 'bob decrypts alice', 30_000);
  console.log(`[e2ee] bob: audio rms ${b.audioRms.toFixed(3)}, frames decoded ${b.framesDecoded}, audio packets ${b.audioPackets}`);
  assert.equal((await bob.eval<{ kind: string; encryption: number }[]>(ENC)).map((t) => t.encryption), [1, 1], 'TrackInfo.encryption = GCM for both tracks');

  // Carol receives the same packets but cannot decrypt them.
  const c = await carol.waitRemote('alice', (r) => r.audioPackets > 100 && r.videoPackets > 50, 'carol receives packets', 30_000);
  await sleep(2000);
  const c2 = await carol.remote('alice');
  console.log(`[e2ee] carol (wrong key): audio packets ${c2.audioPackets}, rms ${c2.audioRms.toFixed(4)}, video packets ${c2.videoPackets}, frames decoded ${c2.framesDecoded}`);
  assert.ok(c2.audioPackets > c.audioPackets, 'media keeps arriving');
  assert.ok(c2.audioRms < 0.005, `no audible audio without the key (rms ${c2.audioRms})`);
  assert.ok(c2.framesDecoded <= 2, `no video decoded without the key (${c2.framesDecoded})`);

  // Server side: opaque payloads forwarded, key frames still found.
  const engineRoom = h.sb.engine.room(room)!;
  const a = [...engineRoom.participants.values()].find((p) => p.identity === 'alice')!;
  const st = await a.stats();
  const video = st.tracks.find((t) => t.kind === 'video')!;
  console.log(`[e2ee] engine: alice video packets ${video.packets}, key frames found ${video.keyframes}`);
  assert.ok(video.keyframes >= 1, 'key frames detected in encrypted VP8');
  await alice.disconnect(); await bob.disconnect(); await carol.disconnect();
});

test.run();
