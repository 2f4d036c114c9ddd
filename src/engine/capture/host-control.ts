// The media-host side of capture and diagnostics: requests from the API (same thread
// with workers: 0, or over a BroadcastChannel from the main thread to a worker) start and
// stop captures, toggle stage timers and sample the thread. While a capture runs, new
// transports are picked up at creation (a microtask after TransportServer.createTransport,
// once the engine set their callbacks) and by a 250 ms timer that also flushes the files.
// SWITCHBOARD_CAPTURE_DIR=<dir> in the worker's environment captures every room.
import { BroadcastChannel, threadId } from 'node:worker_threads';
import { join } from 'node:path';
import type { MediaHost } from '../core/media-host.js';
import { CaptureSession, captureKey, type CaptureTarget } from './tap.js';
import type { CaptureFileStats } from './capture-file.js';
import { hostDiagnostics, type HostDiagnostics } from './diagnostics.js';
import { disableStageTimers, enableStageTimers, resetStageTimers } from './stage-timer.js';

export const CONTROL_CHANNEL = 'switchboard.engine.capture';

export type CaptureRequest =
  | { op: 'startCapture'; room: string; participant?: string; path: string; maxBufferBytes?: number; snapLen?: number }
  | { op: 'stopCapture'; room: string; participant?: string }
  | { op: 'diagnostics' }
  | { op: 'stageTimers'; enabled: boolean; reset?: boolean };

export type CaptureReply = void | CaptureFileStats | HostDiagnostics;

export class CaptureControl {
  readonly sessions = new Map<string, CaptureSession>();
  readonly #host: MediaHost;
  readonly #autoDir: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #hooked = false;

  constructor(host: MediaHost, autoDir?: string) {
    this.#host = host;
    this.#autoDir = autoDir;
    if (autoDir) this.#hook();
  }

  async handle(req: CaptureRequest): Promise<CaptureReply> {
    switch (req.op) {
      case 'startCapture': {
        const target: CaptureTarget = { room: req.room, ...(req.participant !== undefined ? { participant: req.participant } : {}) };
        if (!this.#host.rooms.has(req.room)) throw new Error(`no room ${req.room} on this media host`);
        for (const s of this.sessions.values()) {
          if (s.target.room === req.room) throw new Error(`a capture of ${captureKey(s.target)} is already running`);
        }
        this.#start(target, req.path, req);
        return undefined;
      }
      case 'stopCapture': {
        const key = captureKey({ room: req.room, ...(req.participant !== undefined ? { participant: req.participant } : {}) });
        const s = this.sessions.get(key);
        if (!s) throw new Error(`no capture of ${key} is running`);
        this.sessions.delete(key);
        this.#maybeIdle();
        return s.stop();
      }
      case 'diagnostics': return hostDiagnostics(this.#host);
      case 'stageTimers': {
        if (req.enabled) enableStageTimers(); else disableStageTimers();
        if (req.reset) resetStageTimers();
        return undefined;
      }
    }
  }

  #start(target: CaptureTarget, path: string, o: { maxBufferBytes?: number; snapLen?: number } = {}): void {
    const s = new CaptureSession(this.#host, target, path, {
      ...(o.maxBufferBytes !== undefined ? { maxBufferBytes: o.maxBufferBytes } : {}),
      ...(o.snapLen !== undefined ? { snapLen: o.snapLen } : {}),
    });
    this.sessions.set(s.key, s);
    this.#hook();
  }

  /** Picks up new transports at creation and flushes files periodically while captures run. */
  #hook(): void {
    if (!this.#hooked) {
      this.#hooked = true;
      const server = this.#host.server as unknown as { createTransport: (...a: unknown[]) => unknown };
      const orig = Object.getPrototypeOf(server).createTransport as (...a: unknown[]) => unknown;
      server.createTransport = (...a: unknown[]) => {
        const t = orig.apply(this.#host.server, a);
        queueMicrotask(() => this.#scan());
        return t;
      };
    }
    this.#timer ??= setInterval(() => this.#tickFiles(), 250);
    this.#timer.unref();
  }

  #scan(): void {
    if (this.#autoDir && !this.#host.closed) {
      for (const name of this.#host.rooms.keys()) {
        if (!this.sessions.has(name)) this.#start({ room: name }, join(this.#autoDir, `${name.replace(/[^\w.-]/g, '_')}-${Date.now()}.pcapng`));
      }
    }
    for (const s of this.sessions.values()) s.scan();
  }

  #tickFiles(): void {
    if (this.#host.closed) {
      for (const s of this.sessions.values()) void s.stop().catch(() => undefined);
      this.sessions.clear();
      this.#maybeIdle(true);
      return;
    }
    this.#scan();
    for (const s of this.sessions.values()) s.file.flush();
  }

  #maybeIdle(force = false): void {
    if ((this.sessions.size === 0 && !this.#autoDir) || force) {
      if (this.#timer) clearInterval(this.#timer);
      this.#timer = undefined;
      if (this.#hooked) {
        delete (this.#host.server as unknown as Record<string, unknown>).createTransport;
        this.#hooked = false;
      }
    }
  }
}

const controls = new WeakMap<MediaHost, CaptureControl>();

/** The capture control of a host in this thread (created on first use). */
export function captureControl(host: MediaHost): CaptureControl {
  let c = controls.get(host);
  if (!c) { c = new CaptureControl(host, process.env.SWITCHBOARD_CAPTURE_DIR || undefined); controls.set(host, c); }
  return c;
}

export interface ControlMessage { to: number; from: number; client: string; id: number; req: CaptureRequest }
export interface ControlReplyMessage { reply: true; client: string; id: number; ok: boolean; value?: unknown; error?: string }

/** In a media worker: answers CaptureRequests addressed to this thread on the control channel. */
export function serveCaptureControl(host: MediaHost): void {
  const control = captureControl(host);
  const bc = new BroadcastChannel(CONTROL_CHANNEL);
  bc.unref();
  bc.onmessage = (ev: unknown) => {
    const m = (ev as { data: ControlMessage | ControlReplyMessage }).data;
    if ('reply' in m || m.to !== threadId) return;
    control.handle(m.req).then(
      (value) => bc.postMessage({ reply: true, client: m.client, id: m.id, ok: true, value } satisfies ControlReplyMessage),
      (e: Error) => bc.postMessage({ reply: true, client: m.client, id: m.id, ok: false, error: e.message } satisfies ControlReplyMessage),
    );
  };
}
