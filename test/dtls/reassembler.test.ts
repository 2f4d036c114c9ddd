import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { HandshakeFragmentView, writeHandshakeHeader } from '../../src/dtls/handshake-header.js';
import { FragmentStatus, Reassembler } from '../../src/dtls/reassembler.js';

const view = new HandshakeFragmentView();

function frag(msgType: number, seq: number, body: Buffer, off: number, len: number, total = body.length): Buffer {
  const b = Buffer.alloc(12 + len);
  writeHandshakeHeader(b, 0, msgType, total, seq, off, len);
  body.copy(b, 12, off, off + len);
  return b;
}

function add(r: Reassembler, b: Buffer, epoch = 0): number {
  assert.ok(view.reset(b, 0, b.length));
  return r.add(view, b, epoch);
}

test('out-of-order, duplicated and overlapping fragments reassemble to the original', () => {
  const body = randomBytes(1413);
  const r = new Reassembler();
  const pieces: [number, number][] = [[1000, 413], [0, 300], [500, 400], [0, 300], [250, 200], [440, 600]];
  for (const [o, l] of pieces.slice(0, -1)) {
    assert.is(add(r, frag(1, 0, body, o, l)), FragmentStatus.accepted);
    assert.is(r.next(), null, 'incomplete until every byte arrived');
  }
  add(r, frag(1, 0, body, ...pieces[pieces.length - 1]));
  const m = r.next();
  assert.ok(m);
  assert.is(m!.msgType, 1);
  assert.is(m!.messageSeq, 0);
  assert.equal(m!.body, body);
  assert.is(r.nextSeq, 1);
  assert.is(r.heldBytes, 0);
});

test('messages are released in message_seq order; old ones reported as retransmissions', () => {
  const r = new Reassembler();
  const a = Buffer.from('aaaa');
  const b = Buffer.from('bbbbbb');
  add(r, frag(12, 1, b, 0, b.length));
  assert.is(r.next(), null, 'seq 1 waits for seq 0');
  add(r, frag(11, 0, a, 0, a.length));
  assert.is(r.next()!.body.toString(), 'aaaa');
  assert.is(r.next()!.body.toString(), 'bbbbbb');
  assert.is(add(r, frag(11, 0, a, 0, a.length)), FragmentStatus.old);
  assert.is(add(r, frag(11, 50, a, 0, a.length)), FragmentStatus.future);
});

test('inconsistent fragments and oversize messages are refused; memory stays bounded', () => {
  const r = new Reassembler();
  const body = Buffer.alloc(100);
  add(r, frag(1, 0, body, 0, 10));
  assert.is(add(r, frag(2, 0, body, 10, 10)), FragmentStatus.invalid, 'type changed');
  assert.is(add(r, frag(1, 0, Buffer.alloc(200), 10, 10)), FragmentStatus.invalid, 'length changed');
  assert.is(add(r, frag(1, 0, body, 10, 10), 1), FragmentStatus.invalid, 'epoch changed');
  const huge = Buffer.alloc(12 + 10);
  writeHandshakeHeader(huge, 0, 1, 70_000, 1, 0, 10);
  assert.is(add(r, huge), FragmentStatus.tooLarge);
  for (let s = 1; s < 8; s++) {
    const b = Buffer.alloc(12 + 10);
    writeHandshakeHeader(b, 0, 1, 60_000, s, 0, 10);
    add(r, b);
  }
  assert.ok(r.heldBytes <= 2 * 64 * 1024, `held ${r.heldBytes}`);
});

test('fragment header bounds: fragment past message length or past the record is malformed', () => {
  const b = Buffer.alloc(12 + 10);
  writeHandshakeHeader(b, 0, 1, 5, 0, 0, 10);
  assert.not.ok(view.reset(b, 0, b.length));
  writeHandshakeHeader(b, 0, 1, 50, 0, 0, 20);
  assert.not.ok(view.reset(b, 0, b.length));
  assert.not.ok(view.reset(b, 0, 11));
});

test.run();
