// src/sfu/audio: active-speaker detection from RFC 6464 audio levels.
//
//   const obs = new AudioLevelObserver();                    // one per room
//   const h = obs.addTrack(trackId, nowMs);                  // per published audio track
//   // per audio packet (ssrc-audio-level extension found at `o`): h.observeByte(buf[o]);
//   // every ~100-200 ms: const u = obs.tick(nowMs); if (u.changed) emit(u.speakers.map(...))
export {
  AudioLevelObserver, AudioLevelTrack, defaultAudioLevelObserverConfig,
  type AudioLevelObserverConfig, type SpeakerUpdate,
} from './audio-level-observer.js';
export { AudioLevelConfigError } from './errors.js';
