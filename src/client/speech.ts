// The synthetic publisher's audio: 16 kHz mono speech (fixtures/audio/speech16k.wav, or a
// synthesised voice-like signal when the file is missing) encoded ONCE with Opus into
// 20 ms frames, with each frame's RFC 6464 level computed from its PCM. Publishers loop
// over these frames; nothing is encoded per packet.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Encoder } from '@evan/opus';
import { parseWav } from './wav.js';

export const SPEECH_WAV = fileURLToPath(new URL('../../fixtures/audio/speech16k.wav', import.meta.url));
export const SAMPLE_RATE = 16_000;
export const FRAME_SAMPLES = 320; // 20 ms at 16 kHz
/** RTP timestamp step per 20 ms frame (Opus RTP clock is always 48 kHz, RFC 7587). */
export const RTP_TS_STEP = 960;

export interface EncodedSpeech {
  /** All frames back to back. */
  data: Buffer;
  offsets: Uint32Array;
  lengths: Uint16Array;
  /** RFC 6464 level per frame: -dBov, 0 (loudest) .. 127 (silence). */
  levels: Uint8Array;
  /** 1 where the frame is speech (level below the silence threshold), 0 = silent (DTX may skip it). */
  voiced: Uint8Array;
  count: number;
  source: 'wav' | 'synthetic';
}

export interface SpeechOptions {
  wavPath?: string;
  /** Opus bitrate, bits/s. Default 32 000. */
  bitrate?: number;
  /** A frame with level >= this (-dBov) counts as silence. Default 50. */
  silenceDbov?: number;
  /** Seconds of synthetic voice when the WAV is missing. Default 10. */
  syntheticSeconds?: number;
}

/** RFC 6464 level of n samples: -20 log10(rms / full scale), clamped to 0..127. */
export function audioLevelDbov(pcm: Int16Array, off: number, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) { const s = pcm[off + i]! / 32768; sum += s * s; }
  const rms = Math.sqrt(sum / n);
  if (rms <= 0) return 127;
  const db = -20 * Math.log10(rms);
  return Math.max(0, Math.min(127, Math.round(db)));
}

/** A seeded uniform [0,1) generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A voice-like signal: a glottal pulse train (f0 100-160 Hz with drift) through two
 * formant resonators, shaped into ~250 ms syllables with pauses between phrases.
 */
export function synthesizeVoice(seconds: number, seed = 1): Int16Array {
  const n = Math.round(seconds * SAMPLE_RATE);
  const out = new Int16Array(n);
  const rnd = seededRandom(seed);
  let phase = 0;
  // Two-pole resonators (formants), re-tuned per syllable.
  let y1a = 0, y2a = 0, y1b = 0, y2b = 0;
  let ca1 = 0, ca2 = 0, cb1 = 0, cb2 = 0;
  const tune = (f: number, bw: number): [number, number] => {
    const r = Math.exp((-Math.PI * bw) / SAMPLE_RATE);
    return [2 * r * Math.cos((2 * Math.PI * f) / SAMPLE_RATE), -r * r];
  };
  let sylEnd = 0, sylLen = 1, voiced = true, f0 = 120;
  for (let i = 0; i < n; i++) {
    if (i >= sylEnd) {
      sylLen = Math.round((0.15 + rnd() * 0.2) * SAMPLE_RATE);
      voiced = rnd() > 0.2; // one syllable in five is a pause
      sylEnd = i + sylLen;
      f0 = 100 + rnd() * 60;
      [ca1, ca2] = tune(300 + rnd() * 500, 80);
      [cb1, cb2] = tune(900 + rnd() * 1400, 120);
    }
    const pos = 1 - (sylEnd - i) / sylLen;
    const env = voiced ? Math.sin(Math.PI * pos) : 0;
    phase += (f0 * (1 + 0.03 * Math.sin(i / 900))) / SAMPLE_RATE;
    let src = 0;
    if (phase >= 1) { phase -= 1; src = 1; }
    src += (rnd() - 0.5) * 0.05; // breath noise
    const a = src + ca1 * y1a + ca2 * y2a; y2a = y1a; y1a = a;
    const b = src + cb1 * y1b + cb2 * y2b; y2b = y1b; y1b = b;
    const v = (a * 0.6 + b * 0.4) * env * 900;
    out[i] = Math.max(-32767, Math.min(32767, Math.round(v)));
  }
  return out;
}

/** Mono 16 kHz PCM: the WAV (first channel, must be 16 kHz) or the synthetic voice. */
export function loadSpeechPcm(o: SpeechOptions = {}): { pcm: Int16Array; source: 'wav' | 'synthetic' } {
  const path = o.wavPath ?? SPEECH_WAV;
  if (existsSync(path)) {
    const w = parseWav(readFileSync(path));
    if (w.sampleRate !== SAMPLE_RATE) throw new Error(`${path}: ${w.sampleRate} Hz, expected ${SAMPLE_RATE}`);
    const pcm = new Int16Array(Math.floor(w.samples.length / w.channels));
    for (let i = 0; i < pcm.length; i++) pcm[i] = w.samples[i * w.channels]!;
    return { pcm, source: 'wav' };
  }
  return { pcm: synthesizeVoice(o.syntheticSeconds ?? 10), source: 'synthetic' };
}

const cache = new Map<string, EncodedSpeech>();

/** Encodes the speech once per (path, bitrate, threshold) per thread. */
export function encodeSpeech(o: SpeechOptions = {}): EncodedSpeech {
  const key = `${o.wavPath ?? SPEECH_WAV}|${o.bitrate ?? 32000}|${o.silenceDbov ?? 50}|${o.syntheticSeconds ?? 10}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const { pcm, source } = loadSpeechPcm(o);
  const enc = new Encoder({ channels: 1, sample_rate: SAMPLE_RATE, application: 'voip' });
  enc.bitrate = o.bitrate ?? 32_000;
  const count = Math.floor(pcm.length / FRAME_SAMPLES);
  if (count < 1) throw new Error('speech is shorter than one 20 ms frame');
  const frames: Uint8Array[] = [];
  const levels = new Uint8Array(count);
  const voiced = new Uint8Array(count);
  const silence = o.silenceDbov ?? 50;
  let total = 0;
  for (let f = 0; f < count; f++) {
    const off = f * FRAME_SAMPLES;
    const frame = enc.encode(pcm.subarray(off, off + FRAME_SAMPLES));
    frames.push(frame);
    total += frame.length;
    levels[f] = audioLevelDbov(pcm, off, FRAME_SAMPLES);
    voiced[f] = levels[f]! < silence ? 1 : 0;
  }
  const data = Buffer.allocUnsafe(total);
  const offsets = new Uint32Array(count);
  const lengths = new Uint16Array(count);
  let p = 0;
  for (let f = 0; f < count; f++) {
    offsets[f] = p;
    lengths[f] = frames[f]!.length;
    data.set(frames[f]!, p);
    p += frames[f]!.length;
  }
  const s: EncodedSpeech = { data, offsets, lengths, levels, voiced, count, source };
  cache.set(key, s);
  return s;
}
