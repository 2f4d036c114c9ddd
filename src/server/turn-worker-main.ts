// Entry of the TURN worker thread: relayed media stays off the main thread (which owns
// signaling only). Started by EmbeddedTurn; messages are per allocation or request, never
// per packet.
import { parentPort, workerData } from 'node:worker_threads';
import { listenTurn, type TurnListenOptions } from './turn-listen.js';
import type { TurnEvent, TurnServer, TurnStats } from '../turn/index.js';

export type FromTurnWorker =
  | { kind: 'ready'; udpPort: number; tcpPort: number; tlsPort: number }
  | { kind: 'failed'; message: string }
  | { kind: 'log'; line: string }
  | { kind: 'event'; event: TurnEvent }
  | { kind: 'stats'; id: number; stats: TurnStats | null }
  | { kind: 'closed' };
export type ToTurnWorker = { kind: 'stats'; id: number } | { kind: 'close' };

const port = parentPort;
if (!port) throw new Error('turn-worker-main.ts must run in a worker thread');
const post = (m: FromTurnWorker): void => port.postMessage(m);
let server: TurnServer | undefined;

port.on('message', (m: ToTurnWorker) => {
  if (m.kind === 'stats') post({ kind: 'stats', id: m.id, stats: server?.stats() ?? null });
  else if (m.kind === 'close') { server?.close(); post({ kind: 'closed' }); port.close(); }
});

listenTurn(workerData as TurnListenOptions, (line) => post({ kind: 'log', line }), (event) => post({ kind: 'event', event })).then(
  (s) => { server = s; post({ kind: 'ready', udpPort: s.udpPort, tcpPort: s.tcpPort, tlsPort: s.tlsPort }); },
  (e: Error) => { post({ kind: 'failed', message: e.message }); port.close(); },
);
