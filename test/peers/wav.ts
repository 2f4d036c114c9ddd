// Minimal RIFF/WAVE reader and PCM helpers for feeding real speech to peers in tests.
import { readFileSync } from 'node:fs';

export interface Pcm {
  sampleRate: number;
  channels: number;
  /** Interleaved signed 16-bit samples. */
  samples: Int16Array;
}

/** Parses a PCM s16le WAV file (the `fmt ` and `data` chunks; other chunks skipped). */
export function parseWav(buf: Buffer): Pcm {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let off = 12;
  let sampleRate = 0;
  let channels = 0;
  let bits = 0;
  let format = 0;
  for (let i = 0; i < 64 && off + 8 <= buf.length; i++) {
    const id = buf.toString('latin1', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      format = buf.readUInt16LE(body);
      channels = buf.readUInt16LE(body + 2);
      sampleRate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
    } else if (id === 'data') {
      if (format !== 1 || bits !== 16) throw new Error(`WAV format ${format}/${bits} bit: only PCM s16 supported`);
      const end = Math.min(buf.length, body + size);
      const samples = new Int16Array((end - body) >> 1);
      for (let j = 0; j < samples.length; j++) samples[j] = buf.readInt16LE(body + 2 * j);
      return { sampleRate, channels, samples };
    }
    off = body + size + (size & 1);
  }
  throw new Error('WAV has no data chunk');
}

export function readWav(path: string): Pcm {
  return parseWav(readFileSync(path));
}

/** Integer-factor upsampling by linear interpolation (e.g. 16 kHz -> 48 kHz with factor 3). */
export function upsampleLinear(input: Int16Array, factor: number): Int16Array {
  const out = new Int16Array(input.length * factor);
  for (let i = 0; i < input.length; i++) {
    const a = input[i]!;
    const b = i + 1 < input.length ? input[i + 1]! : a;
    for (let k = 0; k < factor; k++) out[i * factor + k] = Math.round(a + ((b - a) * k) / factor);
  }
  return out;
}

/** Sum of squares of samples normalised to [-1, 1] (same scale as WebRTC's totalAudioEnergy × rate). */
export function energy(samples: Int16Array): number {
  let e = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]! / 32768;
    e += v * v;
  }
  return e;
}

/** Root mean square in [0, 1]. */
export function rms(samples: Int16Array): number {
  return samples.length ? Math.sqrt(energy(samples) / samples.length) : 0;
}
