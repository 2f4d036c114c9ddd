// One published audio track: loops the pre-encoded Opus frames as RTP at 20 ms pacing
// with seeded ±jitter, optional DTX (silent frames skipped, timestamps still advance),
// and the header extensions the server negotiated: ssrc-audio-level (RFC 6464) from the
// frame's PCM, transport-wide sequence, sdes:mid and abs-capture-time carrying the send
// time (wall clock, NTP format) so a receiver in this process — any thread — measures
// one-way latency. Packets are written into one shared scratch buffer: no allocation per
// packet.
import { RTP_TS_STEP, seededRandom, type EncodedSpeech } from './speech.js';

/** NTP epoch (1900) is this many ms before the Unix epoch. */
export const NTP_UNIX_OFFSET_MS = 2_208_988_800_000;

const TIME_ORIGIN = performance.timeOrigin; // per thread, fixed

/** Wall-clock ms (Unix epoch) with sub-ms resolution, comparable across worker threads. */
export function wallMs(nowMs = performance.now()): number {
  return TIME_ORIGIN + nowMs;
}

export interface OpusSenderOptions {
  speech: EncodedSpeech;
  ssrc: number;
  payloadType: number;
  /** Negotiated extension ids (0 = not negotiated, not written). */
  audioLevelId: number;
  transportCcId: number;
  midId: number;
  absCaptureTimeId: number;
  mid: string;
  /** Skip silent frames (timestamps keep advancing). */
  dtx: boolean;
  /** Seed for the start frame, sequence/timestamp bases and the pacing jitter. */
  seed: number;
  /** Pacing jitter, ± ms. Default 2. */
  jitterMs?: number;
  /** Writes the packet (the transport protects a copy). Returns false when it was dropped. */
  send: (buf: Buffer, len: number) => boolean;
  /** The transport-wide sequence counter shared by the tracks of one transport. */
  twcc: { seq: number };
}

const scratch = Buffer.allocUnsafe(1500);

/** Big-endian 32-bit store by bytes (Buffer#writeUInt32BE boxes values above 2^31). */
function w32(b: Buffer, o: number, v: number): void {
  b[o] = v >>> 24; b[o + 1] = (v >>> 16) & 0xff; b[o + 2] = (v >>> 8) & 0xff; b[o + 3] = v & 0xff;
}

export class OpusSender {
  readonly ssrc: number;
  readonly stats = { packets: 0, bytes: 0, skippedDtx: 0, dropped: 0, frames: 0 };
  /** performance.now() ms when the next frame is due. */
  nextDueMs = 0;
  readonly #o: OpusSenderOptions;
  readonly #rnd: () => number;
  readonly #jitter: number;
  readonly #midBytes: Buffer;
  #frame: number;
  #seq: number;
  #ts: number;
  #nominalMs = 0;
  #talkspurt = true;
  #started = false;

  constructor(o: OpusSenderOptions) {
    this.#o = o;
    this.ssrc = o.ssrc >>> 0;
    this.#rnd = seededRandom(o.seed);
    this.#jitter = o.jitterMs ?? 2;
    this.#frame = Math.floor(this.#rnd() * o.speech.count);
    this.#seq = Math.floor(this.#rnd() * 65536);
    this.#ts = Math.floor(this.#rnd() * 0xffffffff) >>> 0;
    this.#midBytes = Buffer.from(o.mid, 'ascii');
  }

  get sequenceNumber(): number { return this.#seq; }
  get timestamp(): number { return this.#ts; }

  /** Starts pacing at nowMs (the first frame goes out at once). */
  start(nowMs: number): void {
    this.#started = true;
    this.#nominalMs = nowMs;
    this.nextDueMs = nowMs;
  }

  /** Sends every frame due by nowMs (at most 5, so a stalled loop does not burst). */
  poll(nowMs: number): void {
    if (!this.#started) return;
    for (let k = 0; k < 5 && nowMs >= this.nextDueMs; k++) {
      this.#sendFrame(nowMs);
      this.#nominalMs += 20;
      this.nextDueMs = this.#nominalMs + (this.#rnd() * 2 - 1) * this.#jitter;
    }
    // Far behind (event loop stalled): skip ahead instead of bursting.
    if (nowMs - this.#nominalMs > 200) { this.#nominalMs = nowMs; this.nextDueMs = nowMs; }
  }

  stop(): void { this.#started = false; }

  /** Writes frame i as an RTP packet into `b`; returns its length. Exposed for tests. */
  writePacket(b: Buffer, nowMs: number): number {
    const o = this.#o;
    const sp = o.speech;
    const f = this.#frame;
    b[0] = 0x90; // V=2, X=1
    b[1] = (this.#talkspurt ? 0x80 : 0) | (o.payloadType & 0x7f);
    const seq = this.#seq;
    b[2] = seq >>> 8; b[3] = seq & 0xff;
    w32(b, 4, this.#ts);
    w32(b, 8, this.ssrc);
    b[12] = 0xbe; b[13] = 0xde;
    let p = 16;
    if (o.audioLevelId > 0) {
      b[p++] = o.audioLevelId << 4;
      b[p++] = (sp.voiced[f] ? 0x80 : 0) | (sp.levels[f]! & 0x7f);
    }
    if (o.transportCcId > 0) {
      const s = o.twcc.seq;
      o.twcc.seq = (s + 1) & 0xffff;
      b[p++] = (o.transportCcId << 4) | 1;
      b[p++] = s >>> 8; b[p++] = s & 0xff;
    }
    if (o.absCaptureTimeId > 0) {
      const ms = wallMs(nowMs) + NTP_UNIX_OFFSET_MS;
      const sec = Math.floor(ms / 1000);
      const frac = Math.floor(((ms - sec * 1000) / 1000) * 4294967296);
      b[p++] = (o.absCaptureTimeId << 4) | 7;
      w32(b, p, sec); w32(b, p + 4, frac); p += 8;
    }
    const mid = this.#midBytes;
    if (o.midId > 0 && mid.length > 0 && mid.length <= 16) {
      b[p++] = (o.midId << 4) | (mid.length - 1);
      for (let i = 0; i < mid.length; i++) b[p++] = mid[i]!;
    }
    while ((p - 16) & 3) b[p++] = 0;
    const words = (p - 16) >>> 2;
    b[14] = words >>> 8; b[15] = words & 0xff;
    const len = sp.lengths[f]!;
    // A plain loop: Buffer#copy makes a view object per call, and frames are ~100 bytes.
    const src = sp.data;
    for (let i = 0, o = sp.offsets[f]!; i < len; i++) b[p + i] = src[o + i]!;
    return p + len;
  }

  #sendFrame(nowMs: number): void {
    const o = this.#o;
    const f = this.#frame;
    this.stats.frames++;
    if (o.dtx && !o.speech.voiced[f]) {
      this.stats.skippedDtx++;
      this.#talkspurt = true;
    } else {
      const n = this.writePacket(scratch, nowMs);
      if (o.send(scratch, n)) {
        this.stats.packets++;
        this.stats.bytes += n;
        this.#seq = (this.#seq + 1) & 0xffff;
        this.#talkspurt = false;
      } else {
        this.stats.dropped++;
      }
    }
    this.#ts = (this.#ts + RTP_TS_STEP) >>> 0;
    this.#frame = f + 1 === o.speech.count ? 0 : f + 1;
  }
}
