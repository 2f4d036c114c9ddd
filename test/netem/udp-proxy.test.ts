// The proxy with real UDP sockets on 127.0.0.1. Timing assertions are one-sided (at
// least the delay; at most the rate), so a slow machine cannot fail them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket, type RemoteInfo } from 'node:dgram';
import { UdpImpairmentProxy } from './udp-proxy.js';

// Everything a test opens is closed after it, pass or fail, so a failure cannot hang the file.
const openSockets: Socket[] = [];
const openProxies: UdpImpairmentProxy[] = [];
test.after.each(async () => {
  await Promise.all(openProxies.splice(0).map((p) => p.close()));
  for (const s of openSockets.splice(0)) { try { s.close(); } catch { /* already closed */ } }
});
async function bound(): Promise<Socket> {
  const s = createSocket('udp4');
  openSockets.push(s);
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
}
async function proxyTo(opts: Parameters<typeof UdpImpairmentProxy.start>[0]) {
  const p = await UdpImpairmentProxy.start(opts);
  openProxies.push(p);
  return p;
}
const portOf = (s: Socket) => s.address().port;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Wait until cond() or the deadline; bounded. */
async function until(cond: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  for (let spins = 0; !cond() && Date.now() < end; spins++) await (spins < 100 ? new Promise((r) => setImmediate(r)) : sleep(5));
  return cond();
}
/** An upstream that echoes every datagram back to its sender, and records senders. */
async function echoServer() {
  const s = await bound();
  const from: RemoteInfo[] = [];
  s.on('message', (m, r) => { from.push(r); s.send(m, r.port, r.address); });
  return { s, from };
}

test('relays both ways; upstream sees the proxy port; the client hears from the proxy port', async () => {
  const up = await echoServer();
  const proxy = await proxyTo({ upstreamPort: portOf(up.s) });
  const client = await bound();
  const got: { m: string; r: RemoteInfo }[] = [];
  client.on('message', (m, r) => got.push({ m: m.toString(), r }));
  for (let i = 0; i < 20; i++) client.send(`ping ${i}`, proxy.port, '127.0.0.1');
  assert.ok(await until(() => got.length === 20), `got ${got.length}`);
  assert.equal(got.map((g) => g.m).sort(), Array.from({ length: 20 }, (_, i) => `ping ${i}`).sort());
  assert.ok(got.every((g) => g.r.port === proxy.port && g.r.address === '127.0.0.1'));
  assert.ok(up.from.every((r) => r.port === proxy.port));
  assert.equal(proxy.client, { address: '127.0.0.1', port: portOf(client) });
  const st = proxy.stats();
  assert.is(st.toUpstream.forwarded, 20);
  assert.is(st.toClient.forwarded, 20);
  await proxy.close();
  await proxy.close(); // idempotent
  proxy.setLoss(50); // settings after close are harmless and arm no timer
  assert.is(proxy.stats().toUpstream.forwarded, 20);
});

test('latches the first client: others are not forwarded and get no replies', async () => {
  const up = await echoServer();
  const proxy = await proxyTo({ upstreamPort: portOf(up.s) });
  const a = await bound(), b = await bound();
  let aGot = 0, bGot = 0;
  a.on('message', () => aGot++);
  b.on('message', () => bGot++);
  a.send('first', proxy.port, '127.0.0.1');
  assert.ok(await until(() => aGot === 1));
  for (let i = 0; i < 5; i++) b.send('intruder', proxy.port, '127.0.0.1');
  a.send('second', proxy.port, '127.0.0.1');
  assert.ok(await until(() => aGot === 2 && proxy.stats().strangers === 5));
  await sleep(50);
  assert.is(bGot, 0);
  assert.is(up.from.length, 2);
});

test('seeded loss on one direction: forwarded counts match what arrived, rate within tolerance', async () => {
  const up = await bound();
  let upGot = 0;
  up.on('message', () => upGot++);
  const proxy = await proxyTo({ upstreamPort: portOf(up), seed: 99, toUpstream: { lossPct: 30 } });
  const client = await bound();
  const N = 2000;
  for (let i = 0; i < N; i++) {
    // One at a time, each after the previous left and the proxy took it in: no kernel drops.
    await new Promise((r) => client.send(Buffer.alloc(100, i), proxy.port, '127.0.0.1', r));
    await until(() => proxy.stats().toUpstream.offered === i + 1, 1000);
  }
  assert.ok(await until(() => upGot === proxy.stats().toUpstream.forwarded));
  const st = proxy.stats().toUpstream;
  assert.is(st.offered, N);
  assert.is(st.forwarded + st.droppedLoss, N);
  assert.ok(Math.abs(st.droppedLoss / N - 0.3) < 0.04, `loss ${st.droppedLoss / N}`);
  assert.is(upGot, st.forwarded);
  assert.is(proxy.stats().toClient.droppedLoss, 0);
});

test('delay is applied (lower bound only) and can be changed at runtime', async () => {
  const up = await echoServer();
  const proxy = await proxyTo({ upstreamPort: portOf(up.s) });
  const client = await bound();
  const rtts: number[] = [];
  let sentAt = 0;
  client.on('message', () => rtts.push(performance.now() - sentAt));
  const ping = async () => { sentAt = performance.now(); const n = rtts.length; client.send('x', proxy.port, '127.0.0.1'); assert.ok(await until(() => rtts.length > n)); };
  proxy.setDelay(60, 0, 'toUpstream');
  proxy.setDelay(40, 0, 'toClient');
  await ping();
  assert.ok(rtts[0] >= 99, `rtt ${rtts[0]}`);
  proxy.setDelay(0, 0, 'both');
  await ping();
  assert.ok(rtts[1] < rtts[0], 'delay not removed');
});

test('rate limit: arrivals never run ahead of rate x time + bucket, all arrive, then the cap is lifted', async () => {
  const sink = await bound();
  const up = await bound();
  const arrivals: { at: number; bytes: number }[] = [];
  up.on('message', (m) => arrivals.push({ at: performance.now(), bytes: m.length }));
  const rate = 400_000, burst = 3000;
  const p2 = await proxyTo({ upstreamPort: portOf(up), toUpstream: { rateBps: rate, burstBytes: burst, queueBytes: 1 << 20 } });
  const t0 = performance.now();
  for (let i = 0; i < 50; i++) sink.send(Buffer.alloc(1000, i), p2.port, '127.0.0.1'); // 50 kB = 1 s at 400 kbit/s
  assert.ok(await until(() => arrivals.length === 50, 10_000), `only ${arrivals.length} arrived`);
  let cum = 0;
  for (const a of arrivals) {
    cum += a.bytes;
    const allowed = ((a.at - t0) * rate) / 8000 + burst + 1000;
    assert.ok(cum <= allowed, `${cum} bytes by ${(a.at - t0).toFixed(0)} ms > ${allowed.toFixed(0)}`);
  }
  assert.ok(arrivals[49].at - t0 >= ((50_000 - burst) * 8000) / rate - 5, 'finished faster than the cap');
  const st = p2.stats().toUpstream;
  assert.ok(st.queuedDelayMsMax > 500, `max queue delay ${st.queuedDelayMsMax}`);
  // Lift the cap: the next burst passes without queueing delay building up.
  p2.setRateLimit(null);
  const before = arrivals.length;
  for (let i = 0; i < 50; i++) sink.send(Buffer.alloc(1000, i), p2.port, '127.0.0.1');
  assert.ok(await until(() => arrivals.length === before + 50));
});

test('refuses a non-loopback upstream', async () => {
  let err: unknown;
  try { await UdpImpairmentProxy.start({ upstreamPort: 5000, upstreamHost: '10.0.0.1' }); } catch (e) { err = e; }
  assert.match(String(err), /127\.0\.0\.1/);
});

test.run();
