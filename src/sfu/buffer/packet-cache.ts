// Ring-buffer packet cache for NACK answers: one preallocated slab split into fixed
// slots, packet `extSeq` lives in slot `extSeq & (slots - 1)` (pion's rtpbuffer idea,
// but with copies into a slab instead of refcounted packets).
//
//   slab: | slot 0 (slotSize) | slot 1 | ... | slot slots-1 |
//   per slot (typed arrays): extSeq stored (-1 = empty), length, arrival ms
//
// The window is the last `slots` extended sequence numbers up to the highest stored;
// anything older is gone (its slot was, or will be, reused). `get` returns the byte
// offset of a packet in `slab` so the caller copies it out; nothing here allocates
// after construction.
import { checkInt, checkPow2, SfuBufferConfigError } from './errors.js';
import { byteCopier } from './byte-copy.js';

export interface PacketCacheConfig {
  /** Bytes per slot; a packet longer than this is refused (TOO_BIG). Default 1500. */
  slotSize: number;
  /** Number of slots, a power of two (the NACK window in packets). */
  slots: number;
}

/** Defaults per media kind: ~10 s of audio at 50 pps, ~2-3 s of 2.5 Mbps video. */
export const defaultPacketCacheConfig: Readonly<{ audio: Readonly<PacketCacheConfig>; video: Readonly<PacketCacheConfig> }> = Object.freeze({
  audio: Object.freeze({ slotSize: 1500, slots: 512 }),
  video: Object.freeze({ slotSize: 1500, slots: 2048 }),
});

/** Result of PacketCache.put. */
export const CachePut = {
  OK: 0,
  /** This extended sequence number is already stored: nothing changed. */
  DUPLICATE: 1,
  /** Older than the window (its slot belongs to a newer packet now). */
  TOO_OLD: 2,
  /** More than half the 16-bit space ahead of the highest: not a sequence we follow (call reset on a new source). */
  TOO_NEW: 3,
  /** len is 0 or larger than slotSize, or (off, len) is outside buf. */
  BAD_LENGTH: 4,
} as const;
export type CachePut = (typeof CachePut)[keyof typeof CachePut];

/** A forward jump this large cannot come out of SeqUnwrapper; it means a caller bug or a new source. */
const MAX_FORWARD_JUMP = 0x8000;

export class PacketCache {
  readonly slotSize: number;
  readonly slots: number;
  /** Every packet's bytes; `get` returns offsets into it. */
  readonly slab: Buffer;
  readonly #mask: number;
  readonly #ext: Float64Array;
  readonly #len: Uint16Array;
  readonly #arrival: Float64Array;
  /** Whole-slot views, made the first time a slot is read out, then reused (no per-read view). */
  readonly #views: (Buffer | undefined)[];
  #highest = -1;
  /** Length and arrival time of the packet found by the last successful `get`. */
  length = 0;
  arrivalMs = 0;

  constructor(config: Readonly<PacketCacheConfig> = defaultPacketCacheConfig.video) {
    this.slotSize = checkInt('slotSize', config.slotSize, 12, 0xffff);
    this.slots = checkPow2('slots', config.slots, 1, 0x8000);
    if (this.slots * this.slotSize > 256 * 1024 * 1024) throw new SfuBufferConfigError('slots', 'slab larger than 256 MiB');
    this.slab = Buffer.from(new ArrayBuffer(this.slots * this.slotSize));
    this.#mask = this.slots - 1;
    this.#ext = new Float64Array(this.slots).fill(-1);
    this.#len = new Uint16Array(this.slots);
    this.#arrival = new Float64Array(this.slots);
    this.#views = new Array<Buffer | undefined>(this.slots).fill(undefined);
  }

  /** Highest extended sequence number stored, or -1 when empty. */
  get highest(): number { return this.#highest; }

  /** Copy a packet into its slot. Returns a CachePut code. */
  put(extSeq: number, buf: Uint8Array, off: number, len: number, arrivalMs: number): CachePut {
    if (len <= 0 || len > this.slotSize || off < 0 || off + len > buf.length) return CachePut.BAD_LENGTH;
    if (!(extSeq >= 0) || !Number.isInteger(extSeq)) return CachePut.TOO_OLD; // not an extended seq (SeqUnwrapper gives >= 0)
    const h = this.#highest;
    if (h >= 0) {
      if (extSeq <= h - this.slots) return CachePut.TOO_OLD;
      if (extSeq - h >= MAX_FORWARD_JUMP) return CachePut.TOO_NEW;
    }
    const i = extSeq & this.#mask;
    if (this.#ext[i] === extSeq) return CachePut.DUPLICATE;
    this.#ext[i] = extSeq;
    this.#len[i] = len;
    this.#arrival[i] = arrivalMs;
    // The dgram path hands each packet at offset 0 of its own Buffer (maybe with an SRTP
    // tag after it): copy the whole Buffer natively; the slot has room, the tail is ignored.
    if (off === 0 && buf.length <= this.slotSize) this.slab.set(buf, i * this.slotSize);
    else byteCopier.copy(buf, off, this.slab, i * this.slotSize, len);
    if (extSeq > h) this.#highest = extSeq;
    return CachePut.OK;
  }

  /**
   * Byte offset in `slab` of packet `extSeq`, or -1 when it is not stored (never came,
   * or overwritten). On success `length` and `arrivalMs` describe it until the next get.
   */
  get(extSeq: number): number {
    const h = this.#highest;
    if (h < 0 || extSeq > h || extSeq <= h - this.slots || extSeq < 0) return -1;
    const i = extSeq & this.#mask;
    if (this.#ext[i] !== extSeq) return -1;
    this.length = this.#len[i];
    this.arrivalMs = this.#arrival[i];
    return i * this.slotSize;
  }

  /** True when `extSeq` is stored. */
  has(extSeq: number): boolean {
    const h = this.#highest;
    return h >= 0 && extSeq <= h && extSeq > h - this.slots && this.#ext[extSeq & this.#mask] === extSeq;
  }

  /**
   * Copy packet `extSeq` to dst[dstOff]; returns its length, or -1 (absent) / -2 (dst too
   * small). When dst has room for a whole slot after dstOff, the whole slot is copied
   * natively (bytes past the packet are scratch); otherwise a slower allocation-free copy.
   */
  copyTo(extSeq: number, dst: Uint8Array, dstOff: number): number {
    const o = this.get(extSeq);
    if (o < 0) return -1;
    const n = this.length;
    if (dstOff < 0 || dstOff + n > dst.length) return -2;
    if (dstOff + this.slotSize <= dst.length) dst.set(this.slotView(o), dstOff);
    else byteCopier.copy(this.slab, o, dst, dstOff, n);
    return n;
  }

  /**
   * The whole slot that starts at byte `offset` of the slab (an offset `get` returned),
   * as a Buffer made once per slot and reused: `dst.set(view, at)` then copies natively
   * with no per-call view. Its bytes past `length` are stale.
   */
  slotView(offset: number): Buffer {
    const i = (offset / this.slotSize) | 0;
    let v = this.#views[i];
    if (v === undefined) this.#views[i] = v = this.slab.subarray(i * this.slotSize, (i + 1) * this.slotSize);
    return v;
  }

  /** Forget every packet (new source). The slab is kept. */
  reset(): void {
    this.#ext.fill(-1);
    this.#highest = -1;
  }
}
