// Starts a TurnServer for `npm start`'s settings, moving up from a taken default port (dev
// mode must come up) and failing with the way out when a given port is taken. Plain data
// in, so the TURN worker thread (turn-worker-main.ts) and the main thread share it.
import { TurnServer, type TurnEvent } from '../turn/index.js';
import type { TurnSettings } from './turn-config.js';

/** How many ports above a taken default port are tried. */
const FALLBACK_TRIES = 16;

export interface TurnListenOptions {
  settings: TurnSettings;
  host: string;
  /** Written in XOR-RELAYED-ADDRESS when it differs from the bound host. */
  announcedIp?: string;
  allowPeers: string[];
  secret: string;
  /** TURN over TLS: the PEM texts (read from settings.tls's files by the caller). */
  tls?: { cert: string; key: string };
}

export const TURN_REALM = 'switchboard';

export async function listenTurn(o: TurnListenOptions, log: (line: string) => void, onEvent: (e: TurnEvent) => void, now?: () => number): Promise<TurnServer> {
  const s = o.settings;
  const fallback = !s.portExplicit && s.udpPort > 0 && s.udpPort === s.tcpPort;
  for (let i = 0; ; i++) {
    const server = new TurnServer({ onEvent });
    const udpPort = fallback ? s.udpPort + i : s.udpPort, tcpPort = fallback ? s.tcpPort + i : s.tcpPort;
    try {
      await server.start({
        udpPort, tcpPort, host: o.host, realm: TURN_REALM, secret: o.secret, allowPeers: o.allowPeers,
        ...(o.announcedIp && o.announcedIp !== o.host ? { relayAnnouncedAddress: o.announcedIp } : {}),
        relayPortMin: s.relayRangeStart, relayPortMax: s.relayRangeEnd,
        ...(s.tls && o.tls ? { tlsPort: s.tls.port, tls: o.tls } : {}),
        // LiveKit's per-participant cap: a browser makes one allocation per TURN URL per PC
        // (two PCs x UDP, TCP and TLS URLs = 6), reconnects a few more while old ones expire.
        maxAllocationsPerParticipant: 12,
        ...(now ? { now } : {}),
      });
      return server;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // The TLS port does not move (clients reach it by a name and a port an operator set up).
      const tlsTaken = code === 'EADDRINUSE' && !!s.tls && s.tls.port > 0 && (e as { port?: number }).port === s.tls.port;
      if (tlsTaken) throw new Error(`turn: TLS port ${s.tls!.port} on ${o.host} is taken: free it, or pick another with --turn-tls-port N (turn.tls_port)`);
      if (code === 'EADDRINUSE' && fallback && i + 1 < FALLBACK_TRIES) {
        log(`turn: port ${udpPort} is taken, trying ${udpPort + 1}`);
        continue;
      }
      if (code === 'EADDRINUSE') throw new Error(`turn: port ${udpPort} (UDP or TCP) on ${o.host} is taken: free it, pick another with --turn-port N, or turn TURN off with --no-turn`);
      throw e;
    }
  }
}
