// Minimal RIFF/WAVE reader (PCM s16le; other chunks skipped) for the synthetic publisher.
export interface Pcm {
  sampleRate: number;
  channels: number;
  /** Interleaved signed 16-bit samples. */
  samples: Int16Array;
}

export function parseWav(buf: Buffer): Pcm {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let off = 12;
  let sampleRate = 0, channels = 0, bits = 0, format = 0;
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
