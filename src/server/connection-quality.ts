// Connection quality as livekit-server scores it (pkg/sfu/connectionquality, read for
// the facts, not copied): every 5 s each stream's window of packets, loss, jitter and
// RTT gives a score 0..100 from a simplified E-model,
//   delay  = rtt/2 + 2*jitter (ms);  delayEffect = delay/40, or (delay-120)/10 above 160
//   loss   = lost*100/packets * packetLossWeight (opus 8, /1.5 with FEC; video 10)
//   score  = 100 - delayEffect - loss
// smoothed (0.4 of the new value when rising, 0.8 when falling), floored at 30; a dry
// window (no packets) scores 40 (POOR), 20 (LOST) when RTCP stopped too. Quality:
// > 80 EXCELLENT, > 40 GOOD, > 20 POOR, else LOST; reported score is the MOS
// 1 + 0.035 s + 7e-6 s (s-60)(100-s). A participant's quality is its worst stream.
import { ConnectionQuality } from '../signal/messages.js';

export const CQ_UPDATE_INTERVAL_MS = 5_000;
const MAX_SCORE = 100;
const MIN_SCORE = 30;
const INCREASE = 0.4;
const DECREASE = 0.8;
const TRANSITION = { GOOD: 80, POOR: 40, LOST: 20 } as const;

/** One analysis window of a stream. */
export interface WindowStat {
  packets: number;
  lost: number;
  rttMs: number;
  jitterMs: number;
  /** RTCP arrived in the window (for a dry stream: POOR if yes, LOST if not). */
  rtcpSeen: boolean;
}

export function packetLossWeight(kind: 'audio' | 'video', fec = true): number {
  return kind === 'video' ? 10 : fec ? 8 / 1.5 : 8;
}

/** The window's raw score, before smoothing. */
export function packetScore(w: WindowStat, plw: number, includeRtt: boolean, includeJitter: boolean): number {
  let delay = 0;
  if (includeRtt) delay += w.rttMs / 2;
  if (includeJitter) delay += w.jitterMs * 2;
  const delayEffect = delay > 160 ? (delay - 120) / 10 : delay / 40;
  const lossEffect = w.packets > 0 ? (Math.max(0, w.lost) * 100 / w.packets) * plw : 0;
  return Math.max(0, MAX_SCORE - delayEffect - lossEffect);
}

export function scoreToQuality(score: number): ConnectionQuality {
  if (score > TRANSITION.GOOD) return ConnectionQuality.EXCELLENT;
  if (score > TRANSITION.POOR) return ConnectionQuality.GOOD;
  if (score > TRANSITION.LOST) return ConnectionQuality.POOR;
  return ConnectionQuality.LOST;
}

export function scoreToMos(score: number): number {
  if (score <= 0) return 1;
  if (score >= 100) return 4.5;
  return 1 + 0.035 * score + 0.000007 * score * (score - 60) * (100 - score);
}

/** The smoothed score of one stream (LiveKit's qualityScorer, without the bitrate/layer terms). */
export class StreamScorer {
  score = MAX_SCORE;
  constructor(readonly plw: number, readonly includeRtt: boolean, readonly includeJitter: boolean) {}

  /** One window; a muted/paused stream keeps EXCELLENT (LiveKit resets the score on mute). */
  update(w: WindowStat, muted = false): number {
    if (muted) { this.score = MAX_SCORE; return this.score; }
    let s: number;
    if (w.packets === 0) s = w.rtcpSeen ? TRANSITION.POOR : TRANSITION.LOST;
    else {
      const raw = packetScore(w, this.plw, this.includeRtt, this.includeJitter);
      const f = raw < this.score ? DECREASE : INCREASE;
      s = Math.max(MIN_SCORE, f * raw + (1 - f) * this.score);
    }
    this.score = s;
    return s;
  }
}

/** Worst of a participant's streams: the quality and the MOS LiveKit reports. */
export function participantQuality(scores: readonly number[]): { quality: ConnectionQuality; score: number } {
  const worst = scores.length ? Math.min(...scores) : MAX_SCORE;
  return { quality: scoreToQuality(worst), score: scoreToMos(worst) };
}
