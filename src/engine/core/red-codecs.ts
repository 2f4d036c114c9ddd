// RED (RFC 2198) for Opus on the engine's m-lines. A publisher's answer may put `red`
// first (then the client sends RED); the track's codec is still Opus and the RED payload
// type goes to the Receiver. Subscribers of such a track are offered Opus and red; the
// ones whose answer keeps red get the RED packets, the others the primary block as Opus
// (src/sfu/red-forward.ts).
import type { NegotiatedCodec, NegotiatedMedia } from '../../sdp/index.js';

const isRed = (c: NegotiatedCodec): boolean => c.name.toLowerCase() === 'red';

/** The m-line's media codec (the first that is not red) and the RED payload type (-1: none). */
export function mediaCodecOf(m: NegotiatedMedia): { codec: NegotiatedCodec | undefined; redPayloadType: number } {
  const codec = m.codecs.find((c) => !isRed(c));
  const red = m.kind === 'audio' && codec?.name.toLowerCase() === 'opus' ? m.codecs.find(isRed) : undefined;
  return { codec, redPayloadType: red ? red.payloadType : -1 };
}

/** The subscriber's RED payload type in its answer (undefined: it did not keep red). */
export function subscriberRedPt(m: NegotiatedMedia): number | undefined {
  return m.codecs.find(isRed)?.payloadType;
}

/** The red codec entry to add to a subscriber offer. */
export const RED_OFFER_CODEC = { name: 'red', clockRate: 48000, channels: 2 } as const;
