// Command line of `npm run bench -- replay`.
export interface ReplayOptions {
  fixture: string;
  publishers: number;
  /** One or more fan-outs (comma list): one run each. */
  subscribers: number[];
  /**
   * Per run: 0 = recorded timing; > 0 packets/s per publisher; < 0 = -(target packets/s
   * out of the engine), divided by publishers × subscribers (comma list: one run each).
   */
  rates: number[];
  durationMs: number;
  warmupMs: number;
  workers: number;
  verifyEvery: number;
  stageMs: number;
  baselines: { dgram: boolean; mediasoup: boolean };
  out: string;
  /** Write results files (default true; the smoke test turns it off). */
  write: boolean;
}

export const REPLAY_USAGE = `npm run bench -- replay [options]
  --fixture FILE        pcap/pcapng with a decrypted RTP stream (default pcap/opus-speech-60s.pcapng)
  --publishers N        publishers, one room each (default 1)
  --subscribers N[,N..] subscribers per publisher; a list runs each (default 10)
  --rate R[,R..]        'recorded' (the fixture's timing, looped), N (packets/s per publisher) or
                        Nout (N packets/s out of the engine in total: N / (publishers × subscribers)
                        per publisher); a list runs each (default recorded)
  --duration T          measured window, e.g. 10s or 500ms (default 10s)
  --warmup T            before the window (default 2s)
  --workers N           engine media workers (default 1)
  --verify-every N      subscribers decrypt + compare 1 packet in N (1 = all; 0 = none; default 1)
  --stages T            extra window with the engine's stage timers on (default 3s; 0 = off)
  --baselines LIST      dgram,mediasoup | dgram | none (default dgram,mediasoup)
  --out DIR             results directory (default bench/results)
  --no-write            print only`;

function duration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(s);
  if (!m) throw new Error(`bad duration ${s}`);
  return Number(m[1]) * (m[2] === 'ms' ? 1 : 1000);
}

export function parseReplayOptions(argv: string[]): ReplayOptions {
  const o: ReplayOptions = {
    fixture: 'pcap/opus-speech-60s.pcapng', publishers: 1, subscribers: [10], rates: [0], durationMs: 10_000, warmupMs: 2000,
    workers: 1, verifyEvery: 1, stageMs: 3000, baselines: { dgram: true, mediasoup: true }, out: 'bench/results', write: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = (): string => { const x = argv[++i]; if (x === undefined) throw new Error(`${a} needs a value`); return x; };
    const int = (x: string): number => { const n = Number(x); if (!Number.isInteger(n) || n < 0) throw new Error(`${a}: bad number ${x}`); return n; };
    switch (a) {
      case '--fixture': o.fixture = v(); break;
      case '--publishers': o.publishers = Math.max(1, int(v())); break;
      case '--subscribers': o.subscribers = v().split(',').map(int); break;
      case '--rate': o.rates = v().split(',').map((x) => (x === 'recorded' ? 0 : x.endsWith('out') ? -int(x.slice(0, -3)) : int(x.replace(/pps$/, '')))); break;
      case '--duration': o.durationMs = duration(v()); break;
      case '--warmup': o.warmupMs = duration(v()); break;
      case '--workers': o.workers = int(v()); break;
      case '--verify-every': o.verifyEvery = int(v()); break;
      case '--stages': o.stageMs = duration(v()); break;
      case '--baselines': { const l = v().split(','); o.baselines = { dgram: l.includes('dgram'), mediasoup: l.includes('mediasoup') }; break; }
      case '--out': o.out = v(); break;
      case '--no-write': o.write = false; break;
      case '-h': case '--help': throw new Error(REPLAY_USAGE);
      default: throw new Error(`unknown option ${a}\n${REPLAY_USAGE}`);
    }
  }
  return o;
}
