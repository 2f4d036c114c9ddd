// Helpers for real-peer tests (*.peer.test.ts, run inside `unshare -n` by the test runner).
export { assertInsideNetns, nonLoopbackInterfaces, NotInNetnsError, NETNS_MESSAGE } from './netns.js';
export { REPO_ROOT, FIXTURES_DIR, SPEECH_WAV, CHROMIUM_PATH, ensureSpeechWav, withTimeout, sleep } from './paths.js';
export {
  launchChromium, chromiumArgs, chromiumVersion, evalInPage, pageStats, pollStats, statsOf, statNumber,
  type ChromiumOptions, type ChromiumPeer, type StatsEntry, type PollOptions,
} from './chromium.js';
export { startStaticServer, type StaticServer, type StaticServerOptions } from './http.js';
export { PAGE_HELPERS_JS, DEFAULT_PAGE_HTML } from './page-helpers.js';
export {
  wrtc, createWrtcPc, waitIceGathering, waitConnected, offerAnswer, waitForTrack, wrtcStats, speechPcm48k,
  createSpeechSender, createAudioSink, exitAfterTests,
  type WrtcPeerConnection, type WrtcTrack, type SpeechSender, type AudioSink,
} from './wrtc.js';
export { parseWav, readWav, upsampleLinear, energy, rms, type Pcm } from './wav.js';
export { startCapture, readUdpDatagrams, classifyDatagram, type Capture, type CaptureOptions, type UdpDatagram } from './tshark.js';
export { describeDtls, describeStun, verifyStunIntegrity, describeRtp, describeRtcp } from './wire-describe.js';
export { captured, chromiumToChromium, chromiumAndWrtc, udpPorts, type Session } from './capture-sessions.js';
