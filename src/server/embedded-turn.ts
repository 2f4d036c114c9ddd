// The embedded TURN server as `npm start` runs it: listening on the UDP host (UDP and TCP,
// one port), relaying only to this server's own media sockets (plus what the operator
// allows), and minting each participant a short-lived TURN REST API credential for its
// JoinResponse.ice_servers, as livekit-server does (username "<expiry>:<participant sid>",
// one ICEServer entry with every URL: turn: over UDP and TCP, and turns: over TLS when a
// certificate is configured). The shared secret is random per process: only this process
// mints and checks the credentials.
//
// Where it runs follows the engine: in its own worker thread when the engine has workers
// (relayed media never touches the main thread, which owns signaling), in the main
// thread with --workers 0 (tests reach its TurnCore directly there).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ICEServer } from '../signal/index.js';
import { mintTurnCredential, type TurnEvent, type TurnServer, type TurnStats } from '../turn/index.js';
import type { TurnSettings } from './turn-config.js';
import { spawnWorker } from '../engine/worker-spawn.js';
import { listenTurn, type TurnListenOptions } from './turn-listen.js';
import type { FromTurnWorker, ToTurnWorker } from './turn-worker-main.js';

export interface EmbeddedTurnOptions {
  settings: TurnSettings;
  /** Address the listeners and relays bind (the engine's UDP host). */
  host: string;
  /** Address clients reach (announced IP); also written in XOR-RELAYED-ADDRESS. */
  announcedIp?: string;
  /** This server's media sockets: each worker's UDP port and ICE-TCP port. */
  mediaPorts: readonly number[];
  /** Run in a worker thread (default) or in this thread. */
  inWorker?: boolean;
  onEvent?: (e: TurnEvent) => void;
  log: (line: string) => void;
  /** Tests, main-thread only: the clock (ms) for credentials and the server. */
  now?: () => number;
}

export class EmbeddedTurn {
  readonly settings: TurnSettings;
  /** Host in the turn: URLs. */
  readonly urlHost: string;
  /** The relay's allow-list as given to the server. */
  readonly allowPeers: readonly string[];
  readonly udpPort: number;
  readonly tcpPort: number;
  /** The TURN-over-TLS port; 0 = not served. */
  readonly tlsPort: number;
  readonly #secret: string;
  readonly #now: () => number;
  readonly #local: TurnServer | undefined;
  readonly #worker: Worker | undefined;
  readonly #statsWaiters = new Map<number, (s: TurnStats | null) => void>();
  #nextId = 1;
  #closing: Promise<void> | undefined;
  /** The worker died: joins stop being told about a TURN server that is not there. */
  #down = false;

  private constructor(o: { settings: TurnSettings; urlHost: string; allowPeers: string[]; secret: string; now: () => number; udpPort: number; tcpPort: number; tlsPort: number; local?: TurnServer; worker?: Worker }) {
    this.settings = o.settings; this.urlHost = o.urlHost; this.allowPeers = o.allowPeers;
    this.#secret = o.secret; this.#now = o.now; this.udpPort = o.udpPort; this.tcpPort = o.tcpPort; this.tlsPort = o.tlsPort;
    this.#local = o.local; this.#worker = o.worker;
  }

  /** The TurnServer itself when it runs in this thread (--workers 0), else undefined. */
  get server(): TurnServer | undefined { return this.#local; }
  get inWorker(): boolean { return this.#worker !== undefined; }
  /** False once the TURN thread died (or was closed). */
  get up(): boolean { return !this.#down && !this.#closing; }
  /** The TURN thread (metrics read its event loop utilisation), when it has one. */
  get worker(): Worker | undefined { return this.#worker; }

  static async start(o: EmbeddedTurnOptions): Promise<EmbeddedTurn> {
    const wildcard = o.host === '0.0.0.0' || o.host === '::';
    const addresses = [...new Set([...(wildcard ? [] : [o.host]), ...(o.announcedIp ? [o.announcedIp] : [])])];
    const allowPeers = [
      ...addresses.flatMap((a) => o.mediaPorts.filter((p) => p > 0).map((p) => (a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`))),
      ...o.settings.allowPeers,
    ];
    const listen: TurnListenOptions = {
      settings: o.settings, host: o.host, allowPeers, secret: randomBytes(32).toString('base64'),
      ...(o.announcedIp ? { announcedIp: o.announcedIp } : {}),
      ...(o.settings.tls ? { tls: { cert: readPem('cert_file', o.settings.tls.certFile), key: readPem('key_file', o.settings.tls.keyFile) } } : {}),
    };
    const urlHost = o.settings.domain ?? o.announcedIp ?? (wildcard ? '127.0.0.1' : o.host);
    const onEvent = o.onEvent ?? (() => {});
    const base = { settings: o.settings, urlHost, allowPeers, secret: listen.secret, now: o.now ?? Date.now };
    if (o.inWorker === false) {
      const local = await listenTurn(listen, o.log, onEvent, o.now);
      return new EmbeddedTurn({ ...base, udpPort: local.udpPort, tcpPort: local.tcpPort, tlsPort: local.tlsPort, local });
    }
    if (o.now) throw new Error('EmbeddedTurn: an injected clock needs inWorker: false');
    const worker = spawnWorker(import.meta.url, 'turn-worker-main', listen, 'turn worker');
    let turn: EmbeddedTurn | undefined;
    return new Promise<EmbeddedTurn>((resolve, reject) => {
      worker.on('message', (m: FromTurnWorker) => {
        if (m.kind === 'ready') { turn = new EmbeddedTurn({ ...base, udpPort: m.udpPort, tcpPort: m.tcpPort, tlsPort: m.tlsPort, worker }); resolve(turn); }
        else if (m.kind === 'failed') reject(new Error(m.message));
        else if (m.kind === 'log') o.log(m.line);
        else if (m.kind === 'event') { try { onEvent(m.event); } catch { /* a listener's throw stays here */ } }
        else if (m.kind === 'stats' && turn) { turn.#statsWaiters.get(m.id)?.(m.stats); turn.#statsWaiters.delete(m.id); }
      });
      worker.on('error', (e) => { if (!turn) reject(e); else o.log(`turn: worker error: ${e.message}`); });
      worker.on('exit', (code) => {
        if (!turn) { reject(new Error(`turn: worker exited (${code}) before listening`)); return; }
        for (const w of turn.#statsWaiters.values()) w(null);
        turn.#statsWaiters.clear();
        turn.#down = true;
        if (!turn.#closing) o.log(`turn: worker exited unexpectedly (${code}); TURN is down, joins get no TURN servers`);
      });
    });
  }

  /** The ICEServer entry for one participant: a fresh credential, UDP and TCP URLs (and TLS when served). */
  iceServersFor(participantSid: string): ICEServer[] {
    if (this.#down) return [];
    const c = mintTurnCredential(this.#secret, participantSid, this.settings.ttlSeconds, Math.floor(this.#now() / 1000));
    const h = this.urlHost.includes(':') && !this.urlHost.startsWith('[') ? `[${this.urlHost}]` : this.urlHost;
    const urls = [`turn:${h}:${this.udpPort}?transport=udp`, `turn:${h}:${this.tcpPort}?transport=tcp`];
    // RFC 7065's turns: scheme; transport=tcp as livekit-server writes it. Last: browsers
    // rank TLS relays lowest anyway, and clients that cannot do TLS skip it.
    if (this.tlsPort > 0) urls.push(`turns:${h}:${this.tlsPort}?transport=tcp`);
    return [{ urls, username: c.username, credential: c.password }];
  }

  /** The server's counters (a copy), wherever it runs; null once it is gone. */
  stats(): Promise<TurnStats | null> {
    if (this.#local) return Promise.resolve(this.#local.stats());
    if (this.#closing) return Promise.resolve(null);
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#statsWaiters.set(id, resolve);
      this.#worker!.postMessage({ kind: 'stats', id } satisfies ToTurnWorker);
    });
  }

  /** One line for the startup log. */
  describe(): string {
    const ports = this.udpPort === this.tcpPort ? `UDP+TCP ${this.urlHost}:${this.udpPort}` : `UDP ${this.urlHost}:${this.udpPort}, TCP ${this.urlHost}:${this.tcpPort}`;
    const relay = this.settings.relayRangeStart ? `relay ports ${this.settings.relayRangeStart}-${this.settings.relayRangeEnd}` : 'relay ports any';
    const tls = this.tlsPort > 0 ? `, TLS ${this.urlHost}:${this.tlsPort}` : '';
    return `turn: ${ports}${tls} (${relay}; peers: this server's media sockets${this.settings.allowPeers.length ? ` + ${this.settings.allowPeers.join(', ')}` : ''}; credentials ${this.settings.ttlSeconds} s)`;
  }

  /** Idempotent: the listeners, connections and relays close (the worker exits). */
  close(): Promise<void> {
    return (this.#closing ??= (async () => {
      if (this.#local) { this.#local.close(); return; }
      const w = this.#worker!;
      if (this.#down) return; // already exited
      const exited = new Promise<void>((r) => w.once('exit', () => r()));
      w.postMessage({ kind: 'close' } satisfies ToTurnWorker);
      const t = setTimeout(() => void w.terminate(), 2000);
      await exited;
      clearTimeout(t);
    })());
  }
}

/** A PEM file's text, or an error that names the setting, the path and why. */
function readPem(setting: string, file: string): string {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) {
    throw new Error(`turn: cannot read turn.${setting} "${file}" (TURN over TLS): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!text.includes('-----BEGIN ')) throw new Error(`turn: turn.${setting} "${file}" is not a PEM file (no "-----BEGIN" line)`);
  return text;
}

