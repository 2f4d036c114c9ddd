// Active-speaker detection from RFC 6464 audio levels (the `ssrc-audio-level` header
// extension: V bit + 7-bit level in -dBov, 0 = loudest, 127 = silence).
//
// Per packet the engine calls `track.observe(level, voice)` (or `observeByte(extByte)`):
// two adds, no allocation. Time is counted, not packets: each packet stands for
// `frameMs` of audio, and at `tick(nowMs)` the observer divides what it saw by the time
// that passed. A track that sends nothing (Opus DTX during silence, or a muted mic)
// therefore decays to silence; it is never "missing data".
//
// Per tick and track, two quantities are smoothed with an exponential moving average
// whose time constant is `windowMs` (so irregular ticks are fine):
//   activeRatio = time in packets louder than `activeLevel` / elapsed time
//   level       = time-weighted mean linear amplitude 10^(-dBov/20) (silence counts 0)
// A track becomes a speaker when activeRatio >= `minActiveRatio` and stops when it
// falls below `releaseRatio` (hysteresis). Speakers are ranked by smoothed level; the
// reported level is that amplitude, 0..1 (the scale of WebRTC's `audioLevel` stat).
import { AudioLevelConfigError } from './errors.js';

export interface AudioLevelObserverConfig {
  /** Packets at or louder than this level (-dBov, 0..127) count as active. Default 35 (as LiveKit). */
  activeLevel: number;
  /** Smoothed active ratio at which a track becomes a speaker. Default 0.4. */
  minActiveRatio: number;
  /** Smoothed active ratio under which a speaker stops being one. Default 0.25. */
  releaseRatio: number;
  /** Time constant of the smoothing, ms. Default 600. */
  windowMs: number;
  /** Audio carried by one packet unless addTrack says otherwise, ms. Default 20. */
  frameMs: number;
  /** Count a packet as active only when its V bit is set. Default false (levels only). */
  requireVoiceBit: boolean;
  /** Most speakers reported (0 = all). Default 0. */
  maxSpeakers: number;
  /**
   * A speaker overtakes one ranked above it only when its level is this many times
   * higher (1.25 ~ 2 dB), so two people talking at about the same volume do not reorder
   * (and report a change) every tick. 1 = plain ranking by level. Default 1.25.
   */
  rankHysteresis: number;
}

export const defaultAudioLevelObserverConfig: Readonly<AudioLevelObserverConfig> = Object.freeze({
  activeLevel: 35,
  minActiveRatio: 0.4,
  releaseRatio: 0.25,
  windowMs: 600,
  frameMs: 20,
  requireVoiceBit: false,
  maxSpeakers: 0,
  rankHysteresis: 1.25,
});

/** Linear amplitude (0..1) of each RFC 6464 level, precomputed. */
const AMPLITUDE = new Float64Array(128);
for (let i = 0; i < 128; i++) AMPLITUDE[i] = i === 127 ? 0 : Math.pow(10, -i / 20);

/** The handle of one published audio track. Read `trackId`/`level` from tick results. */
export class AudioLevelTrack {
  /** Smoothed level 0..1 (valid after a tick). */
  level = 0;
  /** Smoothed fraction of time with active audio, 0..1. */
  activeRatio = 0;
  /** True while this track counts as a speaker. */
  speaking = false;
  /** Position in the last reported list, -1 when not in it. */
  rank = -1;
  muted = false;
  /** @internal accumulated since the last tick */
  activeMs = 0;
  /** @internal sum of amplitude x ms since the last tick */
  amplitudeMs = 0;
  /** @internal */
  sinceMs: number;
  /** @internal */
  removed = false;

  constructor(
    readonly trackId: string,
    nowMs: number,
    /** Audio per packet, ms. */
    readonly frameMs: number,
    private readonly activeLevel: number,
    private readonly requireVoice: boolean,
  ) {
    this.sinceMs = nowMs;
  }

  /** One packet's level (-dBov 0..127) and V bit. Hot path: no allocation. */
  observe(level: number, voice: boolean): void {
    if (this.muted) return;
    const l = level & 0x7f;
    const ms = this.frameMs;
    this.amplitudeMs += AMPLITUDE[l] * ms;
    if (l <= this.activeLevel && (voice || !this.requireVoice)) this.activeMs += ms;
  }

  /** One packet's raw extension byte (V in the top bit, level in the low 7). */
  observeByte(b: number): void {
    this.observe(b & 0x7f, (b & 0x80) !== 0);
  }
}

/** Result of tick(): reused between ticks; copy what you keep. */
export interface SpeakerUpdate {
  /** Speakers, loudest first. Each entry's `trackId` and `level` are current. */
  readonly speakers: readonly AudioLevelTrack[];
  /** True when the ranked list of speaker ids differs from the previous tick's. */
  readonly changed: boolean;
}

export class AudioLevelObserver {
  readonly config: Readonly<AudioLevelObserverConfig>;
  readonly #tracks = new Map<string, AudioLevelTrack>();
  readonly #speakers: AudioLevelTrack[] = [];
  #lastIds: string[] = [];
  #nextIds: string[] = [];
  readonly #update = { speakers: this.#speakers as readonly AudioLevelTrack[], changed: false };

  constructor(config: Partial<AudioLevelObserverConfig> = {}) {
    const c = { ...defaultAudioLevelObserverConfig, ...config };
    if (!(c.windowMs > 0) || !(c.frameMs > 0)) throw new AudioLevelConfigError('windowMs and frameMs must be > 0');
    if (c.releaseRatio > c.minActiveRatio) throw new AudioLevelConfigError('releaseRatio must be <= minActiveRatio');
    if (!(c.rankHysteresis >= 1)) throw new AudioLevelConfigError('rankHysteresis must be >= 1');
    this.config = Object.freeze(c);
  }

  /** Start observing a published audio track. Returns its handle (the per-packet API). */
  addTrack(trackId: string, nowMs: number, frameMs = this.config.frameMs): AudioLevelTrack {
    this.removeTrack(trackId);
    const t = new AudioLevelTrack(trackId, nowMs, frameMs, this.config.activeLevel, this.config.requireVoiceBit);
    this.#tracks.set(trackId, t);
    return t;
  }

  /** Stop observing; the track leaves the speaker list at the next tick. */
  removeTrack(trackId: string): void {
    const t = this.#tracks.get(trackId);
    if (!t) return;
    t.removed = true;
    this.#tracks.delete(trackId);
  }

  /** A muted track is silent at once (its smoothed values are cleared). */
  setMuted(trackId: string, muted: boolean): void {
    const t = this.#tracks.get(trackId);
    if (!t) return;
    t.muted = muted;
    if (muted) { t.level = 0; t.activeRatio = 0; t.speaking = false; t.activeMs = 0; t.amplitudeMs = 0; }
  }

  get trackCount(): number { return this.#tracks.size; }

  /** Fold what was observed since the last tick into the smoothed values and rank speakers. */
  tick(nowMs: number): SpeakerUpdate {
    const c = this.config;
    const sp = this.#speakers;
    sp.length = 0;
    for (const t of this.#tracks.values()) {
      const dt = nowMs - t.sinceMs;
      if (dt > 0) {
        const a = 1 - Math.exp(-dt / c.windowMs);
        const active = t.activeMs >= dt ? 1 : t.activeMs / dt;
        const amp = t.amplitudeMs / dt;
        t.activeRatio += (active - t.activeRatio) * a;
        t.level += ((amp > 1 ? 1 : amp) - t.level) * a;
        t.activeMs = 0;
        t.amplitudeMs = 0;
        t.sinceMs = nowMs;
      }
      if (t.muted) t.speaking = false;
      else if (t.speaking) t.speaking = t.activeRatio >= c.releaseRatio;
      else t.speaking = t.activeRatio >= c.minActiveRatio;
      if (t.speaking) sp.push(t);
      else t.rank = -1;
    }
    // Start from the last order (newcomers after, loudest first), then let a track move
    // up only past ones it beats by the hysteresis factor.
    sp.sort(byRankThenLevel);
    const f = c.rankHysteresis;
    for (let i = 1; i < sp.length; i++) {
      for (let j = i; j > 0 && sp[j].level > sp[j - 1].level * f; j--) { const x = sp[j]; sp[j] = sp[j - 1]; sp[j - 1] = x; }
    }
    for (let i = 0; i < sp.length; i++) sp[i].rank = i;
    if (c.maxSpeakers > 0 && sp.length > c.maxSpeakers) {
      for (let i = c.maxSpeakers; i < sp.length; i++) sp[i].rank = -1;
      sp.length = c.maxSpeakers;
    }
    const next = this.#nextIds;
    next.length = sp.length;
    let changed = sp.length !== this.#lastIds.length;
    for (let i = 0; i < sp.length; i++) {
      next[i] = sp[i].trackId;
      if (next[i] !== this.#lastIds[i]) changed = true;
    }
    this.#nextIds = this.#lastIds;
    this.#lastIds = next;
    this.#update.changed = changed;
    return this.#update;
  }
}

function byRankThenLevel(a: AudioLevelTrack, b: AudioLevelTrack): number {
  const ra = a.rank < 0 ? Infinity : a.rank, rb = b.rank < 0 ? Infinity : b.rank;
  if (ra !== rb) return ra < rb ? -1 : 1;
  return b.level - a.level || (a.trackId < b.trackId ? -1 : a.trackId > b.trackId ? 1 : 0);
}
