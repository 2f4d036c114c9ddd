// The sendmmsg backend over real loopback sockets: byte-exact, in order per destination,
// IPv4 and IPv6; the SendQueue's blocked path with a scripted target; and every kind of
// bad argument to the addon throwing a clear error or returning -errno, never crashing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket, type SocketType } from 'node:dgram';
import { openSync, closeSync } from 'node:fs';
import { constants } from 'node:os';
import {
  NativeSendTarget, SendQueue, UdpMux, addonLoadError, loadUdpSendAddon, type BatchSendTarget,
} from '../../src/net/index.js';

const addon = loadUdpSendAddon();

async function bound(type: SocketType, host: string): Promise<Socket | undefined> {
  const s = createSocket(type);
  return new Promise((resolve) => {
    s.once('error', () => { s.close(); resolve(undefined); });
    s.bind(0, host, () => resolve(s));
  });
}

async function until(cond: () => boolean, what: string, ms = 3000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Packet k: its size varies 1..1400 and every byte says which packet it is. */
function packet(k: number): Buffer {
  const len = 1 + ((k * 397) % 1400);
  const b = Buffer.alloc(len);
  for (let i = 0; i < len; i++) b[i] = (k * 31 + i) & 0xff;
  if (len >= 2) b.writeUInt16BE(k, 0);
  return b;
}

/** Sends `total` packets round-robin to the receivers through a SendQueue on `sender`. */
async function sendThrough(sender: Socket, receivers: { socket: Socket; host: string }[], total: number) {
  const got: Buffer[][] = receivers.map(() => []);
  receivers.forEach((r, i) => {
    r.socket.setRecvBufferSize(4 * 1024 * 1024);
    r.socket.on('message', (m) => got[i].push(m));
  });
  const target = new NativeSendTarget(sender, addon!);
  // 128 slots and 600 packets: the ring wraps several times, runs split at its end.
  const q = new SendQueue(target, { slots: 128, slotSize: 1500 });
  const want: Buffer[][] = receivers.map(() => []);
  for (let k = 0; k < total; k++) {
    const d = k % receivers.length;
    const p = packet(k);
    want[d].push(p);
    while (!q.enqueue(p, 0, p.length, receivers[d].socket.address().port, receivers[d].host)) {
      await new Promise((r) => setImmediate(r)); // full: let the flush run
    }
  }
  await until(() => got.every((g, i) => g.length === want[i].length), 'every packet');
  return { got, want, q };
}

test('the addon is built and loads (node scripts/build-native.mjs)', () => {
  assert.ok(addon, `udp_send addon: ${addonLoadError()}`);
  assert.is(addon!.SOCKADDR_SIZE, 28);
  assert.is(addon!.MAX_BATCH, 64);
});

test('IPv4: 600 packets of 1..1400 bytes to 3 receivers arrive byte-exact and in order', async () => {
  const sender = (await bound('udp4', '127.0.0.1'))!;
  const rs = [await bound('udp4', '127.0.0.1'), await bound('udp4', '127.0.0.1'), await bound('udp4', '127.0.0.1')];
  try {
    const { got, want, q } = await sendThrough(sender, rs.map((s) => ({ socket: s!, host: '127.0.0.1' })), 600);
    for (let d = 0; d < 3; d++) {
      assert.is(got[d].length, 200);
      for (let i = 0; i < want[d].length; i++) assert.ok(got[d][i].equals(want[d][i]), `receiver ${d} packet ${i} differs or is out of order`);
    }
    assert.is(q.stats.sent, 600);
    assert.is(q.stats.sendErrors, 0);
  } finally {
    sender.close();
    for (const r of rs) r?.close();
  }
});

test('IPv6 (::1, when the host has it): byte-exact and in order; IPv4 from a v6 socket goes v4-mapped', async () => {
  const sender = await bound('udp6', '::1');
  if (!sender) {
    console.log('  (no ::1 here: IPv6 part skipped)');
    return;
  }
  const rs = [await bound('udp6', '::1'), await bound('udp6', '::1')];
  const sender2 = (await bound('udp6', '::ffff:127.0.0.1'))!;
  const v4 = (await bound('udp4', '127.0.0.1'))!;
  try {
    const { got, want } = await sendThrough(sender, rs.map((s) => ({ socket: s!, host: '::1' })), 300);
    for (let d = 0; d < 2; d++) {
      assert.is(got[d].length, 150);
      for (let i = 0; i < want[d].length; i++) assert.ok(got[d][i].equals(want[d][i]), `v6 receiver ${d} packet ${i}`);
    }
    const r2 = await sendThrough(sender2, [{ socket: v4, host: '127.0.0.1' }], 20);
    assert.ok(r2.got[0].every((g, i) => g.equals(r2.want[0][i])));
  } finally {
    for (const s of [sender, sender2, v4, ...rs]) s?.close();
  }
});

test('UdpMux picks the native backend and its packets arrive', async () => {
  const mux = new UdpMux({ sendBackend: 'native' });
  await mux.listen();
  const r = (await bound('udp4', '127.0.0.1'))!;
  const got: string[] = [];
  r.on('message', (m) => got.push(m.toString()));
  try {
    assert.is(mux.sendBackend, 'native');
    for (let i = 0; i < 70; i++) mux.send(Buffer.from(`p${i}`), 0, `p${i}`.length, r.address().port, '127.0.0.1');
    await until(() => got.length === 70, '70 packets');
    assert.equal(got, Array.from({ length: 70 }, (_, i) => `p${i}`));
    assert.is(mux.sendQueue.stats.sent, 70);
  } finally {
    r.close();
    mux.close();
  }
});

test('unsendable addresses and ports cost only their own packet', async () => {
  const sender = (await bound('udp4', '127.0.0.1'))!;
  const r = (await bound('udp4', '127.0.0.1'))!;
  const got: string[] = [];
  r.on('message', (m) => got.push(m.toString()));
  try {
    const q = new SendQueue(new NativeSendTarget(sender, addon!), { slots: 16, slotSize: 64 });
    const port = r.address().port;
    const send = (s: string, p: number, a: string) => q.enqueue(Buffer.from(s), 0, s.length, p, a);
    send('a', port, '127.0.0.1');
    send('x', port, 'localhost'); // not a literal: refused, not resolved on the packet path
    send('b', port, '127.0.0.1');
    send('x', port, '::1'); // IPv6 on a udp4 socket
    send('x', 0, '127.0.0.1');
    send('x', 70000, '127.0.0.1');
    send('x', port, '300.1.1.1');
    send('c', port, '::ffff:127.0.0.1'); // v4-mapped: sent as IPv4
    await until(() => got.length === 3, '3 good packets');
    assert.equal(got, ['a', 'b', 'c']);
    assert.is(q.stats.sent, 3);
    assert.is(q.stats.sendErrors, 5);
  } finally {
    sender.close();
    r.close();
  }
});

/** A batch target that sends into an array and reports a full buffer when told to. */
class ScriptedBatch implements BatchSendTarget {
  readonly sockaddrSize = 28;
  out: number[] = [];
  budget = Infinity; // packets the "socket buffer" takes before EAGAIN
  send(): void { throw new Error('batch target: send() must not be used when ready'); }
  ready() { return true; }
  writeAddress(out: Buffer, off: number) { out[off] = 2; return true; }
  isBlocked(e: number) { return e === -constants.errno.EAGAIN; }
  sendBatch(slab: Buffer, offsets: Int32Array, lens: Int32Array, addrs: Buffer, first: number, count: number): number {
    const n = Math.min(count, this.budget);
    if (n === 0) return -constants.errno.EAGAIN;
    this.budget -= n;
    for (let k = first; k < first + n; k++) this.out.push(slab[offsets[k]]);
    return n;
  }
}

test('a full socket buffer keeps the rest queued, counts it, retries later, loses nothing', () => {
  const t = new ScriptedBatch();
  let flush: (() => void) | undefined;
  let retry: (() => void) | undefined;
  const q = new SendQueue(t, { slots: 8, slotSize: 4, schedule: (f) => { flush = f; }, retry: (f) => { retry = f; } });
  t.budget = 3;
  for (let i = 0; i < 6; i++) q.enqueue(Buffer.from([i]), 0, 1, 1, 'x');
  flush!();
  assert.equal(t.out, [0, 1, 2]);
  assert.is(q.pending, 3);
  assert.is(q.stats.blocked, 1);
  assert.ok(retry, 'a retry was scheduled');
  // The queue still takes packets while blocked, up to its slots.
  for (let i = 6; i < 8; i++) assert.ok(q.enqueue(Buffer.from([i]), 0, 1, 1, 'x'));
  assert.ok(q.enqueue(Buffer.from([8]), 0, 1, 1, 'x'), 'slots of sent packets are free at once');
  t.budget = Infinity;
  retry!();
  assert.equal(t.out, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.is(q.pending, 0);
  assert.is(q.stats.sent, 9);
  assert.is(q.stats.dropped, 0);
});

test('bad arguments throw a clear TypeError/RangeError or return -errno; the process survives', async () => {
  const a = addon!;
  const s = (await bound('udp4', '127.0.0.1'))!;
  const r = (await bound('udp4', '127.0.0.1'))!;
  const target = new NativeSendTarget(s, a);
  assert.ok(target.ready());
  const slab = Buffer.alloc(100);
  const offs = Int32Array.of(0, 10, 20);
  const lens = Int32Array.of(5, 5, 5);
  const addrs = Buffer.alloc(3 * 28);
  for (let k = 0; k < 3; k++) target.writeAddress(addrs, k * 28, '127.0.0.1', r.address().port);
  const call = (...args: unknown[]) => (a.sendBatch as (...x: unknown[]) => number)(...args);
  try {
    // Through the target, on the socket's real fd (ready() read it).
    assert.is(target.sendBatch(slab, offs, lens, addrs, 0, 3), 3, 'a good call sends all three');
    const throwsAs = (kind: typeof TypeError | typeof RangeError, re: RegExp, f: () => unknown) => {
      try {
        f();
      } catch (err) {
        assert.instance(err, kind);
        assert.match((err as Error).message, re);
        return;
      }
      assert.unreachable(`expected ${kind.name} ${re}`);
    };
    throwsAs(TypeError, /7 arguments/, () => call(1, slab));
    throwsAs(TypeError, /fd must be a number/, () => call('3', slab, offs, lens, addrs, 0, 1));
    throwsAs(RangeError, /fd must be an integer/, () => call(-1, slab, offs, lens, addrs, 0, 1));
    throwsAs(RangeError, /fd must be an integer/, () => call(1.5, slab, offs, lens, addrs, 0, 1));
    throwsAs(TypeError, /slab must be a Buffer/, () => call(0, 'abc', offs, lens, addrs, 0, 1));
    throwsAs(TypeError, /slab must be a Buffer/, () => call(0, new Uint16Array(50), offs, lens, addrs, 0, 1));
    throwsAs(TypeError, /offsets must be an Int32Array/, () => call(0, slab, Float64Array.of(0), lens, addrs, 0, 1));
    throwsAs(TypeError, /offsets must be an Int32Array/, () => call(0, slab, [0, 1], lens, addrs, 0, 1));
    throwsAs(TypeError, /lens must be an Int32Array/, () => call(0, slab, offs, new Uint32Array(3), addrs, 0, 1));
    throwsAs(TypeError, /addrs must be a Buffer/, () => call(0, slab, offs, lens, null, 0, 1));
    throwsAs(RangeError, /first must be an integer/, () => call(0, slab, offs, lens, addrs, -1, 1));
    throwsAs(RangeError, /count must be an integer/, () => call(0, slab, offs, lens, addrs, 0, NaN));
    throwsAs(RangeError, /count must be an integer/, () => call(0, slab, offs, lens, addrs, 0, 2 ** 40));
    throwsAs(RangeError, /exceeds offsets/, () => call(0, slab, offs, lens, addrs, 0, 4));
    throwsAs(RangeError, /exceeds offsets/, () => call(0, slab, offs, lens, addrs, 2, 2));
    throwsAs(RangeError, /exceeds offsets .* or lens \(2\)/, () => call(0, slab, offs, Int32Array.of(1, 1), addrs, 0, 3));
    throwsAs(RangeError, /addrs holds 56 bytes/, () => call(0, slab, offs, lens, addrs.subarray(0, 56), 0, 3));
    throwsAs(RangeError, /slot 1: offset -1/, () => call(0, slab, Int32Array.of(0, -1, 0), lens, addrs, 0, 3));
    throwsAs(RangeError, /slot 2: offset 20 \+ length -5/, () => call(0, slab, offs, Int32Array.of(5, 5, -5), addrs, 0, 3));
    throwsAs(RangeError, /slot 0: offset 0 \+ length 101 is outside the 100-byte slab/, () => call(0, slab, offs, Int32Array.of(101, 1, 1), addrs, 0, 3));
    throwsAs(RangeError, /offset 99 \+ length 2/, () => call(0, slab, Int32Array.of(99), Int32Array.of(2), addrs, 0, 1));
    // A subarray slab is bounded by its own length, not the memory behind it.
    throwsAs(RangeError, /outside the 10-byte slab/, () => call(0, slab.subarray(0, 10), offs, lens, addrs, 0, 2));
    assert.is(call(0, slab, offs, lens, addrs, 0, 0), 0, 'count 0 sends nothing');

    // Socket errors come back as -errno.
    const file = openSync('/dev/null', 'r');
    assert.is(call(file, slab, offs, lens, addrs, 0, 1), -constants.errno.ENOTSOCK);
    closeSync(file);
    assert.is(call(file, slab, offs, lens, addrs, 0, 1), -constants.errno.EBADF, 'a closed fd');
    assert.is(call(0, slab, offs, lens, Buffer.alloc(84), 0, 3), -constants.errno.EAFNOSUPPORT, 'family 0 is refused, never sent as IPv4');
    // A bad slot in the middle ends the batch before it.
    const mixed = Buffer.from(addrs);
    mixed.fill(0, 28, 56);
    assert.is(target.sendBatch(slab, offs, lens, mixed, 0, 3), 1);
    const big = Buffer.alloc(70000);
    assert.is(target.sendBatch(big, Int32Array.of(0), Int32Array.of(70000), addrs, 0, 1), -constants.errno.EMSGSIZE);

    // packAddress
    const out = Buffer.alloc(28, 0xaa);
    throwsAs(RangeError, /offset \+ 28 exceeds out/, () => a.packAddress(out, 1, '127.0.0.1', false));
    throwsAs(TypeError, /address must be a string/, () => (a.packAddress as (...x: unknown[]) => boolean)(out, 0, 7, false));
    throwsAs(TypeError, /v6Socket must be a boolean/, () => (a.packAddress as (...x: unknown[]) => boolean)(out, 0, '::1', 1));
    for (const bad of ['', 'localhost', '1.2.3', '1.2.3.4.5', '::g', 'x'.repeat(500), 'fe80::1%no-such-if0', '1.2.3.4%1']) {
      assert.not.ok(a.packAddress(out, 0, bad, true), bad);
      assert.ok(out.equals(Buffer.alloc(28)), `${bad}: zeroed`);
    }
    assert.ok(a.packAddress(out, 0, 'fe80::1%1', true), 'numeric scope id');
    assert.is(out.readUInt32LE(24), 1);
    assert.not.ok(a.packAddress(out, 0, '2001:db8::1', false), 'IPv6 on a udp4 socket');

    // After close the target is not ready; the queue then uses dgram, which fails and counts.
    s.close();
    assert.not.ok(target.ready());
    const q = new SendQueue(target, { slots: 4, slotSize: 8, schedule: (f) => f() });
    q.enqueue(Buffer.from('z'), 0, 1, r.address().port, '127.0.0.1');
    assert.is(q.stats.sendErrors, 1);
  } finally {
    r.close();
    try { s.close(); } catch { /* closed above */ }
  }
});

test.run();
