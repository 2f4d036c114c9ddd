// DataPacket routing through the engine with node-datachannel clients (usrsctp, an SCTP
// stack nobody here wrote), in the single peer connection mode: what livekit-client cannot
// do on purpose — spoofed sender fields, malformed packets, replayed sequences, client
// speaker updates — and 10 % loss on a loopback proxy in front of one client: reliable
// data arrives complete and in order both ways, lossy data loses some and never waits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import * as lk from '@livekit/protocol';
import nodeDataChannel from 'node-datachannel';
import { Engine, type Room } from '../../src/engine/index.js';
import { joinWithNodeDataChannel, type NdcParticipant } from '../peers/ndc-participant.js';
import { UdpImpairmentProxy } from '../netem/udp-proxy.js';
import { sleep } from '../peers/paths.js';

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}
const user = (text: string, o: Partial<lk.DataPacket> = {}) =>
  Buffer.from(new lk.DataPacket({ ...o, value: { case: 'user', value: new lk.UserPacket({ payload: Buffer.from(text), participantIdentity: 'mallory', participantSid: 'PA_mallory' }) } }).toBinary());
const texts = (p: NdcParticipant, kind?: string) => p.received.filter((r) => !kind || r.kind === kind).map((r) => {
  const d = lk.DataPacket.fromBinary(r.packet);
  return d.value.case === 'user' ? Buffer.from(d.value.value.payload).toString() : `<${d.value.case}>`;
});
async function until(ok: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await sleep(20);
  if (!ok()) throw new Error(`${what} not within ${ms} ms`);
}

let engine: Engine;
let port: number;
test.before(async () => {
  port = await freePort();
  engine = await Engine.create({ workers: 1, port });
});
// node-datachannel's threads keep the process alive until cleanup().
test.after(async () => { nodeDataChannel.cleanup(); await engine?.close(); });

test('the server stamps the sender, drops malformed/replayed/speaker packets, and the association survives them', async () => {
  const room = await engine.createRoom('ndc-1');
  const [a, b, c] = [await joinWithNodeDataChannel(room, 'a'), await joinWithNodeDataChannel(room, 'b'), await joinWithNodeDataChannel(room, 'c')];
  try {
    a.reliable.sendMessageBinary(user('spoofed', { participantIdentity: 'mallory', participantSid: 'PA_mallory' }));
    await until(() => b.received.length > 0 && c.received.length > 0, 'first packet');
    for (const p of [b, c]) {
      const d = lk.DataPacket.fromBinary(p.received[0]!.packet);
      assert.is(d.participantIdentity, 'a', 'stamped by the server');
      assert.is(d.participantSid, a.participant.sid);
      assert.is((d.value.value as lk.UserPacket).participantIdentity, 'a');
      assert.is((d.value.value as lk.UserPacket).participantSid, a.participant.sid);
    }
    a.reliable.sendMessageBinary(Buffer.from([0x12, 0x40, 0x01])); // length past the end
    a.reliable.sendMessageBinary(Buffer.from(new lk.DataPacket({ value: { case: 'speaker', value: new lk.ActiveSpeakerUpdate({ speakers: [new lk.SpeakerInfo({ sid: 'PA_x', level: 1, active: true })] }) } }).toBinary()));
    a.reliable.sendMessageBinary(user('seq-5', { sequence: 5 }));
    a.reliable.sendMessageBinary(user('seq-5-again', { sequence: 5 }));
    a.reliable.sendMessageBinary(user('seq-4', { sequence: 4 }));
    a.reliable.sendMessageBinary(user('seq-6', { sequence: 6, destinationIdentities: ['c'] }));
    await until(() => texts(c).includes('seq-6'), 'seq-6 at c');
    await sleep(200);
    assert.equal(texts(c), ['spoofed', 'seq-5', 'seq-6']);
    assert.equal(texts(b), ['spoofed', 'seq-5'], 'b is not a destination of seq-6');
    const st = (await a.participant.stats()).data!;
    assert.equal([st.received, st.forwarded, st.malformed, st.notForwarded, st.outOfOrder], [7, 3, 1, 1, 2]);
    // Still up: a's channel keeps working after the malformed packet.
    b.lossy.sendMessageBinary(user('after'));
    await until(() => texts(a).includes('after'), 'b -> a after the bad packets');
    assert.is(a.received.find((r) => r.kind === 'lossy') !== undefined, true, 'lossy came on _lossy');
  } finally {
    for (const p of [a, b, c]) p.close();
    await room.close();
  }
});

test('10 % loss both ways on one client: reliable complete and in order both ways, lossy loses some without blocking', async () => {
  const proxy = await UdpImpairmentProxy.start({ upstreamPort: port, seed: 7, toUpstream: { lossPct: 10 }, toClient: { lossPct: 10 } });
  const room = await engine.createRoom('ndc-loss');
  const lossyP = await joinWithNodeDataChannel(room, 'lossy-link', { publisherCandidate: { address: '127.0.0.1', port: proxy.port }, timeoutMs: 20_000 });
  const clean = await joinWithNodeDataChannel(room, 'clean');
  const N = 300;
  try {
    const t0 = performance.now();
    for (let i = 0; i < N; i++) lossyP.reliable.sendMessageBinary(user(`up-${i}`, { sequence: i + 1 }));
    for (let i = 0; i < N; i++) clean.reliable.sendMessageBinary(user(`down-${i}`, { sequence: i + 1 }));
    await until(() => texts(clean, 'reliable').length === N && texts(lossyP, 'reliable').length === N, 'all reliable', 30_000);
    const reliableMs = performance.now() - t0;
    assert.equal(texts(clean, 'reliable'), Array.from({ length: N }, (_, i) => `up-${i}`));
    assert.equal(texts(lossyP, 'reliable'), Array.from({ length: N }, (_, i) => `down-${i}`));

    for (let i = 0; i < N; i++) { lossyP.lossy.sendMessageBinary(user(`lu-${i}`)); if (i % 20 === 19) await sleep(5); }
    for (let i = 0; i < N; i++) { clean.lossy.sendMessageBinary(user(`ld-${i}`)); if (i % 20 === 19) await sleep(5); }
    await sleep(1500);
    const up = texts(clean, 'lossy'), down = texts(lossyP, 'lossy');
    console.log(`data over 10% loss: ${N}+${N} reliable in order in ${reliableMs.toFixed(0)} ms; lossy up ${up.length}/${N}, down ${down.length}/${N}; proxy dropped ${proxy.stats().toUpstream.droppedLoss} up, ${proxy.stats().toClient.droppedLoss} down`);
    for (const got of [up, down]) {
      assert.ok(got.length < N, `lossy lost some (${got.length}/${N})`);
      assert.ok(got.length > N * 0.6, `lossy delivered most (${got.length}/${N})`);
      assert.is(new Set(got).size, got.length, 'no duplicates');
    }
  } finally {
    lossyP.close(); clean.close();
    await room.close();
    await proxy.close();
  }
});

test.run();
