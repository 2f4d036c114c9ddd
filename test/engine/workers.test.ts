import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine } from '../../src/engine/index.js';
import { parseSdp } from '../../src/sdp/index.js';
import { chromiumOffer, fakeAnswer, rejectsWith } from './fake-client.js';

test('two media workers: own ports, rooms on the least-loaded, control over the port, typed errors, close ends the threads', async () => {
  const engine = await Engine.create({ workers: 2 });
  assert.is(engine.workerCount, 2);
  const [p0, p1] = engine.ports;
  assert.ok(p0! > 0 && p1! > 0 && p0 !== p1, `ports ${engine.ports}`);
  const exits: number[] = [];
  for (const w of engine.workers) w.once('exit', (c) => exits.push(c));

  const a = await engine.createRoom('a');
  await a.join({ identity: 'x' });
  const b = await engine.createRoom('b');
  assert.is.not(a.channel, b.channel, 'second room on the other (empty) worker');
  assert.is.not(a.channel.port, b.channel.port);

  // Signaling crosses the MessagePort: the answer names the worker's own port.
  const sub = await b.join({ identity: 'sub' });
  const pub = await b.join({ identity: 'pub' });
  const offerWait = sub.wait('subscriberOffer', 5000);
  const answer = parseSdp(await pub.publisherOffer(chromiumOffer()));
  assert.is(answer.media[0]!.candidates[0]!.port, b.channel.port);
  const [offer] = await offerWait;
  assert.is(parseSdp(offer).media[0]!.candidates[0]!.port, b.channel.port);
  const subscribed = sub.wait('trackSubscribed', 5000);
  await sub.subscriberAnswer(fakeAnswer(offer));
  await subscribed;
  assert.is((await sub.stats()).downTracks.length, 2);

  await rejectsWith(pub.publisherOffer('garbage'), 'bad-sdp');
  await rejectsWith(sub.subscriberAnswer(fakeAnswer(offer)), 'invalid-state');

  await engine.close();
  assert.equal(exits.length, 2, 'both worker threads exited');
  assert.ok(engine.workers.every((w) => w.threadId === -1));
  await rejectsWith(sub.stats(), 'closed');
});

test('a worker that dies closes its rooms once, later rooms go to the live worker, close() still works', async () => {
  const engine = await Engine.create({ workers: 2 });
  const a = await engine.createRoom('a');
  const pa = await a.join({ identity: 'x' });
  const b = await engine.createRoom('b');
  const pb = await b.join({ identity: 'y' });
  assert.is.not(a.channel, b.channel);
  const died: number[] = [];
  engine.on('workerDied', (e, port) => { assert.is(e.code, 'worker-died'); died.push(port); });
  const closed = a.wait('closed', 5000);
  const victim = engine.workers.find((w) => w.threadId !== -1 && (a.channel as unknown as { worker: unknown }).worker === w)!;
  await victim.terminate();
  await closed;
  assert.equal(died, [a.channel.port]);
  assert.ok(pa.left);
  assert.not.ok(pb.left, 'the other worker\'s room is untouched');
  assert.is(engine.room('a'), undefined);
  await rejectsWith(pa.stats(), 'closed');
  const c = await engine.createRoom('c');
  assert.is(c.channel, b.channel, 'new rooms avoid the dead worker');
  await engine.close();
  assert.is(died.length, 1);
});

test.run();
