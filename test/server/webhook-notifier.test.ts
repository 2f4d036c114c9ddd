// WebhookNotifier against a loopback HTTP receiver, checked by livekit-server-sdk's
// WebhookReceiver: signature + body hash accepted (and refused when tampered or signed
// with another secret), retries with backoff on 5xx/network errors, no retry on 4xx,
// a bounded queue that drops the oldest and reports num_dropped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookReceiver } from 'livekit-server-sdk';
import { WebhookNotifier } from '../../src/server/webhooks/notifier.js';

const KEY = 'APIhook', SECRET = 'hook-secret-hook-secret-hook-secret-01';
interface Hit { body: string; auth: string; type: string }

async function receiver(answer: (hit: Hit, n: number) => number | Promise<number>): Promise<{ url: string; hits: Hit[]; server: Server }> {
  const hits: Hit[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', async () => {
      const hit = { body, auth: String(req.headers.authorization ?? ''), type: String(req.headers['content-type'] ?? '') };
      hits.push(hit);
      res.writeHead(await answer(hit, hits.length)).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, hits, server };
}
const closeServer = (s: Server) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); });

test('a delivered event verifies with WebhookReceiver; tampering or another secret is refused', async () => {
  const rx = await receiver(() => 200);
  const n = new WebhookNotifier({ urls: [rx.url], apiKey: KEY, apiSecret: SECRET });
  try {
    n.notify({ event: 'participant_joined', room: { sid: 'RM_1', name: 'r', creationTime: 1_700_000_000 }, participant: { sid: 'PA_1', identity: 'ann', state: 1, attributes: { k: 'v' } } });
    await n.drain(3000);
    assert.is(rx.hits.length, 1);
    const hit = rx.hits[0]!;
    assert.is(hit.type, 'application/webhook+json');
    assert.not.match(hit.auth, /^Bearer /, 'LiveKit sends the bare JWT');
    const ev = await new WebhookReceiver(KEY, SECRET).receive(hit.body, hit.auth);
    assert.equal([ev.event, ev.room?.name, ev.room?.sid, ev.participant?.identity, ev.participant?.attributes], ['participant_joined', 'r', 'RM_1', 'ann', { k: 'v' }]);
    assert.match(ev.id, /^EV_/);
    assert.ok(Number(ev.createdAt) > 1_600_000_000);
    let tampered: unknown;
    try { await new WebhookReceiver(KEY, SECRET).receive(hit.body.replace('ann', 'eve'), hit.auth); } catch (e) { tampered = e; }
    assert.match(String(tampered), /sha256/);
    let other: unknown;
    try { await new WebhookReceiver(KEY, 'another-secret-another-secret-another').receive(hit.body, hit.auth); } catch (e) { other = e; }
    assert.ok(other, 'another secret does not verify');
    assert.equal(n.stats, { queued: 1, delivered: 1, failed: 0, dropped: 0, retries: 0 });
  } finally { await n.close(); await closeServer(rx.server); }
});

test('retries 5xx with backoff until delivered; a 4xx is final; a dead URL gives up after maxAttempts', async () => {
  const times: number[] = [];
  const rx = await receiver((hit, i) => { times.push(Date.now()); return JSON.parse(hit.body).event === 'room_finished' ? 400 : i <= 2 ? 503 : 200; });
  const logs: string[] = [];
  const n = new WebhookNotifier({ urls: [rx.url, 'http://127.0.0.1:9/nothing-listens'], apiKey: KEY, apiSecret: SECRET, backoffMs: 40, maxAttempts: 4, timeoutMs: 2000, log: (l) => logs.push(l) });
  try {
    n.notify({ event: 'room_started', room: { name: 'r' } });
    n.notify({ event: 'room_finished', room: { name: 'r' } });
    await n.drain(5000);
    // URL 1: room_started 503, 503, 200 (3 hits); room_finished 400 once. URL 2: 4 tries each.
    assert.is(rx.hits.length, 4);
    assert.ok(times[1]! - times[0]! >= 35 && times[2]! - times[1]! >= 75, `backoff doubles: ${times.map((t) => t - times[0]!)}`);
    for (const h of rx.hits.slice(0, 3)) assert.is((await new WebhookReceiver(KEY, SECRET).receive(h.body, h.auth)).event, 'room_started');
    assert.equal(n.stats, { queued: 4, delivered: 1, failed: 3, dropped: 0, retries: 2 + 3 + 3 });
    assert.ok(logs.some((l) => /room_finished .* failed after 1 attempt: HTTP 400/.test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => /nothing-listens failed after 4 attempts/.test(l)), logs.join('\n'));
  } finally { await n.close(); await closeServer(rx.server); }
});

test('bounded queue: a stuck receiver makes the oldest events drop; the next delivered says how many', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const rx = await receiver(async (_h, i) => { if (i === 1) await gate; return 200; });
  const n = new WebhookNotifier({ urls: [rx.url], apiKey: KEY, apiSecret: SECRET, queueSize: 3 });
  try {
    for (let i = 0; i < 10; i++) n.notify({ event: 'track_published', room: { name: `r${i}` } });
    // #0 is in flight; #1..#9 went through a queue of 3: #1..#6 dropped, #7..#9 kept.
    assert.is(n.stats.dropped, 6);
    release();
    await n.drain(3000);
    const evs = await Promise.all(rx.hits.map((h) => new WebhookReceiver(KEY, SECRET).receive(h.body, h.auth)));
    assert.equal(evs.map((e) => e.room?.name), ['r0', 'r7', 'r8', 'r9']);
    assert.equal(evs.map((e) => e.numDropped), [0, 6, 0, 0]);
  } finally { await n.close(); await closeServer(rx.server); }
});

test('bad URLs are refused at construction', () => {
  assert.throws(() => new WebhookNotifier({ urls: ['ftp://x/'], apiKey: KEY, apiSecret: SECRET }), /http or https/);
  assert.throws(() => new WebhookNotifier({ urls: ['not a url'], apiKey: KEY, apiSecret: SECRET }), /not a URL/);
});

test.run();
