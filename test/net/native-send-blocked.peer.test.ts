// The full-socket-buffer path for real: inside this test's own network namespace, a
// token-bucket qdisc on lo (8 Mbit/s) and a small SO_SNDBUF make sendmmsg hit EAGAIN.
// Both backends must deliver every packet in order; the native one counts `blocked`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket } from 'node:dgram';
import { execFileSync } from 'node:child_process';
import { NativeSendTarget, SendQueue, loadUdpSendAddon } from '../../src/net/index.js';

// A namespace made for the test has lo and nothing else; the host has real interfaces
// whose lo must never be reshaped.
const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).trim().split('\n');
const privateNetns = links.length === 1 && /^\d+: lo:/.test(links[0]);

async function bound(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
}

async function until(cond: () => boolean, what: string, ms = 20_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('runs in a private network namespace (it reshapes lo)', () => {
  assert.ok(privateNetns, 'run me through scripts/run-tests.mjs or unshare -n: I add a qdisc to lo');
  // ~1 ms of packets at 8 Mbit/s per burst; the queue limit is above what SO_SNDBUF lets
  // in flight, so the qdisc never drops (a qdisc drop would be silent for UDP).
  execFileSync('tc', ['qdisc', 'replace', 'dev', 'lo', 'root', 'tbf', 'rate', '8mbit', 'burst', '4000', 'limit', '60000']);
});

for (const backend of ['native', 'dgram'] as const) {
  test(`${backend}: 400 x 1000 B through a full socket buffer arrive complete and in order`, async () => {
    if (!privateNetns) return;
    const addon = loadUdpSendAddon();
    assert.ok(addon, 'udp_send addon not built');
    const sender = await bound();
    const r = await bound();
    r.setRecvBufferSize(4 * 1024 * 1024);
    sender.setSendBufferSize(4096); // the kernel's floor is ~4.6 KB (doubled): a few packets
    const got: number[] = [];
    r.on('message', (m) => got.push(m.readUInt16BE(0)));
    try {
      const target = backend === 'native' ? new NativeSendTarget(sender, addon!) : sender;
      const q = new SendQueue(target, { slots: 512, slotSize: 1024 });
      const p = Buffer.alloc(1000, 0x5a);
      for (let k = 0; k < 400; k++) {
        p.writeUInt16BE(k, 0);
        assert.ok(q.enqueue(p, 0, p.length, r.address().port, '127.0.0.1'));
      }
      await until(() => got.length === 400, `400 packets (got ${got.length})`);
      assert.equal(got, Array.from({ length: 400 }, (_, k) => k));
      assert.is(q.stats.sent, 400);
      assert.is(q.stats.sendErrors, 0);
      assert.is(q.stats.dropped, 0);
      if (backend === 'native') assert.ok(q.stats.blocked > 0, `EAGAIN never hit (blocked ${q.stats.blocked})`);
      console.log(`  ${backend}: blocked ${q.stats.blocked} times`);
    } finally {
      sender.close();
      r.close();
    }
  });
}

test.run();
