// What a DownTrack needs from the source of a published track, so that one plain
// Receiver (one SSRC) and a SimulcastReceiver (one Receiver per spatial layer) can both
// feed it; and what a Receiver's fan-out calls per packet (a DownTrack, or a simulcast
// layer tap that decides for its DownTrack).
import type { RtpView } from '../rtp/index.js';
import type { PacketCache } from './buffer/index.js';
import type { ReceiverCodec } from './receiver.js';

/** One entry of a Receiver's per-packet fan-out. */
export interface FanoutSink {
  writeRtp(buf: Buffer, v: RtpView, extSeq: number, ts: number, keyframe: boolean, nowMs: number): void;
  close(): void;
}

/** The published track as a DownTrack sees it. */
export interface TrackSource {
  readonly trackId: string;
  readonly kind: 'audio' | 'video';
  readonly codec: ReceiverCodec;
  /** Copies of the source packets for NACK answers (null: none, e.g. across simulcast layers). */
  readonly cache?: PacketCache | null;
  /** The publisher's last SR for the stream being forwarded (srArrivalMs -1: none / not usable). */
  readonly srRtpTs: number;
  readonly srArrivalMs: number;
  readonly closed: boolean;
  /** Audio: the packet being fanned out is RED (RFC 2198); see red-forward.ts. */
  readonly packetIsRed?: boolean;
  addDownTrack(dt: FanoutSink): void;
  removeDownTrack(dt: FanoutSink): void;
  requestKeyframe(nowMs: number): boolean;
}
