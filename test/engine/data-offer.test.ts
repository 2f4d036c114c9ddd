// The engine's subscriber offers with data channels (LiveKit subscriber-primary): the
// first offer goes out at join with only the data m-line; later offers keep it at mid 0
// and add tracks after it. Without subscriberPrimary nothing is offered until a track.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine } from '../../src/engine/index.js';
import { parseSdp } from '../../src/sdp/index.js';
import { chromiumOffer, fakeAnswer } from './fake-client.js';

test('subscriberPrimary: data-only offer at join, answered; a published track is added after the data m-line', async () => {
  const engine = await Engine.create({ workers: 0 });
  try {
    const room = await engine.createRoom('d1');
    const sub = await room.join({ identity: 'sub', subscriberPrimary: true });
    const [offer] = await sub.wait('subscriberOffer', 2000);
    const o = parseSdp(offer);
    assert.equal(o.media.map((m) => [m.mid, m.kind, m.protocol, m.sctpPort, m.maxMessageSize]), [['0', 'application', 'UDP/DTLS/SCTP', 5000, 262144]]);
    assert.equal(o.groups, [{ semantics: 'BUNDLE', mids: ['0'] }]);
    await sub.subscriberAnswer(fakeAnswer(offer));

    const pub = await room.join({ identity: 'pub' });
    const next = sub.wait('subscriberOffer', 2000);
    await pub.publisherOffer(chromiumOffer());
    const [offer2] = await next;
    assert.equal(parseSdp(offer2).media.map((m) => [m.mid, m.kind]), [['0', 'application'], ['1', 'audio'], ['2', 'video']]);
    await sub.subscriberAnswer(fakeAnswer(offer2));
    assert.is(sub.subscriptions.size, 2);
  } finally { await engine.close(); }
});

test('without subscriberPrimary: no offer at join, and offers carry no data m-line', async () => {
  const engine = await Engine.create({ workers: 0 });
  try {
    const room = await engine.createRoom('d2');
    const sub = await room.join({ identity: 'sub' });
    let offers = 0;
    sub.on('subscriberOffer', () => offers++);
    await new Promise((r) => setTimeout(r, 50));
    assert.is(offers, 0);
    const pub = await room.join({ identity: 'pub' });
    const next = sub.wait('subscriberOffer', 2000);
    await pub.publisherOffer(chromiumOffer());
    const [offer] = await next;
    assert.equal(parseSdp(offer).media.map((m) => m.kind), ['audio', 'video']);
  } finally { await engine.close(); }
});

test('a client that rejects the data m-line (port 0, no transport): its later answer still sets the ICE credentials', async () => {
  const engine = await Engine.create({ workers: 0 });
  try {
    const room = await engine.createRoom('d3');
    const sub = await room.join({ identity: 'sub', subscriberPrimary: true });
    const [offer] = await sub.wait('subscriberOffer', 2000);
    const rejected = fakeAnswer(offer).replace('m=application 9 ', 'm=application 0 ').replace(/a=group:BUNDLE 0\r\n/, '')
      .split('\r\n').filter((l) => !/^a=(ice-ufrag|ice-pwd|fingerprint|setup):/.test(l)).join('\r\n');
    await sub.subscriberAnswer(rejected);
    // Spy on what the transport was given: the rejected answer must not have set empty credentials.
    const host = (room.channel as unknown as { host: { rooms: Map<string, { participants: Map<string, { subscriber: { transport?: { ice: { setRemoteCredentials(u: string, p: string): void } } } }> }> } }).host;
    const t = host.rooms.get('d3')!.participants.get(sub.sid)!.subscriber.transport!;
    const given: string[] = [];
    const orig = t.ice.setRemoteCredentials.bind(t.ice);
    t.ice.setRemoteCredentials = (u, p) => { given.push(u); orig(u, p); };
    const pub = await room.join({ identity: 'pub' });
    const next = sub.wait('subscriberOffer', 2000);
    await pub.publisherOffer(chromiumOffer());
    await sub.subscriberAnswer(fakeAnswer((await next)[0]));
    assert.is(sub.subscriptions.size, 2);
    assert.equal(given, ['CLNT'], 'the first answer with a transport set the client ufrag');
  } finally { await engine.close(); }
});

test.run();
