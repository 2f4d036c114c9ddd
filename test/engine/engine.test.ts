import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine, EngineError, type Participant, type Track } from '../../src/engine/index.js';
import { parseSdp } from '../../src/sdp/index.js';
import { chromiumOffer, fakeAnswer, ssrcsOf, rejectsWith } from './fake-client.js';

async function answerNext(p: Participant): Promise<string> {
  const [offer] = await p.wait('subscriberOffer', 2000);
  await p.subscriberAnswer(fakeAnswer(offer));
  return offer;
}

test('publish -> auto-subscribe offer -> answer activates subscriptions; mute; leave renegotiates; close cascades', async () => {
  const engine = await Engine.create({ workers: 0 });
  const room = await engine.createRoom('r1');
  assert.is(await engine.createRoom('r1'), room, 'createRoom returns the existing room');
  const joined: string[] = [];
  room.on('participantJoined', (p) => joined.push(p.identity));
  const sub = await room.join({ identity: 'sub' });
  const pub = await room.join({ identity: 'pub' });
  assert.equal(joined, ['sub', 'pub']);

  const published: Track[] = [];
  room.on('trackPublished', (t) => published.push(t));
  const offerWait = sub.wait('subscriberOffer', 2000);
  const answer = parseSdp(await pub.publisherOffer(chromiumOffer()));
  assert.ok(answer.iceLite);
  assert.equal(answer.media.map((m) => m.setup), ['passive', 'passive']);
  assert.equal(published.map((t) => [t.kind, t.info.ssrc]), [['audio', 3335193215], ['video', 3849622628]]);
  assert.is(published[0]!.info.codec.name.toLowerCase(), 'opus');
  assert.is(published[1]!.info.codec.name, 'VP8');

  // One offer for both tracks (coalesced), sendonly, our own SSRCs, msid stream = publisher sid.
  const [offer] = await offerWait;
  const o = parseSdp(offer);
  assert.equal(o.media.map((m) => [m.kind, m.direction]), [['audio', 'sendonly'], ['video', 'sendonly']]);
  assert.ok(o.iceLite);
  const ssrcs = ssrcsOf(offer);
  assert.is(ssrcs.length, 3, 'audio SSRC, video SSRC and its RTX SSRC');
  assert.match(offer, new RegExp(`a=ssrc-group:FID ${ssrcs[1]} ${ssrcs[2]}`), 'video offered with RTX (FID group)');
  assert.not.ok(ssrcs.includes(3335193215) || ssrcs.includes(3849622628), 'downtrack SSRCs are our own');
  assert.ok(o.media.every((m) => m.msids[0]?.streamId === `${pub.sid}|${m.msids[0]?.trackId}`), 'stream id packed as LiveKit does');
  const subscribed: string[] = [];
  sub.on('trackSubscribed', (s) => subscribed.push(s.trackSid));
  await sub.subscriberAnswer(fakeAnswer(offer));
  assert.equal(subscribed.sort(), published.map((t) => t.sid).sort());
  const st = await sub.stats();
  assert.equal(st.downTracks.map((d) => d.ssrc).sort(), ssrcs.slice(0, 2).sort());

  // Server mute reaches the track and the room.
  const muted: boolean[] = [];
  published[0]!.on('muted', (m) => muted.push(m));
  await published[0]!.setMuted(true);
  await published[0]!.setMuted(true);
  assert.equal(muted, [true]);
  assert.ok((await sub.stats()).downTracks.find((d) => d.trackSid === published[0]!.sid)!.muted);

  // The publisher leaves: tracks unpublished, the subscriber gets an offer with inactive m-lines.
  const unpub: string[] = [];
  room.on('trackUnpublished', (t) => unpub.push(t.kind));
  const next = sub.wait('subscriberOffer', 2000);
  await pub.leave();
  await pub.leave();
  assert.equal(unpub, ['audio', 'video']);
  assert.ok(published.every((t) => t.unpublished));
  assert.is(sub.subscriptions.size, 0);
  const [offer2] = await next;
  assert.equal(parseSdp(offer2).media.map((m) => m.direction), ['inactive', 'inactive']);
  await sub.subscriberAnswer(fakeAnswer(offer2));
  await rejectsWith(pub.publisherOffer(chromiumOffer()), 'closed');

  await engine.close();
  assert.ok(room.closed);
  assert.ok(sub.left);
  assert.is(engine.rooms.size, 0);
  await engine.close();
  await rejectsWith(engine.createRoom('x'), 'closed');
});

test('selective subscription: autoSubscribe false gets nothing until subscribe(); unsubscribe renegotiates', async () => {
  const engine = await Engine.create({ workers: 0 });
  const room = await engine.createRoom('r');
  const viewer = await room.join({ identity: 'viewer', autoSubscribe: false });
  const pub = await room.join({ identity: 'pub' });
  let offers = 0;
  viewer.on('subscriberOffer', () => offers++);
  await pub.publisherOffer(chromiumOffer());
  await new Promise((r) => setImmediate(r));
  assert.is(offers, 0);
  const video = [...pub.tracks.values()].find((t) => t.kind === 'video')!;
  const w = answerNext(viewer);
  const sub = await viewer.subscribe(video);
  assert.is(sub.state, 'pending');
  const offer = await w;
  assert.equal(parseSdp(offer).media.map((m) => m.kind), ['video']);
  assert.is(sub.state, 'active');
  const w2 = viewer.wait('subscriberOffer', 2000);
  await viewer.unsubscribe(video);
  assert.is(sub.state, 'closed');
  assert.equal(parseSdp((await w2)[0]).media.map((m) => m.direction), ['inactive']);
  await rejectsWith(viewer.subscribe('TR_nope'), 'track-not-found');
  await rejectsWith(pub.subscribe(video), 'invalid-state');
  await engine.close();
});

test('typed errors: bad SDP, answer without offer', async () => {
  const engine = await Engine.create({ workers: 0 });
  const room = await engine.createRoom('r');
  const p = await room.join({ identity: 'p' });
  await rejectsWith(p.publisherOffer('v=0\r\nnonsense'), 'bad-sdp');
  await rejectsWith(p.subscriberAnswer('v=0\r\n'), 'invalid-state');
  await engine.close();
});

test('SSRCs of a subscriber transport are unique across many subscriptions', async () => {
  const engine = await Engine.create({ workers: 0 });
  const room = await engine.createRoom('r');
  const sub = await room.join({ identity: 'sub' });
  for (let i = 0; i < 6; i++) {
    const p = await room.join({ identity: 'pub' + i });
    await p.publisherOffer(chromiumOffer());
  }
  const [offer] = await sub.wait('subscriberOffer', 2000);
  const s = ssrcsOf(offer);
  assert.is(s.length, 18, 'per publisher: audio, video, video RTX');
  assert.is(new Set(s).size, 18);
  await engine.close();
});

test('publisher renegotiation: a track added later is published, kept tracks keep their sid, a stopped m-line unpublishes', async () => {
  const engine = await Engine.create({ workers: 0 });
  const room = await engine.createRoom('r');
  const pub = await room.join({ identity: 'pub' });
  const full = chromiumOffer();
  const videoAt = full.indexOf('m=video');
  const audioOnly = full.slice(0, videoAt).replace('a=group:BUNDLE 0 1', 'a=group:BUNDLE 0');
  const events: string[] = [];
  room.on('trackPublished', (t) => events.push('+' + t.kind));
  room.on('trackUnpublished', (t) => events.push('-' + t.kind));
  await pub.publisherOffer(audioOnly);
  const audioSid = [...pub.tracks.keys()][0]!;
  const a2 = parseSdp(await pub.publisherOffer(full));
  assert.is(a2.origin.sessionVersion, '2', 'the second answer bumps the session version');
  assert.equal(events, ['+audio', '+video']);
  assert.ok(pub.tracks.has(audioSid), 'audio kept its sid');
  const stopped = full.slice(0, videoAt) + full.slice(videoAt).replace(/^m=video \d+/, 'm=video 0');
  await pub.publisherOffer(stopped);
  assert.equal(events, ['+audio', '+video', '-video']);
  assert.equal([...pub.tracks.values()].map((t) => t.kind), ['audio']);
  await engine.close();
});

test('engine.close() leaves no handles open (sockets, timers, immediates)', async () => {
  await new Promise((r) => setTimeout(r, 10));
  const before = process.getActiveResourcesInfo().filter((x) => x !== 'TTYWrap');
  const engine = await Engine.create({ workers: 0 });
  const room = await engine.createRoom('r');
  const sub = await room.join({ identity: 'sub' });
  const pub = await room.join({ identity: 'pub' });
  await pub.publisherOffer(chromiumOffer()); // transports created, a subscriber offer scheduled
  assert.ok(process.getActiveResourcesInfo().includes('UDPWrap'));
  await answerNext(sub);
  await engine.close();
  await new Promise((r) => setImmediate(r));
  const after = process.getActiveResourcesInfo().filter((x) => x !== 'TTYWrap');
  assert.equal(after.sort(), before.sort());
});

test.run();
