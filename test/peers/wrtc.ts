// Helpers around @roamhq/wrtc (libwebrtc M106 inside Node): peer connections, a speech
// source that feeds 10 ms frames of 48 kHz PCM in real time, and a sink that measures the
// PCM it receives. Every wait is bounded. Run inside `unshare -n` (see netns.ts).
//
// Known wrtc defect (node-webrtc issues 636/651): once an RTCAudioSource track has existed
// the process segfaults or hangs at its natural exit. A test file that uses wrtc calls
// exitAfterTests() in its test.after hook, which ends the process with process.exit().
import wrtcModule from '@roamhq/wrtc';
import { ensureSpeechWav, sleep, withTimeout } from './paths.js';
import { energy, readWav, upsampleLinear } from './wav.js';

/** The parts of a W3C RTCPeerConnection the helpers use (wrtc's own types need the DOM lib). */
export interface WrtcPeerConnection {
  readonly localDescription: { type: string; sdp: string } | null;
  readonly connectionState: string;
  readonly iceConnectionState: string;
  readonly iceGatheringState: string;
  createOffer(options?: object): Promise<{ type: string; sdp: string }>;
  createAnswer(options?: object): Promise<{ type: string; sdp: string }>;
  setLocalDescription(d?: { type: string; sdp: string }): Promise<void>;
  setRemoteDescription(d: { type: string; sdp: string }): Promise<void>;
  addTrack(track: WrtcTrack, ...streams: unknown[]): unknown;
  addTransceiver(trackOrKind: WrtcTrack | string, init?: object): unknown;
  getStats(): Promise<{ forEach(cb: (v: Record<string, unknown>) => void): void }>;
  getTransceivers(): Array<{ readonly mid: string | null; readonly currentDirection: string | null; readonly receiver: { readonly track: WrtcTrack } }>;
  addEventListener(type: string, cb: (ev: any) => void): void;
  removeEventListener(type: string, cb: (ev: any) => void): void;
  close(): void;
}
export interface WrtcTrack { readonly kind: string; readonly id: string; stop(): void }
interface AudioSourceLike { createTrack(): WrtcTrack; onData(d: object): void }
interface AudioSinkLike { ondata: ((d: AudioFrame) => void) | null; stop(): void }
interface AudioFrame { samples: Int16Array; sampleRate: number; channelCount: number; numberOfFrames: number; bitsPerSample: number }

const wrtc = wrtcModule as unknown as {
  RTCPeerConnection: new (config?: object) => WrtcPeerConnection;
  nonstandard: {
    RTCAudioSource: new () => AudioSourceLike;
    RTCAudioSink: new (track: WrtcTrack) => AudioSinkLike;
  };
};
export { wrtc };

/** A new wrtc RTCPeerConnection (no ICE servers: host candidates only). */
export function createWrtcPc(config: object = {}): WrtcPeerConnection {
  return new wrtc.RTCPeerConnection(config);
}

function waitFor(pc: WrtcPeerConnection, event: string, done: () => boolean, failed: () => boolean,
  ms: number, what: string): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (done()) { finish(); resolve(); } else if (failed()) { finish(); reject(new Error(`${what} failed`)); }
    };
    const timer = setTimeout(() => { finish(); reject(new Error(`${what} not reached after ${ms} ms`)); }, ms);
    const finish = (): void => { clearTimeout(timer); pc.removeEventListener(event, check); };
    pc.addEventListener(event, check);
  });
}

/** Resolves when ICE gathering is complete (so localDescription holds every candidate). */
export function waitIceGathering(pc: WrtcPeerConnection, ms = 5_000): Promise<void> {
  return waitFor(pc, 'icegatheringstatechange', () => pc.iceGatheringState === 'complete', () => false, ms, 'ICE gathering');
}

/** Resolves when connectionState is 'connected' (ICE and DTLS done); rejects on 'failed'. */
export function waitConnected(pc: WrtcPeerConnection, ms = 10_000): Promise<void> {
  return waitFor(pc, 'connectionstatechange', () => pc.connectionState === 'connected',
    () => pc.connectionState === 'failed', ms, 'connectionState connected');
}

/** Non-trickle offer/answer between two local peers; returns the SDP texts applied. */
export async function offerAnswer(a: WrtcPeerConnection, b: WrtcPeerConnection, ms = 10_000): Promise<{ offer: string; answer: string }> {
  return withTimeout((async () => {
    await a.setLocalDescription(await a.createOffer());
    await waitIceGathering(a, ms);
    const offer = a.localDescription!.sdp;
    await b.setRemoteDescription({ type: 'offer', sdp: offer });
    await b.setLocalDescription(await b.createAnswer());
    await waitIceGathering(b, ms);
    const answer = b.localDescription!.sdp;
    await a.setRemoteDescription({ type: 'answer', sdp: answer });
    return { offer, answer };
  })(), ms, 'wrtc offerAnswer');
}

/** Resolves with the first remote track of `kind` that `pc` receives. */
export function waitForTrack(pc: WrtcPeerConnection, kind: 'audio' | 'video' = 'audio', ms = 10_000): Promise<WrtcTrack> {
  return new Promise((resolve, reject) => {
    const onTrack = (ev: { track: WrtcTrack }): void => {
      if (ev.track.kind !== kind) return;
      clearTimeout(timer); pc.removeEventListener('track', onTrack); resolve(ev.track);
    };
    const timer = setTimeout(() => { pc.removeEventListener('track', onTrack); reject(new Error(`no ${kind} track after ${ms} ms`)); }, ms);
    pc.addEventListener('track', onTrack);
  });
}

/** getStats() as plain objects (`type`, `id`, ...). */
export async function wrtcStats(pc: WrtcPeerConnection): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  (await withTimeout(pc.getStats(), 5_000, 'wrtc getStats')).forEach((s) => out.push({ ...s }));
  return out;
}

let speech48k: Int16Array | undefined;
/** fixtures/audio/speech16k.wav upsampled to 48 kHz mono (cached). */
export function speechPcm48k(): Int16Array {
  if (!speech48k) {
    const wav = readWav(ensureSpeechWav());
    if (wav.sampleRate !== 16_000 || wav.channels !== 1) throw new Error(`speech16k.wav is ${wav.sampleRate} Hz × ${wav.channels}`);
    speech48k = upsampleLinear(wav.samples, 3);
  }
  return speech48k;
}

export interface SpeechSender {
  readonly track: WrtcTrack;
  /** 10 ms frames handed to the source so far. */
  readonly framesSent: number;
  /** Stops the timer and the track. Idempotent. */
  stop(): void;
}

/**
 * An RTCAudioSource playing `pcm` (default: the speech fixture at 48 kHz, looped) in real
 * time as 480-sample (10 ms) frames. Frames are sent against the wall clock, catching up
 * after a late timer (at most 10 frames at once).
 */
export function createSpeechSender(pcm48k: Int16Array = speechPcm48k()): SpeechSender {
  const source = new wrtc.nonstandard.RTCAudioSource();
  const track = source.createTrack();
  const FRAME = 480;
  const frame = new Int16Array(FRAME);
  const t0 = Date.now();
  let sent = 0;
  let pos = 0;
  let stopped = false;
  const tick = (): void => {
    const due = Math.floor((Date.now() - t0) / 10) + 1;
    for (let n = 0; sent < due && n < 10; n++, sent++) {
      for (let i = 0; i < FRAME; i++) { frame[i] = pcm48k[pos]!; pos = pos + 1 === pcm48k.length ? 0 : pos + 1; }
      source.onData({ samples: frame, sampleRate: 48_000, bitsPerSample: 16, channelCount: 1, numberOfFrames: FRAME });
    }
  };
  const timer = setInterval(tick, 10);
  tick();
  return {
    track,
    get framesSent() { return sent; },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      track.stop();
    },
  };
}

export interface AudioSink {
  /** Frames (callbacks) received so far. */
  readonly frames: number;
  /** Samples received (all channels). */
  readonly samples: number;
  /** Sum of squared normalised samples received so far (see wav.energy). */
  readonly energy: number;
  readonly sampleRate: number;
  readonly channelCount: number;
  /** Resolves once `pred(this)` holds; polls every 50 ms, rejects after `ms`. */
  waitFor(pred: (s: AudioSink) => boolean, ms?: number): Promise<void>;
  /** Stops the sink. Idempotent. */
  stop(): void;
}

/** Collects the PCM a received wrtc track plays out and its energy. */
export function createAudioSink(track: WrtcTrack): AudioSink {
  const sink = new wrtc.nonstandard.RTCAudioSink(track);
  let stopped = false;
  const s = {
    frames: 0, samples: 0, energy: 0, sampleRate: 0, channelCount: 0,
    async waitFor(pred: (x: AudioSink) => boolean, ms = 10_000): Promise<void> {
      const deadline = Date.now() + ms;
      while (!pred(s)) {
        if (Date.now() > deadline) throw new Error(`audio sink: condition not met after ${ms} ms (frames ${s.frames}, energy ${s.energy})`);
        await sleep(50);
      }
    },
    stop() { if (!stopped) { stopped = true; sink.ondata = null; sink.stop(); } },
  };
  sink.ondata = (d) => {
    s.frames++;
    s.samples += d.samples.length;
    s.energy += energy(d.samples);
    s.sampleRate = d.sampleRate;
    s.channelCount = d.channelCount;
  };
  return s;
}

/**
 * Ends the process with process.exit(exitCode) shortly after uvu has printed its summary
 * (call it in test.after, after closing peers): wrtc otherwise segfaults or hangs at exit.
 */
export function exitAfterTests(delayMs = 300): void {
  setTimeout(() => process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0), delayMs);
}
