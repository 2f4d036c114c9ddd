// TcpMux over real loopback TCP: nothing reaches a peer before a STUN check claims it,
// the unauthenticated limits and deadline, framing errors close, back-pressure drops
// are counted, and a peer answers on the connection it was reached on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TcpMux, type MuxPeer, type SendPath } from '../../src/net/index.js';
import { framedClient as client, frame, sleep, until } from './framed-client.js';

class Peer implements MuxPeer {
  log: string[] = [];
  path: SendPath | undefined;
  onStun(buf: Buffer, len: number, address: string, _port: number, family: 4 | 6, _now: number, path?: SendPath) {
    this.log.push(`stun ${len} ${address} v${family}`);
    this.path = path;
    path?.enqueue(buf, 0, len, 0, ''); // echo, as a binding response would go back
  }
  onDtls(_b: Buffer, len: number) { this.log.push(`dtls ${len}`); }
  onRtp(_b: Buffer, len: number) { this.log.push(`rtp ${len}`); }
  onRtcp(_b: Buffer, len: number) { this.log.push(`rtcp ${len}`); }
}

const stun = (tag: number): Buffer => { const b = Buffer.alloc(20); b.writeUInt16BE(1, 0); b.writeUInt32BE(0x2112a442, 4); b[8] = tag; return b; };
const rtp = (): Buffer => { const b = Buffer.alloc(40); b[0] = 0x80; b[1] = 111; return b; };
const dtls = (): Buffer => { const b = Buffer.alloc(30); b[0] = 22; return b; };
/** Tag 1 authenticates; anything else does not. */
function mux(opts: ConstructorParameters<typeof TcpMux>[0] = {}): { m: TcpMux; peer: Peer } {
  const m = new TcpMux(opts);
  const peer = new Peer();
  m.setClaimHandler((buf) => (buf[8] === 1 ? peer : undefined));
  return { m, peer };
}
test('a connection reaches its peer only after an authenticating STUN check; then every kind is routed and answers go back framed', async () => {
  const { m, peer } = mux();
  const port = await m.listen();
  try {
    const c = await client(port);
    c.s.write(frame(stun(2)));
    await until(() => m.stats.authFailures === 1);
    assert.equal(peer.log, [], 'a failed claim reaches no peer');
    assert.is(m.unauthenticatedCount, 1);
    c.s.write(Buffer.concat([frame(stun(1)), frame(dtls()), frame(rtp())]));
    await until(() => peer.log.length === 3);
    assert.equal(peer.log, ['stun 20 127.0.0.1 v4', 'dtls 30', 'rtp 40']);
    assert.is(m.stats.authenticated, 1);
    assert.is(m.unauthenticatedCount, 0);
    await until(() => c.frames.length === 1);
    assert.ok(c.frames[0].equals(stun(1)), 'the echo came back RFC 4571-framed on the same connection');
    m.removePeer(peer);
    await until(() => c.closed());
    assert.is(m.links.size, 0);
  } finally { m.close(); }
});

test('media before authentication closes the connection', async () => {
  const { m, peer } = mux();
  const port = await m.listen();
  try {
    const c = await client(port);
    c.s.write(frame(rtp()));
    await until(() => c.closed());
    assert.is(m.stats.unauthenticatedMedia, 1);
    assert.equal(peer.log, []);
    assert.is(m.unauthenticatedCount, 0);
  } finally { m.close(); }
});

test('an oversize frame length closes the connection (framing error)', async () => {
  const { m } = mux({ maxFrame: 1500 });
  const port = await m.listen();
  try {
    const c = await client(port);
    c.s.write(Buffer.from([0xff, 0xff, 1, 2, 3]));
    await until(() => c.closed());
    assert.is(m.stats.framingErrors, 1);
  } finally { m.close(); }
});

test('at most maxUnauthenticated connections wait; the next is refused; the deadline closes them', async () => {
  const { m } = mux({ maxUnauthenticated: 2, unauthenticatedTimeoutMs: 300 });
  const port = await m.listen();
  try {
    const a = await client(port), b = await client(port);
    await until(() => m.unauthenticatedCount === 2);
    const c = await client(port);
    await until(() => c.closed());
    assert.is(m.stats.rejectedLimit, 1);
    await until(() => a.closed() && b.closed(), 3000);
    assert.is(m.stats.unauthenticatedTimeouts, 2);
    assert.is(m.unauthenticatedCount, 0);
    assert.is(m.links.size, 0);
  } finally { m.close(); }
});

test('an authenticated connection is not closed by the deadline', async () => {
  const { m, peer } = mux({ unauthenticatedTimeoutMs: 150 });
  const port = await m.listen();
  try {
    const c = await client(port);
    c.s.write(frame(stun(1)));
    await until(() => peer.log.length === 1);
    await sleep(300);
    assert.is(c.closed(), false);
    assert.is(m.stats.unauthenticatedTimeouts, 0);
  } finally { m.close(); }
});

test('output is bounded: past chunks x chunkSize in one turn packets are dropped and counted', async () => {
  const { m, peer } = mux({ chunkSize: 4096, maxChunks: 2 });
  const port = await m.listen();
  try {
    const c = await client(port);
    c.s.write(frame(stun(1)));
    await until(() => peer.path !== undefined && c.frames.length === 1);
    const path = peer.path!;
    const p = Buffer.alloc(1200, 0x80);
    let sent = 0, dropped = 0;
    for (let i = 0; i < 20; i++) { if (path.enqueue(p, 0, p.length, 0, '')) sent++; else dropped++; }
    assert.ok(sent >= 2 && sent <= 6, `sent ${sent}`);
    assert.is(dropped, 20 - sent);
    const link = [...m.links][0];
    assert.is(link.stats.sendDropped, dropped);
    await until(() => c.frames.length === 1 + sent);
    assert.ok(path.enqueue(p, 0, p.length, 0, ''), 'chunks are reused once written');
  } finally { m.close(); }
});

test('maxConnections caps all connections', async () => {
  const { m } = mux({ maxConnections: 1 });
  const port = await m.listen();
  try {
    await client(port);
    await until(() => m.links.size === 1);
    const b = await client(port);
    await until(() => b.closed());
    assert.is(m.stats.rejectedLimit, 1);
  } finally { m.close(); }
});

test.run();
