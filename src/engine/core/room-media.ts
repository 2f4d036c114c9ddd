// Room-wide media state: active speakers and dynacast.
//  - One AudioLevelObserver per room. Each published audio track whose publisher
//    negotiated ssrc-audio-level gets a LevelTap in its Receiver's fan-out (it reads the
//    RFC 6464 byte of each packet; DTX silence sends no packets and counts as silence);
//    every 200 ms the ranking is folded and a change becomes 'speakersChanged' (current
//    speakers, plus those who stopped with active: false, as LiveKit sends them).
//  - Every 500 ms each simulcast track's Dynacast (fed by its subscribers' allocators) is
//    updated; a change becomes 'subscribedQualityUpdate' for the publisher.
import { EXT } from '../../sdp/index.js';
import { SimulcastReceiver, type FanoutSink } from '../../sfu/index.js';
import { AudioLevelObserver, type AudioLevelObserverConfig, type AudioLevelTrack } from '../../sfu/audio/index.js';
import type { RtpView } from '../../rtp/index.js';
import type { SpeakerEntry } from '../protocol.js';
import type { HostContext } from './context.js';
import type { TrackCore } from './track-core.js';

const SPEAKER_TICK_MS = 200;
const DYNACAST_TICK_MS = 500;

/** Reads the audio level extension of each packet of one audio Receiver. */
export class LevelTap implements FanoutSink {
  constructor(readonly extId: number, readonly handle: AudioLevelTrack) {}
  writeRtp(buf: Buffer, v: RtpView): void {
    const o = v.findExtension(this.extId);
    if (o >= 0 && v.extValueLength >= 1) this.handle.observeByte(buf[o]!);
  }
  close(): void {}
}

export class RoomMedia {
  readonly speakers: AudioLevelObserver;
  readonly #ctx: HostContext;
  readonly #room: string;
  readonly #audio = new Map<string, { track: TrackCore; tap: LevelTap }>();
  readonly #video = new Map<string, TrackCore>();
  #lastSpeakers = new Map<string, SpeakerEntry>();
  #speakerMs = -Infinity;
  #dynacastMs = -Infinity;

  constructor(ctx: HostContext, room: string, config: Partial<AudioLevelObserverConfig> = {}) {
    this.#ctx = ctx;
    this.#room = room;
    this.speakers = new AudioLevelObserver(config);
  }

  trackPublished(t: TrackCore, nowMs: number): void {
    if (t.info.kind === 'video') { if (t.receiver instanceof SimulcastReceiver) this.#video.set(t.sid, t); return; }
    const id = t.headerExtensions[EXT.audioLevel];
    if (id === undefined || id <= 0 || t.receiver instanceof SimulcastReceiver) return;
    const tap = new LevelTap(id, this.speakers.addTrack(t.sid, nowMs));
    t.receiver.addDownTrack(tap);
    this.#audio.set(t.sid, { track: t, tap });
  }

  trackUnpublished(t: TrackCore): void {
    this.#video.delete(t.sid);
    const a = this.#audio.get(t.sid);
    if (!a) return;
    this.#audio.delete(t.sid);
    if (!(t.receiver instanceof SimulcastReceiver)) t.receiver.removeDownTrack(a.tap);
    this.speakers.removeTrack(t.sid);
  }

  setMuted(trackSid: string, muted: boolean): void { this.speakers.setMuted(trackSid, muted); }

  tick(nowMs: number): void {
    if (nowMs - this.#speakerMs >= SPEAKER_TICK_MS && (this.#audio.size > 0 || this.#lastSpeakers.size > 0)) {
      this.#speakerMs = nowMs;
      const u = this.speakers.tick(nowMs);
      if (u.changed) {
        const now = new Map<string, SpeakerEntry>();
        for (const s of u.speakers) {
          const a = this.#audio.get(s.trackId);
          if (a) now.set(s.trackId, { participant: a.track.info.participantSid, track: s.trackId, level: Math.round(s.level * 1e4) / 1e4, active: true });
        }
        const out = [...now.values()];
        for (const [id, old] of this.#lastSpeakers) if (!now.has(id)) out.push({ ...old, level: 0, active: false });
        this.#lastSpeakers = now;
        this.#ctx.emit({ type: 'speakersChanged', room: this.#room, speakers: out });
      }
    }
    if (nowMs - this.#dynacastMs >= DYNACAST_TICK_MS && this.#video.size > 0) {
      this.#dynacastMs = nowMs;
      for (const t of this.#video.values()) {
        const u = (t.receiver as SimulcastReceiver).dynacast.update(nowMs);
        if (u) this.#ctx.emit({ type: 'subscribedQualityUpdate', room: this.#room, participant: t.info.participantSid, track: t.sid, maxSpatial: u.maxSpatial, enabled: [...u.enabled] });
      }
    }
  }
}
