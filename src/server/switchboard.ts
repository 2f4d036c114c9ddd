// Composition: the Engine (media in worker threads) behind the LiveKit-compatible
// signaling shim, with the demo page. The only place that knows both sides.
import { Engine } from '../engine/index.js';
import { DEV_KEY_PAIR, startSignalServer, type LoadSources, type RunningSignalServer, type SignalServerOptions } from '../signal/index.js';
import { loadStartConfig, PUBLIC_DIR, type EngineSettings } from './config.js';
import { demoStaticHandler } from './demo-static.js';
import { EngineRoomService } from './room-service-adapter.js';
import { RoomApi } from './room-api.js';
import { manageRoomLifecycle } from './room-lifecycle.js';
import { WebhookNotifier } from './webhooks/notifier.js';
import { wireWebhooks } from './webhooks/wire.js';
import { MetricsCollector } from './metrics/collector.js';
import { startMetricsServer, type MetricsServer } from './metrics/http.js';
import { Logger, type LogFormat, type LogLevel } from './logger.js';
import { wireRoomLogs } from './room-logs.js';
import { EmbeddedTurn } from './embedded-turn.js';

export interface StartOptions extends LoadSources {
  log?: (line: string) => void;
  /** Tests: the embedded TURN server's clock (ms), which also dates its credentials. */
  turnNow?: () => number;
}

export interface Switchboard {
  engine: Engine;
  signal: RunningSignalServer;
  signalOptions: SignalServerOptions;
  engineSettings: EngineSettings;
  /** Structured logs (text or json, --log-format). */
  logger: Logger;
  /** Prometheus endpoint, when --metrics-port is set (`metrics.url`). */
  metrics: MetricsServer | undefined;
  /** The embedded TURN server, when enabled (dev mode, or --turn / turn.enabled). */
  turn: EmbeddedTurn | undefined;
  /** Set when webhook URLs are configured. */
  webhooks: WebhookNotifier | undefined;
  /** http://host:port — the demo page is `${httpUrl}/?room=demo`. */
  httpUrl: string;
  /** Idempotent: signaling first (clients are told to leave), then the engine. */
  close(): Promise<void>;
}

/** Starts the engine and the signaling server; what `npm start` runs (tests call it too). */
export async function startSwitchboard(opts: StartOptions = {}): Promise<Switchboard> {
  const { signal: signalOptions, engine: engineSettings } = loadStartConfig(opts);
  const logger = new Logger({ format: (engineSettings.logFormat ?? 'text') as LogFormat, level: (engineSettings.logLevel ?? 'info') as LogLevel, write: opts.log ?? ((l: string) => console.log(l)) });
  const log = (l: string): void => logger.line(l);
  const engine = await Engine.create({
    workers: engineSettings.workers, host: engineSettings.udpHost, port: engineSettings.udpPort,
    tcpPort: iceTcpPort(engineSettings),
    ...(engineSettings.announcedIp ? { announcedAddress: engineSettings.announcedIp } : {}),
  });
  log(`engine: ${engine.workerCount || 'no'} worker thread${engine.workerCount === 1 ? '' : 's'}, UDP ${engineSettings.udpHost}:${engine.ports.join(',')}` +
    (engine.tcpPorts.some((p) => p > 0) ? `, ICE-TCP ${engineSettings.udpHost}:${engine.tcpPorts.join(',')}` : '') +
    (engineSettings.announcedIp ? ` (announced as ${engineSettings.announcedIp})` : ''));
  let turn: EmbeddedTurn | undefined;
  if (engineSettings.turn.enabled) {
    try {
      turn = await EmbeddedTurn.start({
        settings: engineSettings.turn, host: engineSettings.udpHost,
        ...(engineSettings.announcedIp ? { announcedIp: engineSettings.announcedIp } : {}),
        mediaPorts: [...engine.ports, ...engine.tcpPorts], log,
        // As the engine: a thread of its own unless everything runs in this one (--workers 0).
        inWorker: engine.workerCount > 0,
        onEvent: (e) => {
          // Every client's first request is unsigned (401) and nonces go stale (438): the
          // normal long-term-credential dance, not worth a warning.
          const routine = e.type === 'auth-failed' && (e.code === 438 || e.reason === 'no MESSAGE-INTEGRITY');
          if (e.type === 'listening') return;
          logger.log(!routine && (e.type === 'auth-failed' || e.type === 'forbidden-peer' || e.type === 'quota' || e.type === 'error') ? 'warn' : 'debug', `turn: ${e.type}`, { ...e });
        },
        ...(opts.turnNow ? { now: opts.turnNow } : {}),
      });
    } catch (e) {
      await engine.close();
      throw e;
    }
    log(turn.describe());
  }
  let signal: RunningSignalServer;
  let webhooks: WebhookNotifier | undefined;
  const collector = engineSettings.metricsPort !== undefined ? new MetricsCollector({ engine, webhooks: () => webhooks?.stats, turn: () => turn?.stats() ?? Promise.resolve(null), turnWorker: () => turn?.worker }) : undefined;
  try {
    // The options are already resolved: hand them over as a config file so nothing is re-read.
    const { staticDir, ...rest } = signalOptions;
    const resolved = JSON.stringify(rest);
    const roomService = new EngineRoomService(engine);
    manageRoomLifecycle(engine, roomService.records);
    wireRoomLogs(engine, logger);
    webhooks = startWebhooks(signalOptions, engineSettings, log, logger);
    if (webhooks) wireWebhooks(engine, roomService, webhooks);
    signal = await startSignalServer({
      argv: ['--config', '(resolved options)'], env: {}, readFile: () => resolved,
      roomService, twirp: { 'livekit.RoomService': new RoomApi(roomService).methods() },
      onTwirpCall: (path, code) => {
        collector?.twirpCall(path, code);
        logger.log(code === 'ok' ? 'info' : 'warn', 'twirp call', { method: path.replace(/^\/twirp\//, ''), code });
      },
      staticHandler: demoStaticHandler(staticDir ?? PUBLIC_DIR), log,
      ...(turn ? { iceServersFor: (p: { sid: string }) => turn!.iceServersFor(p.sid) } : {}),
    });
  } catch (e) {
    await turn?.close();
    await engine.close();
    await webhooks?.close(0);
    throw e;
  }
  const addr = signal.server.http.address();
  const port = typeof addr === 'object' && addr ? addr.port : signalOptions.port;
  const host = signalOptions.host.includes(':') ? `[${signalOptions.host}]` : signalOptions.host === '0.0.0.0' ? '127.0.0.1' : signalOptions.host;
  const httpUrl = `http://${host}:${port}`;
  let metrics: MetricsServer | undefined;
  if (collector && engineSettings.metricsPort !== undefined) {
    try {
      metrics = await startMetricsServer(collector, signalOptions.host, engineSettings.metricsPort);
    } catch (e) {
      await signal.close().catch(() => undefined);
      await turn?.close();
      await engine.close();
      throw e;
    }
    log(`metrics: Prometheus at ${metrics.url}`);
  }
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
    engine, signal, signalOptions, engineSettings, httpUrl, webhooks, metrics, logger, turn,
    close: () => (closing ??= (async () => {
      await metrics?.close();
      await signal.close().catch(() => undefined);
      await turn?.close();
      await engine.close();
      await webhooks?.close(); // room_finished etc. of the shutdown get up to 2 s
    })()),
  };
}


/** The notifier for --webhook-url, signed with --webhook-api-key (default: the only key; dev: devkey). */
function startWebhooks(signal: SignalServerOptions, settings: EngineSettings, log: (l: string) => void, logger: Logger): WebhookNotifier | undefined {
  const urls = (settings.webhookUrls ?? '').split(',').map((u) => u.trim()).filter(Boolean);
  if (!urls.length) return undefined;
  const keys: Record<string, string> = Object.keys(signal.apiKeys).length ? signal.apiKeys : { [DEV_KEY_PAIR.apiKey]: DEV_KEY_PAIR.apiSecret };
  const apiKey = settings.webhookApiKey ?? Object.keys(keys)[0]!;
  const apiSecret = keys[apiKey];
  if (apiSecret === undefined) throw new Error(`webhook API key ${apiKey} is not configured`);
  log(`webhooks: ${urls.join(', ')} (signed with API key ${apiKey})`);
  return new WebhookNotifier({ urls, apiKey, apiSecret, log: (l) => logger.warn(l) });
}

/** ICE-TCP's first port: the flag, else the UDP port's neighbour below (7882 -> 7881, as LiveKit). */
function iceTcpPort(e: { udpPort: number; tcpPort?: number }): number | false {
  if (e.tcpPort !== undefined) return e.tcpPort < 0 ? false : e.tcpPort;
  return e.udpPort > 1 ? e.udpPort - 1 : 0;
}
