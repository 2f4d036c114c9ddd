// UDP send, 32 packets of 200 B a flush to a loopback sink: the SendQueue on the native
// backend (one sendmmsg) against the same queue on node:dgram (32 libuv sends, awaited
// until their callbacks ran), in the same run. ns per packet = ns / 32. The sink does
// not read (its handle's recvStop), so receiving costs neither side anything.
// UDP receive: 32 datagrams sent with sendmmsg, awaited until all 32 reached JavaScript,
// through NativeReceiver (recvmmsg) or dgram's 'message'; both include the same send.
import { createSocket, type Socket } from 'node:dgram';
import type { MicroCase } from './case.js';
import { NativeReceiver, NativeSendTarget, SendQueue, loadUdpSendAddon, type SendTarget } from '../../src/net/index.js';

const BATCH = 32;
const SIZE = 200;

async function bound(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  s.unref();
  return s;
}

function stopReading(s: Socket): void {
  const key = Object.getOwnPropertySymbols(s).find((k) => k.description === 'state symbol');
  const handle = key ? (s as unknown as Record<symbol, { handle?: { recvStop?: () => void } }>)[key].handle : undefined;
  handle?.recvStop?.();
}

/** dgram with one shared callback that resolves when the batch's last send completed. */
class AwaitedDgram implements SendTarget {
  #left = 0;
  #done: () => void = () => {};
  #queueCb: (err: Error | null) => void = () => {};
  readonly #cb = (err: Error | null): void => {
    this.#queueCb(err); // the queue's completion count frees the slot
    if (--this.#left === 0) this.#done();
  };
  constructor(readonly socket: Socket) {}
  expect(n: number): Promise<void> {
    this.#left = n;
    return new Promise((r) => { this.#done = r; });
  }
  send(buf: Uint8Array, offset: number, length: number, port: number, address: string, cb: (err: Error | null) => void): void {
    this.#queueCb = cb; // the queue passes the same callback every time
    this.socket.send(buf, offset, length, port, address, this.#cb);
  }
}

async function makeCases(): Promise<MicroCase[]> {
  const addon = loadUdpSendAddon();
  if (!addon) {
    console.warn('[bench net-send] udp_send addon not built: native cases skipped');
    return [];
  }
  const sink = await bound();
  stopReading(sink);
  const port = sink.address().port;
  const payload = Buffer.alloc(SIZE, 0x80);
  const manual = { schedule: () => {} }; // flushed by the case itself

  const nativeQ = new SendQueue(new NativeSendTarget(await bound(), addon), { slots: 1024, slotSize: 1500, ...manual });
  const dgram = new AwaitedDgram(await bound());
  const dgramQ = new SendQueue(dgram, { slots: 1024, slotSize: 1500, ...manual });

  // Receive: one sender, two sinks (native, dgram), a promise per batch of 32.
  const recvQ = new SendQueue(new NativeSendTarget(await bound(), addon), { slots: 1024, slotSize: 1500, ...manual });
  let left = 0;
  let done: () => void = () => {};
  const one = () => { if (--left === 0) done(); };
  const nativeSink = await bound();
  nativeSink.setRecvBufferSize(4 * 1024 * 1024);
  new NativeReceiver(addon, nativeSink, one, () => 0); // lives as long as the bench
  const dgramSink = await bound();
  dgramSink.setRecvBufferSize(4 * 1024 * 1024);
  dgramSink.on('message', one);
  const receive = (to: number) => {
    left = BATCH;
    const p = new Promise<void>((r) => { done = r; });
    for (let i = 0; i < BATCH; i++) recvQ.enqueue(payload, 0, SIZE, to, '127.0.0.1');
    recvQ.flush();
    return p;
  };
  const nativePort = nativeSink.address().port, dgramPort = dgramSink.address().port;

  const fill = (q: SendQueue) => { for (let i = 0; i < BATCH; i++) q.enqueue(payload, 0, SIZE, port, '127.0.0.1'); };
  return [
    {
      name: `udp send ${BATCH} x ${SIZE} B: SendQueue native (sendmmsg)`,
      fn: () => { fill(nativeQ); nativeQ.flush(); },
      baseline: {
        name: `SendQueue dgram (${BATCH} x dgram.send, awaited)`,
        async: true,
        fn: () => { const p = dgram.expect(BATCH); fill(dgramQ); dgramQ.flush(); return p; },
      },
    },
    {
      name: `udp send ${BATCH} x ${SIZE} B: SendQueue native, awaited like dgram`,
      async: true,
      fn: async () => { fill(nativeQ); nativeQ.flush(); },
    },
    {
      name: `udp receive ${BATCH} x ${SIZE} B: NativeReceiver (recvmmsg), sent by sendmmsg`,
      async: true,
      fn: () => receive(nativePort),
      baseline: { name: `dgram 'message' x ${BATCH}, sent by sendmmsg`, async: true, fn: () => receive(dgramPort) },
    },
  ];
}

export const cases: MicroCase[] = await makeCases();
