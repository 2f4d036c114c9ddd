// The recvmmsg backend over real loopback sockets: bursts arrive byte-exact, in order per
// sender, with dgram's address strings, in fewer JavaScript calls than datagrams;
// oversized datagrams are counted and dropped; stop() really releases the port; bad
// arguments to the addon throw clear errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket, type SocketType } from 'node:dgram';
import { NativeReceiver, UdpMux, loadUdpSendAddon, type UdpSendAddon } from '../../src/net/index.js';

const addon = loadUdpSendAddon();

async function bound(type: SocketType, host: string, port = 0): Promise<Socket | undefined> {
  const s = createSocket(type);
  return new Promise((resolve) => {
    s.once('error', () => { s.close(); resolve(undefined); });
    s.bind(port, host, () => resolve(s));
  });
}

async function until(cond: () => boolean, what: string, ms = 3000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const sendAll = (s: Socket, ps: Buffer[], port: number, host: string) =>
  Promise.all(ps.map((p) => new Promise<void>((r, j) => s.send(p, port, host, (e) => (e ? j(e) : r())))));

type Got = { data: Buffer; address: string; port: number; family: number };

function receiver(s: Socket, slotSize?: number) {
  const got: Got[] = [];
  const r = new NativeReceiver(addon!, s, (msg, len, address, port, family) => {
    got.push({ data: Buffer.from(msg.subarray(0, len)), address, port, family });
  }, () => performance.now(), slotSize);
  return { r, got };
}

test('the addon can receive', () => {
  assert.ok(NativeReceiver.supported(addon), 'udp_send addon not built or without recvStart');
});

test('IPv4: 3 senders x 150 datagrams of 1..1400 B arrive byte-exact, in order, batched, with dgram addresses', async () => {
  const sink = (await bound('udp4', '127.0.0.1'))!;
  sink.setRecvBufferSize(4 * 1024 * 1024);
  const { r, got } = receiver(sink);
  let dgramSaw = 0;
  sink.on('message', () => dgramSaw++);
  const senders = [await bound('udp4', '127.0.0.1'), await bound('udp4', '127.0.0.1'), await bound('udp4', '127.0.0.1')].map((s) => s!);
  try {
    const want = senders.map((_, i) => Array.from({ length: 150 }, (_, k) => {
      const b = Buffer.alloc(1 + ((k * 131 + i * 17) % 1400), (k + i) & 0xff);
      b[0] = i;
      return b;
    }));
    await Promise.all(senders.map((s, i) => sendAll(s, want[i], sink.address().port, '127.0.0.1')));
    await until(() => got.length === 450, `450 datagrams (got ${got.length})`);
    for (let i = 0; i < 3; i++) {
      const mine = got.filter((g) => g.port === senders[i].address().port);
      assert.is(mine.length, 150);
      mine.forEach((g, k) => {
        assert.ok(g.data.equals(want[i][k]), `sender ${i} datagram ${k}`);
        assert.is(g.address, '127.0.0.1');
        assert.is(g.family, 4);
      });
    }
    assert.is(dgramSaw, 0, 'dgram no longer reads the socket');
    assert.is(r.stats.datagrams, 450);
    assert.ok(r.stats.batches < 450, `batched: ${r.stats.batches} calls for 450 datagrams`);
    console.log(`  450 datagrams in ${r.stats.batches} batches`);
  } finally {
    r.stop();
    sink.close();
    for (const s of senders) s.close();
  }
});

test('IPv6 ::1 and v4-mapped addresses are named as dgram names them', async () => {
  const sink6 = await bound('udp6', '::1');
  if (!sink6) {
    console.log('  (no ::1 here: skipped)');
    return;
  }
  const s6 = (await bound('udp6', '::1'))!;
  const mapped = (await bound('udp6', '::ffff:127.0.0.1'))!;
  const s4 = (await bound('udp4', '127.0.0.1'))!;
  const a = receiver(sink6);
  const b = receiver(mapped);
  // What dgram itself reports for the same traffic, for comparison.
  const ref = (await bound('udp6', '::1'))!;
  const refGot: string[] = [];
  ref.on('message', (_m, ri) => refGot.push(`${ri.address} ${ri.family}`));
  try {
    await sendAll(s6, [Buffer.from('six'), Buffer.from('six2')], sink6.address().port, '::1');
    await sendAll(s6, [Buffer.from('ref')], ref.address().port, '::1');
    await sendAll(s4, [Buffer.from('four')], mapped.address().port, '127.0.0.1');
    await until(() => a.got.length === 2 && b.got.length === 1 && refGot.length === 1, 'v6 datagrams');
    assert.equal(a.got.map((g) => `${g.data} ${g.address} ${g.family} ${g.port}`), [`six ::1 6 ${s6.address().port}`, `six2 ::1 6 ${s6.address().port}`]);
    assert.is(refGot[0], '::1 IPv6');
    assert.equal(b.got.map((g) => `${g.data} ${g.address} ${g.family}`), ['four ::ffff:127.0.0.1 6']);
  } finally {
    a.r.stop();
    b.r.stop();
    for (const s of [sink6, s6, mapped, s4, ref]) s.close();
  }
});

test('a datagram larger than its slot is counted and dropped; the next ones arrive', async () => {
  const sink = (await bound('udp4', '127.0.0.1'))!;
  const { r, got } = receiver(sink, 512);
  const s = (await bound('udp4', '127.0.0.1'))!;
  try {
    await sendAll(s, [Buffer.alloc(100, 1), Buffer.alloc(513, 2), Buffer.alloc(512, 3)], sink.address().port, '127.0.0.1');
    await until(() => got.length === 2 && r.stats.truncated === 1, 'two datagrams and one truncation');
    assert.equal(got.map((g) => g.data.length), [100, 512]);
  } finally {
    r.stop();
    sink.close();
    s.close();
  }
});

test('UdpMux on native receive: close releases the port (the dup of the fd is closed too)', async () => {
  const mux = new UdpMux({ recvBackend: 'native' });
  const port = await mux.listen();
  assert.is(mux.recvBackend, 'native');
  mux.close();
  const again = await bound('udp4', '127.0.0.1', port);
  assert.ok(again, `port ${port} still taken after close`);
  again!.close();
});

test('stop from inside the batch callback, and twice, is safe', async () => {
  const sink = (await bound('udp4', '127.0.0.1'))!;
  let calls = 0;
  const r: NativeReceiver = new NativeReceiver(addon!, sink, () => { calls++; r.stop(); }, () => 0);
  const s = (await bound('udp4', '127.0.0.1'))!;
  try {
    await sendAll(s, Array.from({ length: 20 }, () => Buffer.from('x')), sink.address().port, '127.0.0.1');
    await until(() => calls > 0, 'first datagram');
    await new Promise((res) => setTimeout(res, 30));
    assert.ok(calls <= 20, `${calls} calls after stop`);
    const batches = r.stats.batches;
    await sendAll(s, [Buffer.from('y')], sink.address().port, '127.0.0.1');
    await new Promise((res) => setTimeout(res, 30));
    assert.is(r.stats.batches, batches, 'nothing arrives after stop');
    r.stop();
  } finally {
    sink.close();
    s.close();
  }
});

test('bad arguments to recvStart / recvStop / addressName throw clear errors', async () => {
  const a = addon as Required<UdpSendAddon>;
  const call = (f: unknown, ...args: unknown[]) => (f as (...x: unknown[]) => unknown)(...args);
  const slab = Buffer.alloc(64 * 100);
  const lens = new Int32Array(64);
  const addrs = Buffer.alloc(64 * 20);
  const cb = () => {};
  const cases: [RegExp, unknown[]][] = [
    [/takes 6 arguments/, [3, slab]],
    [/fd must be a non-negative/, [-1, slab, 100, lens, addrs, cb]],
    [/fd must be a non-negative/, ['3', slab, 100, lens, addrs, cb]],
    [/slab and addrs must be Buffers/, [0, 'x', 100, lens, addrs, cb]],
    [/lens an Int32Array/, [0, slab, 100, new Float64Array(64), addrs, cb]],
    [/slotSize must be 1..65536/, [0, slab, 0, lens, addrs, cb]],
    [/slotSize must be 1..65536/, [0, slab, 70000, lens, addrs, cb]],
    [/callback must be a function/, [0, slab, 100, lens, addrs, 5]],
    [/too small/, [0, slab, 101, lens, addrs, cb]],
    [/too small/, [0, slab, 100, lens, addrs.subarray(0, 20 * 63), cb]],
    [/too small/, [0, slab, 100, new Int32Array(0), addrs, cb]],
  ];
  for (const [re, args] of cases) {
    assert.throws(() => call(a.recvStart, ...args), re, String(re));
  }
  assert.throws(() => call(a.recvStop, {}), /handle recvStart returned/);
  assert.throws(() => call(a.recvStop), /handle recvStart returned/);
  assert.throws(() => call(a.addressName, Buffer.alloc(19), 0), /20-byte record/);
  assert.throws(() => call(a.addressName, Buffer.alloc(40), 21), /20-byte record/);
  assert.is(a.addressName(Buffer.alloc(20), 0), undefined, 'an empty record has no name');
  const rec = Buffer.from([4, 0, 0, 80, 10, 1, 2, 3, ...new Array(12).fill(0)]);
  assert.is(a.addressName(rec, 0), '10.1.2.3');
});

test.run();
