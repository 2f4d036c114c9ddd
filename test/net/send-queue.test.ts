import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SendQueue, type SendTarget } from '../../src/net/index.js';

class FakeTarget implements SendTarget {
  sent: { data: string; port: number; address: string }[] = [];
  pending: ((err: Error | null) => void)[] = [];
  send(buf: Uint8Array, offset: number, length: number, port: number, address: string, cb: (err: Error | null) => void): void {
    this.sent.push({ data: Buffer.from(buf.subarray(offset, offset + length)).toString('hex'), port, address });
    this.pending.push(cb);
  }
  completeAll() {
    for (const cb of this.pending.splice(0)) cb(null);
  }
}

function manual() {
  let f: (() => void) | undefined;
  return { schedule: (fn: () => void) => { f = fn; }, run: () => { const x = f; f = undefined; x?.(); }, get scheduled() { return f !== undefined; } };
}

test('nothing is sent until the flush; one flush sends everything queued, in order', () => {
  const t = new FakeTarget();
  const m = manual();
  const q = new SendQueue(t, { slots: 8, slotSize: 64, schedule: m.schedule });
  q.enqueue(Buffer.from('aa', 'hex'), 0, 1, 1000, '127.0.0.1');
  q.enqueue(Buffer.from('bbcc', 'hex'), 0, 2, 1001, '127.0.0.2');
  assert.is(t.sent.length, 0);
  assert.ok(m.scheduled);
  m.run();
  assert.equal(t.sent, [
    { data: 'aa', port: 1000, address: '127.0.0.1' },
    { data: 'bbcc', port: 1001, address: '127.0.0.2' },
  ]);
  assert.is(q.pending, 0);
});

test('slots in flight are not reused; a full queue drops and counts', () => {
  const t = new FakeTarget();
  const m = manual();
  const q = new SendQueue(t, { slots: 4, slotSize: 16, schedule: m.schedule });
  for (let i = 0; i < 4; i++) assert.ok(q.enqueue(Buffer.from([i]), 0, 1, 1, 'x'));
  assert.not.ok(q.enqueue(Buffer.from([9]), 0, 1, 1, 'x'), 'fifth packet must be dropped');
  m.run();
  // All four are in flight (not completed): still no free slot.
  assert.not.ok(q.enqueue(Buffer.from([9]), 0, 1, 1, 'x'));
  assert.is(q.stats.dropped, 2);
  t.completeAll();
  assert.is(q.stats.sent, 4);
  assert.ok(q.enqueue(Buffer.from([5]), 0, 1, 1, 'x'));
  m.run();
  assert.is(t.sent[4].data, '05');
});

test('acquire/commit writes in place, wrapping around the ring', () => {
  const t = new FakeTarget();
  const m = manual();
  const q = new SendQueue(t, { slots: 3, slotSize: 8, schedule: m.schedule });
  for (let round = 0; round < 5; round++) {
    const slot = q.acquire()!;
    slot[0] = round;
    slot[1] = 0xee;
    q.commit(2, 9, 'h');
    m.run();
    t.completeAll();
  }
  assert.equal(t.sent.map((s) => s.data), ['00ee', '01ee', '02ee', '03ee', '04ee']);
});

test('oversized datagrams are dropped, not truncated', () => {
  const t = new FakeTarget();
  const q = new SendQueue(t, { slots: 2, slotSize: 4, schedule: () => {} });
  assert.not.ok(q.enqueue(Buffer.alloc(5), 0, 5, 1, 'x'));
  assert.is(q.stats.dropped, 1);
});

test('a target that throws costs the packet, not the flush', () => {
  let calls = 0;
  const t: SendTarget = { send: () => { calls++; if (calls === 1) throw new Error('closed'); } };
  const m = manual();
  const q = new SendQueue(t, { slots: 4, slotSize: 4, schedule: m.schedule });
  q.enqueue(Buffer.from([1]), 0, 1, 1, 'x');
  q.enqueue(Buffer.from([2]), 0, 1, 1, 'x');
  m.run();
  assert.is(calls, 2);
  assert.is(q.stats.sendErrors, 1);
});

test.run();
