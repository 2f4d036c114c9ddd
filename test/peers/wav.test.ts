// The WAV reader and PCM helpers the wrtc speech source depends on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { energy, parseWav, readWav, rms, upsampleLinear } from './wav.js';

function wavBytes(samples: number[], rate = 16_000, extraChunk = false): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((v, i) => data.writeInt16LE(v, i * 2));
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'latin1'); fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8); fmt.writeUInt16LE(1, 10); fmt.writeUInt32LE(rate, 12);
  fmt.writeUInt32LE(rate * 2, 16); fmt.writeUInt16LE(2, 20); fmt.writeUInt16LE(16, 22);
  const list = extraChunk ? Buffer.from('LIST\x03\x00\x00\x00abc\x00', 'latin1') : Buffer.alloc(0); // odd size, padded
  const dh = Buffer.alloc(8);
  dh.write('data', 0, 'latin1'); dh.writeUInt32LE(data.length, 4);
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), fmt, list, dh, data]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1'); riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

test('parseWav reads fmt and data, skipping an odd-sized chunk', () => {
  const w = parseWav(wavBytes([0, 1000, -1000, 32767, -32768], 16_000, true));
  assert.is(w.sampleRate, 16_000);
  assert.is(w.channels, 1);
  assert.equal(Array.from(w.samples), [0, 1000, -1000, 32767, -32768]);
});

test('parseWav rejects non-WAV input', () => {
  assert.throws(() => parseWav(Buffer.from('not a wav file at all')), /RIFF/);
});

test('upsampleLinear triples length and interpolates', () => {
  assert.equal(Array.from(upsampleLinear(Int16Array.from([0, 300]), 3)), [0, 100, 200, 300, 300, 300]);
});

test('energy and rms of a full-scale square wave', () => {
  const sq = Int16Array.from([-32768, -32768, -32768, -32768]);
  assert.is(energy(sq), 4);
  assert.is(rms(sq), 1);
  assert.is(rms(new Int16Array(0)), 0);
});

test('a WAV written by sox reads back with the same samples', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-wav-'));
  try {
    const f = join(dir, 't.wav');
    // 0.01 s of a 1 kHz sine at 16 kHz: 160 samples
    const r = spawnSync('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', f, 'synth', '0.01', 'sine', '1000'], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const w = readWav(f);
    assert.is(w.sampleRate, 16_000);
    assert.is(w.samples.length, 160);
    // sox's own measurement of the same file is the independent check
    const stat = spawnSync('sox', [f, '-n', 'stat'], { encoding: 'utf8' }).stderr;
    const soxRms = Number(/RMS\s+amplitude:\s+([\d.]+)/.exec(stat)?.[1]);
    assert.ok(soxRms > 0.1, stat);
    assert.ok(Math.abs(rms(w.samples) - soxRms) < 1e-3, `ours ${rms(w.samples)} sox ${soxRms}`);
    // 1 kHz at 16 kHz: a period of 16 samples
    assert.ok(Math.abs(w.samples[4]! - w.samples[20]!) < 64, 'periodic');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
