// RED (RFC 2198) towards one subscriber. A publisher that negotiated `red/48000/2` for
// Opus may send RED packets (redundant older frames + the primary); a subscriber that
// negotiated red gets them as they are (with its RED payload type); for one that did not,
// RedToPrimary writes the primary block alone as a plain Opus packet into a scratch
// buffer (the source packet is shared by every DownTrack of the fan-out, so it is not
// rewritten in place). DTX: an Opus sender in DTX sends nothing for silence; RED and
// sequence numbers stay contiguous, so a silence is a timestamp jump, never a loss.
//
// Hot path: one scratch buffer, one RtpView and one RedView per DownTrack; no
// allocation per packet.
import { RedView, RtpStatus, RtpView, writeRedPrimary } from '../rtp/index.js';

export class RedToPrimary {
  /** The converted packet (valid until the next call) and a view on it. */
  readonly buf = Buffer.allocUnsafe(1500);
  readonly view = new RtpView();
  readonly #red = new RedView();
  /** RED packets converted, and ones that could not be (malformed: dropped). */
  converted = 0;
  failed = 0;

  /**
   * The RED packet `v` (reset on it) as plain Opus with payload type `opusPt`, written to
   * `this.buf` with `this.view` reset on it. Returns its length, or 0 (malformed RED).
   */
  toPrimary(v: RtpView, opusPt: number): number {
    const red = this.#red;
    if (red.parse(v.buf, v.payloadOffset, v.payloadLength) !== RtpStatus.OK || red.primaryLength <= 0) { this.failed++; return 0; }
    const n = writeRedPrimary(this.buf, 0, v, red, opusPt);
    if (n <= 0 || this.view.reset(this.buf, 0, n) !== RtpStatus.OK) { this.failed++; return 0; }
    this.converted++;
    return n;
  }
}
