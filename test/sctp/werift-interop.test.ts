// Our SCTP + DCEP against werift's (an independent implementation) over an in-memory
// pipe, in both roles: channels opened from each side, ordered reliable messages up to
// 256 KiB, string/binary/empty PPIDs, 10% loss both ways with reliable delivery in order,
// unordered maxRetransmits:0 over a lossy pipe (lost
// messages abandoned with FORWARD TSN, not retransmitted), and close by stream reset.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { until, weriftPair } from './werift-peer.js';
import type { DataChannel } from '../../src/sctp/data-channel.js';

const pattern = (n: number, seed: number) => { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = (i * 13 + seed) & 0xff; return b; };

for (const weriftIsClient of [true, false]) {
  const role = weriftIsClient ? 'werift is DTLS client (sends INIT), we answer' : 'we are DTLS client, werift answers';

  test(`${role}: channels both ways, ordered messages up to 256 KiB, all PPIDs`, async () => {
    const p = weriftPair(weriftIsClient);
    const remote: DataChannel[] = [];
    p.us.on('datachannel', (ch) => remote.push(ch));
    const wRemote: { label: string; msgs: (string | Buffer)[]; ch: unknown }[] = [];
    p.werift.onDataChannel.subscribe((ch) => {
      const rec = { label: ch.label, msgs: [] as (string | Buffer)[], ch };
      ch.onMessage.subscribe((m) => rec.msgs.push(m));
      wRemote.push(rec);
    });
    await p.start();
    await until(() => p.us.sctp.established, 10_000, 'association up');
    // Opened by werift: we get 'datachannel' via DCEP.
    const wc = p.weriftChannel('from-werift', { protocol: 'proto-w' });
    await until(() => remote.length === 1, 5000, 'our datachannel event');
    const theirs = remote[0];
    assert.is(theirs.label, 'from-werift');
    assert.is(theirs.protocol, 'proto-w');
    assert.is(theirs.id % 2, weriftIsClient ? 1 : 0, 'werift\'s stream parity');
    const got: (string | Buffer)[] = [];
    theirs.on('message', (m) => got.push(m));
    await until(() => wc.readyState === 'open', 5000, 'werift channel open');
    const sizes = [1, 100, 1200, 1201, 10_000, 65_536, 262_144];
    for (let i = 0; i < sizes.length; i++) wc.send(pattern(sizes[i], i));
    wc.send('text ünïcode');
    // (werift sends nothing at all for an empty message, so the empty PPIDs are checked us→werift.)
    await until(() => got.length === sizes.length + 1, 30_000, () => `messages from werift (${got.length})`);
    for (let i = 0; i < sizes.length; i++) assert.ok(Buffer.isBuffer(got[i]) && (got[i] as Buffer).equals(pattern(sizes[i], i)), `werift→us message ${i} (${sizes[i]} B)`);
    assert.is(got[sizes.length], 'text ünïcode');

    // Opened by us: werift gets it via DCEP.
    const oc = p.us.createDataChannel('from-us', { protocol: 'proto-u' });
    assert.is(oc.id % 2, weriftIsClient ? 0 : 1, 'ours is the other parity (no collision)');
    await until(() => oc.readyState === 'open' && wRemote.length === 1, 5000, 'werift datachannel');
    assert.is(wRemote[0].label, 'from-us');
    for (let i = 0; i < sizes.length; i++) oc.send(pattern(sizes[i], 100 + i));
    for (let i = 0; i < 200; i++) oc.send(`seq ${i}`);
    oc.send('');
    oc.send(Buffer.alloc(0));
    await until(() => wRemote[0].msgs.length === sizes.length + 202, 30_000, () => `messages at werift (${wRemote[0].msgs.length})`);
    const wm = wRemote[0].msgs;
    for (let i = 0; i < sizes.length; i++) assert.ok(Buffer.isBuffer(wm[i]) && (wm[i] as Buffer).equals(pattern(sizes[i], 100 + i)), `us→werift message ${i} (${sizes[i]} B)`);
    for (let i = 0; i < 200; i++) assert.is(wm[sizes.length + i], `seq ${i}`);
    assert.is(wm[sizes.length + 200], '', 'PPID 56 (empty string)');
    assert.ok(Buffer.isBuffer(wm[sizes.length + 201]) && (wm[sizes.length + 201] as Buffer).length === 0, 'PPID 57 (empty binary)');
    await until(() => oc.bufferedAmount === 0, 5000, 'bufferedAmount drained');
    await p.stop();
  });
}

test('unordered maxRetransmits:0 over a lossy pipe: our losses are abandoned (FORWARD TSN), not retransmitted', async () => {
  let n = 0;
  // Every 4th DATA packet from us is lost; control chunks (SACK, FORWARD TSN) pass.
  const p = weriftPair(true, { dropToWerift: (pkt) => pkt[12] === 0 && ++n % 4 === 0 });
  const wRemote: { label: string; msgs: (string | Buffer)[] }[] = [];
  p.werift.onDataChannel.subscribe((ch) => {
    const rec = { label: ch.label, msgs: [] as (string | Buffer)[] };
    ch.onMessage.subscribe((m) => rec.msgs.push(m));
    wRemote.push(rec);
  });
  await p.start();
  await until(() => p.us.sctp.established, 10_000, 'association up');
  // The reliable channel first, so its OPEN is through before the lossy traffic.
  const marker = p.us.createDataChannel('marker');
  const lossy = p.us.createDataChannel('lossy', { ordered: false, maxRetransmits: 0 });
  await until(() => wRemote.length === 2, 10_000, 'both channels at werift');
  const N = 200;
  for (let i = 0; i < N; i++) {
    lossy.send(`m${i}`);
    await new Promise((r) => setTimeout(r, 1)); // spread over many packets
  }
  marker.send('done');
  const lossyAt = wRemote.find((r) => r.label === 'lossy')!;
  const markerAt = wRemote.find((r) => r.label === 'marker')!;
  await until(() => markerAt.msgs.length === 1 && p.us.sctp.sender.outstanding === 0, 20_000, () => `marker + all acked (outstanding ${p.us.sctp.sender.outstanding})`);
  const delivered = lossyAt.msgs.length;
  assert.ok(p.stats.droppedToWerift > 0, 'the pipe dropped packets');
  assert.ok(delivered < N && delivered > N / 2, `delivered ${delivered} of ${N}`);
  assert.is(new Set(lossyAt.msgs).size, delivered, 'no duplicates');
  assert.is(p.us.sctp.stats.abandonedMessages + delivered, N, 'every message delivered or abandoned');
  const sent = p.us.sctp.stats.dataChunksSent;
  await new Promise((r) => setTimeout(r, 300));
  assert.is(p.us.sctp.stats.dataChunksSent, sent, 'nothing retransmitted afterwards');
  assert.ok(markerAt.msgs[0] === 'done');
  await p.stop();
});

test('werift abandons under loss (maxRetransmits:1): our receiver follows its FORWARD TSN', async () => {
  let n = 0;
  const p = weriftPair(true, { dropToUs: (pkt) => pkt[12] === 0 && ++n % 3 === 0 && n > 6 });
  const remote: DataChannel[] = [];
  p.us.on('datachannel', (ch) => remote.push(ch));
  await p.start();
  await until(() => p.us.sctp.established, 10_000, 'association up');
  const wc = p.weriftChannel('lossy-w', { ordered: false, maxRetransmits: 1 });
  await until(() => remote.length === 1 && wc.readyState === 'open', 10_000, 'channel');
  const got: string[] = [];
  remote[0].on('message', (m) => got.push(String(m)));
  for (let i = 0; i < 60; i++) { wc.send(`w${i}`); await new Promise((r) => setTimeout(r, 2)); }
  const wr = p.weriftChannel('reliable-w');
  await until(() => remote.length === 2, 30_000, 'second channel after the lossy traffic');
  const got2: string[] = [];
  remote[1].on('message', (m) => got2.push(String(m)));
  wr.send('after');
  await until(() => got2.length === 1, 30_000, 'reliable message after the abandoned ones');
  assert.ok(got.length > 0 && got.length <= 60, `${got.length} of 60`);
  assert.is(new Set(got).size, got.length, 'no duplicates');
  await p.stop();
});

test('10% loss both ways (after setup): every reliable message reaches werift intact and in order', async () => {
  let lossOn = false;
  let seed = 12345;
  const rnd = () => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed / 0x100000000; };
  const p = weriftPair(true, { dropToWerift: () => lossOn && rnd() < 0.1, dropToUs: () => lossOn && rnd() < 0.1 });
  const wRemote: (string | Buffer)[][] = [];
  p.werift.onDataChannel.subscribe((ch) => { const m: (string | Buffer)[] = []; ch.onMessage.subscribe((x) => m.push(x)); wRemote.push(m); });
  await p.start();
  await until(() => p.us.sctp.established, 10_000, 'association up');
  const ch = p.us.createDataChannel('reliable-under-loss');
  await until(() => wRemote.length === 1 && ch.readyState === 'open', 5000, 'channel');
  lossOn = true;
  const N = 300;
  const size = (i: number) => (i % 10 === 0 ? 5000 : 200);
  for (let i = 0; i < N; i++) ch.send(pattern(size(i), i));
  await until(() => wRemote[0].length === N, 60_000, () => `at werift ${wRemote[0].length}/${N}`);
  for (let i = 0; i < N; i++) assert.ok(Buffer.isBuffer(wRemote[0][i]) && (wRemote[0][i] as Buffer).equals(pattern(size(i), i)), `message ${i}`);
  assert.ok(p.stats.droppedToWerift > 0 && p.stats.droppedToUs > 0, 'the pipe dropped packets both ways');
  assert.ok(p.us.sctp.stats.retransmits > 0);
  await p.stop();
});

test('close by stream reset, from our side and from werift\'s', async () => {
  const p = weriftPair(false);
  const remote: DataChannel[] = [];
  p.us.on('datachannel', (ch) => remote.push(ch));
  const wRemote: { ch: { readyState: string; label: string } }[] = [];
  p.werift.onDataChannel.subscribe((ch) => wRemote.push({ ch }));
  await p.start();
  await until(() => p.us.sctp.established, 10_000, 'association up');
  const ours = p.us.createDataChannel('ours');
  const wc = p.weriftChannel('theirs');
  await until(() => wRemote.length === 1 && remote.length === 1 && ours.readyState === 'open' && wc.readyState === 'open', 5000, 'channels open');
  let oursClosed = false;
  ours.on('close', () => { oursClosed = true; });
  ours.close();
  await until(() => oursClosed && wRemote[0].ch.readyState === 'closed', 5000, () => `our close (werift sees ${wRemote[0].ch.readyState})`);
  let theirsClosed = false;
  remote[0].on('close', () => { theirsClosed = true; });
  wc.close();
  await until(() => theirsClosed && wc.readyState === 'closed', 5000, () => `werift close (ours ${remote[0].readyState})`);
  // The association lives on: a new channel on a reset stream id works.
  const again = p.us.createDataChannel('again');
  await until(() => wRemote.length === 2, 5000, 'a new channel after the resets');
  assert.is(again.readyState, 'open');
  await p.stop();
});

test.run();
