// Transport-wide congestion control cores: the receive-side recorder that builds TWCC
// feedback for publishers, and the send-side history that turns subscribers' feedback
// into per-packet results for src/sfu/bwe. Pure: callers pass the time in.
export { SeqUnwrapper } from './seq-unwrap.js';
export { TwccRecorder, defaultTwccRecorderConfig, type TwccRecorderConfig } from './twcc-recorder.js';
export { SendHistory, FeedbackResults, SentFlags, type SendHistoryCounters } from './send-history.js';
