// The embedded TURN server's settings (LiveKit's `turn:` block, its names where they fit),
// in the same layers as the rest of `npm start` (defaults < JSON config file < env < flags):
//
// | flag                     | env                              | JSON `turn.` key          | default |
// |--------------------------|----------------------------------|---------------------------|---------|
// | --turn / --no-turn       | SWITCHBOARD_TURN_ENABLED (1/0)   | enabled                   | on in dev mode, else off |
// | --turn-port N            | SWITCHBOARD_TURN_PORT            | udp_port (tcp_port)       | 3478 (UDP and TCP) |
// | --turn-relay-range A-B   | SWITCHBOARD_TURN_RELAY_RANGE     | relay_range_start / _end  | any free port |
// | --turn-domain H          | SWITCHBOARD_TURN_DOMAIN          | domain                    | announced IP, else UDP host |
// | --turn-ttl S             | SWITCHBOARD_TURN_TTL             | ttl_seconds               | 300 (as LiveKit; 60..86400) |
// | --turn-allow-peers L     | SWITCHBOARD_TURN_ALLOW_PEERS     | allow_peers (string[])    | this server's media sockets only |
// | --turn-tls-port N        | SWITCHBOARD_TURN_TLS_PORT        | tls_port                  | 5349 when a cert is given |
// | --turn-cert-file F       | SWITCHBOARD_TURN_CERT_FILE       | cert_file                 | none: no TURN over TLS |
// | --turn-key-file F        | SWITCHBOARD_TURN_KEY_FILE        | key_file                  | none |
//
// TURN over TLS ("turns:DOMAIN:TLS_PORT?transport=tcp" in the JoinResponse) is on when a
// certificate and key are given; it needs `domain`, the name clients check the certificate
// against. The files are read when the server starts (embedded-turn.ts), not here.
import { ConfigError } from '../signal/index.js';
import { PeerAllowList } from '../turn/index.js';

export interface TurnSettings {
  enabled: boolean;
  /** Client UDP port (0 = any free port). */
  udpPort: number;
  /** Client TCP port (0 = any free port); LiveKit has none, browsers use it behind UDP-blocking firewalls. */
  tcpPort: number;
  /** Whether the port was given (flag, env or file): a taken default port falls back upward, a given one fails. */
  portExplicit: boolean;
  relayRangeStart: number;
  relayRangeEnd: number;
  /** Host put in the turn: URLs; default the announced IP, else the UDP host. */
  domain?: string;
  ttlSeconds: number;
  /** Extra peers the relay may reach (IP, CIDR, IP:port), beside this server's media sockets. */
  allowPeers: string[];
  /** TURN over TLS: its port (0 = any free port) and PEM files; absent = not served. */
  tls?: { port: number; certFile: string; keyFile: string };
}

/** LiveKit's DefaultTURNTTLSeconds and TURNMaxTTLSeconds. */
export const TURN_DEFAULT_TTL_S = 300;
export const TURN_MAX_TTL_S = 86_400;
export const TURN_DEFAULT_PORT = 3478;
/** RFC 8656 §3.1's default port for TURN over TLS (LiveKit's deployments often use 443). */
export const TURN_DEFAULT_TLS_PORT = 5349;

type Raw = Partial<Record<'enabled' | 'udpPort' | 'tcpPort' | 'relayRange' | 'relayRangeStart' | 'relayRangeEnd' | 'domain' | 'ttlSeconds' | 'allowPeers' | 'tlsPort' | 'certFile' | 'keyFile', unknown>>;

const FLAG_KEYS: Record<string, keyof Raw> = {
  '--turn-port': 'udpPort', '--turn-relay-range': 'relayRange', '--turn-domain': 'domain',
  '--turn-ttl': 'ttlSeconds', '--turn-allow-peers': 'allowPeers',
  '--turn-tls-port': 'tlsPort', '--turn-cert-file': 'certFile', '--turn-key-file': 'keyFile',
};
const ENV_KEYS: Record<string, keyof Raw> = {
  SWITCHBOARD_TURN_ENABLED: 'enabled', SWITCHBOARD_TURN_PORT: 'udpPort', SWITCHBOARD_TURN_RELAY_RANGE: 'relayRange',
  SWITCHBOARD_TURN_DOMAIN: 'domain', SWITCHBOARD_TURN_TTL: 'ttlSeconds', SWITCHBOARD_TURN_ALLOW_PEERS: 'allowPeers',
  SWITCHBOARD_TURN_TLS_PORT: 'tlsPort', SWITCHBOARD_TURN_CERT_FILE: 'certFile', SWITCHBOARD_TURN_KEY_FILE: 'keyFile',
};
const FILE_KEYS: Record<string, keyof Raw> = {
  enabled: 'enabled', udp_port: 'udpPort', tcp_port: 'tcpPort', relay_range_start: 'relayRangeStart',
  relay_range_end: 'relayRangeEnd', domain: 'domain', ttl_seconds: 'ttlSeconds', allow_peers: 'allowPeers',
  tls_port: 'tlsPort', cert_file: 'certFile', key_file: 'keyFile',
};

/**
 * Takes the TURN flags out of argv: returns what they set and the rest of argv.
 * `--turn`/`--no-turn` (and `--turn=false`) switch it; the others take a value.
 */
export function takeTurnFlags(argv: readonly string[]): { flags: Raw; rest: string[] } {
  const flags: Raw = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2);
    if (flag === '--turn') { flags.enabled = inline ?? 'true'; continue; }
    if (flag === '--no-turn') { flags.enabled = 'false'; continue; }
    const key = FLAG_KEYS[flag!];
    if (!key) { rest.push(argv[i]!); continue; }
    const v = inline ?? argv[++i];
    if (v === undefined) throw new ConfigError(`${flag} needs a value`);
    flags[key] = v;
  }
  return { flags, rest };
}

/** The `turn` object of a JSON config file, as Raw (unknown keys refused). */
export function turnFromFile(obj: unknown): Raw {
  if (obj === undefined) return {};
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new ConfigError('config file: turn must be an object');
  const out: Raw = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = FILE_KEYS[k];
    if (!key) throw new ConfigError(`config file: unknown key turn.${k} (known: ${Object.keys(FILE_KEYS).join(', ')})`);
    out[key] = v;
  }
  return out;
}

/** Merges the layers (file < env < flags) into settings; `dev` decides the default of `enabled`. */
export function resolveTurnSettings(file: Raw, env: Record<string, string | undefined>, flags: Raw, dev: boolean): TurnSettings {
  const fromEnv: Raw = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) { const v = env[name]; if (v !== undefined && v !== '') fromEnv[key] = v; }
  const layers: [string, Raw][] = [['config file turn', file], ['environment', fromEnv], ['flag', flags]];
  const s: TurnSettings = {
    enabled: dev, udpPort: TURN_DEFAULT_PORT, tcpPort: TURN_DEFAULT_PORT, portExplicit: false,
    relayRangeStart: 0, relayRangeEnd: 0, ttlSeconds: TURN_DEFAULT_TTL_S, allowPeers: [],
  };
  let tcpSet = false;
  let tlsPort: number | undefined, certFile: string | undefined, keyFile: string | undefined;
  for (const [where, raw] of layers) {
    if (raw.enabled !== undefined) s.enabled = bool(`${where} enabled`, raw.enabled);
    if (raw.udpPort !== undefined) { s.udpPort = port(`${where} udp port`, raw.udpPort); s.portExplicit = true; if (!tcpSet) s.tcpPort = s.udpPort; }
    if (raw.tcpPort !== undefined) { s.tcpPort = port(`${where} tcp port`, raw.tcpPort); tcpSet = true; s.portExplicit = true; }
    if (raw.relayRange !== undefined) {
      const m = typeof raw.relayRange === 'string' ? /^(\d+)-(\d+)$/.exec(raw.relayRange.trim()) : null;
      if (!m) throw new ConfigError(`${where} relay range must be A-B (ports), got ${JSON.stringify(raw.relayRange)}`);
      s.relayRangeStart = port(`${where} relay range`, m[1]); s.relayRangeEnd = port(`${where} relay range`, m[2]);
    }
    if (raw.relayRangeStart !== undefined) s.relayRangeStart = port(`${where} relay_range_start`, raw.relayRangeStart);
    if (raw.relayRangeEnd !== undefined) s.relayRangeEnd = port(`${where} relay_range_end`, raw.relayRangeEnd);
    if (raw.domain !== undefined) {
      if (typeof raw.domain !== 'string' || !/^[A-Za-z0-9.:\-[\]]+$/.test(raw.domain)) throw new ConfigError(`${where} domain must be a host name or IP, got ${JSON.stringify(raw.domain)}`);
      s.domain = raw.domain;
    }
    if (raw.ttlSeconds !== undefined) s.ttlSeconds = int(`${where} ttl seconds`, raw.ttlSeconds, 60, TURN_MAX_TTL_S);
    if (raw.allowPeers !== undefined) s.allowPeers = list(`${where} allow peers`, raw.allowPeers);
    if (raw.tlsPort !== undefined) tlsPort = port(`${where} tls port`, raw.tlsPort);
    if (raw.certFile !== undefined) certFile = path(`${where} cert file`, raw.certFile);
    if (raw.keyFile !== undefined) keyFile = path(`${where} key file`, raw.keyFile);
  }
  if (certFile || keyFile || tlsPort !== undefined) {
    // LiveKit's tls_port 0 means "no TLS"; here 0 is "any free port" as for the other
    // ports, so a TLS port alone is a mistake worth naming, not a silent no-op.
    if (!certFile || !keyFile) {
      throw new ConfigError(`TURN over TLS needs both a certificate and a key (turn.cert_file and turn.key_file, or --turn-cert-file and --turn-key-file); got ${certFile ? 'no key file' : keyFile ? 'no cert file' : 'a TLS port only'}`);
    }
    if (!s.domain) throw new ConfigError('TURN over TLS needs a domain (turn.domain or --turn-domain): the name in the turns: URL that clients check the certificate against');
    s.tls = { port: tlsPort ?? TURN_DEFAULT_TLS_PORT, certFile, keyFile };
  }
  try { new PeerAllowList(s.allowPeers); } catch (e) { throw new ConfigError(`TURN allow peers: ${(e as Error).message}`); }
  if ((s.relayRangeStart === 0) !== (s.relayRangeEnd === 0) || s.relayRangeStart > s.relayRangeEnd) {
    throw new ConfigError(`TURN relay range ${s.relayRangeStart}-${s.relayRangeEnd} is not a port range (give both ends, start <= end)`);
  }
  return s;
}

function bool(name: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(v)}`);
}

function int(name: string, v: unknown, min: number, max: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer ${min}..${max}, got ${JSON.stringify(v)}`);
  return n;
}

const port = (name: string, v: unknown): number => int(name, v, 0, 65535);

function path(name: string, v: unknown): string | undefined {
  if (v === '' || v === null) return undefined; // an empty value switches TLS off in a higher layer
  if (typeof v !== 'string') throw new ConfigError(`${name} must be a file path, got ${JSON.stringify(v)}`);
  return v;
}

function list(name: string, v: unknown): string[] {
  const items = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : null;
  if (!items || !items.every((x) => typeof x === 'string')) throw new ConfigError(`${name} must be a list of addresses, got ${JSON.stringify(v)}`);
  return (items as string[]).map((x) => x.trim()).filter(Boolean);
}
