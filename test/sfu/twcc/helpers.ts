// Test helpers: walk back-to-back RTCP packets, decode TWCC feedback into plain records,
// and name the chunk kinds a feedback used.
import { TwccFeedbackView, RtpStatus, TWCC_REFERENCE_US } from '../../../src/rtp/index.js';

export interface DecodedFeedback {
  off: number;
  len: number;
  baseSeq: number;
  count: number;
  fbPktCount: number;
  referenceTime: number;
  /** seq (16-bit) -> arrival µs (reference + deltas) or -1. */
  packets: [number, number][];
  chunkKinds: Set<'run' | 'vec1' | 'vec2'>;
}

export function decodeAllFeedback(buf: Uint8Array, off: number, len: number): DecodedFeedback[] {
  const out: DecodedFeedback[] = [];
  const v = new TwccFeedbackView();
  let p = off;
  while (p < off + len) {
    const l = (((buf[p + 2] << 8) | buf[p + 3]) + 1) * 4;
    const st = v.reset(buf, p, l);
    if (st !== RtpStatus.OK) throw new Error(`feedback at ${p} status ${st}`);
    const packets: [number, number][] = [];
    let t = v.referenceTime * TWCC_REFERENCE_US;
    v.forEachPacket((seq, sym, d) => { if (sym !== 0) { t += d; packets.push([seq, t]); } else packets.push([seq, -1]); });
    const kinds = new Set<'run' | 'vec1' | 'vec2'>();
    let left = v.statusCount, q = p + 20;
    while (left > 0) {
      const ch = (buf[q] << 8) | buf[q + 1];
      q += 2;
      if ((ch & 0x8000) === 0) { kinds.add('run'); left -= ch & 0x1fff; } else if ((ch & 0x4000) === 0) { kinds.add('vec1'); left -= 14; } else { kinds.add('vec2'); left -= 7; }
    }
    out.push({ off: p, len: l, baseSeq: v.baseSeq, count: v.statusCount, fbPktCount: v.fbPktCount, referenceTime: v.referenceTime, packets, chunkKinds: kinds });
    p += l;
  }
  return out;
}

/** Deterministic PRNG in [0, 1). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

/** 250 µs grid the wire format keeps. */
export const grid = (us: number) => Math.round(us / 250) * 250;
