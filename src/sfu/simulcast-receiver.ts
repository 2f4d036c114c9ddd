// SimulcastReceiver: one published video track sent as up to three spatial layers
// (rid-based simulcast: `a=rid:q/h/f send` + `a=simulcast:send q;h;f`). The SSRCs are not
// in the SDP: the first packet of a new SSRC carries the rid header extension (and mid),
// and SimulcastDemux maps it to its layer then. Each layer is an ordinary Receiver (its
// own SSRC, sequence space, statistics, key frame detection, PLI with that SSRC); this
// class groups them under one track and is the TrackSource of the track's DownTracks.
//
// Fan-out: every layer Receiver carries a LayerMeter (bytes and key-frame sizes of the
// layer, for the StreamAllocator) and one LayerTap per DownTrack. The tap asks the
// DownTrack's Forwarder whether the packet's layer is the one forwarded (or the key frame
// that completes a switch) and passes it on; the DownTrack's RtpMunger keeps sequence
// numbers and timestamps continuous across switches.
//
// Subscriber NACKs: each layer Receiver keeps its packet cache; the tap hands the
// DownTrack extended sequence numbers tagged with the layer (layer x 2^28 + the low 28
// bits: still a small integer, so nothing is boxed per packet), and LayeredCache (the
// TrackSource's cache, what the DownTrack's Retransmitter reads) sends a lookup to the
// layer it came from.
//
// Upstream repair: each layer has its own RTX stream (RFC 4588 on its own SSRC), also not
// in the SDP; its first packets carry the repaired-rid extension naming the layer's rid.
// SimulcastDemux then gives the layer Receiver that RTX SSRC (Receiver.setRtx, with the
// negotiated RTX payload type), so the layer can NACK upstream and unwrap the answers.
import { Codec, codecFromName, type RtpView } from '../rtp/index.js';
import { Dynacast } from './allocation/index.js';
import { PacketCache } from './buffer/index.js';
import { Forwarder, FwdDecision } from './forwarder.js';
import { Receiver, type ReceiverCodec } from './receiver.js';
import type { FanoutSink, TrackSource } from './track-source.js';
import type { DownTrack } from './down-track.js';
import { fanoutVp8 } from './vp8-munger.js';

export const SIMULCAST_LAYERS = 3;

/** Makes the Receiver of a newly seen layer (the publisher registers it for RTCP). */
export type LayerReceiverFactory = (spatial: number, rid: string, ssrc: number) => Receiver;

/** Spatial index of a rid: q/h/f (LiveKit, Chromium samples) first, else the position in the simulcast list. */
export function spatialOfRid(rid: string, ridsInOrder: readonly string[]): number {
  const known: Record<string, number> = { q: 0, l: 0, low: 0, h: 1, m: 1, mid: 1, f: 2, hi: 2, high: 2 };
  const k = known[rid.toLowerCase()];
  if (k !== undefined && ridsInOrder.every((r) => known[r.toLowerCase()] !== undefined)) return k;
  const i = ridsInOrder.indexOf(rid);
  return i >= 0 && i < SIMULCAST_LAYERS ? i : -1;
}

/** Per-layer byte meter and key-frame size reader; first in each layer Receiver's fan-out. */
class LayerMeter implements FanoutSink {
  bytes = 0;
  width = 0;
  height = 0;
  lastPacketMs = -1;
  /** Bytes of temporal layer 0, and of layers 0-1 (VP8 TID); `temporal` once a TID was seen. */
  bytesT0 = 0;
  bytesT01 = 0;
  temporal = false;
  constructor(readonly codecId: number) {}
  writeRtp(buf: Buffer, v: RtpView, _extSeq: number, _ts: number, keyframe: boolean, nowMs: number): void {
    this.bytes += v.len;
    this.lastPacketMs = nowMs;
    const f = fanoutVp8; // read by the layer Receiver before this fan-out
    if (f.valid && f.desc.tidOffset >= 0) {
      this.temporal = true;
      if (f.desc.tid === 0) this.bytesT0 += v.len;
      if (f.desc.tid <= 1) this.bytesT01 += v.len;
    }
    if (keyframe && this.codecId === Codec.VP8 && f.valid) {
      // VP8 key frame header (RFC 6386 §9.1): 3-byte frame tag, start code 9d 01 2a, 14-bit width/height LE.
      const p = f.desc.payloadOffset, end = v.payloadOffset + v.payloadLength;
      if (p + 10 <= end && buf[p + 3] === 0x9d && buf[p + 4] === 0x01 && buf[p + 5] === 0x2a) {
        this.width = (buf[p + 6]! | (buf[p + 7]! << 8)) & 0x3fff;
        this.height = (buf[p + 8]! | (buf[p + 9]! << 8)) & 0x3fff;
      }
    }
  }
  close(): void {}
}

/**
 * Extended sequence numbers of layer s reach DownTracks as s x LAYER_SEQ_SPAN + (ext mod
 * LAYER_SEQ_SPAN): below 2^30, a V8 small integer (no heap number per packet); the low 16
 * bits (what the munger reads) are unchanged.
 */
export const LAYER_SEQ_SPAN = 2 ** 28;
const LOW_MASK = LAYER_SEQ_SPAN - 1;

/** The layers' packet caches behind one PacketCache face (only the lookups; nothing is put here). */
class LayeredCache extends PacketCache {
  constructor(readonly layers: readonly (Receiver | null)[]) { super({ slotSize: 12, slots: 1 }); }
  #cache(tagged: number): PacketCache | null { return this.layers[tagged >>> 28]?.cache ?? null; }
  /** The layer's full extended seq: the one nearest below its newest with these low 28 bits. */
  static #full(c: PacketCache, tagged: number): number { const h = c.highest; return h - ((h - (tagged & LOW_MASK)) & LOW_MASK); }
  override get(extSeq: number): number { const c = this.#cache(extSeq); return c ? c.get(LayeredCache.#full(c, extSeq)) : -1; }
  override has(extSeq: number): boolean { const c = this.#cache(extSeq); return c ? c.has(LayeredCache.#full(c, extSeq)) : false; }
  override copyTo(extSeq: number, dst: Uint8Array, dstOff: number): number {
    const c = this.#cache(extSeq);
    return c ? c.copyTo(LayeredCache.#full(c, extSeq), dst, dstOff) : -1;
  }
}

/** One DownTrack's view of one layer. */
class LayerTap implements FanoutSink {
  readonly #seqBase: number;
  constructor(readonly layer: number, readonly dt: DownTrack, readonly fwd: Forwarder, readonly sim: SimulcastReceiver) { this.#seqBase = layer * LAYER_SEQ_SPAN; }
  writeRtp(buf: Buffer, v: RtpView, extSeq: number, ts: number, keyframe: boolean, nowMs: number): void {
    const prev = this.fwd.current;
    const d = this.fwd.accept(this.layer, keyframe, nowMs);
    if (d === FwdDecision.Drop) return;
    if (d === FwdDecision.Switch) {
      this.dt.switchSource();
      this.sim.onSwitch(this.dt, prev, this.layer, nowMs);
    }
    this.dt.writeRtp(buf, v, (extSeq & LOW_MASK) + this.#seqBase, ts, keyframe, nowMs);
  }
  close(): void {}
}

interface Subscriber { dt: DownTrack; fwd: Forwarder; taps: (LayerTap | null)[] }

export interface SimulcastReceiverOptions {
  trackId: string;
  codec: ReceiverCodec;
  /** The rids of the simulcast send list as the publisher wrote them. */
  rids: readonly string[];
  factory: LayerReceiverFactory;
  /** Layer a new DownTrack starts on until the allocator decides. Default 0. */
  initialLayer?: number;
  /** Called when a DownTrack's forwarder switched layer (at a key frame). */
  onSwitch?: (dt: DownTrack, fromLayer: number, toLayer: number, nowMs: number) => void;
}

export class SimulcastReceiver implements TrackSource {
  readonly trackId: string;
  readonly kind = 'video' as const;
  readonly codec: ReceiverCodec;
  /** The layers' caches (LayeredCache), for the DownTracks' NACK answers. */
  readonly cache: PacketCache;
  /** Per-layer SR timestamps differ; DownTracks project their SR timestamps from their own clock. */
  readonly srRtpTs = 0;
  readonly srArrivalMs = -1;
  readonly rids: readonly string[];
  /** Layer Receivers by spatial index (null: not seen yet). */
  readonly layers: (Receiver | null)[] = [null, null, null];
  /** What the subscribers' allocators want of this track (the publisher's SubscribedQualityUpdate). */
  readonly dynacast = new Dynacast({ layerCount: SIMULCAST_LAYERS });
  readonly #meters: LayerMeter[];
  readonly #subs = new Map<DownTrack, Subscriber>();
  readonly #factory: LayerReceiverFactory;
  readonly #initialLayer: number;
  readonly #onSwitch: SimulcastReceiverOptions['onSwitch'];
  /** Smoothed bitrate per layer, bps, and the measuring window. */
  readonly #bps = new Float64Array(SIMULCAST_LAYERS);
  readonly #windowBytes = new Float64Array(SIMULCAST_LAYERS);
  // Temporal layers 0 and 0-1 of each spatial layer (cumulative), same windows.
  readonly #bpsT0 = new Float64Array(SIMULCAST_LAYERS);
  readonly #bpsT01 = new Float64Array(SIMULCAST_LAYERS);
  readonly #windowT0 = new Float64Array(SIMULCAST_LAYERS);
  readonly #windowT01 = new Float64Array(SIMULCAST_LAYERS);
  #windowStartMs = -1;
  /** A Receiver that never gets packets: the zero statistics/counters before any layer arrived. */
  readonly #idle: Receiver;
  #closed = false;

  constructor(o: SimulcastReceiverOptions) {
    this.trackId = o.trackId;
    this.codec = o.codec;
    this.rids = [...o.rids];
    this.#factory = o.factory;
    this.#initialLayer = o.initialLayer ?? 0;
    this.#onSwitch = o.onSwitch;
    const id = codecFromName(o.codec.name);
    this.#meters = [new LayerMeter(id), new LayerMeter(id), new LayerMeter(id)];
    this.cache = new LayeredCache(this.layers);
    const idle = { trackId: o.trackId, kind: 'video' as const, ssrc: 0, codec: o.codec, upstream: { sendRtcp: () => false }, rtcpSsrc: 0, nack: false };
    this.#idle = new Receiver(idle);
  }

  get closed(): boolean { return this.#closed; }

  /** The spatial layer of `rid` (-1: not one of ours). */
  spatialOf(rid: string): number { return spatialOfRid(rid, this.rids); }

  /** First packet of a new SSRC with this rid: makes the layer's Receiver (null when the rid is unknown or the layer exists). */
  addLayer(rid: string, ssrc: number): Receiver | null {
    if (this.#closed) return null;
    const s = this.spatialOf(rid);
    if (s < 0 || this.layers[s] !== null) return null;
    const r = this.#factory(s, rid, ssrc);
    this.layers[s] = r;
    r.addDownTrack(this.#meters[s]!);
    for (const sub of this.#subs.values()) this.#tap(sub, s);
    return r;
  }

  #tap(sub: Subscriber, s: number): void {
    const r = this.layers[s];
    if (!r || sub.taps[s]) return;
    const tap = new LayerTap(s, sub.dt, sub.fwd, this);
    sub.taps[s] = tap;
    r.addDownTrack(tap);
  }

  /** DownTrack.start() lands here: the DownTrack gets a Forwarder and a tap on every layer. */
  addDownTrack(sink: FanoutSink): void {
    if (this.#closed || !isDownTrack(sink) || this.#subs.has(sink)) return;
    const sub: Subscriber = { dt: sink, fwd: new Forwarder(this.#initialLayer), taps: [null, null, null] };
    this.#subs.set(sink, sub);
    for (let s = 0; s < SIMULCAST_LAYERS; s++) this.#tap(sub, s);
  }

  removeDownTrack(sink: FanoutSink): void {
    const sub = isDownTrack(sink) ? this.#subs.get(sink) : undefined;
    if (!sub) return;
    this.#subs.delete(sub.dt);
    for (let s = 0; s < SIMULCAST_LAYERS; s++) {
      const tap = sub.taps[s];
      if (tap) this.layers[s]?.removeDownTrack(tap);
    }
  }

  /** The Forwarder of a DownTrack of this track (undefined: not started). */
  forwarderOf(dt: DownTrack): Forwarder | undefined { return this.#subs.get(dt)?.fwd; }

  /** Sets a DownTrack's target layer (-1: pause); asks the target layer for a key frame. */
  setTargetLayer(dt: DownTrack, spatial: number, nowMs: number): void {
    const sub = this.#subs.get(dt);
    if (!sub || !sub.fwd.setTarget(spatial)) return;
    if (sub.fwd.switching) this.layers[spatial]?.requestKeyframe(nowMs);
  }

  /** @internal from a LayerTap. */
  onSwitch(dt: DownTrack, from: number, to: number, nowMs: number): void {
    this.#onSwitch?.(dt, from, to, nowMs);
  }

  /**
   * A DownTrack wants a key frame (start, subscriber PLI, unmute): each layer that some
   * DownTrack forwards or switches to is asked (per-layer rate limit in its Receiver).
   */
  requestKeyframe(nowMs: number): boolean {
    let mask = 0;
    for (const sub of this.#subs.values()) {
      const f = sub.fwd;
      const l = f.switching ? f.target : f.current;
      if (l >= 0) mask |= 1 << l;
    }
    let sent = false;
    for (let s = 0; s < SIMULCAST_LAYERS; s++) if (mask & (1 << s)) sent = (this.layers[s]?.requestKeyframe(nowMs) ?? false) || sent;
    return sent;
  }

  /** Periodic (every ~100-500 ms): re-asks for the key frames pending switches wait for. */
  tick(nowMs: number): void {
    for (const sub of this.#subs.values()) if (sub.fwd.switching) this.layers[sub.fwd.target]?.requestKeyframe(nowMs);
  }

  /**
   * Smoothed bitrate of each layer, bps (0: not arriving). Measured over windows of at
   * least 500 ms; calling it more often returns the last values.
   */
  layerBitrates(nowMs: number): Float64Array {
    const b = this.#bps;
    if (this.#windowStartMs < 0) {
      this.#windowStartMs = nowMs;
      for (let s = 0; s < SIMULCAST_LAYERS; s++) { const m = this.#meters[s]!; this.#windowBytes[s] = m.bytes; this.#windowT0[s] = m.bytesT0; this.#windowT01[s] = m.bytesT01; }
      return b;
    }
    const dt = nowMs - this.#windowStartMs;
    if (dt < 500) return b;
    for (let s = 0; s < SIMULCAST_LAYERS; s++) {
      const m = this.#meters[s]!;
      const rate = ((m.bytes - this.#windowBytes[s]!) * 8000) / dt;
      const r0 = ((m.bytesT0 - this.#windowT0[s]!) * 8000) / dt, r01 = ((m.bytesT01 - this.#windowT01[s]!) * 8000) / dt;
      this.#windowBytes[s] = m.bytes;
      this.#windowT0[s] = m.bytesT0;
      this.#windowT01[s] = m.bytesT01;
      const fresh = b[s] === 0;
      this.#bpsT0[s] = fresh ? r0 : this.#bpsT0[s]! * 0.6 + r0 * 0.4;
      this.#bpsT01[s] = fresh ? r01 : this.#bpsT01[s]! * 0.6 + r01 * 0.4;
      // A layer silent for a second is gone (publisher or dynacast stopped it).
      if (m.lastPacketMs < 0 || nowMs - m.lastPacketMs > 1000) b[s] = 0;
      else b[s] = b[s] === 0 ? rate : b[s]! * 0.6 + rate * 0.4;
    }
    this.#windowStartMs = nowMs;
    return b;
  }

  /**
   * Bitrates of temporal layers 0 and 0-1 of spatial layer s as of the last layerBitrates()
   * (cumulative, bps), or undefined when the layer carries no VP8 temporal layers.
   */
  layerTemporalBitrates(s: number): readonly [number, number] | undefined {
    const m = this.#meters[s];
    if (!m || !m.temporal || !(this.#bps[s]! > 0)) return undefined;
    return [this.#bpsT0[s]!, this.#bpsT01[s]!];
  }

  /** Frame size of each layer from its last VP8 key frame (0: unknown). */
  layerSize(spatial: number): { width: number; height: number } {
    const m = this.#meters[spatial];
    return m ? { width: m.width, height: m.height } : { width: 0, height: 0 };
  }

  /** Statistics of the highest layer seen (for monitoring). */
  get stats(): Receiver['stats'] {
    for (let s = SIMULCAST_LAYERS - 1; s >= 0; s--) { const r = this.layers[s]; if (r) return r.stats; }
    return this.#idle.stats;
  }

  /** Counters summed over the layers (for monitoring). */
  get counters(): Receiver['counters'] {
    const sum = { ...this.#idle.counters };
    const keys = Object.keys(sum) as (keyof typeof sum)[];
    for (const r of this.layers) if (r) for (const k of keys) sum[k] += r.counters[k];
    return sum;
  }

  /** Idempotent: closes the layer Receivers and every DownTrack. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const dts = [...this.#subs.keys()];
    this.#subs.clear();
    for (const r of this.layers) r?.close();
    for (const dt of dts) dt.close();
  }
}

function isDownTrack(s: FanoutSink): s is DownTrack {
  return 'munger' in s && 'ssrc' in s;
}

/**
 * Maps packets of unknown SSRCs on a publisher transport to simulcast layers by their
 * mid and rid header extensions (sent by Chromium until the SSRC is acknowledged by an
 * RR, so the first packets carry them). An RTX stream (repaired-rid) becomes its layer's
 * RTX SSRC when the RTX payload type was negotiated (`rtxPt`) and the layer exists;
 * otherwise it is remembered and ignored (no RTX negotiated) or retried on its next
 * packet (its layer not seen yet).
 */
export class SimulcastDemux {
  readonly #byMid = new Map<string, { sim: SimulcastReceiver; midId: number; ridId: number; rrId: number; rtxPt: number }>();
  readonly #ignored = new Set<number>();
  unmapped = 0;
  /** RTX streams given to their layer. */
  rtxMapped = 0;

  /** `rtxPt`: the negotiated RTX payload type of the m-line's codec (absent: RTX is ignored). */
  add(mid: string, sim: SimulcastReceiver, ext: { mid?: number; rid?: number; repairedRid?: number; rtxPt?: number }): void {
    this.#byMid.set(mid, { sim, midId: ext.mid ?? 0, ridId: ext.rid ?? 0, rrId: ext.repairedRid ?? 0, rtxPt: ext.rtxPt ?? -1 });
  }

  remove(mid: string): void { this.#byMid.delete(mid); }
  get size(): number { return this.#byMid.size; }
  get(mid: string): SimulcastReceiver | undefined { return this.#byMid.get(mid)?.sim; }

  /**
   * A packet of an SSRC no Receiver owns (`v` reset on it). Returns the Receiver of the
   * layer it belongs to, or null. When the packet's SSRC is that Receiver's `rtxSsrc`
   * (an RTX stream just mapped), the caller registers the Receiver with the RTCP router
   * again and feeds the packet to `onRtxRtp`; otherwise (a new layer) to `onRtp`.
   */
  route(buf: Buffer, v: RtpView): Receiver | null {
    const ssrc = v.ssrc;
    if (this.#byMid.size === 0 || this.#ignored.has(ssrc)) return null;
    let e = this.#byMid.size === 1 ? this.#byMid.values().next().value : undefined;
    const any = e ?? this.#byMid.values().next().value!;
    if (any.midId > 0 && v.findExtension(any.midId) >= 0) {
      const mid = buf.toString('latin1', v.extValueOffset, v.extValueOffset + v.extValueLength);
      e = this.#byMid.get(mid);
    }
    if (!e) { this.unmapped++; return null; }
    if (e.rrId > 0 && v.findExtension(e.rrId) >= 0) {
      if (e.rtxPt < 0) { this.#ignored.add(ssrc); return null; }
      const rrid = buf.toString('latin1', v.extValueOffset, v.extValueOffset + v.extValueLength);
      const s = e.sim.spatialOf(rrid);
      const layer = s >= 0 ? e.sim.layers[s] : null;
      // Its layer not seen yet (or another PT, e.g. FEC): try again on the next packet.
      if (!layer || v.payloadType !== e.rtxPt) { this.unmapped++; return null; }
      if (layer.rtxSsrc !== ssrc && !layer.setRtx({ ssrc, payloadType: e.rtxPt })) { this.#ignored.add(ssrc); return null; }
      this.rtxMapped++;
      return layer;
    }
    if (e.ridId <= 0 || v.findExtension(e.ridId) < 0) { this.unmapped++; return null; }
    const rid = buf.toString('latin1', v.extValueOffset, v.extValueOffset + v.extValueLength);
    const r = e.sim.addLayer(rid, ssrc);
    if (!r) this.unmapped++;
    return r;
  }
}
