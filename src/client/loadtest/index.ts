// The load tester behind `npm run loadtest` (src/cli/loadtest.ts).
export { runLoadTest, planParticipants, type LoadTestHooks } from './runner.js';
export { parseLoadTestArgs, defaultLoadTestOptions, LOADTEST_HELP, type LoadTestOptions } from './options.js';
export { summarize, summaryText, progressLine, type LoadTestSummary, type LoadTestSample, type TrackSummary } from './summary.js';
export { chartHtml } from './chart.js';
export { threadCpuMs, processCpuMs, threadId } from './thread-cpu.js';
