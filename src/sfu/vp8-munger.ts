// VP8 picture id / TL0PICIDX / KEYIDX continuity for one DownTrack (RFC 7741 §4.2).
// Each simulcast layer, and each publisher restart, numbers its pictures on its own. A
// receiver's VP8 reference finder keys its state by these numbers (libwebrtc:
// rtp_vp8_ref_finder), so a switch that makes them jump lets the new layer's frames be
// dropped as "already received", or stashed waiting for references that never come, until
// the next key frame — and libwebrtc asks for one only after 3 s without a decodable frame.
// The munger re-bases the three counters at each source switch so that they continue from
// the last ones sent, the way LiveKit's VP8 codec munger does.
//
// The Receiver parses the descriptor once per packet (`fanoutVp8`, read before the
// synchronous fan-out, because each DownTrack rewrites the shared buffer in place and
// must start from the source values); each DownTrack's munger writes its own values.
import { RtpStatus, Vp8Descriptor, readVp8KeyIdx, readVp8PictureId, readVp8Tl0PicIdx, writeVp8KeyIdx, writeVp8PictureId, writeVp8Tl0PicIdx } from '../rtp/index.js';

/** The VP8 fields of one source packet, as the publisher sent them. */
export class Vp8Source {
  valid = false;
  readonly desc = new Vp8Descriptor();
  /** -1 when the field is absent. */
  pictureId = -1;
  tl0PicIdx = -1;
  keyIdx = -1;

  read(buf: Uint8Array, off: number, len: number): boolean {
    this.valid = this.desc.parse(buf, off, len) === RtpStatus.OK;
    if (!this.valid) { this.pictureId = this.tl0PicIdx = this.keyIdx = -1; return false; }
    this.pictureId = readVp8PictureId(buf, this.desc);
    this.tl0PicIdx = readVp8Tl0PicIdx(buf, this.desc);
    this.keyIdx = readVp8KeyIdx(buf, this.desc);
    return true;
  }
}

/** The packet a Receiver is fanning out now (one per thread; the fan-out is synchronous). */
export const fanoutVp8 = new Vp8Source();

/** Packs the written values for the Retransmitter's sequencer: pid << 13 | tl0 << 5 | keyIdx. */
export function packVp8Tag(pictureId: number, tl0PicIdx: number, keyIdx: number): number {
  return ((pictureId & 0x7fff) * 8192) + ((tl0PicIdx & 0xff) << 5) + (keyIdx & 0x1f);
}

/** Writes a tag's values into the descriptor `d` parsed on `buf` (fields the packet lacks are skipped). */
export function applyVp8Tag(buf: Uint8Array, d: Vp8Descriptor, tag: number): void {
  writeVp8PictureId(buf, d, Math.floor(tag / 8192));
  writeVp8Tl0PicIdx(buf, d, (tag >>> 5) & 0xff);
  writeVp8KeyIdx(buf, d, tag & 0x1f);
}

const PICTURES = 128; // recent source pictures remembered (their output ids), a power of two

export class Vp8Munger {
  // Picture ids: an offset per source, re-based at a switch so ids continue by one, and
  // raised by one for each picture dropped whole (a temporal layer not forwarded) so that
  // leaves no gap; a picture lost upstream keeps its gap (it may still be repaired). The
  // ids given to recent pictures are remembered so late packets reuse their picture's id.
  readonly #inPid = new Int32Array(PICTURES).fill(-1);
  readonly #outPid = new Int32Array(PICTURES);
  #newestInPid = -1;
  #lastPid = -1;
  #pidOffset = 0;
  #rebasePid = false;
  #droppedPid = -1;
  // TL0PICIDX / KEYIDX never skip (TL0 frames are always forwarded): an offset per source.
  #lastTl0 = -1;
  #lastKey = -1;
  #tl0Offset = 0;
  #keyOffset = 0;
  // Per field: re-base on the next packet that carries it (a switch point may lack one).
  #rebaseTl0 = false;
  #rebaseKey = false;
  /** Values written by the last `munge` (-1: field absent). */
  outPictureId = -1;
  outTl0PicIdx = -1;
  outKeyIdx = -1;

  /** The next packet starts a new source (a layer switch, a resume after mute, a new publisher SSRC). */
  switchSource(): void {
    this.#rebasePid = this.#rebaseTl0 = this.#rebaseKey = true;
    this.#inPid.fill(-1); // the new source's ids mean other pictures
    this.#newestInPid = -1;
  }

  /** A packet of `src`'s picture is not forwarded (its temporal layer is off): later pictures close the gap. */
  dropPicture(src: Vp8Source): void {
    const pid = src.pictureId;
    if (!src.valid || pid < 0 || pid === this.#droppedPid || this.#rebasePid) return;
    const mask = src.desc.pictureIdBits === 7 ? 0x7f : 0x7fff;
    if (this.#newestInPid >= 0 && ((pid - this.#newestInPid) & mask) >= (mask + 1) / 2) return; // older than the newest: shifts nothing
    this.#droppedPid = pid;
    this.#pidOffset = (this.#pidOffset + 1) & 0x7fff;
  }

  /** The output picture id for source picture `pid`. */
  #pictureId(pid: number, newest: boolean): number {
    const i = pid & (PICTURES - 1);
    if (this.#inPid[i] === pid) return this.#outPid[i]!;
    if (this.#rebasePid) {
      this.#rebasePid = false;
      this.#pidOffset = this.#lastPid < 0 ? 0 : (pid - this.#lastPid - 1) & 0x7fff;
    }
    const out = (pid - this.#pidOffset) & 0x7fff;
    this.#inPid[i] = pid;
    this.#outPid[i] = out;
    if (newest) { this.#lastPid = out; this.#newestInPid = pid; }
    return out;
  }

  /**
   * Rewrites `src`'s fields in `buf` (the packet `src` was read from). `newest`: the packet
   * is the newest sent (in order), so its values are the ones the next switch continues from.
   * Returns the tag for the sequencer (packVp8Tag), or -1 when the packet has no descriptor.
   */
  munge(buf: Uint8Array, src: Vp8Source, newest: boolean): number {
    if (!src.valid) return -1;
    const d = src.desc;
    let pid = src.pictureId, tl0 = src.tl0PicIdx, key = src.keyIdx;
    if (pid >= 0) {
      pid = this.#pictureId(pid, newest) & (d.pictureIdBits === 7 ? 0x7f : 0x7fff);
      writeVp8PictureId(buf, d, pid);
    }
    if (tl0 >= 0) {
      if (this.#rebaseTl0) {
        this.#rebaseTl0 = false;
        this.#tl0Offset = this.#lastTl0 < 0 ? 0 : (tl0 - this.#lastTl0 - 1) & 0xff;
      }
      tl0 = (tl0 - this.#tl0Offset) & 0xff;
      writeVp8Tl0PicIdx(buf, d, tl0);
      if (newest) this.#lastTl0 = tl0;
    }
    if (key >= 0) {
      if (this.#rebaseKey) {
        this.#rebaseKey = false;
        this.#keyOffset = this.#lastKey < 0 ? 0 : (key - this.#lastKey - 1) & 0x1f;
      }
      key = (key - this.#keyOffset) & 0x1f;
      writeVp8KeyIdx(buf, d, key);
      if (newest) this.#lastKey = key;
    }
    this.outPictureId = pid;
    this.outTl0PicIdx = tl0;
    this.outKeyIdx = key;
    return packVp8Tag(pid < 0 ? 0 : pid, tl0 < 0 ? 0 : tl0, key < 0 ? 0 : key);
  }
}
