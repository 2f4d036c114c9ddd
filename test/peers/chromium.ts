// Drives Debian's Chromium (the reference WebRTC client) from tests through playwright-core,
// with the flags measured in PEERS.md. Run inside `unshare -n` (see netns.ts): there it
// gathers one 127.0.0.1 UDP host candidate and makes no DNS look-ups.
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_PATH, ensureSpeechWav, sleep, withTimeout } from './paths.js';

export interface ChromiumOptions {
  /** Chromium binary. Default `/usr/bin/chromium` (or $CHROMIUM_PATH). */
  executablePath?: string;
  /** WAV played by the fake microphone (16 kHz mono s16). Default fixtures/audio/speech16k.wav. */
  fakeAudioPath?: string;
  /** Bound on the launch. Default 30 000 ms. */
  launchTimeoutMs?: number;
  /** More command-line flags, appended after the standard ones. */
  extraArgs?: string[];
  /** Print the browser's console messages and page errors to stderr. Default false. */
  logConsole?: boolean;
}

export interface ChromiumPeer {
  readonly context: BrowserContext;
  /** e.g. "156.0.8078.79". */
  readonly version: string;
  /** The temporary user-data dir (removed by close()). */
  readonly userDataDir: string;
  /** Opens a new tab, optionally navigating to `url` (bounded by `timeoutMs`, default 15 s). */
  newPage(url?: string, timeoutMs?: number): Promise<Page>;
  /** Closes the browser (SIGKILLs its processes if it does not exit in 10 s) and removes its dir. Idempotent. */
  close(): Promise<void>;
}

/** The flags from PEERS.md that make Chromium usable for loopback WebRTC tests. */
export function chromiumArgs(fakeAudioPath: string): string[] {
  return [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${fakeAudioPath}`,
    '--allow-loopback-in-peer-connection',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
    '--autoplay-policy=no-user-gesture-required',
    // Stops Chromium's own DNS look-ups (update hosts and the like).
    '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
  ];
}

let cachedVersion: string | undefined;
/** Version of the Chromium binary (from `chromium --version`). */
export function chromiumVersion(executablePath = CHROMIUM_PATH): string {
  if (cachedVersion) return cachedVersion;
  const r = spawnSync(executablePath, ['--version'], { encoding: 'utf8', timeout: 15_000 });
  cachedVersion = /(\d+\.\d+\.\d+\.\d+)/.exec(r.stdout ?? '')?.[1] ?? 'unknown';
  return cachedVersion;
}

/** PIDs of live processes whose command line mentions `needle` (our unique temp dir). */
function pidsWithArg(needle: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'latin1').includes(needle)) pids.push(Number(name));
    } catch { /* exited meanwhile */ }
  }
  return pids;
}

/** Launches headless Chromium with a fresh profile; bounded by launchTimeoutMs. */
export async function launchChromium(opts: ChromiumOptions = {}): Promise<ChromiumPeer> {
  const executablePath = opts.executablePath ?? CHROMIUM_PATH;
  const fakeAudio = opts.fakeAudioPath ?? ensureSpeechWav();
  const launchTimeoutMs = opts.launchTimeoutMs ?? 30_000;
  const userDataDir = mkdtempSync(join(tmpdir(), 'sb-chromium-'));
  const killLeftovers = (): void => {
    for (const pid of pidsWithArg(userDataDir)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
  };
  let context: BrowserContext;
  try {
    context = await withTimeout(chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      timeout: launchTimeoutMs,
      args: [...chromiumArgs(fakeAudio), ...(opts.extraArgs ?? [])],
      permissions: ['microphone', 'camera'],
    }), launchTimeoutMs + 2_000, 'chromium launch');
  } catch (e) {
    killLeftovers();
    rmSync(userDataDir, { recursive: true, force: true });
    throw e;
  }
  if (opts.logConsole) {
    context.on('console', (m) => process.stderr.write(`[chromium console] ${m.type()}: ${m.text()}\n`));
    context.on('weberror', (e) => process.stderr.write(`[chromium pageerror] ${e.error().message}\n`));
  }
  const version = context.browser()?.version() ?? chromiumVersion(executablePath);
  let closing: Promise<void> | undefined;
  return {
    context,
    version,
    userDataDir,
    async newPage(url, timeoutMs = 15_000) {
      const page = await withTimeout(context.newPage(), timeoutMs, 'chromium newPage');
      page.setDefaultTimeout(timeoutMs);
      if (url) await page.goto(url, { timeout: timeoutMs });
      return page;
    },
    close() {
      closing ??= (async () => {
        try {
          await withTimeout(context.close(), 10_000, 'chromium close');
        } catch { /* fall through to the kill below */ }
        await sleep(50);
        killLeftovers();
        rmSync(userDataDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

/**
 * Evaluates `fnSource` — the text of a (possibly async) JS function — in the page, with
 * `arg` JSON-serialised as its one argument, bounded by `timeoutMs` (default 15 s).
 * Source text keeps DOM code out of the Node type check: `'async (n) => sb.pcs[n].connectionState'`.
 */
export async function evalInPage<T = unknown>(page: Page, fnSource: string, arg?: unknown, timeoutMs = 15_000): Promise<T> {
  const expr = `(${fnSource})(${arg === undefined ? '' : JSON.stringify(arg)})`;
  return withTimeout(page.evaluate(expr) as Promise<T>, timeoutMs, `evalInPage ${fnSource.slice(0, 60)}`);
}

/** One entry of RTCStatsReport as a plain object (`type`, `id`, `timestamp` and the rest). */
export type StatsEntry = { type: string; id: string; timestamp: number; [k: string]: unknown };

/** getStats() of `sb.pcs[pcName]` in the page (the page must have loaded /sb-helpers.js). */
export function pageStats(page: Page, pcName: string, timeoutMs = 5_000): Promise<StatsEntry[]> {
  return evalInPage<StatsEntry[]>(page, '(n) => sb.stats(sb.pcs[n])', pcName, timeoutMs);
}

export interface PollOptions {
  /** Give up after this long. Default 15 000 ms. */
  timeoutMs?: number;
  /** Between polls. Default 250 ms. */
  intervalMs?: number;
}

/**
 * Polls getStats() of `sb.pcs[pcName]` until `predicate(stats)` is true and returns those
 * stats. On timeout throws with the inbound-rtp/transport entries of the last poll.
 */
export async function pollStats(page: Page, pcName: string, predicate: (s: StatsEntry[]) => boolean,
  opts: PollOptions = {}): Promise<StatsEntry[]> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const intervalMs = opts.intervalMs ?? 250;
  const deadline = Date.now() + timeoutMs;
  let last: StatsEntry[] = [];
  for (let i = 0; i < 100_000 && Date.now() < deadline; i++) {
    last = await pageStats(page, pcName, Math.max(1_000, deadline - Date.now()));
    if (predicate(last)) return last;
    await sleep(intervalMs);
  }
  const brief = last.filter((s) => s.type === 'inbound-rtp' || s.type === 'outbound-rtp' || s.type === 'transport');
  throw new Error(`pollStats(${pcName}): predicate still false after ${timeoutMs} ms; last stats: ${JSON.stringify(brief)}`);
}

/** Entries of one stats type, optionally of one media kind (`audio` / `video`). */
export function statsOf(stats: StatsEntry[], type: string, kind?: 'audio' | 'video'): StatsEntry[] {
  return stats.filter((s) => s.type === type && (kind === undefined || s.kind === kind));
}

/** A numeric field of the first entry of `type`/`kind`, or 0. */
export function statNumber(stats: StatsEntry[], type: string, field: string, kind?: 'audio' | 'video'): number {
  const v = statsOf(stats, type, kind)[0]?.[field];
  return typeof v === 'number' ? v : 0;
}
