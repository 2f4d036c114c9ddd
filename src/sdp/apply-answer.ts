// Checks a client's answer to our subscriber offer and returns what was negotiated.
// Rules: same number of m-lines with the same mids and kinds; every answered payload
// type was offered with the same codec; answered header extensions were offered with the
// same id; ICE credentials and a fingerprint present; a=setup:active (we offered actpass
// and want to remain the DTLS server); BUNDLE only over offered mids.
import { sectionCodecs } from './codec-match.js';
import { SdpError } from './errors.js';
import { negotiate } from './negotiate.js';
import { sectionTransport, type NegotiatedSession } from './negotiated.js';
import { parseSdp } from './parse.js';
import { isRejected, type SessionDescription } from './types.js';

export function applyAnswer(offerInput: string | SessionDescription, answerInput: string | SessionDescription): NegotiatedSession {
  const offer = typeof offerInput === 'string' ? parseSdp(offerInput) : offerInput;
  const answer = typeof answerInput === 'string' ? parseSdp(answerInput) : answerInput;
  if (answer.media.length !== offer.media.length) {
    throw new SdpError('mid-mismatch', `the answer has ${answer.media.length} m-lines, the offer ${offer.media.length}`);
  }
  let firstLive: number | undefined;
  answer.media.forEach((am, i) => {
    const om = offer.media[i]!;
    if (am.mid !== om.mid) throw new SdpError('mid-mismatch', `m-line ${i}: answer mid ${am.mid} != offer mid ${om.mid}`, undefined, undefined, om.mid);
    if (am.kind !== om.kind) throw new SdpError('mid-mismatch', `m-line ${i}: answer kind ${am.kind} != offer kind ${om.kind}`, undefined, undefined, om.mid);
    if (am.port === 0 || isRejected(om)) return;
    firstLive ??= i;
    if (am.kind === 'application') return;
    const offered = sectionCodecs(om);
    const answered = sectionCodecs(am);
    for (const c of answered) {
      const o = offered.find((x) => x.payloadType === c.payloadType);
      if (!o || o.name.toLowerCase() !== c.name.toLowerCase() || o.clockRate !== c.clockRate) {
        throw new SdpError('codec-mismatch', `mid ${am.mid}: payload type ${c.payloadType} (${c.name}/${c.clockRate}) was not offered`, undefined, undefined, am.mid);
      }
    }
    if (!answered.some((c) => c.name.toLowerCase() !== 'rtx')) {
      throw new SdpError('no-common-codec', `mid ${am.mid}: the answer accepts no codec`, undefined, undefined, am.mid);
    }
    for (const e of am.extmaps) {
      const o = om.extmaps.find((x) => x.uri === e.uri);
      if (!o || o.id !== e.id) throw new SdpError('codec-mismatch', `mid ${am.mid}: extension ${e.uri} id ${e.id} was not offered`, undefined, undefined, am.mid);
    }
  });
  const offeredBundle = offer.groups.find((g) => g.semantics === 'BUNDLE')?.mids ?? [];
  for (const g of answer.groups) {
    if (g.semantics !== 'BUNDLE') continue;
    for (const mid of g.mids) if (!offeredBundle.includes(mid)) throw new SdpError('not-bundled', `the answer bundles mid ${mid}, which the offer did not`, undefined, undefined, mid);
  }
  if (firstLive !== undefined) {
    const am = answer.media[firstLive]!;
    const t = sectionTransport(answer, am);
    if (!t.ufrag || !t.pwd) throw new SdpError('missing-ice-credentials', 'the answer has no a=ice-ufrag / a=ice-pwd', undefined, undefined, am.mid);
    if (!t.fingerprints.length) throw new SdpError('missing-fingerprint', 'the answer has no a=fingerprint', undefined, undefined, am.mid);
    if (t.setup !== 'active') throw new SdpError('bad-setup', `the answer has a=setup:${t.setup ?? '(none)'}; we offered actpass and need active`, undefined, undefined, am.mid);
  }
  return negotiate(answer, offer, 'offerer');
}
