// Load-test options and their command line (LiveKit `lk load-test` shaped).
import { availableParallelism } from 'node:os';
import { ClientError } from '../errors.js';

export interface LoadTestOptions {
  rooms: number;
  /** Publishers per room (each publishes `tracks` audio tracks, subscribes to nothing). */
  publishers: number;
  /** Subscribers per room (subscribe to every track, publish nothing). */
  subscribers: number;
  /** Audio tracks per publisher. */
  tracks: number;
  /** Steady-state time after the last participant joined, ms. */
  durationMs: number;
  /** Joins per second. */
  rampPerSec: number;
  /** Signal server ws URL (ignored with startServer). */
  url: string;
  apiKey: string;
  apiSecret: string;
  startServer: boolean;
  /** Media worker threads of the in-process server. */
  serverWorkers: number;
  /** Client worker threads. */
  clientWorkers: number;
  dtx: boolean;
  /** Clients send RTCP SR/RR once a second. */
  rtcp: boolean;
  bitrate: number;
  seed: number;
  /** Bound on each client wait (join, answer, connected), ms. */
  timeoutMs: number;
  /** Folder for the JSON line and the HTML chart ('' = do not write). */
  outDir: string;
  /** Room name prefix. */
  roomPrefix: string;
  wavPath?: string;
  /** An external server's process id: its CPU and RSS are sampled from /proc. */
  serverPid?: number;
}

export const LOADTEST_HELP = `Usage: npm run loadtest -- [options]

Synthetic Opus speech publishers and subscribers through the real signaling (tokens, WebSocket,
protobuf) and media path (ICE, DTLS, SRTP) on loopback. Bounded: stops by itself.

  --rooms R               rooms                                         [1]
  --publishers P          publishers per room (1 audio track each)      [1]
  --subscribers S         subscribers per room (subscribe to all)       [1]
  --tracks N              audio tracks per publisher                    [1]
  --duration 30s          steady state after the last join (ms, s, m)   [30s, max 10m]
  --ramp 10/s             joins per second                              [10/s]
  --url ws://127.0.0.1:7880   signal server                             [ws://127.0.0.1:7880]
  --api-key K --api-secret S  key pair that signs the join tokens
  --server-pid PID        external server's pid: sample its CPU and RSS from /proc
  --start-server          start Switchboard in this process with a generated key pair
  --server-workers N      media worker threads of that server           [cores/2]
  --client-workers N      client worker threads                         [cores - server workers]
  --dtx                   skip silent frames (Opus DTX; timestamps keep advancing)
  --no-rtcp               clients send no SR/RR (default: once a second)
  --bitrate B             Opus bitrate, bits/s                          [32000]
  --seed N                pacing jitter / start frame seed              [1]
  --timeout 10s           bound on each join step                       [10s]
  --out DIR               where the JSON line and HTML chart go         [bench/loadtest]
  --no-out                write nothing
  --help
`;

function duration(flag: string, v: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v ?? '');
  if (!m) throw new ClientError('bad-params', `${flag} needs a duration like 30s, 500ms or 2m, got ${JSON.stringify(v)}`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}

function int(flag: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v ?? '') || n < min || n > max) throw new ClientError('bad-params', `${flag} must be an integer ${min}..${max}, got ${JSON.stringify(v)}`);
  return n;
}

export function defaultLoadTestOptions(): LoadTestOptions {
  const cores = availableParallelism();
  const serverWorkers = Math.max(1, Math.floor(cores / 2));
  return {
    rooms: 1, publishers: 1, subscribers: 1, tracks: 1, durationMs: 30_000, rampPerSec: 10,
    url: 'ws://127.0.0.1:7880', apiKey: '', apiSecret: '', startServer: false,
    serverWorkers, clientWorkers: Math.max(1, cores - serverWorkers), dtx: false, rtcp: true, bitrate: 32_000, seed: 1,
    timeoutMs: 10_000, outDir: 'bench/loadtest', roomPrefix: 'load',
  };
}

/** Parses argv (flags as in LOADTEST_HELP). Throws ClientError 'bad-params'. */
export function parseLoadTestArgs(argv: string[]): LoadTestOptions & { help: boolean } {
  const o = { ...defaultLoadTestOptions(), help: false };
  let clientWorkersSet = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const val = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--rooms': o.rooms = int(flag, val(), 1, 1000); break;
      case '--publishers': o.publishers = int(flag, val(), 0, 1000); break;
      case '--subscribers': o.subscribers = int(flag, val(), 0, 1000); break;
      case '--tracks': o.tracks = int(flag, val(), 1, 16); break;
      case '--duration': o.durationMs = duration(flag, val()); break;
      case '--ramp': {
        const v = val();
        const m = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(v ?? '');
        if (!m || Number(m[1]) <= 0) throw new ClientError('bad-params', `--ramp needs a rate like 10/s, got ${JSON.stringify(v)}`);
        o.rampPerSec = Number(m[1]);
        break;
      }
      case '--url': o.url = val() ?? ''; break;
      case '--api-key': o.apiKey = val() ?? ''; break;
      case '--api-secret': o.apiSecret = val() ?? ''; break;
      case '--start-server': o.startServer = true; break;
      case '--server-workers': o.serverWorkers = int(flag, val(), 0, 64); break;
      case '--client-workers': o.clientWorkers = int(flag, val(), 1, 64); clientWorkersSet = true; break;
      case '--dtx': o.dtx = true; break;
      case '--no-rtcp': o.rtcp = false; break;
      case '--bitrate': o.bitrate = int(flag, val(), 6000, 510_000); break;
      case '--seed': o.seed = int(flag, val(), 0, 0xffffffff); break;
      case '--timeout': o.timeoutMs = duration(flag, val()); break;
      case '--out': o.outDir = val() ?? ''; break;
      case '--no-out': o.outDir = ''; break;
      case '--wav': o.wavPath = val() ?? ''; break;
      case '--server-pid': o.serverPid = int(flag, val(), 1, 4194304); break;
      case '--help': case '-h': o.help = true; break;
      default: throw new ClientError('bad-params', `unknown option ${flag} (see --help)`);
    }
  }
  if (o.help) return o;
  if (!o.startServer && !clientWorkersSet) o.clientWorkers = Math.max(1, availableParallelism());
  if (o.durationMs < 1000 || o.durationMs > 600_000) throw new ClientError('bad-params', '--duration must be 1s..10m');
  if (o.rooms * (o.publishers + o.subscribers) > 5000) throw new ClientError('bad-params', 'at most 5000 participants');
  if (o.rooms * (o.publishers + o.subscribers) === 0) throw new ClientError('bad-params', 'no participants');
  if (!o.startServer && (!o.apiKey || !o.apiSecret)) throw new ClientError('bad-params', '--api-key and --api-secret are needed unless --start-server');
  if (!/^wss?:\/\//.test(o.url)) throw new ClientError('bad-params', `--url must be ws:// or wss://, got ${JSON.stringify(o.url)}`);
  const host = /^wss?:\/\/(\[[^\]]+\]|[^/:]+)/.exec(o.url)?.[1] ?? '';
  if (!o.startServer && !/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(host)) throw new ClientError('bad-params', `--url must be a loopback address (127.x, localhost, [::1]), got ${host}`);
  return o;
}
