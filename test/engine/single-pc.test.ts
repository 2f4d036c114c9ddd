// The engine's single peer connection mode (LiveKit /rtc/v1): the client always offers;
// we send subscribed tracks on the recvonly sections of its offers, ask for more sections
// when short (mediaSectionsRequirement), free a section on unsubscribe (inactive once,
// reused from the next offer) and report mid -> track sid.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine } from '../../src/engine/index.js';
import { parseSdp } from '../../src/sdp/index.js';
import { chromiumOffer, ssrcsOf } from './fake-client.js';

/** Chromium's audio+video publish offer (mids 0, 1), plus recvonly placeholders cut from it. */
function placeholderOffer(kinds: ('audio' | 'video')[], publish = true): string {
  const sdp = chromiumOffer();
  const head = sdp.slice(0, sdp.indexOf('m='));
  const sections = sdp.slice(sdp.indexOf('m=')).split(/(?=^m=)/m);
  const strip = (sec: string, mid: number) => sec.split('\r\n').filter((l) => !/^a=(ssrc|msid|sendonly|sendrecv)/.test(l)).join('\r\n')
    .replace(/a=mid:\d+/, `a=mid:${mid}`).replace(/(a=rtcp-mux)/, 'a=recvonly\r\n$1');
  // livekit-client publishes on sendonly transceivers.
  const out: string[] = publish ? sections.map((x) => x.replace(/a=sendrecv/, 'a=sendonly')) : [];
  let mid = publish ? 2 : 0;
  for (const k of kinds) out.push(strip(sections[k === 'audio' ? 0 : 1]!, mid++));
  const mids = Array.from({ length: mid }, (_, i) => String(i)).join(' ');
  return head.replace(/a=group:BUNDLE [^\r\n]*/, `a=group:BUNDLE ${mids}`) + out.join('');
}

const dirOf = (sdp: string) => parseSdp(sdp).media.map((m) => [m.mid, m.direction]);

test('single PC: the subscriber gets the publisher\'s tracks on its recvonly sections, with msid and mid_to_track_id', async () => {
  const engine = await Engine.create({ workers: 0 });
  try {
    const room = await engine.createRoom('s1');
    const pub = await room.join({ identity: 'pub', singlePeerConnection: true });
    const sub = await room.join({ identity: 'sub', singlePeerConnection: true });
    const reqs: number[][] = [];
    sub.on('mediaSectionsRequirement', (a, v) => reqs.push([a, v]));
    let offers = 0;
    sub.on('subscriberOffer', () => offers++);
    const first = await sub.answerOffer(placeholderOffer(['audio', 'video'], false));
    assert.equal(dirOf(first.sdp), [['0', 'inactive'], ['1', 'inactive']]);
    assert.equal(first.midToTrackId, {});
    await pub.answerOffer(chromiumOffer());
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(reqs, [[0, 0]], 'enough free sections: just a re-offer is asked for');
    const again = await sub.answerOffer(placeholderOffer(['audio', 'video'], false));
    const m = parseSdp(again.sdp).media;
    assert.equal(m.map((x) => [x.mid, x.direction]), [['0', 'sendonly'], ['1', 'sendonly']]);
    const tracks = [...pub.tracks.values()];
    const audio = tracks.find((t) => t.kind === 'audio')!, video = tracks.find((t) => t.kind === 'video')!;
    assert.equal(again.midToTrackId, { 0: audio.sid, 1: video.sid });
    assert.equal(m[0]!.msids, [{ streamId: `${pub.sid}|${audio.sid}`, trackId: audio.sid }]);
    assert.equal(m[0]!.rtpmaps.map((r) => r.encodingName.toLowerCase()), ['red', 'opus'], 'the track codec (RED-wrapped opus as published) and nothing else');
    assert.ok(m[1]!.rtpmaps.some((r) => r.encodingName === 'rtx'), 'video keeps RTX');
    assert.is(ssrcsOf(again.sdp).length, 3, 'audio ssrc + video ssrc + rtx ssrc');
    assert.is(sub.subscriptions.size, 2);
    assert.is(offers, 0, 'no server offers in single PC mode');
    await rejectsAnswer(sub);
  } finally { await engine.close(); }
});

async function rejectsAnswer(sub: { subscriberAnswer(s: string): Promise<void> }) {
  let err: unknown;
  try { await sub.subscriberAnswer('v=0\r\n'); } catch (e) { err = e; }
  assert.ok(err, 'subscriberAnswer is refused in single PC mode');
}

test('single PC: short of sections -> mediaSectionsRequirement with the missing count; unsubscribe frees a section (inactive once, then reused)', async () => {
  const engine = await Engine.create({ workers: 0 });
  try {
    const room = await engine.createRoom('s2');
    const sub = await room.join({ identity: 'sub', singlePeerConnection: true });
    const reqs: number[][] = [];
    sub.on('mediaSectionsRequirement', (a, v) => reqs.push([a, v]));
    await sub.answerOffer(placeholderOffer([], true)); // publishes, no placeholders
    const a = await room.join({ identity: 'a' });
    await a.publisherOffer(chromiumOffer());
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(reqs, [[1, 1]]);
    // The client added one audio + one video recvonly (mids 2, 3) and offered again.
    const o2 = await sub.answerOffer(placeholderOffer(['audio', 'video'], true));
    assert.equal(dirOf(o2.sdp), [['0', 'recvonly'], ['1', 'recvonly'], ['2', 'sendonly'], ['3', 'sendonly']]);
    const aAudio = [...a.tracks.values()].find((t) => t.kind === 'audio')!;
    assert.is(o2.midToTrackId['2'], aAudio.sid);
    // A second publisher's audio: mid 2 is taken; one more audio section needed.
    const b = await room.join({ identity: 'b' });
    await b.publisherOffer(chromiumOffer('audio-offer.sdp'));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(reqs, [[1, 1], [1, 0]]);
    // a leaves: its sections (2, 3) are answered inactive once, b's audio goes to the new mid 4.
    await a.leave();
    await new Promise((r) => setTimeout(r, 30));
    const o3 = await sub.answerOffer(placeholderOffer(['audio', 'video', 'audio'], true));
    const bAudio = [...b.tracks.values()][0]!;
    assert.equal(dirOf(o3.sdp).slice(2), [['2', 'inactive'], ['3', 'inactive'], ['4', 'sendonly']]);
    assert.equal(o3.midToTrackId, { 4: bAudio.sid });
    // The next offer may reuse the freed sections.
    const c = await room.join({ identity: 'c' });
    await c.publisherOffer(chromiumOffer('audio-offer.sdp'));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(reqs.at(-1), [0, 0], 'a free (cooled) audio section exists: only a re-offer');
    const o4 = await sub.answerOffer(placeholderOffer(['audio', 'video', 'audio'], true));
    const cAudio = [...c.tracks.values()][0]!;
    assert.equal(o4.midToTrackId, { 2: cAudio.sid, 4: bAudio.sid });
  } finally { await engine.close(); }
});

test.run();
