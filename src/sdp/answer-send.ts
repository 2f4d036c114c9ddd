// Sending on an answered m-line (LiveKit's single peer connection, /rtc/v1): the client
// offers recvonly sections (placeholders) and we answer the ones we assigned a
// subscribed track to with sendonly (sendrecv when the client also sends there), only
// the track's codec (+ its RTX, + RED for audio when the track carries RED), the
// offer's payload types, and a=msid / a=ssrc for the track, so the client's
// ontrack sees "participantSid|trackSid" as LiveKit's server writes it.
import { h264SameCodec } from './h264.js';
import type { SectionCodec } from './codec-match.js';
import type { SubscriberTrack } from './offer-media.js';
import type { Direction, MediaSection } from './types.js';

/** Can the offerer receive on this m-line (so we may send there)? */
export function offererReceives(d: Direction): boolean { return d === 'recvonly' || d === 'sendrecv'; }

/** Our direction when we send on a section the offerer offered with `d` (offererReceives(d) must hold). */
export function sendingDirection(d: Direction): Direction { return d === 'sendrecv' ? 'sendrecv' : 'sendonly'; }

function sameCodec(c: SectionCodec, want: SubscriberTrack['codecs'][number]): boolean {
  if (c.name.toLowerCase() !== want.name.toLowerCase() || c.clockRate !== want.clockRate) return false;
  if (c.name.toLowerCase() === 'h264' && want.parameters) return h264SameCodec(c.parameters, want.parameters);
  return true;
}

/**
 * The answer's codecs when we send `t` there: of the accepted ones (already in our
 * preference order, offer payload types), the track's primary codec first, RED when the
 * track lists it and the offer has it, RTX of the kept primary. Empty when the section
 * cannot carry the track (its codec was not offered there).
 */
export function sendCodecs(accepted: SectionCodec[], t: SubscriberTrack): SectionCodec[] {
  const primaries = t.codecs.filter((c) => c.name.toLowerCase() !== 'red');
  const primary = primaries.map((w) => accepted.find((c) => sameCodec(c, w))).find((c) => c !== undefined);
  if (!primary) return [];
  const out: SectionCodec[] = [];
  const wantsRed = t.codecs.some((c) => c.name.toLowerCase() === 'red');
  const red = wantsRed ? accepted.find((c) => c.name.toLowerCase() === 'red' && c.clockRate === primary.clockRate) : undefined;
  if (red) out.push(red);
  out.push(primary);
  const rtx = accepted.find((c) => c.name.toLowerCase() === 'rtx' && c.parameters['apt'] === String(primary.payloadType));
  if (rtx) out.push(rtx);
  return out;
}
