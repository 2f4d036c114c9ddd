// Minimal RIFF/WAVE reader and PCM helpers for feeding real speech to peers in tests.
import { readFileSync } from 'node:fs';

// The parser lives in src/client (the load tester needs it at run time); tests reuse it.
import { parseWav, type Pcm } from '../../src/client/wav.js';
export { parseWav, type Pcm };

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
