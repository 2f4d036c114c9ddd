// livekit-client's data channels open against Switchboard: its publisher PC's `_reliable`
// and `_lossy` RTCDataChannels reach 'open' over our SCTP, so publishData() resolves
// instead of failing after 15 s with "could not establish Publisher connection" (the
// symptom in issue 10). Routing the packets to other participants is the engine data
// layer's job and is tested there; this proves the transport under it, with the real SDK.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startLkHarness, type LkHarness } from './harness.js';

let h: LkHarness;
test.before(async () => { h = await startLkHarness(); });
test.after(async () => { await h?.close(); });

test('publishData reliable and lossy resolve (v0, two peer connections); the channels are open', async () => {
  const c = await h.client('data-pub', 'data-room');
  await c.connect({ singlePeerConnection: false });
  const r = await c.eval<{ reliable: string; lossy: string; ms: number; states: string[] }>(`async () => {
    const lp = window.lkt.room.localParticipant;
    const t0 = performance.now();
    const run = (opts) => Promise.race([
      lp.publishData(new TextEncoder().encode('hello'), opts).then(() => 'ok', (e) => 'error: ' + e),
      new Promise((r) => setTimeout(() => r('timeout'), 12000)),
    ]);
    const reliable = await run({ reliable: true });
    const lossy = await run({ reliable: false });
    // Chromium's own view of the publisher PC's channels (RTCDataChannelStats).
    const stats = await window.lkt.room.engine.pcManager.publisher.getStats();
    const states = [];
    stats.forEach((s) => { if (s.type === 'data-channel') states.push(s.label + ':' + s.state + ':' + s.messagesSent); });
    return { reliable, lossy, ms: Math.round(performance.now() - t0), states: states.sort() };
  }`, undefined, 30_000);
  assert.is(r.reliable, 'ok', `reliable publishData: ${r.reliable}`);
  assert.is(r.lossy, 'ok', `lossy publishData: ${r.lossy}`);
  // Chromium's RTCDataChannelStats: both channels open, one message sent on each.
  assert.ok(r.states.includes('_reliable:open:1'), r.states.join(' '));
  assert.ok(r.states.includes('_lossy:open:1'), r.states.join(' '));
  assert.ok(r.ms < 12_000, `took ${r.ms} ms`);
  await c.disconnect();
});

test.run();
