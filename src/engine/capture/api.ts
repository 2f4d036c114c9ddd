// The capture and diagnostics API on the engine's side (main thread). Each call goes to
// the media host that owns the room: directly with workers: 0, else over the control
// BroadcastChannel to that worker thread (addressed by its threadId).
//
//   await startCapture(room, 'call.pcapng');          // or a Participant
//   ...; const st = await stopCapture(room);           // { path, packets, dropped, bytesWritten }
//   await setStageTimers(engine, true);                // off by default
//   const d = await engineDiagnostics(engine);         // one HostDiagnostics per media host
import { BroadcastChannel, threadId, type Worker } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { LocalChannel, WorkerChannel, type HostChannel } from '../channel.js';
import type { Engine } from '../engine.js';
import { Room } from '../room.js';
import type { Participant } from '../participant.js';
import { EngineError } from '../errors.js';
import type { CaptureFileStats } from './capture-file.js';
import type { HostDiagnostics } from './diagnostics.js';
import { CONTROL_CHANNEL, captureControl, type CaptureRequest, type ControlMessage, type ControlReplyMessage } from './host-control.js';

export interface StartCaptureOptions {
  /** Upper bound on capture bytes buffered in the worker before they reach the file. Default 8 MiB. */
  maxBufferBytes?: number;
  /** Bytes of each packet kept. Default 65535. */
  snapLen?: number;
}

const client = randomBytes(6).toString('hex');
let bc: BroadcastChannel | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

function channel(): BroadcastChannel {
  if (bc) return bc;
  bc = new BroadcastChannel(CONTROL_CHANNEL);
  bc.unref();
  bc.onmessage = (ev: unknown) => {
    const m = (ev as { data: ControlMessage | ControlReplyMessage }).data;
    if (!('reply' in m) || m.client !== client) return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(m.value);
    else p.reject(new EngineError('invalid-state', m.error ?? 'capture request failed'));
  };
  return bc;
}

function toWorker<T>(w: Worker, req: CaptureRequest, timeoutMs = 10_000): Promise<T> {
  const id = nextId++;
  return new Promise<T>((res, rej) => {
    const timer = setTimeout(() => { pending.delete(id); rej(new EngineError('invalid-state', `media worker ${w.threadId} did not answer ${req.op}`)); }, timeoutMs);
    pending.set(id, { resolve: res as (v: unknown) => void, reject: rej, timer });
    channel().postMessage({ to: w.threadId, from: threadId, client, id, req } satisfies ControlMessage);
  });
}

function request<T>(ch: HostChannel, req: CaptureRequest): Promise<T> {
  if (!ch.alive) return Promise.reject(new EngineError('closed', 'media host is not alive'));
  if (ch instanceof LocalChannel) return captureControl(ch.host).handle(req) as Promise<T>;
  if (ch instanceof WorkerChannel) return toWorker<T>(ch.worker, req);
  return Promise.reject(new EngineError('unsupported', 'unknown media host channel'));
}

function target(t: Room | Participant): { ch: HostChannel; room: string; participant?: string } {
  if (t instanceof Room) return { ch: t.channel, room: t.name };
  return { ch: t.room.channel, room: t.room.name, participant: t.sid };
}

/** Starts recording the decrypted RTP/RTCP of a room or one participant to a pcapng file (written by the owning worker). */
export async function startCapture(t: Room | Participant, path: string, opts: StartCaptureOptions = {}): Promise<void> {
  const { ch, room, participant } = target(t);
  await request(ch, { op: 'startCapture', room, ...(participant !== undefined ? { participant } : {}), path: resolve(path), ...opts });
}

/** Stops a capture; resolves once the file is complete. */
export function stopCapture(t: Room | Participant): Promise<CaptureFileStats> {
  const { ch, room, participant } = target(t);
  return request<CaptureFileStats>(ch, { op: 'stopCapture', room, ...(participant !== undefined ? { participant } : {}) });
}

/** Every media host of the engine: its worker threads, or (workers: 0) the hosts its rooms use. */
function hosts(engine: Engine): HostChannel[] {
  const out = new Set<HostChannel>();
  for (const r of engine.rooms.values()) out.add(r.channel);
  const list = [...out];
  for (const w of engine.workers) if (!list.some((h) => h instanceof WorkerChannel && h.worker === w)) list.push(workerHost(w));
  return list;
}

function workerHost(w: Worker): HostChannel {
  return { port: 0, participants: 0, alive: true, request: () => Promise.reject(new Error('unused')), close: async () => undefined, worker: w } as unknown as HostChannel;
}

function requestAny<T>(h: HostChannel, req: CaptureRequest): Promise<T> {
  const w = (h as unknown as { worker?: Worker }).worker;
  if (!(h instanceof LocalChannel) && w) return toWorker<T>(w, req);
  return request<T>(h, req);
}

/** Samples each media host: thread CPU, event-loop utilisation, heap, GC, socket counters, stage timers. */
export function engineDiagnostics(engine: Engine): Promise<HostDiagnostics[]> {
  return Promise.all(hosts(engine).map((h) => requestAny<HostDiagnostics>(h, { op: 'diagnostics' })));
}

/** Turns the per-stage timers on or off in every media host (off by default; `reset` zeroes them). */
export async function setStageTimers(engine: Engine, enabled: boolean, reset = true): Promise<void> {
  await Promise.all(hosts(engine).map((h) => requestAny(h, { op: 'stageTimers', enabled, reset })));
}
