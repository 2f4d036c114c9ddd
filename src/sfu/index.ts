// src/sfu: the media core — Receiver (one per published track), DownTrack (one per
// subscriber per track), seq/ts munging, receive statistics and RTCP routing.
export { RtpMunger, MungeResult, seqDiff } from './rtp-munger.js';
export { Vp8Munger, Vp8Source, fanoutVp8 } from './vp8-munger.js';
export { PublisherDemux } from './publisher-demux.js';
export { TemporalFilter, ALL_TEMPORAL, temporalForFps, type TemporalCounters } from './temporal-filter.js';
export { Receiver, type ReceiverOptions, type ReceiverCodec, type ReceiverCounters, type RtcpSink } from './receiver.js';
export { DownTrack, type DownTrackOptions, type DownTrackCounters, type RtpSink } from './down-track.js';
export { Retransmitter, type RetransmitterOptions, type RetransmitterCounters, type RetransmitSink } from './retransmitter.js';
export { ReceiveStats } from './receive-stats.js';
export { SubscriberRtcp, PublisherRtcp, type RtcpRouterCounters, type TransportFeedbackSink } from './rtcp-router.js';
export { SubscriberSender, SLOT_BYTES, type SubscriberSenderOptions, type SubscriberSenderCounters, type SubscriberSenderStats, type KindSink, type PacketSink, type PacerMode, type EstimateListener, type ProbeSource, type LateReleaseListener } from './subscriber-sender.js';
export { PublisherTwcc, type PublisherTwccCounters, type RtcpOut } from './publisher-twcc.js';
export { ntpSeconds, ntpFraction, ntpMiddle } from './ntp-time.js';
export { SimulcastReceiver, SimulcastDemux, spatialOfRid, SIMULCAST_LAYERS, type LayerReceiverFactory, type SimulcastReceiverOptions } from './simulcast-receiver.js';
export { Forwarder, FwdDecision, type ForwarderCounters } from './forwarder.js';
export { SubscriberAllocation, LossBasedEstimate, defaultLossBasedEstimateConfig, type EstimateSource, type LossBasedEstimateConfig, type SubscriberAllocationEvent, type SubscriberAllocationOptions } from './allocator-glue.js';
export type { FanoutSink, TrackSource } from './track-source.js';
export { RedToPrimary } from './red-forward.js';
