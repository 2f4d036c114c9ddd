// Entry of a media worker thread: one MediaHost (its own UDP socket) driven over the
// parent port. Replies carry the request id; events are forwarded as they happen.
import { parentPort, workerData } from 'node:worker_threads';
import { createPrivateKey } from 'node:crypto';
import { MediaHost } from './core/media-host.js';
import { serializeError } from './errors.js';
import { serveCaptureControl } from './capture/index.js';
import type { FromHost, ToHost } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('worker-main.ts must run in a worker thread');
const d = workerData as {
  der: Uint8Array; keyPem: string; fingerprint: { algorithm: string; value: string };
  host: string; port: number; tcpPort?: number | false; announcedAddress?: string; capabilities?: import('../sdp/index.js').Capabilities;
};
const post = (m: FromHost): void => port.postMessage(m);
const host = new MediaHost({
  certificate: { der: Buffer.from(d.der), privateKey: createPrivateKey(d.keyPem), fingerprint: d.fingerprint },
  host: d.host, port: d.port,
  ...(d.tcpPort !== undefined ? { tcpPort: d.tcpPort } : {}),
  ...(d.announcedAddress ? { announcedAddress: d.announcedAddress } : {}),
  ...(d.capabilities ? { capabilities: d.capabilities } : {}),
}, (event) => post({ kind: 'event', event }));

port.on('message', (m: ToHost) => {
  try {
    const value = host.handle(m.req);
    post({ kind: 'reply', id: m.id, ok: true, value });
    if (m.req.op === 'close') port.close();
  } catch (e) {
    post({ kind: 'reply', id: m.id, ok: false, error: serializeError(e) });
  }
});

serveCaptureControl(host); // capture tap + diagnostics (src/engine/capture); nothing runs until asked
host.start().then((p) => post({ kind: 'ready', port: p, tcpPort: host.server.tcpPort }), (e) => { throw e; });
