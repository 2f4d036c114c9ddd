// What `npm start` is configured with: engine settings joined to the signal settings
// (src/signal/config.ts).
//
// Engine settings join the signal settings of src/signal/config.ts, in the same layers
// (defaults < JSON config file < env < flags):
//
// | flag               | env                        | JSON key    | default          |
// |--------------------|----------------------------|-------------|------------------|
// | --workers N        | SWITCHBOARD_WORKERS        | workers     | number of cores  |
// | --udp-port N       | SWITCHBOARD_UDP_PORT       | udpPort     | 7882 (worker i: +i; 0 = any) |
// | --tcp-port N       | SWITCHBOARD_TCP_PORT       | tcpPort     | udp port - 1 (7881 as LiveKit; worker i: +i; 0 = any) |
// | --udp-host H       | SWITCHBOARD_UDP_HOST       | udpHost     | 127.0.0.1        |
// | --announced-ip IP  | SWITCHBOARD_ANNOUNCED_IP   | announcedIp | the UDP host     |
// | --webhook-url U[,U2] | SWITCHBOARD_WEBHOOK_URLS | webhookUrls (string or array) | none |
// | --metrics-port N   | SWITCHBOARD_METRICS_PORT   | metricsPort | off (0 = any free port) |
// | --log-format F     | SWITCHBOARD_LOG_FORMAT     | logFormat   | text (or json)   |
// | --log-level L      | SWITCHBOARD_LOG_LEVEL      | logLevel    | info (debug, warn, error) |
// | --webhook-api-key K | SWITCHBOARD_WEBHOOK_API_KEY | webhookApiKey | the only API key (dev: devkey) |
// | --turn, --turn-port N, ... | SWITCHBOARD_TURN_*   | turn: {...} | see turn-config.ts |
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadSignalConfig, type LoadSources, type SignalServerOptions } from '../signal/index.js';
import { resolveTurnSettings, takeTurnFlags, turnFromFile, type TurnSettings } from './turn-config.js';

/** The demo page folder, <package root>/public. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

export interface EngineSettings {
  workers: number;
  udpPort: number;
  /** ICE-TCP (RFC 6544 passive) first port; unset = udpPort - 1 (0 when udpPort is 0); negative = off. */
  tcpPort?: number;
  udpHost: string;
  announcedIp?: string;
  /** LiveKit webhooks: comma-separated URLs each event is POSTed to (src/server/webhooks). */
  webhookUrls?: string;
  /** The API key that signs webhooks (LiveKit's webhook.api_key). */
  webhookApiKey?: string;
  /** Prometheus GET /metrics on this port of the signaling host (livekit-server's prometheus.port); unset = off. */
  metricsPort?: number;
  /** Structured logs (logger.ts): 'text' for a terminal, 'json' one record a line. */
  logFormat?: string;
  logLevel?: string;
  /** The embedded TURN server (turn-config.ts): on in dev mode, else off unless configured. */
  turn: TurnSettings;
}

const ENGINE_FLAGS: Record<string, { key: keyof EngineSettings; env: string; kind: 'int' | 'string' }> = {
  '--workers': { key: 'workers', env: 'SWITCHBOARD_WORKERS', kind: 'int' },
  '--udp-port': { key: 'udpPort', env: 'SWITCHBOARD_UDP_PORT', kind: 'int' },
  '--tcp-port': { key: 'tcpPort', env: 'SWITCHBOARD_TCP_PORT', kind: 'int' },
  '--udp-host': { key: 'udpHost', env: 'SWITCHBOARD_UDP_HOST', kind: 'string' },
  '--announced-ip': { key: 'announcedIp', env: 'SWITCHBOARD_ANNOUNCED_IP', kind: 'string' },
  '--webhook-url': { key: 'webhookUrls', env: 'SWITCHBOARD_WEBHOOK_URLS', kind: 'string' },
  '--webhook-api-key': { key: 'webhookApiKey', env: 'SWITCHBOARD_WEBHOOK_API_KEY', kind: 'string' },
  '--metrics-port': { key: 'metricsPort', env: 'SWITCHBOARD_METRICS_PORT', kind: 'int' },
  '--log-format': { key: 'logFormat', env: 'SWITCHBOARD_LOG_FORMAT', kind: 'string' },
  '--log-level': { key: 'logLevel', env: 'SWITCHBOARD_LOG_LEVEL', kind: 'string' },
};

export const HELP = `Usage: npm start -- [options]      (or: node --import tsx src/cli/start.ts [options])

Starts the media engine and the LiveKit-compatible signaling server with the demo page.
With no API keys configured it runs in DEVELOPMENT mode, as livekit-server --dev: API key
"devkey", secret "secret" (printed), and GET /token?room=R&identity=I hands out join
tokens. Never expose dev mode. Outside it, secrets shorter than 32 characters are refused.

Signaling (src/signal/config.ts):
  --host H                 HTTP/WebSocket interface          [127.0.0.1]   SWITCHBOARD_HOST
  --port N                 HTTP/WebSocket port               [7880]        SWITCHBOARD_PORT
  --keys "K: S, K2: S2"    API keys (secrets >= 32 chars)    [none: dev]   SWITCHBOARD_KEYS (or LIVEKIT_KEYS)
  --dev[=false]            development mode                  [on without keys] SWITCHBOARD_DEV
  --static-dir DIR         demo page folder                  [public/]     SWITCHBOARD_STATIC_DIR
  --reconnect-grace-ms N   keep a dropped participant        [10000]       SWITCHBOARD_RECONNECT_GRACE_MS
  --max-message-bytes N    largest signal message            [1048576]     SWITCHBOARD_MAX_MESSAGE_BYTES
  --ping-interval N        seconds, told to clients          [5]           SWITCHBOARD_PING_INTERVAL
  --ping-timeout N         seconds without a message         [15]          SWITCHBOARD_PING_TIMEOUT
  --token-refresh N        seconds between refresh_token     [300]         SWITCHBOARD_TOKEN_REFRESH
Media engine:
  --workers N              media worker threads (0 = in the main thread) [cores] SWITCHBOARD_WORKERS
  --udp-port N             first UDP port, worker i uses N+i (0 = any)   [7882]  SWITCHBOARD_UDP_PORT
  --tcp-port N             first ICE-TCP port, worker i uses N+i (0 = any)  [udp port - 1]  SWITCHBOARD_TCP_PORT
  --udp-host H             address the UDP sockets bind                  [127.0.0.1] SWITCHBOARD_UDP_HOST
  --announced-ip IP        address put in ICE candidates                 [udp host]  SWITCHBOARD_ANNOUNCED_IP
TURN (embedded RFC 8656 server; clients get turn: URLs and a credential in JoinResponse.ice_servers):
  --turn / --no-turn       serve TURN on UDP and TCP         [on in dev mode, else off] SWITCHBOARD_TURN_ENABLED
  --turn-port N            UDP and TCP port (taken default: next free) [3478]  SWITCHBOARD_TURN_PORT
  --turn-relay-range A-B   relay ports                       [any free]    SWITCHBOARD_TURN_RELAY_RANGE
  --turn-domain H          host in the turn: URLs            [announced ip, else udp host] SWITCHBOARD_TURN_DOMAIN
  --turn-ttl S             credential lifetime, seconds      [300]         SWITCHBOARD_TURN_TTL
  --turn-allow-peers L     extra relay peers (IP, CIDR, IP:port; comma-separated)
                           beside this server's media sockets [none]       SWITCHBOARD_TURN_ALLOW_PEERS
  --turn-cert-file F       PEM certificate: serve TURN over TLS (turns: URLs; needs --turn-domain)
                                                              [none]        SWITCHBOARD_TURN_CERT_FILE
  --turn-key-file F        PEM private key of that certificate [none]       SWITCHBOARD_TURN_KEY_FILE
  --turn-tls-port N        TURN over TLS port (0 = any)      [5349]        SWITCHBOARD_TURN_TLS_PORT
Webhooks (LiveKit's events, signed as livekit-server signs them):
  --webhook-url U[,U2]     POST every room/participant/track event there [none]  SWITCHBOARD_WEBHOOK_URLS
  --webhook-api-key K      API key that signs them          [the only key; dev: devkey] SWITCHBOARD_WEBHOOK_API_KEY
Operations:
  --metrics-port N         Prometheus GET /metrics on its own port (0 = any) [off] SWITCHBOARD_METRICS_PORT
  --log-format text|json   logs for a terminal, or one JSON record a line [text] SWITCHBOARD_LOG_FORMAT
  --log-level L            debug, info, warn, error                      [info] SWITCHBOARD_LOG_LEVEL
Other:
  --config FILE            JSON file with any of the keys above (camelCase: port, apiKeys,
                           workers, udpPort, announcedIp, ...; TURN as LiveKit's block:
                           "turn": {"enabled", "udp_port", "tcp_port", "relay_range_start",
                           "relay_range_end", "domain", "ttl_seconds", "allow_peers",
                           "tls_port", "cert_file", "key_file"})  SWITCHBOARD_CONFIG
  --help                   this text
`;

function engineValue(name: string, kind: 'int' | 'string', raw: unknown): number | string {
  if (kind === 'int') {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
    return n;
  }
  if (Array.isArray(raw) && raw.length && raw.every((x) => typeof x === 'string' && x && !x.includes(','))) return raw.join(',');
  if (typeof raw !== 'string' || !raw) throw new ConfigError(`${name} needs a value`);
  return raw;
}

/**
 * Splits the sources into engine settings and what loadSignalConfig reads: engine flags
 * leave argv, engine keys leave the config file, and `--dev` is added when nothing says
 * otherwise and no API keys are configured.
 */
export function loadStartConfig(src: LoadSources = {}): { signal: SignalServerOptions; engine: EngineSettings } {
  const turnFlags = takeTurnFlags(src.argv ?? []);
  const env = src.env ?? process.env;
  const read = src.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const engine = { workers: availableParallelism(), udpPort: 7882, udpHost: '127.0.0.1' } as EngineSettings;
  const fromFlags: Partial<Record<keyof EngineSettings, number | string>> = {};
  const argv: string[] = [];
  const input = turnFlags.rest;
  for (let i = 0; i < input.length; i++) {
    const [flag, inline] = input[i]!.split(/=(.*)/s, 2);
    const spec = ENGINE_FLAGS[flag!];
    if (!spec) { argv.push(input[i]!); continue; }
    fromFlags[spec.key] = engineValue(flag!, spec.kind, inline ?? input[++i]);
  }
  let fileEngine: Record<string, unknown> = {};
  let fileTurn: unknown;
  const readFiltered = (p: string): string => {
    const obj = JSON.parse(read(p)) as unknown;
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return JSON.stringify(obj);
    const rest: Record<string, unknown> = { ...(obj as Record<string, unknown>) };
    fileEngine = {};
    fileTurn = rest.turn;
    delete rest.turn;
    for (const { key } of Object.values(ENGINE_FLAGS)) if (key in rest) { fileEngine[key] = rest[key]; delete rest[key]; }
    return JSON.stringify(rest);
  };
  const sources: LoadSources = { argv, env, readFile: readFiltered };
  const explicitDev = argv.some((a) => a === '--dev' || a.startsWith('--dev=')) || (env.SWITCHBOARD_DEV ?? '') !== '';
  let signal: SignalServerOptions;
  if (explicitDev) signal = loadSignalConfig(sources);
  else {
    try {
      signal = loadSignalConfig(sources);
    } catch (e) {
      if (!(e instanceof ConfigError) || !/no API keys/.test(e.message)) throw e;
      signal = loadSignalConfig({ ...sources, argv: [...argv, '--dev'] });
    }
  }
  signal.staticDir ??= PUBLIC_DIR;
  for (const spec of Object.values(ENGINE_FLAGS)) {
    if (fileEngine[spec.key] !== undefined) (engine as unknown as Record<string, unknown>)[spec.key] = engineValue(`${spec.key} (config file)`, spec.kind, fileEngine[spec.key]);
    const e = env[spec.env];
    if (e !== undefined && e !== '') (engine as unknown as Record<string, unknown>)[spec.key] = engineValue(spec.env, spec.kind, e);
    if (fromFlags[spec.key] !== undefined) (engine as unknown as Record<string, unknown>)[spec.key] = fromFlags[spec.key];
  }
  engine.turn = resolveTurnSettings(turnFromFile(fileTurn), env, turnFlags.flags, signal.dev);
  if (engine.workers > 256) throw new ConfigError(`workers must be 0..256, got ${engine.workers}`);
  // A wildcard bind has no address to put in ICE candidates.
  if (!engine.announcedIp && (engine.udpHost === '0.0.0.0' || engine.udpHost === '::')) throw new ConfigError(`--udp-host ${engine.udpHost} needs --announced-ip (the address clients reach)`);
  if (engine.logFormat !== undefined && engine.logFormat !== 'text' && engine.logFormat !== 'json') throw new ConfigError(`--log-format must be text or json, got ${JSON.stringify(engine.logFormat)}`);
  if (engine.logLevel !== undefined && !['debug', 'info', 'warn', 'error'].includes(engine.logLevel)) throw new ConfigError(`--log-level must be debug, info, warn or error, got ${JSON.stringify(engine.logLevel)}`);
  if (engine.webhookUrls) {
    for (const u of engine.webhookUrls.split(',')) {
      let url: URL | undefined;
      try { url = new URL(u.trim()); } catch { /* reported below */ }
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new ConfigError(`webhook URL ${JSON.stringify(u)} is not an http(s) URL`);
    }
    const keys = Object.keys(signal.apiKeys);
    if (engine.webhookApiKey && keys.length && !keys.includes(engine.webhookApiKey)) throw new ConfigError(`--webhook-api-key ${engine.webhookApiKey} is not one of the configured API keys`);
    if (!engine.webhookApiKey && keys.length > 1) throw new ConfigError('several API keys are configured: choose the one that signs webhooks with --webhook-api-key');
  }
  return { signal, engine };
}

