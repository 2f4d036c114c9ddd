// Which offered m-line carries which subscribed track, when the client is always the
// offerer (LiveKit's single peer connection, /rtc/v1). The client offers recvonly
// placeholder sections; each answer assigns subscriptions to free ones of their kind.
// A section freed by an unsubscribe is answered inactive once before it is reused, so
// the browser sees the old track end (its direction drops recv) and fires ontrack for
// the next one. What does not fit is reported, and the caller asks the client for more
// sections (MediaSectionsRequirement), as LiveKit's server does.
import { isRejected, type MediaSection, type SessionDescription } from '../../sdp/index.js';

export type SendKind = 'audio' | 'video';

export interface SendCandidate {
  trackSid: string;
  kind: SendKind;
  /** Can this offered section carry the track (its codec is offered there)? */
  fits(m: MediaSection): boolean;
}

export interface SendPlan {
  /** mid -> track sid for this answer (existing assignments and new ones). */
  assign: Map<string, string>;
  /** Tracks that lost their section (the offer dropped or stopped it): stop sending them. */
  lost: string[];
  /** Subscriptions still without a section, by kind. */
  missing: Record<SendKind, number>;
}

const receives = (m: MediaSection, sd: SessionDescription): boolean => {
  const d = m.direction ?? sd.direction ?? 'sendrecv';
  return d === 'recvonly' || d === 'sendrecv';
};

export class SendSections {
  readonly #midOf = new Map<string, string>();
  readonly #trackOf = new Map<string, string>();
  /** Freed since the last plan: answered inactive once, reusable from the next offer. */
  readonly #cooling = new Set<string>();
  /** Free sections per kind after the last plan (to size a MediaSectionsRequirement). */
  readonly free: Record<SendKind, number> = { audio: 0, video: 0 };

  midOf(trackSid: string): string | undefined { return this.#midOf.get(trackSid); }
  get mapping(): Record<string, string> { return Object.fromEntries(this.#trackOf); }

  /** The track no longer wants its section (unsubscribed). */
  release(trackSid: string): void {
    const mid = this.#midOf.get(trackSid);
    if (mid === undefined) return;
    this.#midOf.delete(trackSid);
    this.#trackOf.delete(mid);
    this.#cooling.add(mid);
  }

  /** Assign sections of a new client offer to `wanted` (the subscriptions, in order). */
  plan(offer: SessionDescription, wanted: SendCandidate[]): SendPlan {
    const byMid = new Map<string, MediaSection>();
    for (const m of offer.media) {
      if (m.mid !== undefined && (m.kind === 'audio' || m.kind === 'video') && !isRejected(m) && receives(m, offer)) byMid.set(m.mid, m);
    }
    const want = new Map(wanted.map((w) => [w.trackSid, w]));
    const lost: string[] = [];
    for (const [track, mid] of [...this.#midOf]) {
      const m = byMid.get(mid);
      const w = want.get(track);
      if (w && m && m.kind === w.kind && w.fits(m)) continue;
      this.#midOf.delete(track);
      this.#trackOf.delete(mid);
      if (w) lost.push(track);
      else this.#cooling.add(mid);
    }
    const missing: Record<SendKind, number> = { audio: 0, video: 0 };
    for (const w of wanted) {
      if (this.#midOf.has(w.trackSid)) continue;
      let got: string | undefined;
      for (const [mid, m] of byMid) {
        if (m.kind !== w.kind || this.#trackOf.has(mid) || this.#cooling.has(mid) || !w.fits(m)) continue;
        got = mid;
        break;
      }
      if (got === undefined) { missing[w.kind]++; continue; }
      this.#midOf.set(w.trackSid, got);
      this.#trackOf.set(got, w.trackSid);
    }
    this.free.audio = 0;
    this.free.video = 0;
    for (const [mid, m] of byMid) if (!this.#trackOf.has(mid)) this.free[m.kind as SendKind]++;
    // Sections cooling in this answer are free for the next offer.
    this.#cooling.clear();
    return { assign: new Map(this.#trackOf), lost, missing };
  }

  /** The answer could not carry these (codec mismatch found late): unassign them. */
  drop(mids: string[]): void {
    for (const mid of mids) {
      const t = this.#trackOf.get(mid);
      if (t === undefined) continue;
      this.#trackOf.delete(mid);
      this.#midOf.delete(t);
    }
  }
}
