// How the engine API reaches a media host: a LocalChannel calls a MediaHost in this
// thread; a WorkerChannel talks to one in a worker thread over its MessagePort (request
// ids, one reply each, typed errors rebuilt here; pending requests reject with
// 'worker-died' / 'closed' when the worker goes away).
import { Worker } from 'node:worker_threads';
import type { DtlsCertificate } from '../dtls/index.js';
import type { Capabilities } from '../sdp/index.js';
import { EngineError, deserializeError, serializeError } from './errors.js';
import { MediaHost } from './core/media-host.js';
import { spawnWorker } from './worker-spawn.js';
import type { EngineEvent, FromHost, Request } from './protocol.js';

export interface HostChannel {
  readonly port: number;
  /** ICE-TCP listener port (0: none). */
  readonly tcpPort: number;
  /** Participants on this host (placement). */
  participants: number;
  request<T = unknown>(req: Request): Promise<T>;
  /** False once the host died or was closed. */
  readonly alive: boolean;
  /** Set by the engine: the host died (worker crashed or was terminated), not closed by us. */
  onDied?: (err: EngineError) => void;
  close(): Promise<void>;
}

export interface HostSettings {
  certificate: DtlsCertificate;
  host: string;
  port: number;
  /** ICE-TCP port (0 = any, false = off). */
  tcpPort?: number | false;
  announcedAddress?: string;
  capabilities?: Capabilities;
}

export class LocalChannel implements HostChannel {
  readonly host: MediaHost;
  port = 0;
  tcpPort = 0;
  participants = 0;
  private constructor(host: MediaHost) { this.host = host; }
  get alive(): boolean { return !this.host.closed; }

  static async start(s: HostSettings, onEvent: (ev: EngineEvent) => void): Promise<LocalChannel> {
    const opts = { certificate: s.certificate, host: s.host, port: s.port, ...(s.tcpPort !== undefined ? { tcpPort: s.tcpPort } : {}), ...(s.announcedAddress ? { announcedAddress: s.announcedAddress } : {}), ...(s.capabilities ? { capabilities: s.capabilities } : {}) };
    const ch = new LocalChannel(new MediaHost(opts, onEvent));
    ch.port = await ch.host.start();
    ch.tcpPort = ch.host.server.tcpPort;
    return ch;
  }

  request<T>(req: Request): Promise<T> {
    try {
      return Promise.resolve(this.host.handle(req) as T);
    } catch (e) {
      return Promise.reject(deserializeError(serializeError(e)));
    }
  }

  async close(): Promise<void> { this.host.close(); }
}


export class WorkerChannel implements HostChannel {
  readonly worker: Worker;
  port = 0;
  tcpPort = 0;
  participants = 0;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #dead: EngineError | undefined;
  #closing = false;
  #exited: Promise<void>;
  onDied?: (err: EngineError) => void;
  get alive(): boolean { return this.#dead === undefined && !this.#closing; }

  private constructor(worker: Worker, onEvent: (ev: EngineEvent) => void, ready: (port: number, tcpPort: number) => void, failed: (e: Error) => void) {
    this.worker = worker;
    worker.on('message', (m: FromHost) => {
      if (m.kind === 'event') onEvent(m.event);
      else if (m.kind === 'ready') ready(m.port, m.tcpPort);
      else {
        const p = this.#pending.get(m.id);
        if (!p) return;
        this.#pending.delete(m.id);
        if (m.ok) p.resolve(m.value); else p.reject(deserializeError(m.error));
      }
    });
    worker.on('error', (e) => { this.#fail(new EngineError('worker-died', `media worker failed: ${e.message}`)); failed(e); });
    this.#exited = new Promise((resolve) => worker.once('exit', (code) => {
      this.#fail(new EngineError(this.#closing ? 'closed' : 'worker-died', `media worker exited (${code})`));
      failed(new Error(`media worker exited (${code}) before it was ready`));
      resolve();
    }));
  }

  static start(s: HostSettings, onEvent: (ev: EngineEvent) => void): Promise<WorkerChannel> {
    const workerData = {
      der: s.certificate.der, keyPem: s.certificate.privateKey.export({ type: 'pkcs8', format: 'pem' }), fingerprint: s.certificate.fingerprint,
      host: s.host, port: s.port, tcpPort: s.tcpPort, announcedAddress: s.announcedAddress, capabilities: s.capabilities,
    };
    return new Promise((resolve, reject) => {
      const worker = spawnWorker(import.meta.url, 'worker-main', workerData, 'media worker');
      const ch: WorkerChannel = new WorkerChannel(worker, onEvent, (port, tcpPort) => { ch.port = port; ch.tcpPort = tcpPort; resolve(ch); }, reject);
    });
  }

  #fail(e: EngineError): void {
    if (this.#dead) return;
    this.#dead = e;
    if (!this.#closing && e.code === 'worker-died') this.onDied?.(e);
    for (const p of this.#pending.values()) p.reject(this.#dead);
    this.#pending.clear();
  }

  request<T>(req: Request): Promise<T> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, req });
    });
  }

  /** Asks the host to close, then terminates the thread; resolves when it exited. */
  async close(): Promise<void> {
    this.#closing = true;
    if (!this.#dead) {
      await Promise.race([this.request({ op: 'close' }).catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
      await this.worker.terminate();
    }
    await this.#exited;
  }
}
