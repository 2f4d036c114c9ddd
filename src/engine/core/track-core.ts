// A published track inside a media host: its Receiver and the DownTracks made from it.
import type { DownTrack, Receiver, SimulcastReceiver } from '../../sfu/index.js';
import type { NegotiatedCodec } from '../../sdp/index.js';
import type { TrackInfo } from '../protocol.js';

export class TrackCore {
  readonly info: TrackInfo;
  /** One Receiver, or a SimulcastReceiver (rid simulcast: a Receiver per layer). */
  readonly receiver: Receiver | SimulcastReceiver;
  /** The publisher's negotiated codec and header extension ids (uri -> id). */
  readonly codec: NegotiatedCodec;
  readonly headerExtensions: Record<string, number>;
  readonly #downTracks = new Set<DownTrack>();

  constructor(info: TrackInfo, receiver: Receiver | SimulcastReceiver, codec: NegotiatedCodec, headerExtensions: Record<string, number>) {
    this.info = info;
    this.receiver = receiver;
    this.codec = codec;
    this.headerExtensions = headerExtensions;
  }

  get sid(): string { return this.info.sid; }
  get muted(): boolean { return this.info.muted; }

  attach(dt: DownTrack, nowMs: number): void {
    this.#downTracks.add(dt);
    if (this.info.muted) dt.setMuted(true, nowMs);
    dt.start(nowMs);
  }

  detach(dt: DownTrack): void {
    this.#downTracks.delete(dt);
    dt.close();
  }

  /** Server-side mute: every subscriber stops (and later resumes seamlessly). */
  setMuted(muted: boolean, nowMs: number): boolean {
    if (this.info.muted === muted) return false;
    this.info.muted = muted;
    for (const dt of this.#downTracks) dt.setMuted(muted, nowMs);
    return true;
  }

  close(): void {
    this.#downTracks.clear();
    this.receiver.close();
  }
}
