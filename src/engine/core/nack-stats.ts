// Loss repair counters of one DownTrack for ParticipantStats: NACKed packets that were
// not resent, by reason (responder: not in the Sequencer, too old, retried enough, too
// soon after the last copy, rate limit; retransmitter: gone from the cache).
import type { DownTrack } from '../../sfu/index.js';
import type { ParticipantStats } from '../protocol.js';

export function nackSkipped(d: DownTrack): ParticipantStats['downTracks'][number]['nackSkipped'] {
  const rt = d.retransmitter;
  if (!rt) return { notFound: 0, tooOld: 0, exhausted: 0, tooSoon: 0, rateLimited: 0, cacheMiss: 0 };
  const r = rt.responder;
  return { notFound: r.notFound, tooOld: r.tooOld, exhausted: r.exhausted, tooSoon: r.tooSoon, rateLimited: r.rateLimited, cacheMiss: rt.counters.cacheMiss };
}
