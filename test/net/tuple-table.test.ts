import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TupleTable } from '../../src/net/index.js';

test('routes by address and port, independently', () => {
  const t = new TupleTable<string>();
  t.set('127.0.0.1', 5000, 'a');
  t.set('127.0.0.1', 5001, 'b');
  t.set('::1', 5000, 'c');
  assert.is(t.get('127.0.0.1', 5000), 'a');
  assert.is(t.get('127.0.0.1', 5001), 'b');
  assert.is(t.get('::1', 5000), 'c');
  assert.is(t.get('127.0.0.2', 5000), undefined);
  assert.is(t.size, 3);
});

test('rebinding a tuple replaces its owner without growing', () => {
  const t = new TupleTable<string>();
  t.set('10.0.0.1', 1, 'a');
  t.set('10.0.0.1', 1, 'b');
  assert.is(t.get('10.0.0.1', 1), 'b');
  assert.is(t.size, 1);
});

test('deleteOwner removes every tuple of one owner only', () => {
  const t = new TupleTable<string>();
  t.set('127.0.0.1', 1, 'a');
  t.set('127.0.0.1', 2, 'a');
  t.set('127.0.0.2', 3, 'a');
  t.set('127.0.0.1', 4, 'b');
  assert.is(t.deleteOwner('a'), 3);
  assert.is(t.size, 1);
  assert.is(t.get('127.0.0.1', 4), 'b');
  assert.is(t.get('127.0.0.1', 1), undefined);
  assert.not.ok(t.delete('127.0.0.2', 3));
  assert.ok(t.delete('127.0.0.1', 4));
  assert.is(t.size, 0);
});

test.run();
