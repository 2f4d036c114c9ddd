// Send-side bandwidth estimation (GCC-style): delay-based (packet groups, trendline,
// adaptive-threshold overuse detector, AIMD), acknowledged bitrate, loss-based control
// and a REMB cap, combined in SendSideBwe. Pure cores: callers pass nowMs.
export { defaultBweConfig, BandwidthUsage, BweState, bweStateName, CongestionCause, type BweConfig } from './config.js';
export { SendSideBwe, BweEstimate, type PacketResults } from './send-side-bwe.js';
export { InterArrival } from './inter-arrival.js';
export { TrendlineEstimator } from './trendline-estimator.js';
export { AimdRateControl, RateControlState } from './aimd-rate-control.js';
export { AckedBitrate } from './acked-bitrate.js';
export { LossBasedControl, LossAction } from './loss-based.js';
export { SubscriberCongestionControl, type SubscriberCcOptions, type SubscriberCcCounters } from './subscriber-cc.js';
export { ProbeEstimator, type ProbeResults } from './probe-estimator.js';
export { ProbeController, defaultProbeControllerConfig, type ProbeControllerConfig, type ProbeControllerCounters } from './probe-controller.js';
