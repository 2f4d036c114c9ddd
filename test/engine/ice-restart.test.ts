// ICE restart through the engine API (control plane, SDP text only; the media path is in
// test/transport/ice-restart.test.ts and test/e2e/chromium-ice-restart.peer.test.ts):
// a publisher re-offer with new ice-ufrag/pwd gets an answer with new local credentials
// and the same fingerprint and DTLS role, tracks kept; restartSubscriberIce() makes the
// next subscriber offer carry new credentials, subscriptions kept.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine, type Participant } from '../../src/engine/index.js';
import { parseSdp, sectionTransport, type SessionDescription } from '../../src/sdp/index.js';
import { chromiumOffer, fakeAnswer } from './fake-client.js';

function ice(sd: SessionDescription): { ufrag?: string; pwd?: string; fp: string; setup?: string } {
  const t = sectionTransport(sd, sd.media[0]!);
  return { ...(t.ufrag !== undefined ? { ufrag: t.ufrag } : {}), ...(t.pwd !== undefined ? { pwd: t.pwd } : {}), fp: t.fingerprints.map((f) => f.value).join(), ...(t.setup !== undefined ? { setup: t.setup } : {}) };
}

/** The same offer with the client's ICE credentials changed (what pc.restartIce() does to an offer). */
function restarted(sdp: string, ufrag: string, pwd: string): string {
  return sdp.replace(/a=ice-ufrag:.*/g, `a=ice-ufrag:${ufrag}`).replace(/a=ice-pwd:.*/g, `a=ice-pwd:${pwd}`);
}

async function answerNext(p: Participant, ufrag = 'CLNT', pwd = 'clientpasswordclientpassword'): Promise<string> {
  const [offer] = await p.wait('subscriberOffer', 2000);
  await p.subscriberAnswer(fakeAnswer(offer).replace('a=ice-ufrag:CLNT', `a=ice-ufrag:${ufrag}`).replace(/a=ice-pwd:.*/g, `a=ice-pwd:${pwd}`));
  return offer;
}

test('publisher re-offer with new ICE credentials: new local credentials, same fingerprint and role, tracks kept', async () => {
  const engine = await Engine.create({ workers: 0 });
  try {
    const room = await engine.createRoom('r');
    const pub = await room.join({ identity: 'pub' });
    const offer = chromiumOffer();
    const a1 = ice(parseSdp(await pub.publisherOffer(offer)));
    const tracks1 = [...pub.tracks.keys()].sort();
    assert.is(tracks1.length, 2);
    const unpublished: string[] = [];
    room.on('trackUnpublished', (t) => unpublished.push(t.sid));

    // Same credentials again: a plain renegotiation keeps ours.
    const again = ice(parseSdp(await pub.publisherOffer(offer)));
    assert.is(again.ufrag, a1.ufrag);
    assert.is(again.pwd, a1.pwd);

    // ICE restart: the answerer changes its credentials too (RFC 8839 §4.4.1.1.1).
    const a2 = ice(parseSdp(await pub.publisherOffer(restarted(offer, 'RSTRTufr', 'restartedpasswordrestarted'))));
    assert.ok(a2.ufrag && a2.ufrag !== a1.ufrag, 'new ice-ufrag');
    assert.ok(a2.pwd && a2.pwd !== a1.pwd, 'new ice-pwd');
    assert.is(a2.fp, a1.fp, 'same DTLS fingerprint');
    assert.is(a2.setup, 'passive', 'same DTLS role');
    assert.equal([...pub.tracks.keys()].sort(), tracks1, 'tracks kept');
    assert.equal(unpublished, []);
    // And a second restart makes yet other credentials.
    const a3 = ice(parseSdp(await pub.publisherOffer(restarted(offer, 'RSTRTtwo', 'restartedpasswordsecondone'))));
    assert.ok(a3.ufrag !== a2.ufrag && a3.ufrag !== a1.ufrag);
  } finally {
    await engine.close();
  }
});

test('restartSubscriberIce: the next subscriber offer has new credentials; subscriptions kept; false without a transport', async () => {
  const engine = await Engine.create({ workers: 0 });
  try {
    const room = await engine.createRoom('r');
    const sub = await room.join({ identity: 'sub' });
    assert.is(await sub.restartSubscriberIce(), false, 'nothing negotiated yet');
    const pub = await room.join({ identity: 'pub' });
    await pub.publisherOffer(chromiumOffer());
    const o1 = ice(parseSdp(await answerNext(sub)));
    assert.is(sub.subscriptions.size, 2);
    const gone: string[] = [];
    sub.on('trackUnsubscribed', (s) => gone.push(s.trackSid));

    assert.is(await sub.restartSubscriberIce(), true);
    const o2 = ice(parseSdp(await answerNext(sub, 'CLN2', 'clientpasswordrestarted22')));
    assert.ok(o2.ufrag && o2.ufrag !== o1.ufrag, 'new ice-ufrag in our offer');
    assert.ok(o2.pwd !== o1.pwd);
    assert.is(o2.fp, o1.fp);
    assert.is(o2.setup, 'actpass');
    assert.equal(gone, []);
    assert.is(sub.subscriptions.size, 2);
    const st = await sub.stats();
    assert.is(st.downTracks.length, 2, 'DownTracks kept');

    // Restart requested while an offer is out: it rides on the offer after that answer.
    const pub2 = await room.join({ identity: 'pub2' });
    const next = sub.wait('subscriberOffer', 2000);
    await pub2.publisherOffer(chromiumOffer());
    const [pending] = await next;
    assert.is(ice(parseSdp(pending)).ufrag, o2.ufrag, 'the offer already out keeps its credentials');
    assert.is(await sub.restartSubscriberIce(), true);
    const after = sub.wait('subscriberOffer', 2000);
    await sub.subscriberAnswer(fakeAnswer(pending).replace('a=ice-ufrag:CLNT', 'a=ice-ufrag:CLN2').replace(/a=ice-pwd:.*/g, 'a=ice-pwd:clientpasswordrestarted22'));
    const o4 = ice(parseSdp((await after)[0]));
    assert.ok(o4.ufrag && o4.ufrag !== o2.ufrag, 'restart made in the offer after the pending answer');
    assert.is(sub.subscriptions.size, 4);
  } finally {
    await engine.close();
  }
});

test('single peer connection: the client restarts (restartSubscriberIce is false)', async () => {
  const engine = await Engine.create({ workers: 0 });
  try {
    const room = await engine.createRoom('r');
    const p = await room.join({ identity: 'one', singlePeerConnection: true });
    await p.publisherOffer(chromiumOffer());
    assert.is(await p.restartSubscriberIce(), false);
  } finally {
    await engine.close();
  }
});

test.run();
