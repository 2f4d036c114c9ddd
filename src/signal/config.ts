// SignalServerOptions and the loader that fills them from defaults < JSON config file <
// environment < command-line flags.
//
// | flag                    | env                            | JSON key          | default    |
// |-------------------------|--------------------------------|-------------------|------------|
// | --config FILE           | SWITCHBOARD_CONFIG             | -                 | -          |
// | --host H                | SWITCHBOARD_HOST               | host              | 127.0.0.1  |
// | --port N                | SWITCHBOARD_PORT               | port              | 7880       |
// | --keys "K: S, K2: S2"   | SWITCHBOARD_KEYS               | apiKeys {K: S}    | none       |
// | --reconnect-grace-ms N  | SWITCHBOARD_RECONNECT_GRACE_MS | reconnectGraceMs  | 10000      |
// | --max-message-bytes N   | SWITCHBOARD_MAX_MESSAGE_BYTES  | maxMessageBytes   | 1048576    |
// | --ping-interval N (s)   | SWITCHBOARD_PING_INTERVAL      | pingIntervalSec   | 5          |
// | --ping-timeout N (s)    | SWITCHBOARD_PING_TIMEOUT       | pingTimeoutSec    | 15         |
// | --token-refresh N (s)   | SWITCHBOARD_TOKEN_REFRESH      | tokenRefreshSec   | 300        |
// | --dev                   | SWITCHBOARD_DEV=1              | dev               | false      |
// | --static-dir DIR        | SWITCHBOARD_STATIC_DIR         | staticDir         | -          |
//
// Keys use LiveKit's LIVEKIT_KEYS form "key: secret" (comma-separated for several);
// LIVEKIT_KEYS itself is read too when SWITCHBOARD_KEYS is unset. Outside dev mode a
// secret shorter than 32 characters is refused (LiveKit's minimum). Dev mode with no keys
// uses livekit-server --dev's pair devkey / secret (see dev.ts) and enables GET /token:
// never in production.
import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';
import type { ICEServer } from './messages.js';

export interface SignalServerOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host: string;
  /** TCP port (default 7880, LiveKit's). 0 picks a free port. */
  port: number;
  /** API key -> secret. Tokens are verified with the secret of their `iss`. */
  apiKeys: Record<string, string>;
  /** How long a participant whose WebSocket dropped is kept for a reconnect (default 10 s). */
  reconnectGraceMs: number;
  /** Largest SignalRequest accepted (default 1 MiB); larger get LIMIT_EXCEEDED. Frames over
   *  4x this close the socket (ws maxPayload). */
  maxMessageBytes: number;
  /** Told to clients in JoinResponse (LiveKit defaults 5 s / 15 s). */
  pingIntervalSec: number;
  pingTimeoutSec: number;
  /** Every this many seconds a connected client gets `refresh_token`: a fresh token (same
   *  grants, valid 10 min) so a reconnect late in a long call still verifies, as LiveKit
   *  does (default 300; 0 = never). */
  tokenRefreshSec: number;
  /** ICE servers told to clients (default none: ICE-lite with host candidates). */
  iceServers: ICEServer[];
  /** Dev mode: GET /token is served. */
  dev: boolean;
  /** Folder of the demo page, served by `npm start` (optional). */
  staticDir?: string;
  /** Reported in ServerInfo. */
  serverVersion: string;
  nodeId: string;
  region: string;
}

export const defaultSignalServerOptions: Readonly<SignalServerOptions> = Object.freeze({
  host: '127.0.0.1',
  port: 7880,
  apiKeys: {},
  reconnectGraceMs: 10_000,
  maxMessageBytes: 1 << 20,
  pingIntervalSec: 5,
  pingTimeoutSec: 15,
  tokenRefreshSec: 300,
  iceServers: [],
  dev: false,
  // The LiveKit server version whose protocol we speak: SDKs gate features on it
  // (livekit-client refuses performRpc below 1.8.0; SVC simulcast needs > 1.13.6).
  serverVersion: '1.9.0',
  nodeId: 'switchboard',
  region: '',
});

export const MIN_SECRET_LENGTH = 32;

/** Parse "key: secret, key2: secret2" (LiveKit's LIVEKIT_KEYS form; ':' or '=' separates). */
export function parseKeys(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of spec.split(/[,\n]/)) {
    const p = part.trim();
    if (!p) continue;
    const m = /^([^:=\s]+)\s*[:=]\s*(\S+)$/.exec(p);
    if (!m) throw new ConfigError(`API key entry "${p.slice(0, 20)}..." is not "key: secret"`);
    out[m[1]] = m[2];
  }
  return out;
}

export interface LoadSources {
  argv?: string[];
  env?: Record<string, string | undefined>;
  readFile?: (path: string) => string;
}

const FLAGS: Record<string, { key: keyof SignalServerOptions | 'config' | 'keys'; kind: 'string' | 'int' | 'bool' }> = {
  '--config': { key: 'config', kind: 'string' },
  '--host': { key: 'host', kind: 'string' },
  '--port': { key: 'port', kind: 'int' },
  '--keys': { key: 'keys', kind: 'string' },
  '--reconnect-grace-ms': { key: 'reconnectGraceMs', kind: 'int' },
  '--max-message-bytes': { key: 'maxMessageBytes', kind: 'int' },
  '--ping-interval': { key: 'pingIntervalSec', kind: 'int' },
  '--ping-timeout': { key: 'pingTimeoutSec', kind: 'int' },
  '--token-refresh': { key: 'tokenRefreshSec', kind: 'int' },
  '--dev': { key: 'dev', kind: 'bool' },
  '--static-dir': { key: 'staticDir', kind: 'string' },
};
const ENV: Record<string, string> = {
  SWITCHBOARD_CONFIG: '--config', SWITCHBOARD_HOST: '--host', SWITCHBOARD_PORT: '--port', SWITCHBOARD_KEYS: '--keys',
  SWITCHBOARD_RECONNECT_GRACE_MS: '--reconnect-grace-ms', SWITCHBOARD_MAX_MESSAGE_BYTES: '--max-message-bytes',
  SWITCHBOARD_PING_INTERVAL: '--ping-interval', SWITCHBOARD_PING_TIMEOUT: '--ping-timeout', SWITCHBOARD_TOKEN_REFRESH: '--token-refresh', SWITCHBOARD_DEV: '--dev',
  SWITCHBOARD_STATIC_DIR: '--static-dir',
};

function convert(flag: string, kind: 'string' | 'int' | 'bool', raw: string | undefined): string | number | boolean {
  if (kind === 'bool') return raw === undefined || /^(1|true|yes|on)$/i.test(raw);
  if (raw === undefined || raw === '') throw new ConfigError(`${flag} needs a value`);
  if (kind === 'int') {
    if (!/^\d+$/.test(raw)) throw new ConfigError(`${flag} must be a non-negative integer, got "${raw}"`);
    return Number(raw);
  }
  return raw;
}

/** Defaults < config file < env < flags. Throws ConfigError naming the bad setting. */
export function loadSignalConfig(src: LoadSources = {}): SignalServerOptions {
  const env = src.env ?? process.env;
  const read = src.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const fromEnv: Record<string, string | number | boolean> = {};
  for (const [name, flag] of Object.entries(ENV)) {
    const v = name === 'SWITCHBOARD_KEYS' && !env[name] ? env.LIVEKIT_KEYS : env[name];
    if (v !== undefined && v !== '') fromEnv[FLAGS[flag].key] = convert(name, FLAGS[flag].kind, v);
  }
  const fromFlags: Record<string, string | number | boolean> = {};
  const argv = src.argv ?? [];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const spec = FLAGS[flag];
    if (!spec) throw new ConfigError(`unknown option ${flag}`);
    let raw = inline;
    if (raw === undefined && spec.kind !== 'bool') raw = argv[++i];
    fromFlags[spec.key] = convert(flag, spec.kind, raw);
  }
  const file = (fromFlags.config ?? fromEnv.config) as string | undefined;
  let fromFile: Record<string, unknown> = {};
  if (file) {
    try {
      fromFile = JSON.parse(read(file));
    } catch (e) {
      throw new ConfigError(`cannot read config file ${file}: ${(e as Error).message}`);
    }
    if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) throw new ConfigError(`config file ${file} is not a JSON object`);
  }
  const opts: SignalServerOptions = { ...defaultSignalServerOptions, apiKeys: {}, iceServers: [] };
  for (const layer of [fromFile, fromEnv, fromFlags]) {
    for (const [k, v] of Object.entries(layer)) {
      if (k === 'config') continue;
      if (k === 'keys') { Object.assign(opts.apiKeys, parseKeys(String(v))); continue; }
      if (k === 'apiKeys') {
        if (typeof v !== 'object' || v === null) throw new ConfigError('apiKeys must be an object of key: secret');
        Object.assign(opts.apiKeys, v);
        continue;
      }
      if (!(k in defaultSignalServerOptions) && k !== 'staticDir') throw new ConfigError(`unknown setting "${k}"`);
      (opts as unknown as Record<string, unknown>)[k] = v;
    }
  }
  return checkSignalOptions(opts);
}

/** Validate a full options object (also used by the server for programmatic options). */
export function checkSignalOptions(o: SignalServerOptions): SignalServerOptions {
  const int = (k: keyof SignalServerOptions, min: number, max: number) => {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ConfigError(`${k} must be an integer in ${min}..${max}, got ${JSON.stringify(v)}`);
  };
  if (typeof o.host !== 'string' || !o.host) throw new ConfigError('host must be a non-empty string');
  int('port', 0, 65535);
  int('reconnectGraceMs', 0, 24 * 3600_000);
  int('maxMessageBytes', 64, 64 << 20);
  int('pingIntervalSec', 0, 3600);
  int('pingTimeoutSec', 0, 3600);
  int('tokenRefreshSec', 0, 24 * 3600);
  if (typeof o.dev !== 'boolean') throw new ConfigError('dev must be a boolean');
  if (!Array.isArray(o.iceServers)) throw new ConfigError('iceServers must be an array');
  for (const [k, s] of Object.entries(o.apiKeys)) {
    if (typeof s !== 'string' || !s) throw new ConfigError(`secret of API key "${k}" must be a non-empty string`);
    if (!o.dev && s.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(`secret of API key "${k}" is ${s.length} characters; at least ${MIN_SECRET_LENGTH} are required outside --dev (e.g. openssl rand -base64 32)`);
    }
  }
  if (!o.dev && Object.keys(o.apiKeys).length === 0) throw new ConfigError('no API keys: set SWITCHBOARD_KEYS="key: secret" (or --dev for devkey / secret)');
  return o;
}
