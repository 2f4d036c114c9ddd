// UdpMux over real loopback sockets: demux, claiming, routing, counting, survival.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket } from 'node:dgram';
import { NativeReceiver, UdpMux, loadUdpSendAddon, type MuxPeer } from '../../src/net/index.js';

class RecordingPeer implements MuxPeer {
  log: string[] = [];
  throwOnRtp = false;
  onStun(buf: Buffer, len: number, address: string, port: number, family: 4 | 6) { this.log.push(`stun ${len} ${address}:${port} v${family}`); }
  onDtls(buf: Buffer, len: number) { this.log.push(`dtls ${len} ${buf[0]}`); }
  onRtp(buf: Buffer, len: number) {
    if (this.throwOnRtp) throw new Error('boom');
    this.log.push(`rtp ${len} seq=${buf.readUInt16BE(2)}`);
  }
  onRtcp(buf: Buffer, len: number) { this.log.push(`rtcp ${len} pt=${buf[1]}`); }
}

const stunRequest = (tag: number) => {
  const b = Buffer.alloc(20);
  b.writeUInt16BE(0x0001, 0);
  b.writeUInt32BE(0x2112a442, 4);
  b[8] = tag;
  return b;
};
const rtp = (seq: number) => {
  const b = Buffer.alloc(40);
  b[0] = 0x80;
  b[1] = 111;
  b.writeUInt16BE(seq, 2);
  return b;
};
const rtcp = () => { const b = Buffer.alloc(8); b[0] = 0x80; b[1] = 201; b.writeUInt16BE(1, 2); return b; };
const dtls = () => { const b = Buffer.alloc(30); b[0] = 22; b[1] = 0xfe; b[2] = 0xfd; return b; };

async function clientSocket(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
}
const sendTo = (s: Socket, b: Buffer, port: number) => new Promise<void>((r, j) => s.send(b, port, '127.0.0.1', (e) => (e ? j(e) : r())));

async function until(cond: () => boolean, ms = 2000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('unknown address: only a claimed STUN request opens the route; then every kind is routed', async () => {
  const mux = new UdpMux();
  const port = await mux.listen();
  const peer = new RecordingPeer();
  // The claim handler stands in for ICE authentication: tag byte 7 = "verified".
  mux.setClaimHandler((buf) => (buf[8] === 7 ? peer : undefined));
  const c = await clientSocket();
  try {
    await sendTo(c, rtp(1), port); // unknown address, not STUN: dropped
    await sendTo(c, dtls(), port); // dropped
    await sendTo(c, stunRequest(1), port); // fails "authentication": dropped
    await until(() => mux.stats.received === 3);
    assert.is(mux.stats.unknownAddress, 3);
    assert.equal(peer.log, []);

    await sendTo(c, stunRequest(7), port);
    await sendTo(c, dtls(), port);
    await sendTo(c, rtp(42), port);
    await sendTo(c, rtcp(), port);
    await until(() => peer.log.length === 4);
    const cport = c.address().port;
    assert.equal(peer.log, [`stun 20 127.0.0.1:${cport} v4`, 'dtls 30 22', 'rtp 40 seq=42', 'rtcp 8 pt=201']);
    assert.is(mux.stats.claimed, 1);
    assert.is(mux.peerAddressCount, 1);
  } finally {
    c.close();
    mux.close();
  }
});

test('malformed datagrams are counted and dropped; a throwing handler does not kill the socket', async () => {
  const mux = new UdpMux();
  const port = await mux.listen();
  const peer = new RecordingPeer();
  const c = await clientSocket();
  mux.bind('127.0.0.1', c.address().port, peer);
  try {
    await sendTo(c, Buffer.from([0xff, 1, 2, 3]), port);
    await sendTo(c, Buffer.from([0x80, 111, 0, 1]), port); // RTP shorter than a header
    peer.throwOnRtp = true;
    await sendTo(c, rtp(5), port);
    await until(() => mux.stats.received === 3);
    assert.is(mux.stats.malformed, 2);
    assert.is(mux.stats.handlerErrors, 1);
    peer.throwOnRtp = false;
    await sendTo(c, rtp(6), port);
    await until(() => peer.log.length === 1);
    assert.equal(peer.log, ['rtp 40 seq=6']);
  } finally {
    c.close();
    mux.close();
  }
});

test('two peers on one socket are kept apart; removePeer forgets all its addresses', async () => {
  const mux = new UdpMux();
  const port = await mux.listen();
  const a = new RecordingPeer();
  const b = new RecordingPeer();
  const ca = await clientSocket();
  const cb = await clientSocket();
  mux.bind('127.0.0.1', ca.address().port, a);
  mux.bind('127.0.0.1', cb.address().port, b);
  try {
    await sendTo(ca, rtp(1), port);
    await sendTo(cb, rtp(2), port);
    await until(() => a.log.length + b.log.length === 2);
    assert.equal(a.log, ['rtp 40 seq=1']);
    assert.equal(b.log, ['rtp 40 seq=2']);
    mux.removePeer(a);
    await sendTo(ca, rtp(3), port);
    await until(() => mux.stats.received === 3);
    assert.is(mux.stats.unknownAddress, 1);
    assert.equal(a.log, ['rtp 40 seq=1']);
  } finally {
    ca.close();
    cb.close();
    mux.close();
  }
});

test('send queue delivers to the remote address at the end of the turn', async () => {
  const mux = new UdpMux();
  await mux.listen();
  const c = await clientSocket();
  const got: string[] = [];
  c.on('message', (m) => got.push(m.toString()));
  try {
    for (let i = 0; i < 50; i++) mux.send(Buffer.from(`pkt${i}`), 0, `pkt${i}`.length, c.address().port, '127.0.0.1');
    assert.is(mux.sendQueue.pending, 50);
    await until(() => got.length === 50);
    assert.equal(got, Array.from({ length: 50 }, (_, i) => `pkt${i}`));
    assert.is(mux.sendQueue.stats.sent, 50);
  } finally {
    c.close();
    mux.close();
  }
});

test('the backends are the ones asked for (udp-mux.dgram / .native-recv run this file again)', async () => {
  const mux = new UdpMux();
  try {
    const want = process.env.SWITCHBOARD_NET_BACKEND === 'dgram' || !loadUdpSendAddon() ? 'dgram' : 'native';
    assert.is(mux.sendBackend, want);
    await mux.listen();
    const recv = process.env.SWITCHBOARD_NET_RECV === 'native' && NativeReceiver.supported(loadUdpSendAddon()) ? 'native' : 'dgram';
    assert.is(mux.recvBackend, recv);
  } finally {
    mux.close();
  }
});

test('socket buffers are raised from the 208 KB default (when the kernel allows)', async () => {
  const mux = new UdpMux();
  await mux.listen();
  try {
    const max = Number((await import('node:fs')).readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
    const { recv } = mux.socketBuffers;
    // Linux doubles the value it stores; the request is min(4 MiB, rmem_max).
    assert.ok(recv >= Math.min(4 * 1024 * 1024, max), `SO_RCVBUF ${recv}, rmem_max ${max}`);
  } finally {
    mux.close();
  }
});

test('close is idempotent and a bind error is typed', async () => {
  const a = new UdpMux();
  const port = await a.listen();
  const b = new UdpMux({ port });
  try {
    await b.listen();
    assert.unreachable('second bind to the same port must fail');
  } catch (e) {
    assert.is((e as { code?: string }).code, 'ERR_NET_BIND');
  }
  a.close();
  a.close();
  b.close();
});

test.run();
