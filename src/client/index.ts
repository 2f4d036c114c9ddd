// src/client: the stack in the client role (ICE controlling, DTLS client) for load tests
// and tests — many synthetic participants per thread.
//
//   SignalClient.connect({url, token}) -> join; publish(offer) -> answer; addTrack; sendAnswer; leave
//   new ClientNetwork()                 one certificate + ICE/DTLS timer + pacing timer per thread;
//                                       one UDP socket per client transport (see client-network.ts)
//   new SyntheticParticipant({network, url, token, publishTracks, speech, subscribe}).start()
//                                       publishes Opus, answers subscriber offers, counts per track,
//                                       sends SR/RR once a second (LSR/DLSR echoed for server RTT)
//   encodeSpeech() -> EncodedSpeech     16 kHz speech encoded once with Opus (20 ms frames)
//   OpusSender                          one published track: paced RTP with audio-level,
//                                       transport-cc, mid and abs-capture-time (send time)
//   TrackReceiveStats                   per subscribed track: packets, loss, jitter, latency histogram
//   buildPublisherOffer / readPublisherAnswer / answerSubscriberOffer   client-side SDP
//   src/client/loadtest                 the load tester behind `npm run loadtest` (worker threads)
export { ClientError, errorKind, type ClientErrorCode } from './errors.js';
export { SignalClient, type SignalClientEvents, type SignalConnectOptions } from './signal-client.js';
export { ClientNetwork, type ClientNetworkOptions } from './client-network.js';
export { SyntheticParticipant, type SyntheticParticipantOptions, type PublishedTrack } from './synthetic-participant.js';
export { encodeSpeech, loadSpeechPcm, synthesizeVoice, audioLevelDbov, seededRandom, SPEECH_WAV, SAMPLE_RATE, FRAME_SAMPLES, RTP_TS_STEP, type EncodedSpeech, type SpeechOptions } from './speech.js';
export { OpusSender, wallMs, NTP_UNIX_OFFSET_MS, type OpusSenderOptions } from './opus-sender.js';
export { TrackReceiveStats, LATENCY_BINS, latencyBin, latencyBinMs, histogramPercentile } from './receive-stats.js';
export {
  buildPublisherOffer, readPublisherAnswer, answerSubscriberOffer, readRemoteTransport, extmapId, newClientSessionId,
  CLIENT_AUDIO_EXTENSIONS, type ClientTransportParams, type PublishTrackSpec, type PublisherOfferParams, type RemoteTransport,
  type PublisherAnswerInfo, type SubscribedMedia, type SubscriberAnswerResult,
} from './sdp.js';
export { parseWav, type Pcm } from './wav.js';
