// Receiver: one per published track (one source SSRC for now; simulcast layers later).
// Gets the publisher transport's decrypted RTP, keeps receive statistics, detects key
// frames for video, and fans each packet out to its DownTracks. It also owns the
// upstream RTCP of its track: rate-limited keyframe requests (PLI) and the report block
// for the receiver report the participant sends to the publisher.
//
// Hot path (onRtp): no allocation; the DownTrack array is replaced (not mutated) when a
// subscriber comes or goes, so iterating it never sees a half-updated list.
import { codecFromName, isKeyframe, writePli, writeReceiverReport, type RtpView } from '../rtp/index.js';
import { ReceiveStats } from './receive-stats.js';
import type { FanoutSink } from './track-source.js';

/** Where RTCP for the publisher goes (the publisher's WebRtcTransport fits). */
export interface RtcpSink {
  sendRtcp(buf: Buffer, off: number, len: number): boolean;
}

export interface ReceiverCodec {
  name: string;
  clockRate: number;
  payloadType: number;
  channels?: number;
  parameters?: Record<string, string>;
}

export interface ReceiverOptions {
  trackId: string;
  kind: 'audio' | 'video';
  /** The publisher's media SSRC. */
  ssrc: number;
  codec: ReceiverCodec;
  upstream: RtcpSink;
  /** Our SSRC as the RTCP sender on the publisher transport. */
  rtcpSsrc: number;
  /** Minimum gap between two keyframe requests. Default 500 ms. */
  keyframeRequestIntervalMs?: number;
}

export interface ReceiverCounters {
  packets: number;
  /** Packets with another payload type than the track's codec (RED, RTX, ...): not forwarded. */
  otherPayloadType: number;
  /** Packets whose extension block is too large to restore between DownTracks: not forwarded. */
  extensionTooLarge: number;
  keyframes: number;
  keyframeRequests: number;
  senderReports: number;
}

const scratch = Buffer.allocUnsafe(64);
// The source packet's extension block, saved once per packet: each DownTrack rewrites
// the packet IN PLACE (ids, SSRC, seq, ts, PT) and the block is restored before the next.
const MAX_EXT_BLOCK = 1024;
const extSave = new Uint8Array(MAX_EXT_BLOCK);

export class Receiver {
  readonly trackId: string;
  readonly kind: 'audio' | 'video';
  readonly ssrc: number;
  readonly codec: ReceiverCodec;
  readonly stats: ReceiveStats;
  readonly counters: ReceiverCounters = { packets: 0, otherPayloadType: 0, extensionTooLarge: 0, keyframes: 0, keyframeRequests: 0, senderReports: 0 };
  /** Iterated per packet; replaced on change. */
  downTracks: readonly FanoutSink[] = [];
  /** The publisher's last SR: NTP middle bits, RTP timestamp, local arrival time (-1: none yet). */
  srRtpTs = 0;
  srArrivalMs = -1;
  lastKeyframeMs = -1;
  readonly #codecId: number;
  readonly #video: boolean;
  readonly #upstream: RtcpSink;
  readonly #rtcpSsrc: number;
  readonly #kfInterval: number;
  #lastKfRequestMs = -Infinity;
  #closed = false;

  constructor(o: ReceiverOptions) {
    this.trackId = o.trackId;
    this.kind = o.kind;
    this.ssrc = o.ssrc >>> 0;
    this.codec = o.codec;
    this.stats = new ReceiveStats(this.ssrc, o.codec.clockRate);
    this.#codecId = codecFromName(o.codec.name);
    this.#video = o.kind === 'video';
    this.#upstream = o.upstream;
    this.#rtcpSsrc = o.rtcpSsrc >>> 0;
    this.#kfInterval = o.keyframeRequestIntervalMs ?? 500;
  }

  /**
   * A packet of this track's SSRC; `v` was reset on it by the caller. The packet is
   * rewritten in place for each DownTrack (the transport copies it into a send slot), so
   * `buf` holds the last DownTrack's version afterwards.
   */
  onRtp(buf: Buffer, v: RtpView, nowMs: number): void {
    if (this.#closed) return;
    this.counters.packets++;
    this.stats.update(v.sequenceNumber, v.timestamp, v.payloadLength, nowMs);
    if (v.payloadType !== this.codec.payloadType) {
      this.counters.otherPayloadType++;
      return;
    }
    let key = false;
    if (this.#video) {
      const pl = v.payloadLength;
      if (pl > 0 && isKeyframe(this.#codecId, buf, v.payloadOffset, pl)) {
        key = true;
        this.counters.keyframes++;
        this.lastKeyframeMs = nowMs;
      }
    } else {
      key = true; // every audio packet is decodable on its own
    }
    const dts = this.downTracks;
    const n = dts.length;
    if (n === 0) return;
    const seq = v.sequenceNumber, ts = v.timestamp;
    const extOff = v.extDataOffset, extLen = v.extProfile >= 0 ? v.extDataLength : 0;
    if (extLen > MAX_EXT_BLOCK) { this.counters.extensionTooLarge++; return; }
    if (n === 1) { dts[0]!.writeRtp(buf, v, seq, ts, key, nowMs); return; }
    for (let j = 0; j < extLen; j++) extSave[j] = buf[extOff + j]!;
    for (let i = 0; i < n; i++) {
      if (i > 0) for (let j = 0; j < extLen; j++) buf[extOff + j] = extSave[j]!;
      dts[i]!.writeRtp(buf, v, seq, ts, key, nowMs);
    }
  }

  /** The publisher's sender report for this SSRC. */
  onSenderReport(ntpMiddleBits: number, rtpTs: number, nowMs: number): void {
    this.counters.senderReports++;
    this.srRtpTs = rtpTs >>> 0;
    this.srArrivalMs = nowMs;
    this.stats.onSenderReport(ntpMiddleBits, nowMs);
  }

  /** Sends one PLI upstream unless one went out less than the interval ago. Returns true when sent. */
  requestKeyframe(nowMs: number): boolean {
    if (this.#closed || !this.#video) return false;
    if (nowMs - this.#lastKfRequestMs < this.#kfInterval) return false;
    this.#lastKfRequestMs = nowMs;
    // An empty RR first: a compound packet must start with SR/RR (RFC 3550 §6.1).
    let n = writeReceiverReport(scratch, 0, this.#rtcpSsrc, []);
    n += writePli(scratch, n, this.#rtcpSsrc, this.ssrc);
    this.counters.keyframeRequests++;
    return this.#upstream.sendRtcp(scratch, 0, n);
  }

  addDownTrack(dt: FanoutSink): void {
    if (this.#closed || this.downTracks.includes(dt)) return;
    this.downTracks = [...this.downTracks, dt];
  }

  removeDownTrack(dt: FanoutSink): void {
    if (this.downTracks.includes(dt)) this.downTracks = this.downTracks.filter((x) => x !== dt);
  }

  /** Writes this track's 24-byte report block for the publisher's RR. */
  writeReportBlock(dst: Uint8Array, off: number, nowMs: number): number {
    return this.stats.writeBlock(dst, off, nowMs);
  }

  get closed(): boolean { return this.#closed; }

  /** Idempotent: closes every DownTrack of this receiver. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const dts = this.downTracks;
    this.downTracks = [];
    for (const dt of dts) dt.close();
  }
}

