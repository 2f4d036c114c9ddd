// One entry point for "does this payload start a decodable (key) frame?" by codec.
import { h264IsKeyframe } from './h264.js';
import { av1IsKeyframe } from './av1.js';
import { Vp8Descriptor } from './vp8.js';
import { Vp9Descriptor } from './vp9.js';
import { RtpStatus } from '../status.js';

export const Codec = { OPUS: 0, VP8: 1, VP9: 2, H264: 3, AV1: 4 } as const;
export type CodecId = (typeof Codec)[keyof typeof Codec];

const vp8 = new Vp8Descriptor();
const vp9 = new Vp9Descriptor();

/** Codec id for an SDP encoding name (case-insensitive), or -1. */
export function codecFromName(name: string): number {
  switch (name.toLowerCase()) {
    case 'opus': return Codec.OPUS;
    case 'vp8': return Codec.VP8;
    case 'vp9': return Codec.VP9;
    case 'h264': return Codec.H264;
    case 'av1': case 'av1x': return Codec.AV1;
    default: return -1;
  }
}

/**
 * True when the RTP payload at buf[off..off+len) starts a key frame. Audio (Opus) has no
 * key frames: every packet is decodable, so this returns true. Uses module-level
 * descriptor scratch objects: single-threaded per worker, not re-entrant.
 */
export function isKeyframe(codec: number, buf: Uint8Array, off: number, len: number): boolean {
  switch (codec) {
    case Codec.OPUS: return true;
    case Codec.VP8: return vp8.parse(buf, off, len) === RtpStatus.OK && vp8.keyframe;
    case Codec.VP9: return vp9.parse(buf, off, len) === RtpStatus.OK && vp9.keyframe;
    case Codec.H264: return h264IsKeyframe(buf, off, len);
    case Codec.AV1: return av1IsKeyframe(buf, off, len);
    default: return false;
  }
}
