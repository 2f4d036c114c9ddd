// What `npm start` calls: options from flags/env/file, the server listening, and the
// lines a developer needs (URL; in dev mode the key pair and a /token example).
import { loadSignalConfig, type LoadSources } from './config.js';
import type { StaticHandler } from './dev.js';
import type { RoomService } from './room-service.js';
import { SignalServer, type SignalServerDeps } from './server.js';
import { createStaticHandler } from './static-files.js';

export interface StartSignalParams extends LoadSources {
  roomService: RoomService;
  /** Default: serves options.staticDir when set. */
  staticHandler?: StaticHandler;
  /** Twirp services (SignalServerDeps.twirp). */
  twirp?: SignalServerDeps['twirp'];
  onTwirpCall?: SignalServerDeps['onTwirpCall'];
  /** Per-participant ICE servers (SignalServerDeps.iceServersFor). */
  iceServersFor?: SignalServerDeps['iceServersFor'];
  log?: (line: string) => void;
}

export interface RunningSignalServer {
  server: SignalServer;
  /** ws://host:port — clients connect to `${url}/rtc`. */
  url: string;
  close(): Promise<void>;
}

export async function startSignalServer(p: StartSignalParams): Promise<RunningSignalServer> {
  const options = loadSignalConfig(p);
  const staticHandler = p.staticHandler ?? (options.staticDir ? createStaticHandler(options.staticDir) : undefined);
  const server = new SignalServer(options, { roomService: p.roomService, staticHandler, ...(p.twirp ? { twirp: p.twirp } : {}), ...(p.onTwirpCall ? { onTwirpCall: p.onTwirpCall } : {}), ...(p.iceServersFor ? { iceServersFor: p.iceServersFor } : {}) });
  const addr = await server.listen();
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `ws://${host}:${addr.port}`;
  const log = p.log ?? ((l: string) => console.log(l));
  log(`signal: listening on ${url}/rtc (LiveKit protocol subset)`);
  if (server.devKey) {
    log(`signal: DEV MODE — API key ${server.devKey.apiKey}, secret ${server.devKey.apiSecret}`);
    if (!/^(127\.|::1$|localhost$)/.test(options.host)) log(`signal: WARNING dev mode on ${options.host}: anyone who can reach it can mint tokens (GET /token)`);
    log(`signal: tokens: http://${host}:${addr.port}/token?room=demo&identity=alice`);
  }
  if (p.twirp) log(`signal: Twirp ${Object.keys(p.twirp).join(', ')} at http://${host}:${addr.port}/twirp/`);
  if (options.staticDir) log(`signal: serving ${options.staticDir} at http://${host}:${addr.port}/`);
  return { server, url, close: () => server.close() };
}
