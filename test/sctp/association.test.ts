// The association against itself on a simulated path: handshake in both roles and with
// an INIT collision, fragmentation/reassembly, ordered/unordered, loss and reordering
// (every reliable message intact and in order), partial reliability, stream reset,
// shutdown, abort, limits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Sim, pair } from './sim.js';
import { SctpError } from '../../src/sctp/errors.js';
import { DROP_REASONS, Drop } from '../../src/sctp/constants.js';

const msgs = (a: { onMessage: (s: number, p: number, d: Buffer) => void }) => {
  const got: { s: number; p: number; d: Buffer }[] = [];
  a.onMessage = (s, p, d) => got.push({ s, p, d });
  return got;
};
const pattern = (n: number, seed: number) => { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7) & 0xff; return b; };

test('handshake: one side connects, the other answers statelessly', async () => {
  const sim = new Sim(1);
  const { a, b } = pair(sim);
  a.connect();
  assert.ok(await sim.run(() => a.established && b.established, 5000));
  assert.is(a.peerTag, b.localTag);
  assert.is(b.peerTag, a.localTag);
  assert.ok(a.forwardTsn && a.reconfig && b.forwardTsn && b.reconfig);
  assert.is(a.outboundStreams, 1024);
});

test('handshake: INIT collision (both connect at once) establishes one association', async () => {
  const sim = new Sim(2);
  const { a, b } = pair(sim);
  a.connect(); b.connect();
  assert.ok(await sim.run(() => a.established && b.established, 5000));
  assert.is(a.peerTag, b.localTag);
  assert.is(b.peerTag, a.localTag);
  const got = msgs(b);
  a.send(1, 51, Buffer.from('after collision'));
  assert.ok(await sim.run(() => got.length === 1, 5000));
  assert.is(got[0].d.toString(), 'after collision');
});

test('handshake survives a lost INIT, INIT ACK and COOKIE ECHO (T1 retransmits)', async () => {
  const sim = new Sim(3);
  let dropped = 0;
  const { a, b } = pair(sim, { drop: (pkt) => { const t = pkt[12]; if ((t === 1 || t === 2 || t === 10) && dropped < 3 && (dropped++, true)) return true; return false; } });
  a.connect();
  assert.ok(await sim.run(() => a.established && b.established, 30_000));
  assert.is(dropped, 3);
});

test('fragmentation: messages up to 256 KiB arrive whole, in order, with their PPID', async () => {
  const sim = new Sim(4);
  const { a, b } = pair(sim, {}, { remoteMaxMessageSize: 262144 });
  a.connect();
  await sim.run(() => a.established && b.established);
  const got = msgs(b);
  const sizes = [1, 1111, 1112, 1113, 5000, 65536, 262144]; // 1112 = one full fragment at the default mtu
  sizes.forEach((n, i) => a.send(3, 53, pattern(n, i)));
  assert.ok(await sim.run(() => got.length === sizes.length, 60_000), `got ${got.length}`);
  got.forEach((m, i) => { assert.is(m.s, 3); assert.is(m.p, 53); assert.ok(m.d.equals(pattern(sizes[i], i)), `message ${i}`); });
});

test('a message above the peer\'s max-message-size is refused at send()', async () => {
  const sim = new Sim(5);
  const { a } = pair(sim, {}, { remoteMaxMessageSize: 1000 });
  try { a.send(0, 53, Buffer.alloc(1001)); assert.unreachable(); } catch (e) { assert.instance(e, SctpError); assert.is((e as SctpError).code, 'message-too-large'); }
});

test('a peer exceeding our max-message-size gets the association aborted, counted', async () => {
  const sim = new Sim(6);
  const { a, b } = pair(sim, {}, { remoteMaxMessageSize: 0 }, { maxMessageSize: 10_000 });
  a.connect();
  await sim.run(() => a.established && b.established);
  let bErr: SctpError | null | undefined;
  b.onClose = (e) => { bErr = e; };
  a.send(0, 53, Buffer.alloc(20_000));
  assert.ok(await sim.run(() => a.closed && b.closed, 10_000));
  assert.is(bErr?.code, 'receive-buffer-full');
  assert.is(a.closedReason?.code, 'peer-abort');
  assert.ok(b.stats.drops[Drop.ReceiveBufferFull] >= 1);
});

test('10% loss + reordering both ways: every reliable message arrives intact and in order', async () => {
  const sim = new Sim(7);
  const { a, b } = pair(sim, { loss: 0.1, delayMs: 20, jitterMs: 15 }, { remoteMaxMessageSize: 0 });
  a.connect();
  assert.ok(await sim.run(() => a.established && b.established, 30_000));
  const got = msgs(b);
  const back = msgs(a);
  const N = 400;
  for (let i = 0; i < N; i++) a.send(1, 53, pattern(i % 7 === 0 ? 3000 + i : 10 + i, i));
  for (let i = 0; i < 50; i++) b.send(2, 51, Buffer.from(`reply ${i}`));
  assert.ok(await sim.run(() => got.length === N && back.length === 50, 600_000), `got ${got.length}/${N}, back ${back.length}`);
  for (let i = 0; i < N; i++) assert.ok(got[i].d.equals(pattern(i % 7 === 0 ? 3000 + i : 10 + i, i)), `message ${i}`);
  back.forEach((m, i) => assert.is(m.d.toString(), `reply ${i}`));
  assert.ok(a.stats.retransmits > 0, 'loss caused retransmissions');
  assert.ok(a.stats.fastRetransmits > 0, 'some were fast retransmits');
  assert.ok(b.stats.duplicateTsns >= 0);
});

test('unordered messages are delivered as they complete, not held behind a lost one', async () => {
  const sim = new Sim(8);
  let n = 0;
  // Drop the first DATA packet once: later unordered messages must still arrive first.
  const { a, b } = pair(sim, { drop: (pkt, fromA) => fromA && pkt[12] === 0 && n++ === 0 });
  a.connect();
  await sim.run(() => a.established && b.established);
  const got = msgs(b);
  a.send(4, 51, Buffer.from('u0'), { ordered: false });
  await sim.run(() => false, sim.now + 1);
  for (let i = 1; i < 5; i++) a.send(4, 51, Buffer.from(`u${i}`), { ordered: false });
  assert.ok(await sim.run(() => got.length === 5, 20_000));
  assert.equal(got.map((m) => m.d.toString()), ['u1', 'u2', 'u3', 'u4', 'u0']);
});

test('maxRetransmits 0 under loss: lost messages are abandoned (FORWARD TSN), never retransmitted, the rest flow', async () => {
  const sim = new Sim(9);
  let dataPackets = 0;
  // Every 5th DATA packet from a is lost (SACKs and FORWARD TSNs pass).
  const { a, b } = pair(sim, { delayMs: 10, drop: (pkt, fromA) => fromA && pkt[12] === 0 && ++dataPackets % 5 === 0 });
  a.connect();
  assert.ok(await sim.run(() => a.established && b.established, 30_000));
  const got = msgs(b);
  const N = 300;
  for (let i = 0; i < N; i++) sim.at(sim.now + 2 * i, () => a.send(5, 51, Buffer.from(`m${i}`), { ordered: false, maxRetransmits: 0 }));
  await sim.run(() => false, sim.now + 2 * N);
  // A reliable marker after them proves the association moved on.
  let marker = false;
  b.onMessage = (s, p, d) => { if (s === 6) marker = true; else got.push({ s, p, d }); };
  a.send(6, 51, Buffer.from('marker'));
  assert.ok(await sim.run(() => marker && a.sender.outstanding === 0, 120_000), `outstanding ${a.sender.outstanding}`);
  assert.ok(got.length < N && got.length > N * 0.6, `delivered ${got.length} of ${N}`);
  assert.ok(a.stats.abandonedMessages > 0);
  assert.is(a.stats.abandonedMessages + got.length, N, 'each message delivered or abandoned, exactly');
  assert.is(a.stats.retransmits, 0, 'nothing retransmitted (the marker got through first time)');
  const seen = new Set(got.map((m) => m.d.toString()));
  assert.is(seen.size, got.length, 'no duplicates');
});

test('maxPacketLifeTime: messages that cannot get through in time are abandoned', async () => {
  const sim = new Sim(10);
  let block = true;
  const { a, b } = pair(sim, { drop: (pkt, fromA) => fromA && pkt[12] === 0 && block });
  a.connect();
  await sim.run(() => a.established && b.established);
  const got = msgs(b);
  a.send(7, 51, Buffer.from('late'), { maxPacketLifeTime: 500 });
  await sim.run(() => false, sim.now + 3000);
  block = false;
  a.send(7, 51, Buffer.from('fresh'), { maxPacketLifeTime: 500 });
  assert.ok(await sim.run(() => got.length === 1 && a.sender.outstanding === 0, sim.now + 20_000));
  assert.is(got[0].d.toString(), 'fresh');
  assert.is(a.stats.abandonedMessages, 1);
});

test('stream reset closes one stream both ways; SSNs restart at 0; other streams unaffected', async () => {
  const sim = new Sim(11);
  const { a, b } = pair(sim);
  a.connect();
  await sim.run(() => a.established && b.established);
  const got = msgs(b);
  a.send(2, 51, Buffer.from('one'));
  a.send(2, 51, Buffer.from('two'));
  a.send(4, 51, Buffer.from('other'));
  let bIncoming: number[] = [];
  let aOutgoing: number[] = [];
  b.onIncomingReset = (s) => { bIncoming = s; b.resetStreams(s); };
  a.onOutgoingReset = (s) => { aOutgoing = s; };
  let aIncoming: number[] = [];
  a.onIncomingReset = (s) => { aIncoming = s; };
  a.resetStreams([2]);
  assert.ok(await sim.run(() => aOutgoing.length > 0 && aIncoming.length > 0, 10_000));
  assert.equal(bIncoming, [2]);
  assert.equal(aIncoming, [2]);
  assert.equal(got.map((m) => m.d.toString()).sort(), ['one', 'other', 'two']);
  a.send(2, 51, Buffer.from('reopened'));
  assert.ok(await sim.run(() => got.length === 4, 10_000));
  assert.is(got[3].d.toString(), 'reopened');
});

test('graceful shutdown delivers queued data, then both close with no error', async () => {
  const sim = new Sim(12);
  const { a, b } = pair(sim, { loss: 0.05 });
  a.connect();
  await sim.run(() => a.established && b.established, 30_000);
  const got = msgs(b);
  for (let i = 0; i < 20; i++) a.send(0, 51, Buffer.from(`bye ${i}`));
  a.shutdown();
  assert.ok(await sim.run(() => a.closed && b.closed, 120_000), `${a.state} ${b.state}`);
  assert.is(got.length, 20);
  assert.is(a.closedReason, null);
  assert.is(b.closedReason, null);
  try { a.send(0, 51, Buffer.from('x')); assert.unreachable(); } catch (e) { assert.is((e as SctpError).code, 'invalid-state'); }
});

test('abort: the peer closes with peer-abort', async () => {
  const sim = new Sim(13);
  const { a, b } = pair(sim);
  a.connect();
  await sim.run(() => a.established && b.established);
  a.abort('done');
  assert.ok(await sim.run(() => b.closed, 5000));
  assert.is(b.closedReason?.code, 'peer-abort');
});

test('dead peer: retransmissions give up with max-retransmits', async () => {
  const sim = new Sim(14);
  let cut = false;
  const { a, b } = pair(sim, { drop: () => cut }, { maxRetransmissions: 4 });
  a.connect();
  await sim.run(() => a.established && b.established);
  cut = true;
  a.send(0, 51, Buffer.from('into the void'));
  assert.ok(await sim.run(() => a.closed, 600_000));
  assert.is(a.closedReason?.code, 'max-retransmits');
});

test('send buffer limit: send() throws send-buffer-full instead of growing', async () => {
  const sim = new Sim(15);
  const { a } = pair(sim, {}, { sendBufferBytes: 10_000 });
  a.send(0, 53, Buffer.alloc(6000));
  try { a.send(0, 53, Buffer.alloc(6000)); assert.unreachable(); } catch (e) { assert.is((e as SctpError).code, 'send-buffer-full'); }
});

test('packets for another association or with bad checksums are counted and dropped', async () => {
  const sim = new Sim(16);
  const { a, b } = pair(sim);
  a.connect();
  await sim.run(() => a.established && b.established);
  const pkt = Buffer.alloc(32);
  pkt.writeUInt16BE(5000, 0); pkt.writeUInt16BE(5000, 2); pkt.writeUInt32BE(12345, 4);
  b.handlePacket(pkt);
  assert.is(b.stats.drops[Drop.BadChecksum], 1);
  b.handlePacket(Buffer.alloc(3));
  assert.is(b.stats.drops[Drop.TooShort], 1);
  assert.ok(b.established);
  assert.is(DROP_REASONS[Drop.BadChecksum], 'bad-checksum');
});

test('no state for an INIT: a flood of INITs leaves the listener closed', async () => {
  const sim = new Sim(17);
  const { a, b } = pair(sim);
  for (let i = 0; i < 100; i++) a.connect();
  await sim.run(() => b.stats.packetsSent >= 1, 1000);
  assert.is(b.state, 'closed', 'the answering side has no state until COOKIE ECHO');
});

test.run();
