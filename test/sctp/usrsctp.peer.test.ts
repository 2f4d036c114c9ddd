// Our SCTP + DCEP against usrsctp (node-datachannel / libdatachannel), an independent
// stack, over real DTLS (ours, server role) and ICE-lite on loopback UDP: channels opened
// from both sides, ordered messages up to 256 KiB, 1,000 small messages in order, string
// and binary, unordered maxRetransmits:0, and close by stream reset from each side.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import nodeDataChannel from 'node-datachannel';
import { connectUsrsctp } from './usrsctp-peer.js';
import { until } from './werift-peer.js';
import type { DataChannel } from '../../src/sctp/data-channel.js';

const pattern = (n: number, seed: number) => { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = (i * 29 + seed) & 0xff; return b; };
const asBuf = (m: string | Buffer | ArrayBuffer) => (typeof m === 'string' ? m : Buffer.isBuffer(m) ? m : Buffer.from(m));

test('usrsctp opens a channel: messages both ways (256 KiB, 1,000 in order, text), close from usrsctp', async () => {
  let ndc!: nodeDataChannel.DataChannel;
  const fromUs: (string | Buffer)[] = [];
  let ndcOpen = false;
  let ndcClosed = false;
  const a = await connectUsrsctp((pc) => {
    ndc = pc.createDataChannel('from-usrsctp', { protocol: 'p-u' });
    ndc.onOpen(() => { ndcOpen = true; });
    ndc.onMessage((m) => fromUs.push(asBuf(m)));
    ndc.onClosed(() => { ndcClosed = true; });
  });
  try {
    const remote: DataChannel[] = [];
    a.endpoint.on('datachannel', (ch) => remote.push(ch));
    await until(() => remote.length === 1 && ndcOpen, 15_000, () => `channel (sctp ${a.endpoint.sctp.state}, ours ${remote.length}, usrsctp open ${ndcOpen})`);
    const ch = remote[0];
    assert.is(ch.label, 'from-usrsctp');
    assert.is(ch.protocol, 'p-u');
    assert.is(ch.id % 2, 0, 'the DTLS client (usrsctp) picks even ids');
    const got: (string | Buffer)[] = [];
    ch.on('message', (m) => got.push(m));
    const sizes = [1, 1200, 65_536, 262_144];
    sizes.forEach((n, i) => ndc.sendMessageBinary(pattern(n, i)));
    ndc.sendMessage('texte ünïcode');
    await until(() => got.length === sizes.length + 1, 20_000, () => `from usrsctp ${got.length}`);
    sizes.forEach((n, i) => assert.ok(Buffer.isBuffer(got[i]) && (got[i] as Buffer).equals(pattern(n, i)), `usrsctp→us ${n} B`));
    assert.is(got[sizes.length], 'texte ünïcode');

    sizes.forEach((n, i) => ch.send(pattern(n, 50 + i)));
    for (let i = 0; i < 1000; i++) ch.send(`n${i}`);
    await until(() => fromUs.length === sizes.length + 1000, 30_000, () => `at usrsctp ${fromUs.length}`);
    sizes.forEach((n, i) => assert.ok(Buffer.isBuffer(fromUs[i]) && (fromUs[i] as Buffer).equals(pattern(n, 50 + i)), `us→usrsctp ${n} B`));
    for (let i = 0; i < 1000; i++) assert.is(fromUs[sizes.length + i], `n${i}`);

    let closed = false;
    ch.on('close', () => { closed = true; });
    ndc.close();
    await until(() => closed && ndcClosed, 10_000, () => `close (ours ${ch.readyState}, usrsctp closed ${ndcClosed})`);
    assert.ok(a.endpoint.sctp.established, 'the association outlives the channel');
  } finally {
    a.close();
  }
});

test('we open channels (reliable and unordered maxRetransmits:0): usrsctp sees label and type; close from our side', async () => {
  const ndcs: nodeDataChannel.DataChannel[] = [];
  const msgs = new Map<string, (string | Buffer)[]>();
  const closedLabels: string[] = [];
  const a = await connectUsrsctp((pc) => {
    // libdatachannel needs a data m-line in its offer: a channel of its own.
    pc.createDataChannel('bootstrap');
    pc.onDataChannel((dc) => {
      ndcs.push(dc);
      const label = dc.getLabel();
      msgs.set(label, []);
      dc.onMessage((m) => msgs.get(label)!.push(asBuf(m)));
      dc.onClosed(() => closedLabels.push(label));
    });
  });
  try {
    await until(() => a.endpoint.sctp.established, 15_000, () => `association (${a.endpoint.sctp.state})`);
    const rel = a.endpoint.createDataChannel('ours-reliable');
    const lossy = a.endpoint.createDataChannel('ours-lossy', { ordered: false, maxRetransmits: 0 });
    assert.is(rel.id % 2, 1, 'the DTLS server picks odd ids');
    await until(() => ndcs.length >= 2, 10_000, () => `usrsctp channels ${ndcs.length}`);
    for (let i = 0; i < 100; i++) { rel.send(`r${i}`); lossy.send(`l${i}`); }
    await until(() => msgs.get('ours-reliable')!.length === 100 && msgs.get('ours-lossy')!.length === 100, 10_000,
      () => `r ${msgs.get('ours-reliable')!.length} l ${msgs.get('ours-lossy')!.length}`);
    assert.equal(msgs.get('ours-reliable'), Array.from({ length: 100 }, (_, i) => `r${i}`));
    assert.is(new Set(msgs.get('ours-lossy')).size, 100, 'no loss on loopback: all 100 unordered arrive once');
    let closed = false;
    rel.on('close', () => { closed = true; });
    rel.close();
    await until(() => closed && closedLabels.includes('ours-reliable'), 10_000, () => `close (usrsctp closed ${closedLabels})`);
    assert.is(lossy.readyState, 'open', 'the other channel stays open');
    lossy.send('still here');
    await until(() => msgs.get('ours-lossy')!.length === 101, 5000, 'after the reset');
  } finally {
    a.close();
    nodeDataChannel.cleanup();
  }
});

test.run();
