// Where the real-peer helpers find the repository, its fixtures and the tools they drive.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES_DIR = join(REPO_ROOT, 'fixtures');
export const SPEECH_WAV = join(FIXTURES_DIR, 'audio', 'speech16k.wav');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Path of fixtures/audio/speech16k.wav (16 kHz mono s16 speech). It is generated, not
 * committed: when missing, runs `node scripts/test-setup.mjs` (espeak-ng + sox) once.
 */
export function ensureSpeechWav(): string {
  if (existsSync(SPEECH_WAV)) return SPEECH_WAV;
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'test-setup.mjs')], {
    cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000,
  });
  if (!existsSync(SPEECH_WAV)) {
    throw new Error(`fixtures/audio/speech16k.wav is missing and scripts/test-setup.mjs did not make it ` +
      `(exit ${r.status}): ${(r.stderr || r.stdout || '').trim()}`);
  }
  return SPEECH_WAV;
}

/** Rejects with `label timed out after ms` unless `p` settles first. Clears its timer. */
export function withTimeout<T>(p: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
