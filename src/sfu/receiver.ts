// Receiver: one per published track (one source SSRC for now; simulcast layers later).
// Gets the publisher transport's decrypted RTP, widens sequence numbers once at ingress,
// keeps receive statistics, caches a COPY of each packet for NACK answers (before the
// fan-out rewrites it in place), detects key frames for video, and fans each packet out
// to its DownTracks. It also owns the upstream RTCP of its track: NACKs for packets the
// publisher's path lost (NackGenerator), rate-limited keyframe requests (PLI via
// KeyframeRequester; also when a loss burst cannot be NACKed or a NACK gives up), and
// the report block for the receiver report the participant sends to the publisher.
// RTX from the publisher (RFC 4588) is unwrapped in place and enters as the original;
// a packet that already arrived is not forwarded twice.
//
// Hot path (onRtp): no allocation; the DownTrack array is replaced (not mutated) when a
// subscriber comes or goes, so iterating it never sees a half-updated list.
import { Codec, codecFromName, isKeyframe, writePli, writeReceiverReport, writeReportBlock, type ReportBlockInit, type RtpView } from '../rtp/index.js';
import { CachePut, PacketCache, SeqUnwrapper, StreamPacket, StreamStats, defaultPacketCacheConfig, type PacketCacheConfig } from './buffer/index.js';
import { KeyframeRequester, NackGenerator, NackPacket, RtxMapping, unwrapRtxInPlace, type NackGeneratorConfig } from './nack/index.js';
import type { FanoutSink } from './track-source.js';
import { fanoutVp8 } from './vp8-munger.js';

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
  /**
   * Loss repair: keep a packet cache for subscriber NACKs. Default true. `upstreamNack`
   * (default: same as `nack`) sends NACKs to the publisher; set it only when the
   * publisher negotiated `nack` for the codec.
   */
  nack?: boolean;
  upstreamNack?: boolean;
  /** The publisher's RTX stream (SDP ssrc-group FID + rtx payload type), when negotiated. */
  rtx?: { ssrc: number; payloadType: number };
  /** Audio: the publisher's RED payload type (RFC 2198 over the codec), when negotiated; RED packets are then forwarded (see red-forward.ts). */
  redPayloadType?: number;
  cache?: Partial<PacketCacheConfig>;
  nackGenerator?: Partial<NackGeneratorConfig>;
}

export interface ReceiverCounters {
  packets: number;
  /** Packets with another payload type than the track's codec (RED, ...): not forwarded. */
  otherPayloadType: number;
  /** Packets whose extension block is too large to restore between DownTracks: not forwarded. */
  extensionTooLarge: number;
  /** Packets seen before (e.g. an RTX copy of one that did arrive): not forwarded again. */
  duplicates: number;
  /** Older than the statistics window: not forwarded. */
  tooOld: number;
  /** RTX packets received / that carried an original (unwrapped and fed in) / padding-only. */
  rtxPackets: number;
  rtxRecovered: number;
  rtxPadding: number;
  /** NACKed sequence numbers sent upstream, and NACK packets. */
  nackedSeqs: number;
  nackPackets: number;
  keyframes: number;
  /** PLIs sent upstream. */
  keyframeRequests: number;
  senderReports: number;
}

const scratch = Buffer.allocUnsafe(1500);
const NO_BLOCKS: readonly ReportBlockInit[] = [];
const block: ReportBlockInit = { ssrc: 0, fractionLost: 0, cumulativeLost: 0, highestSeq: 0, jitter: 0, lsr: 0, dlsr: 0 };
// The source packet's extension block, saved once per packet: each DownTrack rewrites
// the packet IN PLACE (ids, SSRC, seq, ts, PT) and the block is restored before the next.
const MAX_EXT_BLOCK = 1024;
const extSave = new Uint8Array(MAX_EXT_BLOCK);

export class Receiver {
  readonly trackId: string;
  readonly kind: 'audio' | 'video';
  readonly ssrc: number;
  readonly codec: ReceiverCodec;
  readonly stats: StreamStats;
  readonly counters: ReceiverCounters = {
    packets: 0, otherPayloadType: 0, extensionTooLarge: 0, duplicates: 0, tooOld: 0, rtxPackets: 0, rtxRecovered: 0, rtxPadding: 0,
    nackedSeqs: 0, nackPackets: 0, keyframes: 0, keyframeRequests: 0, senderReports: 0,
  };
  /** Copies of the source packets by extended seq (null: loss repair off). */
  readonly cache: PacketCache | null;
  readonly nackGenerator: NackGenerator | null;
  readonly keyframeRequester: KeyframeRequester;
  /** The publisher's RTX SSRC (0: none); set at construction or later by setRtx. */
  rtxSsrc: number;
  /** The publisher's RED payload type (-1: none) and whether the packet being fanned out is RED. */
  readonly redPayloadType: number;
  packetIsRed = false;
  /** Iterated per packet; replaced on change. */
  downTracks: readonly FanoutSink[] = [];
  /** The publisher's last SR: NTP middle bits, RTP timestamp, local arrival time (-1: none yet). */
  srRtpTs = 0;
  srArrivalMs = -1;
  lastKeyframeMs = -1;
  /** Video: frames per second over the last full second (marker bits), 0 until measured. */
  framesPerSecond = 0;
  #frames = 0;
  #framesFromMs = -1;
  readonly #unwrapper = new SeqUnwrapper();
  #rtxMap: RtxMapping | null;
  readonly #codecId: number;
  readonly #video: boolean;
  readonly #upstream: RtcpSink;
  readonly #rtcpSsrc: number;
  #lsr = 0;
  #givenUp = 0;
  #closed = false;

  constructor(o: ReceiverOptions) {
    this.trackId = o.trackId;
    this.kind = o.kind;
    this.ssrc = o.ssrc >>> 0;
    this.codec = o.codec;
    this.stats = new StreamStats(o.codec.clockRate);
    this.#codecId = codecFromName(o.codec.name);
    this.#video = o.kind === 'video';
    this.#upstream = o.upstream;
    this.#rtcpSsrc = o.rtcpSsrc >>> 0;
    this.keyframeRequester = new KeyframeRequester({ minIntervalMs: o.keyframeRequestIntervalMs ?? 500, layers: 1 });
    const nack = o.nack ?? true;
    this.cache = nack ? new PacketCache({ ...defaultPacketCacheConfig[o.kind], ...o.cache }) : null;
    this.nackGenerator = (o.upstreamNack ?? nack) ? new NackGenerator(o.nackGenerator) : null;
    this.rtxSsrc = o.rtx ? o.rtx.ssrc >>> 0 : 0;
    this.redPayloadType = o.redPayloadType ?? -1;
    this.#rtxMap = o.rtx ? new RtxMapping().addSsrc(o.rtx.ssrc, this.ssrc).addPt(o.rtx.payloadType, o.codec.payloadType) : null;
  }

  /**
   * A packet of this track's SSRC; `v` was reset on it by the caller. The packet is
   * rewritten in place for each DownTrack (the transport copies it into a send slot), so
   * `buf` holds the last DownTrack's version afterwards.
   */
  onRtp(buf: Buffer, v: RtpView, nowMs: number): void {
    if (this.#closed) return;
    this.counters.packets++;
    const ext = this.#unwrapper.unwrap(v.sequenceNumber);
    const st = this.stats.update(ext, v.timestamp, v.payloadLength, nowMs);
    if (st === StreamPacket.DUPLICATE) { this.counters.duplicates++; return; }
    if (st === StreamPacket.TOO_OLD) { this.counters.tooOld++; return; }
    const gen = this.nackGenerator;
    if (gen !== null && gen.onPacket(ext, nowMs) === NackPacket.BURST) this.requestKeyframe(nowMs);
    const pt = v.payloadType;
    if (pt !== this.codec.payloadType && pt !== this.redPayloadType) {
      this.counters.otherPayloadType++;
      return;
    }
    this.packetIsRed = pt === this.redPayloadType;
    const extOff = v.extDataOffset, extLen = v.extProfile >= 0 ? v.extDataLength : 0;
    if (extLen > MAX_EXT_BLOCK) { this.counters.extensionTooLarge++; return; }
    // Copy BEFORE the fan-out: DownTracks rewrite buf in place.
    if (this.cache !== null && this.cache.put(ext, buf, v.off, v.len, nowMs) === CachePut.DUPLICATE) { this.counters.duplicates++; return; }
    let key = false;
    if (this.#video) {
      if (v.marker) {
        this.#frames++;
        if (this.#framesFromMs < 0) this.#framesFromMs = nowMs;
        else if (nowMs - this.#framesFromMs >= 1000) {
          this.framesPerSecond = (this.#frames * 1000) / (nowMs - this.#framesFromMs);
          this.#frames = 0;
          this.#framesFromMs = nowMs;
        }
      }
      const pl = v.payloadLength;
      // VP8: the descriptor is read once here, for the key frame and for every DownTrack's rewrite.
      const isKey = this.#codecId === Codec.VP8
        ? fanoutVp8.read(buf, v.payloadOffset, pl) && fanoutVp8.desc.keyframe
        : pl > 0 && isKeyframe(this.#codecId, buf, v.payloadOffset, pl);
      if (isKey) {
        key = true;
        this.counters.keyframes++;
        this.lastKeyframeMs = nowMs;
        this.keyframeRequester.onKeyframe(0);
      }
    } else {
      key = true; // every audio packet is decodable on its own
    }
    const dts = this.downTracks;
    const n = dts.length;
    if (n === 0) { fanoutVp8.valid = false; return; }
    const ts = v.timestamp;
    if (n === 1) dts[0]!.writeRtp(buf, v, ext, ts, key, nowMs);
    else {
      for (let j = 0; j < extLen; j++) extSave[j] = buf[extOff + j]!;
      for (let i = 0; i < n; i++) {
        if (i > 0) for (let j = 0; j < extLen; j++) buf[extOff + j] = extSave[j]!;
        dts[i]!.writeRtp(buf, v, ext, ts, key, nowMs);
      }
    }
    fanoutVp8.valid = false; // only ever describes the packet in this fan-out
  }

  /**
   * The publisher's RTX stream learnt after construction (simulcast: a layer's RTX SSRC
   * first seen with the repaired-rid extension). False when one is already set (a
   * different SSRC is not taken over) or the receiver is closed. Register the receiver
   * with the RTCP router again afterwards so its RTX SSRC routes here.
   */
  setRtx(rtx: { ssrc: number; payloadType: number }): boolean {
    if (this.#closed || this.#rtxMap !== null) return false;
    this.rtxSsrc = rtx.ssrc >>> 0;
    this.#rtxMap = new RtxMapping().addSsrc(rtx.ssrc, this.ssrc).addPt(rtx.payloadType, this.codec.payloadType);
    return true;
  }

  /**
   * A packet on the publisher's RTX SSRC (`v` reset on it): unwrapped in place, then the
   * original (buf[v.off + 2 ...)) takes the same path as a media packet. Padding-only
   * RTX (bandwidth probes) is counted and dropped.
   */
  onRtxRtp(buf: Buffer, v: RtpView, nowMs: number): void {
    if (this.#closed || this.#rtxMap === null) return;
    this.counters.rtxPackets++;
    const off = v.off;
    const n = unwrapRtxInPlace(buf, off, v.len, this.#rtxMap);
    if (n <= 0) { this.counters.rtxPadding++; return; }
    if (v.reset(buf, off + 2, n) !== 0) return;
    this.counters.rtxRecovered++;
    this.onRtp(buf, v, nowMs);
  }

  /**
   * Periodic upstream work (call every ~20 ms): due NACKs (after an empty RR, RFC 3550
   * §6.1 compound rule) and keyframe requests held back by the rate limit or caused by a
   * loss the NACKs could not repair. `rttMs` <= 0: unknown (100 ms assumed).
   */
  tick(nowMs: number, rttMs = 0): void {
    if (this.#closed) return;
    const gen = this.nackGenerator;
    if (gen !== null && this.stats.started) {
      const rr = writeReceiverReport(scratch, 0, this.#rtcpSsrc, NO_BLOCKS);
      const n = gen.tick(nowMs, rttMs, scratch, rr, this.#rtcpSsrc, this.ssrc);
      if (n > 0) {
        this.counters.nackPackets++;
        this.counters.nackedSeqs += gen.lastCount;
        this.#upstream.sendRtcp(scratch, 0, rr + n);
      }
      if (gen.givenUp !== this.#givenUp) { this.#givenUp = gen.givenUp; this.requestKeyframe(nowMs); }
      if (gen.takeKeyframeRequest()) this.requestKeyframe(nowMs);
    }
    if (this.#video && this.keyframeRequester.tick(nowMs) !== 0) this.#sendPli();
  }

  /** The publisher's sender report for this SSRC. */
  onSenderReport(ntpMiddleBits: number, rtpTs: number, nowMs: number): void {
    this.counters.senderReports++;
    this.srRtpTs = rtpTs >>> 0;
    this.srArrivalMs = nowMs;
    this.#lsr = ntpMiddleBits >>> 0;
  }

  /**
   * A keyframe is wanted (a subscriber's PLI/FIR, a DownTrack starting, unrepairable
   * loss). At most one PLI goes upstream per interval; a request inside the interval is
   * held and sent by `tick` when the interval ends (unless a keyframe came meanwhile).
   * Returns true when a PLI was sent now.
   */
  requestKeyframe(nowMs: number): boolean {
    if (this.#closed || !this.#video) return false;
    if (!this.keyframeRequester.request(0, nowMs)) return false;
    return this.#sendPli();
  }

  #sendPli(): boolean {
    // An empty RR first: a compound packet must start with SR/RR (RFC 3550 §6.1).
    let n = writeReceiverReport(scratch, 0, this.#rtcpSsrc, NO_BLOCKS);
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
    const b = block;
    this.stats.fillReportBlock(b);
    b.ssrc = this.ssrc;
    b.lsr = this.#lsr;
    // DLSR in 1/65536 s units.
    b.dlsr = this.srArrivalMs < 0 ? 0 : Math.max(0, Math.floor(((nowMs - this.srArrivalMs) * 65536) / 1000)) >>> 0;
    writeReportBlock(dst, off, b);
    return 24;
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
