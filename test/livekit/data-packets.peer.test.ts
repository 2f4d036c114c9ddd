// LiveKit data through Switchboard, measured where livekit-client delivers it
// (RoomEvent.DataReceived, RPC results, text streams): three browsers in one room, alice
// and carol on one peer connection (/rtc/v1, the default), bob on two (/rtc) so both
// delivery paths are used (the client's own channels; the `_reliable` / `_lossy` we
// open on the subscriber PC). Also livekit-server-sdk's SendData, a sender without
// canPublishData, and 1,000 reliable messages in order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DataPacket_Kind, RoomServiceClient } from 'livekit-server-sdk';
import { startLkHarness, LK_KEY, LK_SECRET, type LkClient, type LkHarness } from './harness.js';
import { sleep } from '../peers/paths.js';

interface Got { from: string | null; kind: number; topic: string | null; text: string; len: number }

let h: LkHarness;
let alice: LkClient, bob: LkClient, carol: LkClient;
const ROOM = 'data-room';

const data = (c: LkClient) => c.eval<Got[]>('() => lkt.data');
async function waitData(c: LkClient, ok: (d: Got[]) => boolean, what: string, ms = 10_000): Promise<Got[]> {
  const end = Date.now() + ms;
  let d = await data(c);
  while (!ok(d) && Date.now() < end) { await sleep(100); d = await data(c); }
  if (!ok(d)) throw new Error(`${c.identity}: ${what} not seen in ${ms} ms; got ${JSON.stringify(d.slice(-10))} (${d.length})`);
  return d;
}
const publish = (c: LkClient, text: string, opts: Record<string, unknown>) =>
  c.eval<string>(`async ([text, opts]) => { await lkt.room.localParticipant.publishData(new TextEncoder().encode(text), opts); return 'ok'; }`, [text, opts], 15_000);

test.before(async () => {
  h = await startLkHarness();
  alice = await h.client('alice', ROOM);
  bob = await h.client('bob', ROOM);
  carol = await h.client('carol', ROOM);
  await alice.connect();
  await bob.connect({ singlePeerConnection: false });
  await carol.connect();
  for (const [c, others] of [[alice, ['bob', 'carol']], [bob, ['alice', 'carol']], [carol, ['alice', 'bob']]] as const) {
    for (const o of others) await c.waitRemote(o, (r) => r.present, `${o} present`);
  }
});
test.after(async () => { await h?.close(); });

test('publishData reliable and lossy reach everyone else, stamped with the sender, on the kind sent', async () => {
  await publish(alice, 'r-from-alice', { reliable: true, topic: 'news' });
  await publish(bob, 'l-from-bob', { reliable: false });
  for (const c of [bob, carol]) {
    const d = await waitData(c, (x) => x.some((g) => g.text === 'r-from-alice'), 'alice reliable');
    const g = d.find((x) => x.text === 'r-from-alice')!;
    assert.equal([g.from, g.kind, g.topic], ['alice', DataPacket_Kind.RELIABLE, 'news'], c.identity);
  }
  for (const c of [alice, carol]) {
    const d = await waitData(c, (x) => x.some((g) => g.text === 'l-from-bob'), 'bob lossy');
    const g = d.find((x) => x.text === 'l-from-bob')!;
    assert.equal([g.from, g.kind], ['bob', DataPacket_Kind.LOSSY], c.identity);
  }
  await sleep(300);
  assert.not.ok((await data(alice)).some((g) => g.text === 'r-from-alice'), 'the sender does not get its own packet');
  assert.not.ok((await data(bob)).some((g) => g.text === 'l-from-bob'));
});

test('destinationIdentities: only the named participants get the packet', async () => {
  await publish(alice, 'only-for-bob', { reliable: true, destinationIdentities: ['bob'] });
  await publish(alice, 'marker-1', { reliable: true });
  await waitData(carol, (x) => x.some((g) => g.text === 'marker-1'), 'marker');
  const d = await waitData(bob, (x) => x.some((g) => g.text === 'marker-1'), 'marker');
  assert.ok(d.some((g) => g.text === 'only-for-bob' && g.from === 'alice'));
  // Reliable data from one sender is ordered: carol has the marker, so she would have had it.
  assert.not.ok((await data(carol)).some((g) => g.text === 'only-for-bob'), 'carol must not get a packet for bob');
});

test('1,000 reliable messages arrive complete and in order (two PCs -> one PC), and one just under the 64000-byte packet cap of livekit-client', async () => {
  const r = await bob.eval<string>(`async () => {
    const lp = lkt.room.localParticipant;
    for (let i = 0; i < 1000; i++) await lp.publishData(new TextEncoder().encode('seq-' + i), { reliable: true, destinationIdentities: ['alice'] });
    await lp.publishData(new TextEncoder().encode('B'.repeat(63000)), { reliable: true, destinationIdentities: ['alice'] });
    return 'ok';
  }`, undefined, 60_000);
  assert.is(r, 'ok');
  const d = await waitData(alice, (x) => x.some((g) => g.len === 63000), '63 KB message', 30_000);
  const seq = d.filter((g) => g.text.startsWith('seq-')).map((g) => Number(g.text.slice(4)));
  assert.is(seq.length, 1000, `got ${seq.length}`);
  assert.ok(seq.every((v, i) => v === i), 'in order');
  assert.ok(d.find((g) => g.len === 63000)!.text === 'B'.repeat(63000));
});

test('a 256 KiB byte stream (sendBytes: header, chunks, trailer) arrives whole and intact', async () => {
  await alice.eval(`() => { lkt.bytes = []; lkt.room.registerByteStreamHandler('lk.bytes', async (reader, info) => {
    const chunks = await reader.readAll(); let n = 0, sum = 0; for (const c of chunks) { for (let i = 0; i < c.length; i++) if ((n + i) % 97 === 0) sum = (sum + c[i]) % 65521; n += c.length; }
    lkt.bytes.push({ from: info.identity, n, sum, size: info.size }); }); return 1; }`);
  const sent = await bob.eval<{ n: number; sum: number }>(`async () => {
    const b = new Uint8Array(262144); for (let i = 0; i < b.length; i++) b[i] = (i * 31 + 7) & 0xff;
    let sum = 0; for (let i = 0; i < b.length; i += 97) sum = (sum + b[i]) % 65521;
    await lkt.room.localParticipant.sendBytes(b, { topic: 'lk.bytes', destinationIdentities: ['alice'] });
    return { n: b.length, sum };
  }`, undefined, 30_000);
  const end = Date.now() + 15_000;
  let got: { from: string; n: number; sum: number }[] = [];
  while (Date.now() < end) { got = await alice.eval('() => lkt.bytes'); if (got.length) break; await sleep(100); }
  assert.equal(got.map((g) => [g.from, g.n, g.sum]), [['bob', sent.n, sent.sum]]);
});

test('performRpc: a round trip to a handler in another browser, both connection modes', async () => {
  await carol.eval(`() => { lkt.room.registerRpcMethod('greet', async (d) => 'hello ' + d.payload + ' from ' + d.callerIdentity); return 1; }`);
  await bob.eval(`() => { lkt.room.registerRpcMethod('add', async (d) => String(JSON.parse(d.payload).a + JSON.parse(d.payload).b)); return 1; }`);
  const r1 = await alice.eval<string>(`() => lkt.room.localParticipant.performRpc({ destinationIdentity: 'carol', method: 'greet', payload: 'alice' })`, undefined, 15_000);
  assert.is(r1, 'hello alice from alice');
  const r2 = await carol.eval<string>(`() => lkt.room.localParticipant.performRpc({ destinationIdentity: 'bob', method: 'add', payload: JSON.stringify({ a: 2, b: 40 }) })`, undefined, 15_000);
  assert.is(r2, '42');
  const r3 = await alice.eval<string>(`() => lkt.room.localParticipant.performRpc({ destinationIdentity: 'bob', method: 'nope', payload: '' }).then(() => 'resolved', (e) => 'error ' + e.code)`, undefined, 15_000);
  assert.is(r3, 'error 1400', 'unsupported method comes back from bob as RpcError 1400');
});

test('sendText and streamText: text streams arrive whole at the other browsers', async () => {
  for (const c of [bob, carol]) {
    await c.eval(`() => { lkt.texts = []; lkt.room.registerTextStreamHandler('lk.test', async (reader, info) => { lkt.texts.push({ from: info.identity, text: await reader.readAll() }); }); return 1; }`);
  }
  await alice.eval(`() => lkt.room.localParticipant.sendText('short text', { topic: 'lk.test' }).then(() => 1)`, undefined, 15_000);
  await alice.eval(`async () => { const w = await lkt.room.localParticipant.streamText({ topic: 'lk.test' }); for (let i = 0; i < 50; i++) await w.write('chunk' + i + ' '); await w.close(); return 1; }`, undefined, 20_000);
  const long = Array.from({ length: 50 }, (_, i) => 'chunk' + i + ' ').join('');
  for (const c of [bob, carol]) {
    const end = Date.now() + 10_000;
    let t: { from: string; text: string }[] = [];
    while (Date.now() < end) { t = await c.eval('() => lkt.texts'); if (t.length >= 2) break; await sleep(100); }
    assert.equal(t.map((x) => x.from), ['alice', 'alice'], c.identity);
    assert.ok(t.some((x) => x.text === 'short text'), JSON.stringify(t));
    assert.ok(t.some((x) => x.text === long), 'streamed text whole');
  }
});

test('RoomService SendData (livekit-server-sdk): to one identity, with topic, no sender; a bad room is not_found', async () => {
  const svc = new RoomServiceClient(h.sb.httpUrl, LK_KEY, LK_SECRET);
  await svc.sendData(ROOM, new TextEncoder().encode('from-server'), DataPacket_Kind.RELIABLE, { destinationIdentities: ['carol'], topic: 'srv' });
  await svc.sendData(ROOM, new TextEncoder().encode('srv-lossy-all'), DataPacket_Kind.LOSSY, {});
  const d = await waitData(carol, (x) => x.some((g) => g.text === 'from-server') && x.some((g) => g.text === 'srv-lossy-all'), 'server data');
  const g = d.find((x) => x.text === 'from-server')!;
  assert.equal([g.from, g.topic, g.kind], [null, 'srv', DataPacket_Kind.RELIABLE]);
  await waitData(alice, (x) => x.some((g) => g.text === 'srv-lossy-all'), 'server lossy');
  await waitData(bob, (x) => x.some((g) => g.text === 'srv-lossy-all'), 'server lossy');
  assert.not.ok((await data(bob)).some((x) => x.text === 'from-server'));
  const err = await svc.sendData('no-such-room', new Uint8Array([1]), DataPacket_Kind.RELIABLE, {}).then(() => 'ok', (e) => String(e?.code ?? e));
  assert.is(err, 'not_found');
});

test('the engine API an embedder uses: room "data" events, Room.sendData, Participant.sendData, stats', async () => {
  const room = h.sb.engine.room(ROOM)!;
  const seen: { from?: string; topic?: string; text: string; kind: string; dests: string[] }[] = [];
  room.on('data', (m) => seen.push({ ...(m.from ? { from: m.from.identity } : {}), ...(m.topic !== undefined ? { topic: m.topic } : {}), text: Buffer.from(m.payload ?? []).toString(), kind: m.kind, dests: m.destinationIdentities }));
  await sleep(200); // the host turns its data events on
  await publish(carol, 'watched', { reliable: false, topic: 'w', destinationIdentities: ['alice'] });
  const end = Date.now() + 5000;
  while (!seen.some((x) => x.text === 'watched') && Date.now() < end) await sleep(50);
  assert.equal(seen.find((x) => x.text === 'watched'), { from: 'carol', topic: 'w', text: 'watched', kind: 'lossy', dests: ['alice'] });
  const all = await room.sendData('embedder-all', { topic: 'e' });
  assert.is(all, 4 - 1, 'alice, bob, carol (dave has not joined yet)');
  const bobP = [...room.participants.values()].find((p) => p.identity === 'bob')!;
  assert.is(await bobP.sendData('embedder-bob', { reliable: true }), true);
  await waitData(bob, (x) => x.some((g) => g.text === 'embedder-bob'), 'participant.sendData');
  for (const c of [alice, bob, carol]) {
    const d = await waitData(c, (x) => x.some((g) => g.text === 'embedder-all'), 'room.sendData');
    assert.equal(d.filter((g) => g.text === 'embedder-all').map((g) => [g.from, g.topic]), [[null, 'e']]);
  }
  assert.not.ok((await data(alice)).some((g) => g.text === 'embedder-bob'));
  const bad = await room.sendDataPacket(new Uint8Array([0x12, 0x09, 0x01])).then(() => 'sent', (e) => `${e.code}: ${e.message}`);
  assert.match(bad, /^invalid-argument: not a DataPacket/);
  const st = await bobP.stats();
  assert.ok(st.data && st.data.received >= 1003 && st.data.forwarded >= 1003, JSON.stringify(st.data));
  assert.ok(st.data.sent >= 5, JSON.stringify(st.data));
  assert.is(st.data.malformed, 0);
});

test('a participant without canPublishData is not routed, others still are', async () => {
  const dave = await h.client('dave', ROOM);
  await dave.connect({}, {}, { canPublishData: false });
  await alice.waitRemote('dave', (r) => r.present, 'dave present');
  await publish(dave, 'from-dave', { reliable: true });
  await publish(dave, 'from-dave-lossy', { reliable: false });
  await publish(bob, 'marker-2', { reliable: true });
  const d = await waitData(alice, (x) => x.some((g) => g.text === 'marker-2'), 'marker');
  await sleep(300);
  assert.not.ok((await data(alice)).some((g) => g.text.startsWith('from-dave')), JSON.stringify(d.slice(-3)));
  // dave still receives (subscribing needs no grant to publish data)
  await waitData(dave, (x) => x.some((g) => g.text === 'marker-2'), 'dave gets data');
  // room_update carries the participant count (at most every 5 s, as livekit-server): livekit-client's room.numParticipants follows.
  const count = async (n: number) => {
    const end = Date.now() + 9000;
    let v = 0;
    while (Date.now() < end && (v = await alice.eval<number>('() => lkt.room.numParticipants')) !== n) await sleep(200);
    return v;
  };
  assert.is(await count(4), 4, 'numParticipants after dave joined');
  await dave.disconnect();
  assert.is(await count(3), 3, 'numParticipants after dave left');
});

test.run();
