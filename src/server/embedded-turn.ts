// The embedded TURN server as `npm start` runs it: listening on the UDP host (UDP and TCP,
// one port), relaying only to this server's own media sockets (plus what the operator
// allows), and minting each participant a short-lived TURN REST API credential for its
// JoinResponse.ice_servers, as livekit-server does (username "<expiry>:<participant sid>",
// one ICEServer entry with every URL). The shared secret is random per process: only
// this process mints and checks the credentials.
import { randomBytes } from 'node:crypto';
import type { ICEServer } from '../signal/index.js';
import { mintTurnCredential, TurnServer, type TurnEvent } from '../turn/index.js';
import type { TurnSettings } from './turn-config.js';

/** How many ports above a taken default port are tried (dev mode must come up). */
const FALLBACK_TRIES = 16;

export interface EmbeddedTurnOptions {
  settings: TurnSettings;
  /** Address the listeners and relays bind (the engine's UDP host). */
  host: string;
  /** Address clients reach (announced IP); also written in XOR-RELAYED-ADDRESS. */
  announcedIp?: string;
  /** This server's media sockets: each worker's UDP port and ICE-TCP port. */
  mediaPorts: readonly number[];
  onEvent?: (e: TurnEvent) => void;
  log: (line: string) => void;
  /** Tests: the clock (ms) for credentials and the server. */
  now?: () => number;
}

export class EmbeddedTurn {
  readonly server: TurnServer;
  readonly settings: TurnSettings;
  /** Host in the turn: URLs. */
  readonly urlHost: string;
  /** The relay's allow-list as given to the server. */
  readonly allowPeers: readonly string[];
  readonly #secret: string;
  readonly #now: () => number;

  private constructor(server: TurnServer, settings: TurnSettings, urlHost: string, allowPeers: string[], secret: string, now: () => number) {
    this.server = server; this.settings = settings; this.urlHost = urlHost; this.allowPeers = allowPeers;
    this.#secret = secret; this.#now = now;
  }

  get udpPort(): number { return this.server.udpPort; }
  get tcpPort(): number { return this.server.tcpPort; }

  static async start(o: EmbeddedTurnOptions): Promise<EmbeddedTurn> {
    const s = o.settings;
    const wildcard = o.host === '0.0.0.0' || o.host === '::';
    const addresses = [...new Set([...(wildcard ? [] : [o.host]), ...(o.announcedIp ? [o.announcedIp] : [])])];
    const allowPeers = [
      ...addresses.flatMap((a) => o.mediaPorts.filter((p) => p > 0).map((p) => (a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`))),
      ...s.allowPeers,
    ];
    const secret = randomBytes(32).toString('base64');
    const now = o.now ?? Date.now;
    const fallback = !s.portExplicit && s.udpPort > 0 && s.udpPort === s.tcpPort;
    for (let i = 0; ; i++) {
      const server = new TurnServer({ onEvent: o.onEvent ?? (() => {}) });
      const udpPort = fallback ? s.udpPort + i : s.udpPort, tcpPort = fallback ? s.tcpPort + i : s.tcpPort;
      try {
        await server.start({
          udpPort, tcpPort, host: o.host, realm: 'switchboard', secret, allowPeers,
          ...(o.announcedIp && o.announcedIp !== o.host ? { relayAnnouncedAddress: o.announcedIp } : {}),
          relayPortMin: s.relayRangeStart, relayPortMax: s.relayRangeEnd,
          // A browser makes one allocation per TURN URL per ICE component; LiveKit caps 12.
          maxAllocationsPerUsername: 12,
          maxLifetimeS: 3600, now,
        });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' && fallback && i + 1 < FALLBACK_TRIES) {
          o.log(`turn: port ${udpPort} is taken, trying ${udpPort + 1}`);
          continue;
        }
        if (code === 'EADDRINUSE') throw new Error(`turn: port ${udpPort} (UDP or TCP) on ${o.host} is taken: free it, pick another with --turn-port N, or turn TURN off with --no-turn`);
        throw e;
      }
      const urlHost = s.domain ?? o.announcedIp ?? (wildcard ? '127.0.0.1' : o.host);
      return new EmbeddedTurn(server, s, urlHost, allowPeers, secret, now);
    }
  }

  /** The ICEServer entry for one participant: a fresh credential, UDP and TCP URLs. */
  iceServersFor(participantSid: string): ICEServer[] {
    const c = mintTurnCredential(this.#secret, participantSid, this.settings.ttlSeconds, Math.floor(this.#now() / 1000));
    const h = this.urlHost.includes(':') && !this.urlHost.startsWith('[') ? `[${this.urlHost}]` : this.urlHost;
    return [{ urls: [`turn:${h}:${this.udpPort}?transport=udp`, `turn:${h}:${this.tcpPort}?transport=tcp`], username: c.username, credential: c.password }];
  }

  /** One line for the startup log. */
  describe(): string {
    const ports = this.udpPort === this.tcpPort ? `UDP+TCP ${this.urlHost}:${this.udpPort}` : `UDP ${this.urlHost}:${this.udpPort}, TCP ${this.urlHost}:${this.tcpPort}`;
    const relay = this.settings.relayRangeStart ? `relay ports ${this.settings.relayRangeStart}-${this.settings.relayRangeEnd}` : 'relay ports any';
    return `turn: ${ports} (${relay}; peers: this server's media sockets${this.settings.allowPeers.length ? ` + ${this.settings.allowPeers.join(', ')}` : ''}; credentials ${this.settings.ttlSeconds} s)`;
  }

  close(): void { this.server.close(); }
}
