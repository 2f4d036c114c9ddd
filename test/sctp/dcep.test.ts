// DCEP (RFC 8832) codec and the DataChannel API between two of our endpoints: every
// channel type round-trips, malformed OPENs are counted, pre-negotiated channels, stream
// parity by DTLS role, bufferedAmount and 'bufferedamountlow', close by stream reset.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ChannelType, decodeOpen, encodeOpen } from '../../src/sctp/dcep.js';
import { DataChannelEndpoint } from '../../src/sctp/endpoint.js';
import type { DataChannel } from '../../src/sctp/data-channel.js';
import { SctpError } from '../../src/sctp/errors.js';
import { Sim } from './sim.js';

test('DATA_CHANNEL_OPEN: RFC 8832 §5.1 layout and every channel type round-trips', () => {
  const b = encodeOpen({ label: 'chat', protocol: 'json', ordered: false, maxRetransmits: 3, maxPacketLifeTime: null, priority: 256 });
  assert.is(b.toString('hex'), '03' + '81' + '0100' + '00000003' + '0004' + '0004' + Buffer.from('chatjson').toString('hex'));
  const cases = [
    [true, null, null, ChannelType.Reliable], [false, null, null, ChannelType.ReliableUnordered],
    [true, 0, null, ChannelType.PartialReliableRexmit], [false, 5, null, ChannelType.PartialReliableRexmitUnordered],
    [true, null, 150, ChannelType.PartialReliableTimed], [false, null, 0, ChannelType.PartialReliableTimedUnordered],
  ] as const;
  for (const [ordered, maxRetransmits, maxPacketLifeTime, type] of cases) {
    const p = { label: 'ラベル', protocol: '', ordered, maxRetransmits, maxPacketLifeTime, priority: 512 };
    const e = encodeOpen(p);
    assert.is(e[1], type);
    assert.equal(decodeOpen(e), p);
  }
  assert.is(decodeOpen(b.subarray(0, 11)), null);
  assert.is(decodeOpen(Buffer.concat([b, Buffer.from([0])])), null, 'length fields must cover the message');
  const bad = Buffer.from(b); bad[1] = 0x03;
  assert.is(decodeOpen(bad), null, 'unknown reliability policy');
});

function endpoints(sim: Sim) {
  const mk = (role: 'client' | 'server', peer: () => DataChannelEndpoint): DataChannelEndpoint => {
    const e: DataChannelEndpoint = new DataChannelEndpoint({
      dtlsRole: role,
      now: () => sim.now,
      schedule: (d) => sim.at(d, () => e.sctp.poll(sim.now)),
      output: (buf, len) => { const c = Buffer.from(buf.subarray(0, len)); sim.at(sim.now + 5, () => peer().handlePacket(c)); },
    });
    return e;
  };
  const c: DataChannelEndpoint = mk('client', () => s);
  const s: DataChannelEndpoint = mk('server', () => c);
  return { c, s };
}

test('channels from each side: parity by DTLS role, label/protocol/reliability carried, messages both ways', async () => {
  const sim = new Sim(21);
  const { c, s } = endpoints(sim);
  const atS: DataChannel[] = [];
  const atC: DataChannel[] = [];
  s.on('datachannel', (ch) => atS.push(ch));
  c.on('datachannel', (ch) => atC.push(ch));
  const a = c.createDataChannel('a', { protocol: 'p1', ordered: false, maxRetransmits: 2 });
  const b = s.createDataChannel('b', { maxPacketLifeTime: 300 });
  c.connect(); s.connect();
  assert.ok(await sim.run(() => atS.length === 1 && atC.length === 1 && a.readyState === 'open' && b.readyState === 'open', 10_000));
  assert.is(a.id % 2, 0);
  assert.is(b.id % 2, 1);
  assert.equal([atS[0].id, atS[0].label, atS[0].protocol, atS[0].ordered, atS[0].maxRetransmits], [a.id, 'a', 'p1', false, 2]);
  assert.equal([atC[0].id, atC[0].label, atC[0].maxPacketLifeTime, atC[0].ordered], [b.id, 'b', 300, true]);
  const got: (string | Buffer)[] = [];
  atS[0].on('message', (m) => got.push(m));
  a.send('hi'); a.send(Buffer.from([1, 2])); a.send(''); a.send(new Uint8Array(0));
  assert.ok(await sim.run(() => got.length === 4, 5000));
  assert.equal(got.slice(0, 3), ['hi', Buffer.from([1, 2]), '']);
  assert.ok(Buffer.isBuffer(got[3]) && got[3].length === 0);
});

test('pre-negotiated channels open on both sides without DCEP', async () => {
  const sim = new Sim(22);
  const { c, s } = endpoints(sim);
  let announced = 0;
  s.on('datachannel', () => announced++);
  const x = c.createDataChannel('n', { negotiated: true, id: 7 });
  const y = s.createDataChannel('n', { negotiated: true, id: 7 });
  c.connect();
  assert.ok(await sim.run(() => x.readyState === 'open' && y.readyState === 'open', 5000));
  const got: string[] = [];
  y.on('message', (m) => got.push(String(m)));
  x.send('negotiated');
  assert.ok(await sim.run(() => got.length === 1, 5000));
  assert.is(got[0], 'negotiated');
  assert.is(announced, 0);
  try { c.createDataChannel('dup', { negotiated: true, id: 7 }); assert.unreachable(); } catch (e) { assert.is((e as SctpError).code, 'invalid-argument'); }
});

test('bufferedAmount rises on send and falls as data leaves; bufferedamountlow fires once crossing the threshold', async () => {
  const sim = new Sim(23);
  const { c, s } = endpoints(sim);
  const ch = c.createDataChannel('bulk');
  c.connect();
  await sim.run(() => ch.readyState === 'open' && s.channels.size === 1, 5000);
  ch.bufferedAmountLowThreshold = 10_000;
  let lows = 0;
  ch.on('bufferedamountlow', () => lows++);
  for (let i = 0; i < 50; i++) ch.send(Buffer.alloc(1000));
  assert.is(ch.bufferedAmount, 50_000);
  assert.ok(await sim.run(() => ch.bufferedAmount === 0, 20_000));
  assert.is(lows, 1);
});

test('close from either side resets the stream; both ends see close; send after close throws', async () => {
  const sim = new Sim(24);
  const { c, s } = endpoints(sim);
  const atS: DataChannel[] = [];
  s.on('datachannel', (ch) => atS.push(ch));
  const ch = c.createDataChannel('x');
  c.connect();
  await sim.run(() => atS.length === 1 && ch.readyState === 'open', 5000);
  let closes = 0;
  ch.on('close', () => closes++);
  atS[0].on('close', () => closes++);
  ch.close();
  assert.ok(await sim.run(() => closes === 2, 10_000));
  assert.is(ch.readyState, 'closed');
  try { ch.send('late'); assert.unreachable(); } catch (e) { assert.is((e as SctpError).code, 'invalid-state'); }
  // The stream id is free again.
  const again = c.createDataChannel('y', { id: ch.id });
  assert.ok(await sim.run(() => atS.length === 2, 5000));
  assert.is(atS[1].label, 'y');
  assert.is(again.id, ch.id);
});

test('association end closes every channel', async () => {
  const sim = new Sim(25);
  const { c, s } = endpoints(sim);
  const ch = c.createDataChannel('x');
  c.connect();
  await sim.run(() => ch.readyState === 'open' && s.channels.size === 1, 5000);
  const remote = [...s.channels.values()][0];
  let closed = 0;
  ch.on('close', () => closed++);
  remote.on('close', () => closed++);
  c.close();
  assert.ok(await sim.run(() => closed === 2, 5000));
});

test.run();
