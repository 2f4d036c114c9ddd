// Composition: the Engine (media in worker threads) behind the LiveKit-compatible
// signaling shim, with the demo page. The only place that knows both sides.
import { Engine } from '../engine/index.js';
import { startSignalServer, type LoadSources, type RunningSignalServer, type SignalServerOptions } from '../signal/index.js';
import { loadStartConfig, PUBLIC_DIR, type EngineSettings } from './config.js';
import { demoStaticHandler } from './demo-static.js';
import { EngineRoomService } from './room-service-adapter.js';
import { RoomApi } from './room-api.js';

export interface StartOptions extends LoadSources {
  log?: (line: string) => void;
}

export interface Switchboard {
  engine: Engine;
  signal: RunningSignalServer;
  signalOptions: SignalServerOptions;
  engineSettings: EngineSettings;
  /** http://host:port — the demo page is `${httpUrl}/?room=demo`. */
  httpUrl: string;
  /** Idempotent: signaling first (clients are told to leave), then the engine. */
  close(): Promise<void>;
}

/** Starts the engine and the signaling server; what `npm start` runs (tests call it too). */
export async function startSwitchboard(opts: StartOptions = {}): Promise<Switchboard> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const { signal: signalOptions, engine: engineSettings } = loadStartConfig(opts);
  const engine = await Engine.create({
    workers: engineSettings.workers, host: engineSettings.udpHost, port: engineSettings.udpPort,
    ...(engineSettings.announcedIp ? { announcedAddress: engineSettings.announcedIp } : {}),
  });
  log(`engine: ${engine.workerCount || 'no'} worker thread${engine.workerCount === 1 ? '' : 's'}, UDP ${engineSettings.udpHost}:${engine.ports.join(',')}` +
    (engineSettings.announcedIp ? ` (announced as ${engineSettings.announcedIp})` : ''));
  let signal: RunningSignalServer;
  try {
    // The options are already resolved: hand them over as a config file so nothing is re-read.
    const { staticDir, ...rest } = signalOptions;
    const resolved = JSON.stringify(rest);
    const roomService = new EngineRoomService(engine);
    signal = await startSignalServer({
      argv: ['--config', '(resolved options)'], env: {}, readFile: () => resolved,
      roomService, twirp: { 'livekit.RoomService': new RoomApi(roomService).methods() }, staticHandler: demoStaticHandler(staticDir ?? PUBLIC_DIR), log,
    });
  } catch (e) {
    await engine.close();
    throw e;
  }
  const addr = signal.server.http.address();
  const port = typeof addr === 'object' && addr ? addr.port : signalOptions.port;
  const host = signalOptions.host.includes(':') ? `[${signalOptions.host}]` : signalOptions.host === '0.0.0.0' ? '127.0.0.1' : signalOptions.host;
  const httpUrl = `http://${host}:${port}`;
  log(`demo page: serving ${signalOptions.staticDir ?? PUBLIC_DIR}`);
  if (signalOptions.dev) {
    log('');
    log(`  Open ${httpUrl}/?room=demo in two browser tabs (Chromium/Chrome/Firefox).`);
    log(`  A join token for your own client: curl '${httpUrl}/token?room=demo&identity=alice'`);
    log(`  LiveKit SDKs connect to ws://${host}:${port} with that token.`);
    log('');
  } else {
    log(`production mode: tokens signed with your API keys; the demo page is at ${httpUrl}/?room=demo`);
  }
  let closing: Promise<void> | undefined;
  return {
    engine, signal, signalOptions, engineSettings, httpUrl,
    close: () => (closing ??= (async () => {
      await signal.close().catch(() => undefined);
      await engine.close();
    })()),
  };
}

