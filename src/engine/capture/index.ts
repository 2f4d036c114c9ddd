// src/engine/capture: the capture tap (decrypted RTP/RTCP of a room or participant to
// pcapng, written by the owning worker, bounded buffering, nothing on the packet path
// while off) and media-thread diagnostics (thread CPU, ELU, heap, GC, optional
// per-stage timers) for benchmarks.
export { startCapture, stopCapture, engineDiagnostics, setStageTimers, type StartCaptureOptions } from './api.js';
export { CaptureFile, CAPTURE_IF_IN, CAPTURE_IF_OUT, type CaptureFileOptions, type CaptureFileStats } from './capture-file.js';
export { CaptureSession, type CaptureTarget } from './tap.js';
export { CaptureControl, captureControl, serveCaptureControl, CONTROL_CHANNEL, type CaptureRequest } from './host-control.js';
export { hostDiagnostics, threadDiagnostics, threadCpuMs, type HostDiagnostics, type ThreadDiagnostics } from './diagnostics.js';
export { enableStageTimers, disableStageTimers, resetStageTimers, stageTimes, type StageTimes } from './stage-timer.js';
