import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyframeRequester, FirSeqTracker, defaultKeyframeRequesterConfig } from '../../../src/sfu/nack/index.js';
import { SfuBufferConfigError } from '../../../src/sfu/buffer/index.js';
import { writeFir, FirView, RtpStatus } from '../../../src/rtp/index.js';

test('many subscriber PLIs within the interval become one upstream request per layer', () => {
  const k = new KeyframeRequester();
  assert.is(defaultKeyframeRequesterConfig.minIntervalMs, 500);
  let sent = 0;
  for (let t = 0; t < 500; t += 5) if (k.request(0, t)) sent++;
  assert.is(sent, 1);
  assert.is(k.requests, 100);
  assert.is(k.suppressed, 99);
  assert.ok(k.request(1, 10)); // another layer has its own interval
  assert.ok(k.request(0, 500));
  assert.is(k.sent, 3);
});

test('a request suppressed in the interval is sent by tick once it ends, unless a keyframe came', () => {
  const k = new KeyframeRequester({ minIntervalMs: 300 });
  assert.ok(k.request(0, 0));
  assert.not.ok(k.request(0, 100));
  assert.ok(k.request(2, 0)); // layer 2 first request: sent
  assert.not.ok(k.request(2, 50));
  assert.ok(k.isPending(0) && k.isPending(2));
  assert.is(k.tick(299), 0);
  k.onKeyframe(2); // layer 2's keyframe arrived: its waiting subscribers are served
  assert.is(k.tick(300), 0b001);
  assert.not.ok(k.isPending(0));
  assert.is(k.tick(1000), 0);
  // After a tick-sent request, the next one waits a full interval again.
  assert.not.ok(k.request(0, 400));
  assert.is(k.tick(599), 0);
  assert.is(k.tick(600), 1);
});

test('FIR sequence numbers: bumped per request sent upstream, 8-bit wrap; repeats recognised downstream', () => {
  const k = new KeyframeRequester({ minIntervalMs: 10 });
  const seen: number[] = [];
  for (let t = 0; t < 260 * 10; t += 5) if (k.request(1, t)) seen.push(k.firSeq(1));
  assert.is(seen.length, 260);
  assert.equal(seen.slice(0, 3), [1, 2, 3]);
  assert.is(seen[254], 255);
  assert.is(seen[255], 0);
  // The FIR the caller writes carries that number; a subscriber's repeat is ignored.
  const buf = Buffer.alloc(64);
  const n = writeFir(buf, 0, 1, [{ ssrc: 0xabc, seqNr: k.firSeq(1) }]);
  const v = new FirView();
  assert.is(v.reset(buf, 0, n), RtpStatus.OK);
  const tr = new FirSeqTracker();
  assert.ok(tr.accept(v.seqNr(0)));
  assert.not.ok(tr.accept(v.seqNr(0)));
  assert.ok(tr.accept(v.seqNr(0) + 1));
  assert.ok(tr.accept(v.seqNr(0)));
  tr.reset();
  assert.ok(tr.accept(v.seqNr(0)));
});

test('out-of-range layers are ignored; config is validated', () => {
  const k = new KeyframeRequester({ layers: 2 });
  assert.not.ok(k.request(2, 0));
  assert.not.ok(k.request(-1, 0));
  assert.is(k.requests, 0);
  assert.throws(() => new KeyframeRequester({ layers: 0 }), (e: unknown) => e instanceof SfuBufferConfigError);
  assert.throws(() => new KeyframeRequester({ minIntervalMs: -1 }), (e: unknown) => e instanceof SfuBufferConfigError);
});

test.run();
