// The bare forwarder baseline (plain JS, runs in a worker thread): one UDP socket in,
// for each datagram N dgram.send calls to the sinks — no demux, no crypto, no rewrite.
// The ceiling of Node's UDP path on this machine at the same fan-out.
import { parentPort, workerData } from 'node:worker_threads';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';

const { sinks } = workerData;
const sock = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
let received = 0, sent = 0, errors = 0;
const onSent = (err) => { if (err) errors++; };
sock.on('message', (msg) => {
  received++;
  for (let i = 0; i < sinks.length; i++) sock.send(msg, 0, msg.length, sinks[i], '127.0.0.1', onSent);
  sent += sinks.length;
});
const cpuMs = () => Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) / 1e6;
sock.bind(0, '127.0.0.1', () => parentPort.postMessage({ port: sock.address().port }));
parentPort.on('message', (m) => {
  if (m === 'stats') parentPort.postMessage({ cpuMs: cpuMs(), received, sent, errors });
  else if (m === 'close') { sock.close(); parentPort.close(); }
});
