// src/sdp — SDP parse/build and offer/answer for browsers. Depends on nothing above it.
//
//   parseSdp(text) -> SessionDescription          typed; unknown a= lines kept; throws SdpError only
//   serializeSdp(sd) -> text (CRLF)
//   answerOffer(offer, AnswerParams) -> { sdp, answer, offer, negotiated }
//       PUBLISHER transport: the client offers, we answer (ice-lite, BUNDLE, rtcp-mux,
//       setup passive -> we are the DTLS server; codecs in OUR order with THEIR payload types)
//   new SubscriberOffers(opts).createOffer(SubscriberOfferParams) -> { sdp, offer }
//   subscriberOffers.applyAnswer(answer) -> NegotiatedSession
//       SUBSCRIBER transport: we offer (setup actpass; the browser answers active, so we
//       are the DTLS server here too), mids stable across renegotiations
//   applyAnswer(offer, answer) -> NegotiatedSession   the pure check behind it
//   defaultCapabilities / Capabilities                 which codecs and extensions we accept
//   NegotiatedSession / NegotiatedMedia                what the engine needs per mid
export { SdpError, type SdpErrorCode } from './errors.js';
export * from './types.js';
export { parseSdp, MAX_SDP_BYTES, MAX_LINE_BYTES } from './parse.js';
export { serializeSdp, formatExtmap } from './serialize.js';
export { parseCandidate, formatCandidate, candidatePriority } from './candidate.js';
export { parseRid, formatRid, parseSimulcast, formatSimulcast } from './simulcast.js';
export { parseFingerprint, parseExtmap } from './attributes.js';
export { parseFmtpParameters, formatFmtpParameters } from './fmtp.js';
export { parseH264ProfileLevelId, h264SameCodec, h264LevelLess, formatH264ProfileLevelId, type H264Profile, type H264ProfileLevel } from './h264.js';
export { defaultCapabilities, EXT, type Capabilities, type CodecCapability, type HeaderExtensionCapability, type MediaKind, type RtcpFeedback } from './codecs.js';
export { sectionCodecs, codecMatches, type SectionCodec } from './codec-match.js';
export { hostCandidates, type LocalCandidate, type LocalTransport } from './local-transport.js';
export { answerOffer, answerSetup, type AnswerParams, type AnswerResult } from './answer.js';
export { sectionTransport, senderStreams } from './negotiated.js';
export type { NegotiatedCodec, NegotiatedMedia, NegotiatedSession, SenderStreams, StreamSsrc } from './negotiated.js';
export { applyAnswer } from './apply-answer.js';
export { SubscriberOffers, createOffer, type SlotState, type SubscriberOfferOptions, type SubscriberOfferParams, type CreatedOffer } from './offer.js';
export type { OfferCodec, SubscriberTrack } from './offer-media.js';
